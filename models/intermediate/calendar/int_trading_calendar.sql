with

stg_jquants__trading_calendar as (

    select * from {{ ref('stg_jquants__trading_calendar') }}

),

tse_session_hours as (

    select * from {{ ref('tse_session_hours') }}

),

flagged as (

    select
        calendar_date,
        hol_div,
        -- "1" full session, "2" half-day session; "0" and "3" are closed for equities
        hol_div in ('1', '2') as is_business_day

    from stg_jquants__trading_calendar

),

indexed as (

    select
        calendar_date,
        hol_div,
        is_business_day,

        -- bigint: a sum of integers is a HUGEINT in DuckDB
        case
            when is_business_day
                then cast(count(*) filter (where is_business_day) over all_before_and_today - 1 as bigint)
        end as business_day_index,

        max(case when is_business_day then calendar_date end) over all_before
            as previous_business_date,

        min(case when is_business_day then calendar_date end) over all_after
            as next_business_date

    from flagged
    window
        all_before_and_today as (
            order by calendar_date rows between unbounded preceding and current row
        ),
        all_before as (
            order by calendar_date rows between unbounded preceding and 1 preceding
        ),
        all_after as (
            order by calendar_date rows between 1 following and unbounded following
        )

),

final as (

    select
        indexed.calendar_date,
        indexed.hol_div,
        indexed.is_business_day,
        indexed.business_day_index,
        indexed.previous_business_date,
        indexed.next_business_date,
        case indexed.hol_div
            when '1' then indexed.calendar_date + tse_session_hours.market_close_time_jst
            when '2' then indexed.calendar_date + tse_session_hours.half_day_close_time_jst
        end as market_close_at_jst

    from indexed
    left join tse_session_hours
        on
            indexed.calendar_date >= tse_session_hours.valid_from_date
            and indexed.calendar_date <= tse_session_hours.valid_to_date

)

select * from final
