{#-
    Current state of the weekly investor-type statistics: per section and week, the latest
    publication (a revision supersedes the original), from base_jquants__investor_types.
-#}
with

base_jquants__investor_types as (

    select * from {{ ref('base_jquants__investor_types') }}

),

numbered as (

    select
        *,
        row_number() over week_publications - 1 as revision_number,
        min(published_date) over week_publications as first_published_date,
        count(*) over (partition by section, week_start_date, week_end_date) as publication_count

    from base_jquants__investor_types
    window week_publications as (
        partition by section, week_start_date, week_end_date
        order by published_date
        rows between unbounded preceding and current row
    )

),

current_state as (

    select * from numbered
    where revision_number = publication_count - 1

),

final as (

    select
        section,
        week_start_date,
        week_end_date,
        published_date,
        revision_number,
        first_published_date,
        proprietary_sell_jpy_thousands,
        proprietary_buy_jpy_thousands,
        proprietary_total_jpy_thousands,
        proprietary_net_buy_jpy_thousands,
        brokerage_sell_jpy_thousands,
        brokerage_buy_jpy_thousands,
        brokerage_total_jpy_thousands,
        brokerage_net_buy_jpy_thousands,
        total_sell_jpy_thousands,
        total_buy_jpy_thousands,
        total_total_jpy_thousands,
        total_net_buy_jpy_thousands,
        individuals_sell_jpy_thousands,
        individuals_buy_jpy_thousands,
        individuals_total_jpy_thousands,
        individuals_net_buy_jpy_thousands,
        foreigners_sell_jpy_thousands,
        foreigners_buy_jpy_thousands,
        foreigners_total_jpy_thousands,
        foreigners_net_buy_jpy_thousands,
        securities_companies_sell_jpy_thousands,
        securities_companies_buy_jpy_thousands,
        securities_companies_total_jpy_thousands,
        securities_companies_net_buy_jpy_thousands,
        investment_trusts_sell_jpy_thousands,
        investment_trusts_buy_jpy_thousands,
        investment_trusts_total_jpy_thousands,
        investment_trusts_net_buy_jpy_thousands,
        business_companies_sell_jpy_thousands,
        business_companies_buy_jpy_thousands,
        business_companies_total_jpy_thousands,
        business_companies_net_buy_jpy_thousands,
        other_companies_sell_jpy_thousands,
        other_companies_buy_jpy_thousands,
        other_companies_total_jpy_thousands,
        other_companies_net_buy_jpy_thousands,
        insurance_companies_sell_jpy_thousands,
        insurance_companies_buy_jpy_thousands,
        insurance_companies_total_jpy_thousands,
        insurance_companies_net_buy_jpy_thousands,
        banks_sell_jpy_thousands,
        banks_buy_jpy_thousands,
        banks_total_jpy_thousands,
        banks_net_buy_jpy_thousands,
        trust_banks_sell_jpy_thousands,
        trust_banks_buy_jpy_thousands,
        trust_banks_total_jpy_thousands,
        trust_banks_net_buy_jpy_thousands,
        other_financial_institutions_sell_jpy_thousands,
        other_financial_institutions_buy_jpy_thousands,
        other_financial_institutions_total_jpy_thousands,
        other_financial_institutions_net_buy_jpy_thousands,
        available_at,
        usable_from,
        ingested_at,
        ingest_source,
        dlt_load_id

    from current_state

)

select * from final
