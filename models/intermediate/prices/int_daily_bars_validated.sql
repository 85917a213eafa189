with

stg_jquants__daily_bars as (

    select * from {{ ref('stg_jquants__daily_bars') }}

),

int_daily_bars_quarantine as (

    select * from {{ ref('int_daily_bars_quarantine') }}

),

final as (

    -- every bar that no quarantine rule caught, unchanged
    select
        stg_jquants__daily_bars.code,
        stg_jquants__daily_bars.trade_date,
        stg_jquants__daily_bars.open,
        stg_jquants__daily_bars.high,
        stg_jquants__daily_bars.low,
        stg_jquants__daily_bars.close,
        stg_jquants__daily_bars.volume,
        stg_jquants__daily_bars.turnover_value,
        stg_jquants__daily_bars.hit_upper_limit,
        stg_jquants__daily_bars.hit_lower_limit,
        stg_jquants__daily_bars.adj_factor,
        stg_jquants__daily_bars.ex_rights_type,
        stg_jquants__daily_bars.vendor_adj_open,
        stg_jquants__daily_bars.vendor_adj_high,
        stg_jquants__daily_bars.vendor_adj_low,
        stg_jquants__daily_bars.vendor_adj_close,
        stg_jquants__daily_bars.vendor_adj_volume,
        stg_jquants__daily_bars.ingested_at,
        stg_jquants__daily_bars.ingest_source,
        stg_jquants__daily_bars.dlt_load_id

    from stg_jquants__daily_bars
    left join int_daily_bars_quarantine
        on
            stg_jquants__daily_bars.code = int_daily_bars_quarantine.code
            and stg_jquants__daily_bars.trade_date = int_daily_bars_quarantine.trade_date
    where int_daily_bars_quarantine.rule is null

)

select * from final
