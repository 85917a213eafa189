{% test expect_row_count_per_date_within(
    model, date_column, trailing_dates=5, tolerance_percent=20, row_condition=none
) %}
    {#-
        The number of rows of each date is within ± `tolerance_percent` % of the mean row count
        of the `trailing_dates` dates before it (dates present in the model, in order). The first
        `trailing_dates` dates have no full history and are not checked; a date with no row at all
        is not a date of the model (the universe and freshness tests see those). Returns the
        offending dates with their count and the trailing mean.
    -#}
    {%- if date_column is not string or date_column | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "expect_row_count_per_date_within: `date_column` must be a column name"
        ) }}
    {%- endif -%}
    {%- if trailing_dates is not number or trailing_dates < 1 or trailing_dates != trailing_dates | int -%}
        {{ exceptions.raise_compiler_error(
            "expect_row_count_per_date_within: `trailing_dates` must be a positive integer, got "
            ~ trailing_dates | string
        ) }}
    {%- endif -%}
    {%- if tolerance_percent is not number or tolerance_percent < 0 -%}
        {{ exceptions.raise_compiler_error(
            "expect_row_count_per_date_within: `tolerance_percent` must be a number >= 0, got "
            ~ tolerance_percent | string
        ) }}
    {%- endif -%}

with

counts as (

    select
        {{ date_column }} as checked_date,
        count(*) as row_count
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}
    group by 1

),

with_trailing as (

    select
        checked_date,
        row_count,
        avg(row_count) over previous_dates as trailing_mean_row_count,
        count(*) over previous_dates as trailing_date_count
    from counts
    window previous_dates as (
        order by checked_date
        rows between {{ trailing_dates | int }} preceding and 1 preceding
    )

),

validation_errors as (

    select *
    from with_trailing
    where
        trailing_date_count = {{ trailing_dates | int }}
        and abs(row_count - trailing_mean_row_count)
        > {{ tolerance_percent }} / 100.0 * trailing_mean_row_count

)

select * from validation_errors

{% endtest %}
