{#-
    The listed universe of each trading date, from the master snapshot of that very date (no
    survivorship): a code delisted after its last trading day has no row after it.

    Incremental by whole trade dates (unique_key trade_date: a date's rows are replaced, so a code
    dropped from a corrected snapshot leaves too): a run recomputes the dates from
    var('features_lookback_days') + 1 business days before the last date here (the day before
    learns from the new snapshot whether its codes stay listed), or from the driver's earlier
    var('recompute_from') - the lookback the feature models use. Every row depends only on its
    own date, the next business day's snapshot and its own bar, all read from that bound on (a
    constant date the staging view pushes into its Parquet scan). A master correction of an
    older date needs var('recompute_from') or --full-refresh, as for the features.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='trade_date',
        on_schema_change='fail',
        full_refresh=(true if var('as_known_at', none) else none),
    )
}}
{#- the business days of the calendar as the dates to count back over (feature_recompute_from) -#}
{%- set business_days = '(select calendar_date as trade_date from ' ~ ref('int_trading_calendar') ~ ' where is_business_day)' -%}
{%- set recompute_from = feature_recompute_from(business_days, var('features_lookback_days') | int + 1) if is_incremental() else none %}

with

stg_jquants__equities_master as materialized (

    -- read once (a view over the whole lake)
    select * from {{ ref('stg_jquants__equities_master') }}
    {% if recompute_from %}
    where snapshot_date >= date '{{ recompute_from }}'
    {% endif %}

),

int_trading_calendar as (

    select * from {{ ref('int_trading_calendar') }}
    {% if recompute_from %}
    where calendar_date >= date '{{ recompute_from }}'
    {% endif %}

),

int_daily_bars_checked as (

    -- every bar of the lake, latest version, quarantined or not (the keys of stg_jquants__daily_bars)
    select * from {{ ref('int_daily_bars_checked') }}
    {% if recompute_from %}
    where trade_date >= date '{{ recompute_from }}'
    {% endif %}

),

master_dates as (

    select distinct snapshot_date from stg_jquants__equities_master

),

snapshot_dates as (

    -- the business days whose snapshot is in the lake, each with the next one
    select
        int_trading_calendar.calendar_date as trade_date,
        int_trading_calendar.next_business_date,
        next_snapshot.snapshot_date is not null as has_next_business_date_snapshot

    from int_trading_calendar
    inner join master_dates
        on int_trading_calendar.calendar_date = master_dates.snapshot_date
    left join master_dates as next_snapshot
        on int_trading_calendar.next_business_date = next_snapshot.snapshot_date
    where int_trading_calendar.is_business_day

),

listed as (

    select
        stg_jquants__equities_master.*,
        snapshot_dates.next_business_date,
        snapshot_dates.has_next_business_date_snapshot,
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
        int_daily_bars_checked.trade_date is not null as has_bar,
        coalesce(int_daily_bars_checked.close is not null, false) as is_traded,
        case
            when listed.next_snapshot_date_of_code = listed.next_business_date
                then true
            when listed.has_next_business_date_snapshot
                then false
        end as is_listed_next_business_day

    from listed
    left join int_daily_bars_checked
        on
            listed.code = int_daily_bars_checked.code
            and listed.snapshot_date = int_daily_bars_checked.trade_date

)

select * from final
