{{
    config(
        materialized='incremental',
        unique_key=['code', 'trade_date'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

{#- The market-relative family of the feature manifest: beta, correlation and excess return of
    each code against TOPIX over row windows (t = feature_row_index). The TOPIX log return of a
    date is taken against the previous TOPIX date (TOPIX forward-filled over a missing/NULL
    close); a code's rows are consecutive trading dates, so both returns cover the same days.
    Pure window aggregates (no recursion): an incremental run recomputes the last loaded date and
    `features_lookback_days` dates before it, reading the rows each window needs before them. -#}
{%- set lookback = var('features_lookback_days') | int -%}
{%- set features = active_features('market_relative') -%}
{%- set ns = namespace(max_window=1) -%}
{%- for f in features -%}
    {%- if f['params']['window'] > ns.max_window -%}{%- set ns.max_window = f['params']['window'] -%}{%- endif -%}
{%- endfor -%}

with

int_prices_adjusted as (

    select * from {{ ref('int_prices_adjusted') }}

),

stg_jquants__topix as (

    select * from {{ ref('stg_jquants__topix') }}

),

topix_returns as (

    select
        trade_date,
        topix_close,
        ln(topix_close / lag(topix_close) over (order by trade_date)) as topix_ret_1d

    from (
        select
            trade_date,
            last_value(close ignore nulls) over (
                order by trade_date rows between unbounded preceding and current row
            ) as topix_close
        from stg_jquants__topix
    ) as filled

),

feature_series as (

    select
        code,
        trade_date,
        feature_row_index,
        feature_close

    from int_prices_adjusted
    where feature_row_index is not null

),

{% if is_incremental() %}

{%- set recompute_from = feature_recompute_from(ref('int_prices_adjusted'), lookback) %}
recompute_bounds as (

    -- the last loaded date and `lookback` dates before it, or the driver's earlier
    -- var('recompute_from') (macros/features/incremental.sql)
    select cast('{{ recompute_from or '0001-01-01' }}' as date) as recompute_from_date

),

first_recomputed_rows as (

    select
        feature_series.code,
        min(feature_series.feature_row_index) as first_row_index

    from feature_series
    inner join recompute_bounds
        on feature_series.trade_date >= recompute_bounds.recompute_from_date
    group by feature_series.code

),

series as (

    select feature_series.*
    from feature_series
    inner join first_recomputed_rows
        on feature_series.code = first_recomputed_rows.code
    where feature_series.feature_row_index >= first_recomputed_rows.first_row_index - {{ ns.max_window + 1 }}

),

{% else %}

series as (

    select * from feature_series

),

{% endif %}

with_market as (

    select
        series.*,
        ln(series.feature_close / lag(series.feature_close) over code_rows) as ret_1d,
        topix_returns.topix_close,
        topix_returns.topix_ret_1d

    from series
    left join topix_returns
        on series.trade_date = topix_returns.trade_date
    window code_rows as (partition by series.code order by series.trade_date)

),

features as (

    select
        code,
        trade_date,
        {%- for f in features %}
        {%- set w = f['params']['window'] %}
        {%- if f['kind'] == 'beta' %}
        case
            when feature_row_index >= {{ w }} and var_samp(topix_ret_1d) over (code_rows rows {{ w - 1 }} preceding) > 0
                then covar_samp(ret_1d, topix_ret_1d) over (code_rows rows {{ w - 1 }} preceding)
                / var_samp(topix_ret_1d) over (code_rows rows {{ w - 1 }} preceding)
        end as {{ f['name'] }},
        {%- elif f['kind'] == 'correlation' %}
        case
            when feature_row_index >= {{ w }}
                and var_samp(topix_ret_1d) over (code_rows rows {{ w - 1 }} preceding) > 0
                and var_samp(ret_1d) over (code_rows rows {{ w - 1 }} preceding) > 0
                then corr(ret_1d, topix_ret_1d) over (code_rows rows {{ w - 1 }} preceding)
        end as {{ f['name'] }},
        {%- elif f['kind'] == 'excess_return' %}
        case
            when feature_row_index >= {{ w }}
                then ln(feature_close / lag(feature_close, {{ w }}) over code_rows)
                - ln(topix_close / lag(topix_close, {{ w }}) over code_rows)
        end as {{ f['name'] }},
        {%- else %}
        {{ exceptions.raise_compiler_error("unknown market_relative kind " ~ f['kind']) }}
        {%- endif %}
        {%- endfor %}
        feature_row_index

    from with_market
    window code_rows as (partition by code order by trade_date)

),

final as (

    select * from features
    {% if is_incremental() %}
    where trade_date >= (select recompute_bounds.recompute_from_date from recompute_bounds)
    {% endif %}

)

select * from final
