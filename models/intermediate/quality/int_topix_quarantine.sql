with

stg_jquants__topix as (

    select * from {{ ref('stg_jquants__topix') }}

),

int_trading_calendar as (

    select * from {{ ref('int_trading_calendar') }}

),

checked as (

    select
        stg_jquants__topix.*,

        -- one flag per rule; a NULL level never breaks a level rule (a day without an index
        -- value, e.g. 2020-10-01, is all NULL)
        not coalesce(int_trading_calendar.is_business_day, false) as breaks_not_a_business_day,
        coalesce(
            stg_jquants__topix.open <= 0
            or stg_jquants__topix.high <= 0
            or stg_jquants__topix.low <= 0
            or stg_jquants__topix.close <= 0,
            false
        ) as breaks_non_positive_price,
        coalesce(stg_jquants__topix.high < stg_jquants__topix.low, false) as breaks_high_below_low,
        coalesce(
            stg_jquants__topix.open < stg_jquants__topix.low
            or stg_jquants__topix.open > stg_jquants__topix.high
            or stg_jquants__topix.close < stg_jquants__topix.low
            or stg_jquants__topix.close > stg_jquants__topix.high,
            false
        ) as breaks_ohlc_out_of_range,
        (
            stg_jquants__topix.open is null
            or stg_jquants__topix.high is null
            or stg_jquants__topix.low is null
            or stg_jquants__topix.close is null
        )
        and not (
            stg_jquants__topix.open is null
            and stg_jquants__topix.high is null
            and stg_jquants__topix.low is null
            and stg_jquants__topix.close is null
        ) as breaks_partial_no_trade

    from stg_jquants__topix
    left join int_trading_calendar
        on stg_jquants__topix.trade_date = int_trading_calendar.calendar_date

),

ruled as (

    select
        *,
        -- every rule the row breaks, in precedence order; the first names the quarantine
        list_filter(
            [
                case when breaks_not_a_business_day then 'not_a_business_day' end,
                case when breaks_non_positive_price then 'non_positive_price' end,
                case when breaks_high_below_low then 'high_below_low' end,
                case when breaks_ohlc_out_of_range then 'ohlc_out_of_range' end,
                case when breaks_partial_no_trade then 'partial_no_trade' end
            ],
            lambda rule_name: rule_name is not null
        ) as broken_rules

    from checked

),

final as (

    select
        broken_rules[1] as rule,  -- noqa: RF04
        array_to_string(broken_rules, ',') as broken_rules,
        trade_date,
        open,
        high,
        low,
        close,
        ingested_at,
        ingest_source,
        dlt_load_id

    from ruled
    where len(broken_rules) > 0

)

select * from final
