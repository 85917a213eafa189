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
{%- set families = feature_model_families() -%}
{%- set labels = active_features('labels') -%}
{%- set cross_sectional = cross_sectional_feature_names() -%}

with

int_trading_calendar as (

    select * from {{ ref('int_trading_calendar') }}

),

{% if is_incremental() %}
last_loaded_business_day as (

    select
        max(int_trading_calendar.business_day_index) filter (
            where int_trading_calendar.calendar_date <= (select max(this_model.trade_date) from {{ this }} as this_model)
        ) as business_day_index,
        min(int_trading_calendar.business_day_index) filter (
            where int_trading_calendar.calendar_date >= cast('{{ var("recompute_from", none) or "9999-12-31" }}' as date)
        ) as requested_business_day_index

    from int_trading_calendar
    where
        int_trading_calendar.is_business_day

),

recompute_bounds as (

    -- the last loaded date and the lookback before it, or, when the driver ingested data from an
    -- earlier date (var recompute_from: a day filled late), that date and the label horizon
    -- before it (the labels of the rows before it look forward into it)
    select
        least(
            coalesce(
                min(int_trading_calendar.calendar_date) filter (
                    where int_trading_calendar.business_day_index
                    >= last_loaded_business_day.business_day_index - {{ lookback_business_days }}
                ),
                date '0001-01-01'
            ),
            coalesce(
                min(int_trading_calendar.calendar_date) filter (
                    where int_trading_calendar.business_day_index
                    >= last_loaded_business_day.requested_business_day_index - {{ label_horizon }}
                ),
                date '9999-12-31'
            )
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

{% for family in families %}
{{ family['model'] }} as (

    select * from {{ ref(family['model']) }}
    {% if is_incremental() %}
    where trade_date >= (select recompute_bounds.recompute_from_date from recompute_bounds)
    {% endif %}

),

{% endfor %}
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
        {%- for family in families %}
        {%- for name in active_feature_names(family['family']) %}
        {{ family['model'] }}.{{ name }},
        {%- endfor %}
        {%- endfor %}
        {%- for label in labels %}
        with_labels.{{ label['name'] }}{{ ',' if not loop.last }}
        {%- endfor %}

    from with_labels
    {%- for family in families %}
    left join {{ family['model'] }}
        on with_labels.code = {{ family['model'] }}.code
        and with_labels.trade_date = {{ family['model'] }}.trade_date
    {%- endfor %}

),

{% if cross_sectional %}
cross_sectional_values as (

    -- per date across the universe: percentile rank in [0, 1] among the codes with a value
    -- (ties share the lowest rank) and z-score (sample std); NULL where the feature is NULL.
    -- Over a narrow projection: each PARTITION BY trade_date sorts these few columns, not the
    -- wide rows of every family (which made the mart the costliest step at scale)
    select
        code,
        trade_date,
        {%- for name in cross_sectional %}
        case
            when {{ name }} is not null
                then (rank() over (partition by trade_date order by {{ name }}) - 1)
                / nullif(count({{ name }}) over (partition by trade_date) - 1, 0)
        end as cs_rank_{{ name }},
        ({{ name }} - avg({{ name }}) over (partition by trade_date))
        / nullif(stddev_samp({{ name }}) over (partition by trade_date), 0) as cs_z_{{ name }}{{ ',' if not loop.last }}
        {%- endfor %}

    from (select code, trade_date, {{ cross_sectional | join(', ') }} from joined) as narrow

),

cross_sectional as (

    select
        joined.*,
        cross_sectional_values.* exclude (code, trade_date)

    from joined
    inner join cross_sectional_values
        on joined.code = cross_sectional_values.code
        and joined.trade_date = cross_sectional_values.trade_date

),
{% else %}
cross_sectional as (

    select * from joined

),
{% endif %}

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
