with

int_daily_bars_checked as (

    select * from {{ ref('int_daily_bars_checked') }}

),

final as (

    select
        rule,
        broken_rules,
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

    from int_daily_bars_checked
    where rule is not null

)

select * from final
