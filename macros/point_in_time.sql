{#-
    When a row could first be used: `available_at` and `usable_from`, one rule for every model.

    The feature row of trading date D describes the market at D's close. It is computed by the
    daily cycle after the day's market data is published (bars and TOPIX ~16:30 JST, trade
    breakdown ~18:00, cycle 18:30). So:

    1. a record OF session D (a daily bar, a TOPIX bar, a trade breakdown) is usable from D itself;
    2. anything else (a disclosure, a dividend notice, weekly statistics, a master snapshot, a
       calendar row) is usable from D when it was public before the close of D's session — the
       close that applied on that date: 15:00 until 2024-11-01, 15:30 from 2024-11-05 (seed
       `tse_session_hours`), 11:00 / 11:30 on a half-day session — and otherwise from the next
       business day. A publication without a time counts as published at the end of its day
       (24:00 JST), hence for the next session.

    `available_at` is a TIMESTAMP WITH TIME ZONE (an instant; the macros build it from JST wall
    clock time). `usable_from` is a DATE, always a business day of the J-Quants calendar, and NULL
    when the calendar in the lake does not reach that far yet (a row published after the close of
    the last calendar day known): such a row is not usable by anything yet.
-#}


{% macro jst_timestamp(date_expr, time_text) -%}
    {#-
        The instant of the JST wall clock time `time_text` ('HH:MM' or 'HH:MM:SS' text SQL
        expression; hours may run past 24, e.g. '24:30' is 00:30 the next day) on `date_expr`,
        as TIMESTAMP WITH TIME ZONE. A NULL, empty or malformed time gives the end of the day
        (24:00 JST): no time counts for the next session.
    -#}
    timezone(
        'Asia/Tokyo',
        cast({{ date_expr }} as timestamp)
        + to_seconds(
            coalesce(
                try_cast(split_part({{ time_text }}, ':', 1) as integer) * 3600
                + try_cast(split_part({{ time_text }}, ':', 2) as integer) * 60
                + coalesce(try_cast(nullif(split_part({{ time_text }}, ':', 3), '') as integer), 0),
                86400
            )
        )
    )
{%- endmacro %}


{% macro point_in_time_calendar(calendar_relation=none) -%}
    {#-
        A SELECT over `calendar_relation` (columns `calendar_date`, `hol_div`; default
        stg_jquants__trading_calendar) giving, per calendar date: `is_business_day`,
        `market_close_at` (TIMESTAMP WITH TIME ZONE; NULL on a closed day), `business_day_index`,
        `previous_business_date`, `next_business_date`. Put it in a CTE named `pit_calendar` for
        `usable_from`, `business_day_after` and `previous_business_day`. A gap in the calendar
        (dates the lake does not hold) is never jumped over: the next business day of the last
        date before a gap is NULL (unknown), not the first business day after it.
    -#}
    {%- set calendar_relation = calendar_relation or ref('stg_jquants__trading_calendar') -%}
    select
        pit_days.calendar_date,
        pit_days.is_business_day,
        case pit_days.hol_div
            when '1' then timezone(
                'Asia/Tokyo', pit_days.calendar_date + pit_session_hours.market_close_time_jst
            )
            when '2' then timezone(
                'Asia/Tokyo', pit_days.calendar_date + pit_session_hours.half_day_close_time_jst
            )
        end as market_close_at,
        pit_days.contiguous_run,
        case
            when pit_days.is_business_day
                then count(case when pit_days.is_business_day then 1 end) over (
                    partition by pit_days.contiguous_run
                    order by pit_days.calendar_date
                    rows between unbounded preceding and current row
                ) - 1
        end as business_day_index,
        max(case when pit_days.is_business_day then pit_days.calendar_date end) over (
            partition by pit_days.contiguous_run
            order by pit_days.calendar_date
            rows between unbounded preceding and 1 preceding
        ) as previous_business_date,
        min(case when pit_days.is_business_day then pit_days.calendar_date end) over (
            partition by pit_days.contiguous_run
            order by pit_days.calendar_date
            rows between 1 following and unbounded following
        ) as next_business_date

    from (
        select
            cast(calendar_date as date) as calendar_date,
            cast(hol_div as varchar) as hol_div,
            cast(hol_div as varchar) in ('1', '2') as is_business_day,
            -- constant along a stretch of consecutive dates, different across a gap
            cast(calendar_date as date)
            - cast(row_number() over (order by calendar_date) as integer) as contiguous_run
        from {{ calendar_relation }}
    ) as pit_days
    left join {{ ref('tse_session_hours') }} as pit_session_hours
        on
            pit_days.calendar_date >= pit_session_hours.valid_from_date
            and pit_days.calendar_date <= pit_session_hours.valid_to_date
{%- endmacro %}


{% macro usable_from(available_at, session_date=none, calendar='pit_calendar') -%}
    {#-
        The first trading date on which a model may use a row (DATE); see the rule at the top of
        this file. `session_date` given: the row is the record of that session (rule 1), usable
        from it. Otherwise rule 2 on `available_at`, looked up in the CTE `calendar` (built with
        `point_in_time_calendar`): the JST date of `available_at` if it is a business day and
        `available_at` is before its close, else the next business day.
    -#}
    {%- if session_date is not none -%}
        cast({{ session_date }} as date)
    {%- else -%}
        (
            select
                case
                    when pit_day.is_business_day and {{ available_at }} < pit_day.market_close_at
                        then pit_day.calendar_date
                    else pit_day.next_business_date
                end
            from {{ calendar }} as pit_day
            where pit_day.calendar_date = cast(timezone('Asia/Tokyo', {{ available_at }}) as date)
        )
    {%- endif -%}
{%- endmacro %}


{% macro business_day_after(date_expr, business_days, calendar='pit_calendar') -%}
    {#-
        The business day `business_days` business days after the business day `date_expr`
        (0: the day itself), looked up in the CTE `calendar`; NULL when `date_expr` is not a
        business day or the calendar does not reach that far without a gap.
    -#}
    (
        select pit_later.calendar_date
        from {{ calendar }} as pit_start
        inner join {{ calendar }} as pit_later
            on
                pit_later.contiguous_run = pit_start.contiguous_run
                and pit_later.business_day_index = pit_start.business_day_index + {{ business_days }}
        where pit_start.calendar_date = cast({{ date_expr }} as date)
    )
{%- endmacro %}


{% macro previous_business_day(date_expr, calendar='pit_calendar') -%}
    {#- The last business day strictly before `date_expr`, from the CTE `calendar` (NULL when unknown). -#}
    (
        select pit_day.previous_business_date
        from {{ calendar }} as pit_day
        where pit_day.calendar_date = cast({{ date_expr }} as date)
    )
{%- endmacro %}
