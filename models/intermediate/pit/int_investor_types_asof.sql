{#-
    Every publication of the weekly investor-type statistics with the interval of trading dates
    on which it was the version a model could use: [usable_from, usable_until).
-#}
with

base_jquants__investor_types as (

    select * from {{ ref('base_jquants__investor_types') }}

),

versions as (

    select
        *,
        row_number() over week_publications - 1 as revision_number,
        lead(usable_from) over week_publications as usable_until,
        lead(available_at) over week_publications as superseded_at

    from base_jquants__investor_types
    window week_publications as (
        partition by section, week_start_date, week_end_date
        order by published_date
    )

),

final as (

    select
        section,
        week_start_date,
        week_end_date,
        published_date,
        revision_number,
        superseded_at is null as is_current,
        available_at,
        superseded_at,
        usable_from,
        usable_until,
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
        ingested_at

    from versions

)

select * from final
