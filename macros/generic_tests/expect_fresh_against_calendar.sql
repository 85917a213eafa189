{% test expect_fresh_against_calendar(
    model,
    column_name,
    calendar,
    max_business_days_behind=1,
    reference_date=none,
    calendar_date_column='calendar_date',
    business_day_column='is_business_day',
    row_condition=none
) %}
    {#-
        The latest date in `column_name` is at most `max_business_days_behind` business days of
        `calendar` behind the latest business day on or before `reference_date` (a SQL date
        expression). Without `reference_date`: the date of var('as_known_at') in Tokyo when that is
        set (a point-in-time rebuild), else today in Tokyo. Business days the calendar does not
        list yet do not count. Returns one row (latest date, latest business day, business days
        behind) when stale, when the model is empty, or when the calendar has no business day up
        to the reference date.
    -#}
    {%- if calendar is none or calendar | string | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "expect_fresh_against_calendar: `calendar` must be a relation, e.g. ref('int_trading_calendar')"
        ) }}
    {%- endif -%}
    {%- if max_business_days_behind is not number or max_business_days_behind < 0
        or max_business_days_behind != max_business_days_behind | int -%}
        {{ exceptions.raise_compiler_error(
            "expect_fresh_against_calendar: `max_business_days_behind` must be an integer >= 0, got "
            ~ max_business_days_behind | string
        ) }}
    {%- endif -%}
    {%- if reference_date is none -%}
        {%- if var('as_known_at', none) -%}
            {%- set reference_date = "cast(timezone('Asia/Tokyo', cast('" ~ var('as_known_at') ~ "' as timestamptz)) as date)" -%}
        {%- else -%}
            {%- set reference_date = "cast(timezone('Asia/Tokyo', current_timestamp) as date)" -%}
        {%- endif -%}
    {%- endif -%}

with

latest as (

    select max({{ column_name }}) as latest_date
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}

),

business_days as (

    select {{ calendar_date_column }} as calendar_date
    from {{ calendar }}
    where
        {{ business_day_column }}
        and {{ calendar_date_column }} <= {{ reference_date }}

),

lag as (

    select
        latest.latest_date,
        max(business_days.calendar_date) as latest_business_day,
        count(business_days.calendar_date) filter (
            where business_days.calendar_date > latest.latest_date
        ) as business_days_behind
    from latest
    cross join business_days
    group by latest.latest_date

),

-- one row even when the calendar has no business day up to the reference date
checked as (

    select
        latest.latest_date,
        lag.latest_business_day,
        lag.business_days_behind
    from latest
    left join lag
        on true

),

validation_errors as (

    select *
    from checked
    where
        latest_date is null
        or latest_business_day is null
        or business_days_behind > {{ max_business_days_behind | int }}

)

select * from validation_errors

{% endtest %}
