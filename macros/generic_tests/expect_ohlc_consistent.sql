{% test expect_ohlc_consistent(
    model,
    open_column='open',
    high_column='high',
    low_column='low',
    close_column='close',
    volume_column='volume',
    row_condition=none
) %}
    {#-
        A bar is consistent when low <= open <= high, low <= close <= high (so low <= high), or
        when it is a no-trade bar: open, high, low, close (and volume, unless `volume_column` is
        none, e.g. for an index) all NULL together. Returns the offending rows with
        `failure_reason`: `partial_no_trade` (some of the columns NULL, not all),
        `high_below_low`, `open_outside_range`, `close_outside_range` (the first that applies).
        Sign and magnitude are not checked here: use expect_column_values_between.
    -#}
    {%- set value_columns = [open_column, high_column, low_column, close_column] -%}
    {%- if volume_column is not none -%}
        {%- set value_columns = value_columns + [volume_column] -%}
    {%- endif -%}
    {%- for name in value_columns -%}
        {%- if name is not string or name | trim == '' -%}
            {{ exceptions.raise_compiler_error(
                "expect_ohlc_consistent: every column argument must be a column name, got " ~ name | string
            ) }}
        {%- endif -%}
    {%- endfor -%}

with

bars as (

    select
        *,
        {{ open_column }} as checked_open,
        {{ high_column }} as checked_high,
        {{ low_column }} as checked_low,
        {{ close_column }} as checked_close,
        (
            {%- for name in value_columns %}
            case when {{ name }} is null then 1 else 0 end{{ ' +' if not loop.last }}
            {%- endfor %}
        ) as null_value_count
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}

),

classified as (

    select
        *,
        case
            when null_value_count between 1 and {{ value_columns | length - 1 }} then 'partial_no_trade'
            when checked_low > checked_high then 'high_below_low'
            when checked_open < checked_low or checked_open > checked_high then 'open_outside_range'
            when checked_close < checked_low or checked_close > checked_high then 'close_outside_range'
        end as failure_reason
    from bars

),

validation_errors as (

    select * from classified
    where failure_reason is not null

)

select * from validation_errors

{% endtest %}
