{#-
    Every publication of the weekly investor-type statistics (one row per section, week and
    publication date), latest load of each. The history behind stg_jquants__investor_types
    (current state) and int_investor_types_asof.
-#}
with

source as (

    select * from {{ source_or_empty('jquants', 'investor_types') }}
    where {{ as_known_at_predicate('_ingested_at') }}

),

pit_calendar as (

    {{ point_in_time_calendar() }}

),

renamed as (

    select
        -- keys
        cast(section as varchar) as section,
        cast(st_date as date) as week_start_date,
        cast(en_date as date) as week_end_date,
        cast(pub_date as date) as published_date,

        -- trading value by investor type, JPY thousands (V2 <Group><Side>; net_buy = buy - sell)
        cast(prop_sell as double) as proprietary_sell_jpy_thousands,
        cast(prop_buy as double) as proprietary_buy_jpy_thousands,
        cast(prop_tot as double) as proprietary_total_jpy_thousands,
        cast(prop_bal as double) as proprietary_net_buy_jpy_thousands,
        cast(brk_sell as double) as brokerage_sell_jpy_thousands,
        cast(brk_buy as double) as brokerage_buy_jpy_thousands,
        cast(brk_tot as double) as brokerage_total_jpy_thousands,
        cast(brk_bal as double) as brokerage_net_buy_jpy_thousands,
        cast(tot_sell as double) as total_sell_jpy_thousands,
        cast(tot_buy as double) as total_buy_jpy_thousands,
        cast(tot_tot as double) as total_total_jpy_thousands,
        cast(tot_bal as double) as total_net_buy_jpy_thousands,
        cast(ind_sell as double) as individuals_sell_jpy_thousands,
        cast(ind_buy as double) as individuals_buy_jpy_thousands,
        cast(ind_tot as double) as individuals_total_jpy_thousands,
        cast(ind_bal as double) as individuals_net_buy_jpy_thousands,
        cast(frgn_sell as double) as foreigners_sell_jpy_thousands,
        cast(frgn_buy as double) as foreigners_buy_jpy_thousands,
        cast(frgn_tot as double) as foreigners_total_jpy_thousands,
        cast(frgn_bal as double) as foreigners_net_buy_jpy_thousands,
        cast(sec_co_sell as double) as securities_companies_sell_jpy_thousands,
        cast(sec_co_buy as double) as securities_companies_buy_jpy_thousands,
        cast(sec_co_tot as double) as securities_companies_total_jpy_thousands,
        cast(sec_co_bal as double) as securities_companies_net_buy_jpy_thousands,
        cast(inv_tr_sell as double) as investment_trusts_sell_jpy_thousands,
        cast(inv_tr_buy as double) as investment_trusts_buy_jpy_thousands,
        cast(inv_tr_tot as double) as investment_trusts_total_jpy_thousands,
        cast(inv_tr_bal as double) as investment_trusts_net_buy_jpy_thousands,
        cast(bus_co_sell as double) as business_companies_sell_jpy_thousands,
        cast(bus_co_buy as double) as business_companies_buy_jpy_thousands,
        cast(bus_co_tot as double) as business_companies_total_jpy_thousands,
        cast(bus_co_bal as double) as business_companies_net_buy_jpy_thousands,
        cast(oth_co_sell as double) as other_companies_sell_jpy_thousands,
        cast(oth_co_buy as double) as other_companies_buy_jpy_thousands,
        cast(oth_co_tot as double) as other_companies_total_jpy_thousands,
        cast(oth_co_bal as double) as other_companies_net_buy_jpy_thousands,
        cast(ins_co_sell as double) as insurance_companies_sell_jpy_thousands,
        cast(ins_co_buy as double) as insurance_companies_buy_jpy_thousands,
        cast(ins_co_tot as double) as insurance_companies_total_jpy_thousands,
        cast(ins_co_bal as double) as insurance_companies_net_buy_jpy_thousands,
        cast(bank_sell as double) as banks_sell_jpy_thousands,
        cast(bank_buy as double) as banks_buy_jpy_thousands,
        cast(bank_tot as double) as banks_total_jpy_thousands,
        cast(bank_bal as double) as banks_net_buy_jpy_thousands,
        cast(trst_bnk_sell as double) as trust_banks_sell_jpy_thousands,
        cast(trst_bnk_buy as double) as trust_banks_buy_jpy_thousands,
        cast(trst_bnk_tot as double) as trust_banks_total_jpy_thousands,
        cast(trst_bnk_bal as double) as trust_banks_net_buy_jpy_thousands,
        cast(oth_fin_sell as double) as other_financial_institutions_sell_jpy_thousands,
        cast(oth_fin_buy as double) as other_financial_institutions_buy_jpy_thousands,
        cast(oth_fin_tot as double) as other_financial_institutions_total_jpy_thousands,
        cast(oth_fin_bal as double) as other_financial_institutions_net_buy_jpy_thousands,

        -- lineage
        cast(_ingested_at as timestamptz) as ingested_at,
        coalesce(cast(_source as varchar), 'rest') as ingest_source,
        cast(_dlt_load_id as varchar) as dlt_load_id,
        cast(_dlt_id as varchar) as dlt_id

    from source

),

latest_version as (

    select * from renamed
    qualify
        row_number() over (
            partition by section, week_start_date, week_end_date, published_date
            order by ingested_at desc, dlt_load_id desc, dlt_id desc
        ) = 1

),

published as (

    select
        *,
        -- published on the 4th business day of the following week at 16:30 JST
        {{ jst_timestamp('published_date', "'16:30'") }} as available_at

    from latest_version

),

final as (

    select
        section,
        week_start_date,
        week_end_date,
        published_date,
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
        {{ usable_from('available_at') }} as usable_from,
        ingested_at,
        ingest_source,
        dlt_load_id

    from published

)

select * from final
