{{
    config(
        materialized='incremental',
        unique_key=['code', 'trade_date'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

{#- The technical family of the feature manifest (macros/features/feature_manifest.sql), SQL from
    macros/features/technical.sql. Full refresh: exact closed forms over the whole history.
    Incremental: recompute from the last loaded trade date minus `features_lookback_days` trade
    dates; each code's recursive state (EMA, MACD signal, Wilder averages, ATR, OBV) is carried
    from its stored row at the last stored trade date before that date, rescaled to today's adjustment (a split inside the
    window changes nothing stored), and its last 59 rows of prices feed the rolling windows. A
    code without such a row (new listing, gap) is recomputed from its first row. -#}
{%- set incremental_bounds = technical_incremental_bounds(ref('int_prices_adjusted'), var('features_lookback_days') | int) if is_incremental() else none -%}

with

feature_series as (

    select
        code,
        trade_date,
        feature_row_index as n,
        feature_high as high,
        feature_low as low,
        feature_close as close,
        feature_volume as volume,
        cumulative_adj_factor as caf,
        cumulative_volume_adj_factor as cvaf

    from {{ ref('int_prices_adjusted') }}
    where
        feature_row_index is not null
        {%- if incremental_bounds is not none %}
        -- the recomputed dates and the 59 business days of window context before them (a listed
        -- code has a row every business day); codes without state: their whole history. One
        -- scan, filtered before the CTE is materialised (two scans, one per branch, measured
        -- slower: DuckDB keeps a long `code IN (…)` only as an optional filter)
        and (
            trade_date >= date '{{ incremental_bounds.recompute_from }}' - 150
            {%- if incremental_bounds.codes_without_state %}
            or code in ({% for code in incremental_bounds.codes_without_state %}'{{ code }}'{{ ', ' if not loop.last }}{% endfor %})
            {%- endif %}
        )
        {%- endif %}

),

{% if incremental_bounds is not none %}

recent_series as (

    select * from feature_series
    where trade_date >= date '{{ incremental_bounds.recompute_from }}' - 150

),

state_rows as (

    -- each code's stored row at the state date (the last stored trade date before the
    -- recomputed dates; a listed code has a row every trade date)
    select stored.*
    from {{ this }} as stored
    where
        stored.trade_date = date '{{ incremental_bounds.state_date }}'
        and stored.feature_row_index >= 59

),

state_seeds as (

    -- stored levels are in their own date's scale: back to today's fully adjusted scale
    select
        state_rows.code,
        state_rows.feature_row_index as seed_n,
        state_rows.ema_12 * recent_series.caf as seed_ema_12,
        state_rows.ema_26 * recent_series.caf as seed_ema_26,
        state_rows.macd_signal * recent_series.caf as seed_macd_signal,
        state_rows.rsi_avg_gain_14 * recent_series.caf as seed_avg_gain,
        state_rows.rsi_avg_loss_14 * recent_series.caf as seed_avg_loss,
        state_rows.atr_14 * recent_series.caf as seed_atr,
        state_rows.obv / recent_series.cvaf as seed_obv

    from state_rows
    inner join recent_series
        on state_rows.code = recent_series.code
        and state_rows.trade_date = recent_series.trade_date
        and state_rows.feature_row_index = recent_series.n

),

prices as (

    -- codes with state: the seed row and the 59 rows before it (window context) onwards
    select
        recent_series.*,
        state_seeds.seed_n - 59 as first_n,
        state_seeds.* exclude (code)

    from recent_series
    inner join state_seeds
        on recent_series.code = state_seeds.code
    where recent_series.n >= state_seeds.seed_n - 59
    {%- if incremental_bounds.codes_without_state %}

    union all by name

    -- codes without (a new listing, a gap): their whole history, from row 0
    select *, 0 as first_n from feature_series
    where code in ({% for code in incremental_bounds.codes_without_state %}'{{ code }}'{{ ', ' if not loop.last }}{% endfor %})
    {%- endif %}

),

{% else %}

prices as (

    select * from feature_series

),

{% endif %}

technical as (

    {{ technical_features_select('prices', with_state=(incremental_bounds is not none)) }}

),

final as (

    select * from technical
    {% if incremental_bounds is not none %}
    where trade_date >= date '{{ incremental_bounds.recompute_from }}'
    {% endif %}

)

select * from final
