{#-
    The listed universe of each trading date, from the master snapshot of that very date (no
    survivorship): a code delisted after its last trading day has no row after it.
-#}
with

stg_jquants__equities_master as (

    select * from {{ ref('stg_jquants__equities_master') }}

),

int_trading_calendar as (

    select * from {{ ref('int_trading_calendar') }}

),

stg_jquants__daily_bars as (

    select * from {{ ref('stg_jquants__daily_bars') }}

),

snapshot_dates as (

    -- the business days whose snapshot is in the lake, each with the next one
    select
        calendar_date as trade_date,
        next_business_date

    from int_trading_calendar
    where
        is_business_day
        and calendar_date in (select master.snapshot_date from stg_jquants__equities_master as master)

),

listed as (

    select
        stg_jquants__equities_master.*,
        snapshot_dates.next_business_date,
        lead(stg_jquants__equities_master.snapshot_date) over (
            partition by stg_jquants__equities_master.code
            order by stg_jquants__equities_master.snapshot_date
        ) as next_snapshot_date_of_code

    from stg_jquants__equities_master
    inner join snapshot_dates
        on stg_jquants__equities_master.snapshot_date = snapshot_dates.trade_date

),

final as (

    select
        listed.snapshot_date as trade_date,
        listed.code,
        listed.company_name,
        listed.company_name_en,
        listed.market_code,
        listed.market_name,
        -- the `Section` of /equities/investor-types that holds the code's market on the date
        case listed.market_code
            when '0101' then 'TSE1st'
            when '0102' then 'TSE2nd'
            when '0104' then 'TSEMothers'
            when '0106' then 'TSEJASDAQ'
            when '0107' then 'TSEJASDAQ'
            when '0111' then 'TSEPrime'
            when '0112' then 'TSEStandard'
            when '0113' then 'TSEGrowth'
        end as investor_types_section,
        listed.sector17_code,
        listed.sector17_name,
        listed.sector33_code,
        listed.sector33_name,
        listed.scale_category,
        listed.margin_code,
        listed.margin_name,
        listed.product_category,
        stg_jquants__daily_bars.trade_date is not null as has_bar,
        coalesce(stg_jquants__daily_bars.close is not null, false) as is_traded,
        case
            when listed.next_snapshot_date_of_code = listed.next_business_date
                then true
            when listed.next_business_date in (select later.trade_date from snapshot_dates as later)
                then false
        end as is_listed_next_business_day

    from listed
    left join stg_jquants__daily_bars
        on
            listed.code = stg_jquants__daily_bars.code
            and listed.snapshot_date = stg_jquants__daily_bars.trade_date

)

select * from final
