{% test expect_null_ratio_below(model, column_name, max_ratio, row_condition=none) %}
    {#-
        The share of NULLs in `column_name` is at most `max_ratio` (0 … 1) over the rows checked
        (`row_condition` limits them). An empty model passes. Returns one row with the counts and
        the ratio when it is above the bound.
    -#}
    {%- if max_ratio is not number or max_ratio < 0 or max_ratio > 1 -%}
        {{ exceptions.raise_compiler_error(
            "expect_null_ratio_below: `max_ratio` must be a number between 0 and 1, got " ~ max_ratio | string
        ) }}
    {%- endif -%}

with

counted as (

    select
        count(*) as row_count,
        count(*) - count({{ column_name }}) as null_count
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}

),

ratios as (

    select
        row_count,
        null_count,
        null_count / nullif(row_count, 0) as null_ratio
    from counted

),

validation_errors as (

    select * from ratios
    where null_ratio > {{ max_ratio }}

)

select * from validation_errors

{% endtest %}
