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
recompute_bounds as (

    select
        coalesce(
            min(calendar.calendar_date) filter (
                where calendar.business_day_index
                >= last_loaded.business_day_index - {{ lookback_business_days }}
            ),
            date '0001-01-01'
        ) as recompute_from_date,
        coalesce(
            min(calendar.calendar_date) filter (
                where calendar.business_day_index
                >= last_loaded.business_day_index - {{ lookback_business_days + warmup_business_days }}
            ),
            date '0001-01-01'
        ) as read_from_date

    from int_trading_calendar as calendar
    cross join (
        select max(business_day_index) as business_day_index
        from int_trading_calendar
        where
            is_business_day
            and calendar_date <= (select max(trade_date) from {{ this }})
    ) as last_loaded
    where calendar.is_business_day

),

codes_with_recent_split as (

    select distinct code
    from {{ ref('int_prices_adjusted') }}
    where
        trade_date >= (select recompute_from_date from recompute_bounds)
        and adj_factor != 1

),
{% endif %}

int_prices_adjusted as (

    select * from {{ ref('int_prices_adjusted') }}
    where
        feature_row_index is not null
        {% if is_incremental() %}
        and (
            trade_date >= (select read_from_date from recompute_bounds)
            or code in (select code from codes_with_recent_split)
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
        {% if var('history_start', none) %}
        and trade_date >= cast('{{ var("history_start") }}' as date)
        {% endif %}
        {% if is_incremental() %}
        and (
            trade_date >= (select recompute_from_date from recompute_bounds)
            or code in (select code from codes_with_recent_split)
        )
        {% endif %}

)

select * from final
