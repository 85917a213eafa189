{{
    config(
        materialized='incremental',
        unique_key=['code', 'trade_date'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

{#- The cross-sectional columns of ml_features: for each active feature flagged
    `cross_sectional: true` in the manifest, its percentile rank and z-score per trade date across
    the codes of the mart's rows that have it. One row per row of the mart (int_prices_adjusted with
    a feature close); the feature values come from their family models.

    A model of its own, not a step of the mart's SELECT: the ranks of a date need every code's
    value, so the mart, which a full refresh computes in chunks of codes (each chunk reads only
    its codes' row groups of the code-ordered family tables), joins them from here. Every column
    is per date: an incremental run recomputes the dates the family models recomputed (the last
    loaded date and `features_lookback_days` before it, or the driver's earlier var
    `recompute_from`). -#}
{%- set names = cross_sectional_feature_names() -%}
{%- set sources = cross_sectional_feature_sources() -%}
{%- set value_columns = [] -%}
{%- for model, columns in sources.items() -%}
    {%- for name in columns -%}{%- do value_columns.append(model ~ '.' ~ name) -%}{%- endfor -%}
{%- endfor -%}
{%- set recompute_from = feature_recompute_from(ref('int_prices_adjusted'), var('features_lookback_days') | int)
    if is_incremental() else none -%}

with

universe as (

    select
        code,
        trade_date

    from {{ ref('int_prices_adjusted') }}
    where
        feature_row_index is not null
        {%- if recompute_from %}
        and trade_date >= date '{{ recompute_from }}'
        {%- endif %}

),

{% for model, columns in sources.items() %}
{{ model }} as (

    select
        code,
        trade_date,
        {{ columns | join(',\n        ') }}

    from {{ ref(model) }}
    {%- if recompute_from %}
    where trade_date >= date '{{ recompute_from }}'
    {%- endif %}

),

{% endfor %}
feature_values as (

    select
        universe.code,
        universe.trade_date,
        {{ value_columns | join(',\n        ') }}

    from universe
    {%- for model in sources %}
    left join {{ model }}
        on universe.code = {{ model }}.code
        and universe.trade_date = {{ model }}.trade_date
    {%- endfor %}

),

final as (

    -- per date across the universe: percentile rank in [0, 1] among the codes with a value
    -- (ties share the lowest rank) and z-score (sample std); NULL where the feature is NULL
    select
        code,
        trade_date,
        {%- for name in names %}
        case
            when {{ name }} is not null
                then (rank() over (partition by trade_date order by {{ name }}) - 1)
                / nullif(count({{ name }}) over (partition by trade_date) - 1, 0)
        end as cs_rank_{{ name }},
        ({{ name }} - avg({{ name }}) over (partition by trade_date))
        / nullif(stddev_samp({{ name }}) over (partition by trade_date), 0) as cs_z_{{ name }}{{ ',' if not loop.last }}
        {%- endfor %}

    from feature_values

)

select * from final
