{{
    config(
        materialized='incremental',
        unique_key=['code', 'trade_date'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

{#- One row per code × trade date from the code's first trade on: the active features of the
    manifest (macros/features/feature_manifest.sql) joined from their family models, the labels,
    and the cross-sectional ranks / z-scores of the flagged features.

    Incremental runs recompute the last loaded trade date and max(`features_lookback_days`, 20)
    business days before it: the family models are themselves exact for those dates, and the
    20-row forward labels of the rows before the newest 20 dates are final. A code with a split
    (adj_factor != 1) in the recomputed dates is recomputed in full: the split re-adjusts its
    adj_close history (every feature column is point-in-time and does not change). -#}
{%- set label_horizon = 20 -%}
{%- set lookback_business_days = [var('features_lookback_days') | int, label_horizon] | max -%}
{%- set technical = active_feature_names('technical') -%}
{%- set market_relative = active_feature_names('market_relative') -%}
{%- set labels = active_features('labels') -%}
{%- set cross_sectional = cross_sectional_feature_names() -%}

with

int_trading_calendar as (

    select * from {{ ref('int_trading_calendar') }}

),

{% if is_incremental() %}
last_loaded_business_day as (

    select max(int_trading_calendar.business_day_index) as business_day_index

    from int_trading_calendar
    where
        int_trading_calendar.is_business_day
        and int_trading_calendar.calendar_date <= (select max(this_model.trade_date) from {{ this }} as this_model)

),

recompute_bounds as (

    select
        coalesce(
            min(int_trading_calendar.calendar_date) filter (
                where int_trading_calendar.business_day_index
                >= last_loaded_business_day.business_day_index - {{ lookback_business_days }}
            ),
            date '0001-01-01'
        ) as recompute_from_date

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
        and trade_date >= (select recompute_bounds.recompute_from_date from recompute_bounds)
        {% endif %}

),

int_features_technical as (

    select * from {{ ref('int_features_technical') }}

),

int_features_market_relative as (

    select * from {{ ref('int_features_market_relative') }}

),

with_labels as (

    -- labels look FORWARD: ln(c_{t+k} / c_t) over the code's next k rows; never a feature input
    select
        code,
        trade_date,
        close,
        adj_close,
        {%- for label in labels %}
        ln(
            lead(feature_close, {{ label['params']['periods'] }}) over code_rows / feature_close
        ) as {{ label['name'] }}{{ ',' if not loop.last }}
        {%- endfor %}

    from int_prices_adjusted
    window code_rows as (partition by code order by trade_date)

),

joined as (

    select
        with_labels.code,
        with_labels.trade_date,
        with_labels.close,
        with_labels.adj_close,
        {%- for name in technical %}
        int_features_technical.{{ name }},
        {%- endfor %}
        {%- for name in market_relative %}
        int_features_market_relative.{{ name }},
        {%- endfor %}
        {%- for label in labels %}
        with_labels.{{ label['name'] }}{{ ',' if not loop.last }}
        {%- endfor %}

    from with_labels
    left join int_features_technical
        on with_labels.code = int_features_technical.code
        and with_labels.trade_date = int_features_technical.trade_date
    left join int_features_market_relative
        on with_labels.code = int_features_market_relative.code
        and with_labels.trade_date = int_features_market_relative.trade_date

),

cross_sectional as (

    -- per date across the universe: percentile rank in [0, 1] among the codes with a value
    -- (ties share the lowest rank) and z-score (sample std); NULL where the feature is NULL
    select
        *,
        {%- for name in cross_sectional %}
        case
            when {{ name }} is not null
                then (rank() over (partition by trade_date order by {{ name }}) - 1)
                / nullif(count({{ name }}) over (partition by trade_date) - 1, 0)
        end as cs_rank_{{ name }},
        ({{ name }} - avg({{ name }}) over (partition by trade_date))
        / nullif(stddev_samp({{ name }}) over (partition by trade_date), 0) as cs_z_{{ name }}{{ ',' if not loop.last }}
        {%- endfor %}

    from joined

),

{% if is_incremental() %}
readjusted_history as (

    -- older rows of a code that split in the recomputed dates: every feature is point-in-time
    -- and kept as stored; only adj_close (the fully adjusted close as known now) changes
    select stored.* replace (prices.adj_close as adj_close)

    from {{ this }} as stored
    inner join {{ ref('int_prices_adjusted') }} as prices
        on stored.code = prices.code
        and stored.trade_date = prices.trade_date
    where
        stored.trade_date < (select recompute_bounds.recompute_from_date from recompute_bounds)
        and stored.code in (select codes_with_recent_split.code from codes_with_recent_split)

),
{% endif %}

final as (

    select * from cross_sectional
    where
        true
        {% if var("history_start", none) %}
        and trade_date >= cast('{{ var("history_start") }}' as date)
        {% endif %}
    {% if is_incremental() %}
    union all by name
    select * from readjusted_history
    {% endif %}

)

select * from final
