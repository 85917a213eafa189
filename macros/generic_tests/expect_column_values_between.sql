{% test expect_column_values_between(
    model, column_name, min_value=none, max_value=none, strictly=false, row_condition=none
) %}
    {#-
        Every non-NULL value of `column_name` lies between `min_value` and `max_value`
        (inclusive; exclusive on both sides with `strictly: true`). Either bound may be left out,
        not both. A bound is a number or a SQL expression (e.g. `date '2008-05-07'`, another
        column). NULLs are not checked (that is `not_null`'s job). `row_condition` (SQL) limits the
        rows checked. Returns the offending rows.
    -#}
    {%- if min_value is none and max_value is none -%}
        {{ exceptions.raise_compiler_error(
            "expect_column_values_between: give `min_value`, `max_value` or both"
        ) }}
    {%- endif -%}
    {%- for bound in [min_value, max_value] -%}
        {%- if bound is not none and bound is not number and (bound is not string or bound | trim == '') -%}
            {{ exceptions.raise_compiler_error(
                "expect_column_values_between: a bound must be a number or a SQL expression, got "
                ~ bound | string
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if min_value is number and max_value is number and min_value > max_value -%}
        {{ exceptions.raise_compiler_error(
            "expect_column_values_between: `min_value` (" ~ min_value ~ ") is above `max_value` (" ~ max_value ~ ")"
        ) }}
    {%- endif -%}
    {%- if strictly is not sameas true and strictly is not sameas false -%}
        {{ exceptions.raise_compiler_error(
            "expect_column_values_between: `strictly` must be true or false, got " ~ strictly | string
        ) }}
    {%- endif -%}
    {%- set lower_operator = '>' if strictly else '>=' -%}
    {%- set upper_operator = '<' if strictly else '<=' -%}

with

checked as (

    select
        *,
        {{ column_name }} as checked_value
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}

),

validation_errors as (

    select *
    from checked
    where
        checked_value is not null
        and not (
            {%- if min_value is not none %}
            checked_value {{ lower_operator }} {{ min_value }}
            {%- endif %}
            {%- if min_value is not none and max_value is not none %}
            and
            {%- endif %}
            {%- if max_value is not none %}
            checked_value {{ upper_operator }} {{ max_value }}
            {%- endif %}
        )

)

select * from validation_errors

{% endtest %}
