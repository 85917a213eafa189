{%- set feature_names = alpha158_active_feature_names() -%}

with

int_prices_adjusted as (

    select * from {{ ref('int_prices_adjusted') }}

),

bars as (

    -- raw bars and the vendor's split factor; the Qlib series is built from these
    select
        code,
        trade_date,
        open,
        high,
        low,
        close,
        volume,
        turnover_value,
        adj_factor

    from int_prices_adjusted

),

qlib_bars as (

    {{ alpha158_qlib_bars('bars') }}

),

features as (

    {{ alpha158_select_features('qlib_bars', feature_names) }}

),

final as (

    select
        code,
        trade_date,
        series_row_index as a158_series_row_index,
        {%- for qlib_name in feature_names %}
        {{ alpha158_column_name(qlib_name) }}{% if not loop.last %},{% endif %}
        {%- endfor %}

    from features

)

select * from final
