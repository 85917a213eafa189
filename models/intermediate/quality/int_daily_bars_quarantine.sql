with

stg_jquants__daily_bars as (

    select * from {{ ref('stg_jquants__daily_bars') }}

),

int_trading_calendar as (

    select * from {{ ref('int_trading_calendar') }}

),

checked as (

    select
        stg_jquants__daily_bars.*,

        -- one flag per rule; a NULL price never breaks a price rule (a no-trade bar is all NULL)
        not coalesce(
            regexp_full_match(stg_jquants__daily_bars.code, '{{ var("jquants_code_regex") }}'), false
        ) as breaks_invalid_code,
        not coalesce(int_trading_calendar.is_business_day, false) as breaks_not_a_business_day,
        coalesce(
            stg_jquants__daily_bars.open <= 0
            or stg_jquants__daily_bars.high <= 0
            or stg_jquants__daily_bars.low <= 0
            or stg_jquants__daily_bars.close <= 0,
            false
        ) as breaks_non_positive_price,
        coalesce(stg_jquants__daily_bars.volume < 0, false) as breaks_negative_volume,
        coalesce(stg_jquants__daily_bars.high < stg_jquants__daily_bars.low, false)
            as breaks_high_below_low,
        coalesce(
            stg_jquants__daily_bars.open < stg_jquants__daily_bars.low
            or stg_jquants__daily_bars.open > stg_jquants__daily_bars.high
            or stg_jquants__daily_bars.close < stg_jquants__daily_bars.low
            or stg_jquants__daily_bars.close > stg_jquants__daily_bars.high,
            false
        ) as breaks_ohlc_out_of_range,
        (
            stg_jquants__daily_bars.open is null
            or stg_jquants__daily_bars.high is null
            or stg_jquants__daily_bars.low is null
            or stg_jquants__daily_bars.close is null
            or stg_jquants__daily_bars.volume is null
        )
        and not (
            stg_jquants__daily_bars.open is null
            and stg_jquants__daily_bars.high is null
            and stg_jquants__daily_bars.low is null
            and stg_jquants__daily_bars.close is null
            and stg_jquants__daily_bars.volume is null
        ) as breaks_partial_no_trade

    from stg_jquants__daily_bars
    left join int_trading_calendar
        on stg_jquants__daily_bars.trade_date = int_trading_calendar.calendar_date

),

ruled as (

    select
        *,
        -- every rule the row breaks, in precedence order; the first names the quarantine
        list_filter(
            [
                case when breaks_invalid_code then 'invalid_code' end,
                case when breaks_not_a_business_day then 'not_a_business_day' end,
                case when breaks_non_positive_price then 'non_positive_price' end,
                case when breaks_negative_volume then 'negative_volume' end,
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
        code,
        trade_date,
        open,
        high,
        low,
        close,
        volume,
        turnover_value,
        adj_factor,
        ex_rights_type,
        ingested_at,
        ingest_source,
        dlt_load_id

    from ruled
    where len(broken_rules) > 0

)

select * from final
