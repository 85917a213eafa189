with

stg_jquants__daily_bars as (

    select * from {{ ref('stg_jquants__daily_bars') }}

),

int_daily_bars_quarantine as (

    select * from {{ ref('int_daily_bars_quarantine') }}

),

final as (

    -- every bar that no quarantine rule caught, unchanged
    select stg_jquants__daily_bars.*

    from stg_jquants__daily_bars
    left join int_daily_bars_quarantine
        on
            stg_jquants__daily_bars.code = int_daily_bars_quarantine.code
            and stg_jquants__daily_bars.trade_date = int_daily_bars_quarantine.trade_date
    where int_daily_bars_quarantine.rule is null

)

select * from final
