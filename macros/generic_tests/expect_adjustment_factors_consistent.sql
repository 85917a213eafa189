{% test expect_adjustment_factors_consistent(
    model,
    column_name,
    factor_column='adj_factor',
    partition_by=['code'],
    order_by='trade_date',
    tolerance=1e-9,
    row_condition=none
) %}
    {#-
        Split adjustment: every factor (`factor_column`, a column or SQL expression; NULL counts
        as 1) is > 0, and the cumulative factor in `column_name` is > 0 and equals the product of
        the factors on the partition's rows strictly after the row (J-Quants puts AdjFactor on
        the ex-date row; it applies to the rows before it), within a relative `tolerance`. The
        product is taken over every row of the model; `row_condition` only limits the rows
        reported. Returns the offending rows with `expected_cumulative_factor` and
        `failure_reason` (`non_positive_factor`, `non_positive_cumulative_factor`,
        `cumulative_factor_mismatch`).
    -#}
    {%- if factor_column is not string or factor_column | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "expect_adjustment_factors_consistent: `factor_column` must be a column name or SQL expression"
        ) }}
    {%- endif -%}
    {%- if partition_by is string -%}
        {%- set partition_by = [partition_by] -%}
    {%- endif -%}
    {%- if partition_by is mapping or partition_by is not iterable or (partition_by | length) == 0 -%}
        {{ exceptions.raise_compiler_error(
            "expect_adjustment_factors_consistent: `partition_by` must be a column name or a non-empty list of them"
        ) }}
    {%- endif -%}
    {%- if order_by is not string or order_by | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "expect_adjustment_factors_consistent: `order_by` must be a column name"
        ) }}
    {%- endif -%}
    {%- if tolerance is not number or tolerance < 0 -%}
        {{ exceptions.raise_compiler_error(
            "expect_adjustment_factors_consistent: `tolerance` must be a number >= 0, got " ~ tolerance | string
        ) }}
    {%- endif -%}

with

factors as (

    select
        *,
        coalesce({{ factor_column }}, 1.0) as checked_factor,
        {{ column_name }} as checked_cumulative_factor
    from {{ model }}

),

expected as (

    select
        *,
        coalesce(product(checked_factor) over later_rows, 1.0) as expected_cumulative_factor
    from factors
    window later_rows as (
        partition by {{ partition_by | join(', ') }}
        order by {{ order_by }}
        rows between 1 following and unbounded following
    )

),

classified as (

    select
        *,
        case
            when checked_factor <= 0 then 'non_positive_factor'
            when checked_cumulative_factor is null or checked_cumulative_factor <= 0
                then 'non_positive_cumulative_factor'
            when abs(checked_cumulative_factor - expected_cumulative_factor)
                > {{ tolerance }} * abs(expected_cumulative_factor)
                then 'cumulative_factor_mismatch'
        end as failure_reason
    from expected

),

validation_errors as (

    select * from classified
    where
        failure_reason is not null
        {%- if row_condition %}
        and ({{ row_condition }})
        {%- endif %}

)

select * from validation_errors

{% endtest %}
