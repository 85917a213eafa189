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
    from its last stored row before that date, rescaled to today's adjustment (a split inside the
    window changes nothing stored), and its last 59 rows of prices feed the rolling windows. A
    code without such a row (new listing, gap) is recomputed from its first row. -#}
{%- set lookback = var('features_lookback_days') | int -%}

with

int_prices_adjusted as (

    select * from {{ ref('int_prices_adjusted') }}

),

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

    from int_prices_adjusted
    where feature_row_index is not null

),

{% if is_incremental() %}

last_loaded as (

    select max(trade_date) as trade_date from {{ this }}

),

recompute_bounds as (

    -- the last loaded trade date and `lookback` trade dates before it
    select coalesce(min(trade_date), date '0001-01-01') as recompute_from_date
    from (
        select distinct feature_series.trade_date
        from feature_series
        inner join last_loaded
            on feature_series.trade_date <= last_loaded.trade_date
        order by feature_series.trade_date desc
        limit {{ lookback + 1 }}
    ) as last_dates

),

codes_to_update as (

    select distinct feature_series.code
    from feature_series
    inner join recompute_bounds
        on feature_series.trade_date >= recompute_bounds.recompute_from_date

),

state_rows as (

    -- each code's last stored row before the recomputed dates (a bounded look back: a code
    -- whose last row is older is simply recomputed from its first row)
    select stored.*
    from {{ this }} as stored
    inner join recompute_bounds
        on stored.trade_date < recompute_bounds.recompute_from_date
        and stored.trade_date >= recompute_bounds.recompute_from_date - interval 60 days
    where stored.feature_row_index >= 59
    qualify row_number() over (partition by stored.code order by stored.trade_date desc) = 1

),

state_seeds as (

    -- stored levels are in their own date's scale: back to today's fully adjusted scale
    select
        state_rows.code,
        state_rows.feature_row_index as seed_n,
        state_rows.ema_12 * feature_series.caf as seed_ema_12,
        state_rows.ema_26 * feature_series.caf as seed_ema_26,
        state_rows.macd_signal * feature_series.caf as seed_macd_signal,
        state_rows.rsi_avg_gain_14 * feature_series.caf as seed_avg_gain,
        state_rows.rsi_avg_loss_14 * feature_series.caf as seed_avg_loss,
        state_rows.atr_14 * feature_series.caf as seed_atr,
        state_rows.obv / feature_series.cvaf as seed_obv

    from state_rows
    inner join feature_series
        on state_rows.code = feature_series.code
        and state_rows.trade_date = feature_series.trade_date
        and state_rows.feature_row_index = feature_series.n

),

prices as (

    -- codes with state: the seed row and the 59 rows before it (window context) onwards;
    -- codes without: their whole history
    select
        feature_series.*,
        state_seeds.* exclude (code)

    from feature_series
    inner join codes_to_update
        on feature_series.code = codes_to_update.code
    left join state_seeds
        on feature_series.code = state_seeds.code
    where state_seeds.seed_n is null or feature_series.n >= state_seeds.seed_n - 59

),

{% else %}

prices as (

    select * from feature_series

),

{% endif %}

technical as (

    {{ technical_features_select('prices', with_state=is_incremental()) }}

),

final as (

    select * from technical
    {% if is_incremental() %}
    where trade_date >= (select recompute_bounds.recompute_from_date from recompute_bounds)
    {% endif %}

)

select * from final
