{{
    config(
        materialized='incremental',
        unique_key=['code', 'trade_date'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

{#- Incremental runs recompute the last loaded trade date and `features_lookback_days` business
    days before it, reading `warmup_business_days` more business days so that every window of the
    recomputed rows is complete (a listed code has a bar row on every business day, traded or not).
    A code with a split (adj_factor != 1) in the recomputed dates is recomputed in full: the split
    re-adjusts its adj_close history. -#}
{%- set lookback_business_days = var('features_lookback_days') | int -%}
{%- set warmup_business_days = price_features_warmup_rows() | int + 1 -%}

with

int_trading_calendar as (

    select * from {{ ref('int_trading_calendar') }}

),

{% if is_incremental() %}
last_loaded as (

    select max(this_model.trade_date) as trade_date
    from {{ this }} as this_model

),

last_loaded_business_day as (

    select max(int_trading_calendar.business_day_index) as business_day_index

    from int_trading_calendar
    inner join last_loaded
        on int_trading_calendar.calendar_date <= last_loaded.trade_date
    where int_trading_calendar.is_business_day

),

recompute_bounds as (

    -- no loaded rows (or no calendar for them): both bounds fall back to a full recompute
    select
        coalesce(
            min(int_trading_calendar.calendar_date) filter (
                where int_trading_calendar.business_day_index
                >= last_loaded_business_day.business_day_index - {{ lookback_business_days }}
            ),
            date '0001-01-01'
        ) as recompute_from_date,
        coalesce(
            min(int_trading_calendar.calendar_date) filter (
                where int_trading_calendar.business_day_index
                >= last_loaded_business_day.business_day_index
                - {{ lookback_business_days + warmup_business_days }}
            ),
            date '0001-01-01'
        ) as read_from_date

    from int_trading_calendar
    cross join last_loaded_business_day
    where int_trading_calendar.is_business_day

),

codes_with_recent_split as (

    select distinct prices.code

    from {{ ref('int_prices_adjusted') }} as prices
    inner join recompute_bounds
        on prices.trade_date >= recompute_bounds.recompute_from_date
    where prices.adj_factor != 1

),
{% endif %}

int_prices_adjusted as (

    select * from {{ ref('int_prices_adjusted') }}
    where
        feature_row_index is not null
        {% if is_incremental() %}
        and (
            trade_date >= (select recompute_bounds.read_from_date from recompute_bounds)
            or code in (select codes_with_recent_split.code from codes_with_recent_split)
        )
        {% endif %}

),

features as (

    {{ select_price_features('int_prices_adjusted') }}

),

final as (

    select
        code,
        trade_date,
        close,
        adj_close,
        ret_1d,
        ret_5d,
        ret_20d,
        sma_5,
        sma_20,
        sma_60,
        vol_ratio_20,
        rvol_20

    from features
    where
        true
        {% if var("history_start", none) %}
        and trade_date >= cast('{{ var("history_start") }}' as date)
        {% endif %}
        {% if is_incremental() %}
        and (
            trade_date >= (select recompute_bounds.recompute_from_date from recompute_bounds)
            or code in (select codes_with_recent_split.code from codes_with_recent_split)
        )
        {% endif %}

)

select * from final
