{% test expect_dates_are_business_days(
    model,
    column_name,
    calendar,
    calendar_date_column='calendar_date',
    business_day_column='is_business_day',
    row_condition=none
) %}
    {#-
        Every non-NULL date in `column_name` is a business day of `calendar` (pass
        `ref('int_trading_calendar')`): a date the calendar does not list, or lists as closed,
        fails. `row_condition` (SQL) limits the rows checked. Returns the offending rows with the
        calendar's flag (NULL when the date is missing from the calendar).
    -#}
    {%- if calendar is none or calendar | string | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "expect_dates_are_business_days: `calendar` must be a relation, e.g. ref('int_trading_calendar')"
        ) }}
    {%- endif -%}

with

checked as (

    select
        *,
        {{ column_name }} as checked_date
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}

),

calendar as (

    select
        {{ calendar_date_column }} as calendar_date,
        {{ business_day_column }} as is_business_day
    from {{ calendar }}

),

validation_errors as (

    select
        checked.*,
        calendar.is_business_day as calendar_is_business_day
    from checked
    left join calendar
        on checked.checked_date = calendar.calendar_date
    where
        checked.checked_date is not null
        and coalesce(calendar.is_business_day, false) = false

)

select * from validation_errors

{% endtest %}
