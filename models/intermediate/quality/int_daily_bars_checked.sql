{#-
    The latest version of every daily bar with the quarantine rules it breaks (`rule` NULL for
    a good bar): what int_daily_bars_quarantine (broken rules) and int_daily_bars_validated (none)
    read. Incremental by (code, trade date): a run reads only the bar versions fetched since the
    last one (ingested_at after the latest already here), so a new day, a day filled late
    or a vendor correction replaces exactly its keys; a corrected bar's rules are checked anew.
    var('as_known_at') always rebuilds it (a cut in the past is not an append).
    A rule's inputs that are not the bar (the calendar, var('jquants_code_regex')) are read as
    of the build that checked the bar: after a revision of the calendar of past dates or a new
    code pattern, build with --full-refresh.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['code', 'trade_date'],
        on_schema_change='fail',
        full_refresh=(true if var('as_known_at', none) else none),
    )
}}
-- its rows are the rows of stg_jquants__daily_bars (kept in the lineage of everything downstream)
-- depends_on: {{ ref('stg_jquants__daily_bars') }}

with

base_jquants__daily_bars as (

    select * from {{ ref('base_jquants__daily_bars') }}
    {% if is_incremental() %}
    -- a constant bound: the Parquet scan skips the row groups of older loads
    where ingested_at > cast('{{ ingested_watermark(this) }}' as timestamptz)
    {% endif %}

),

int_trading_calendar as (

    select * from {{ ref('int_trading_calendar') }}

),

latest_version as (

    {{ daily_bars_latest_version('base_jquants__daily_bars') }}

),

checked as (

    select
        latest_version.*,

        -- one flag per rule; a NULL price never breaks a price rule (a no-trade bar is all NULL)
        not coalesce(
            regexp_full_match(latest_version.code, '{{ var("jquants_code_regex") }}'), false
        ) as breaks_invalid_code,
        not coalesce(int_trading_calendar.is_business_day, false) as breaks_not_a_business_day,
        coalesce(
            latest_version.open <= 0
            or latest_version.high <= 0
            or latest_version.low <= 0
            or latest_version.close <= 0,
            false
        ) as breaks_non_positive_price,
        coalesce(latest_version.volume < 0, false) as breaks_negative_volume,
        coalesce(latest_version.high < latest_version.low, false) as breaks_high_below_low,
        coalesce(
            latest_version.open < latest_version.low
            or latest_version.open > latest_version.high
            or latest_version.close < latest_version.low
            or latest_version.close > latest_version.high,
            false
        ) as breaks_ohlc_out_of_range,
        (
            latest_version.open is null
            or latest_version.high is null
            or latest_version.low is null
            or latest_version.close is null
            or latest_version.volume is null
        )
        and not (
            latest_version.open is null
            and latest_version.high is null
            and latest_version.low is null
            and latest_version.close is null
            and latest_version.volume is null
        ) as breaks_partial_no_trade

    from latest_version
    left join int_trading_calendar
        on latest_version.trade_date = int_trading_calendar.calendar_date

),

ruled as (

    select
        * exclude (
            breaks_invalid_code,
            breaks_not_a_business_day,
            breaks_non_positive_price,
            breaks_negative_volume,
            breaks_high_below_low,
            breaks_ohlc_out_of_range,
            breaks_partial_no_trade
        ),
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
        ) as broken_rule_list

    from checked

),

final as (

    select
        * exclude (broken_rule_list),
        broken_rule_list[1] as rule,  -- noqa: RF04
        array_to_string(broken_rule_list, ',') as broken_rules

    from ruled

)

select * from final
