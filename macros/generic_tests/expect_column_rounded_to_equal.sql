{% test expect_column_rounded_to_equal(model, column_name, expected_column, decimals=1) %}
    {#-
        Reconciliation: `column_name` (an unrounded value we computed) rounded to `decimals`
        places must equal `expected_column` (a value someone else rounded, e.g. the vendor's
        adjusted price). An exact tie (…5 at the next decimal, up to 1e-9) passes in either
        direction, since the other side's tie-breaking rule is not ours to know. NULL on exactly
        one side fails; NULL on both sides passes. Restrict the rows checked with the test's
        `where` config.
    -#}
    {%- if expected_column is none or expected_column is not string or expected_column | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "expect_column_rounded_to_equal: `expected_column` must be a column name or SQL expression"
        ) }}
    {%- endif -%}
    {%- if decimals is not number or decimals < 0 or decimals != decimals | int -%}
        {{ exceptions.raise_compiler_error(
            "expect_column_rounded_to_equal: `decimals` must be a non-negative integer, got " ~ decimals | string
        ) }}
    {%- endif -%}
    {%- set half_unit = 0.5 / (10 ** decimals) -%}

with

compared as (

    select
        *,
        {{ column_name }} as computed_value,
        {{ expected_column }} as expected_value,
        round({{ column_name }}, {{ decimals }}) as rounded_value
    from {{ model }}

),

validation_errors as (

    select *
    from compared
    where
        (computed_value is null) != (expected_value is null)
        or (
            abs(rounded_value - expected_value) > 1e-9
            and abs(abs(computed_value - expected_value) - {{ half_unit }}) > 1e-9
        )

)

select * from validation_errors

{% endtest %}
