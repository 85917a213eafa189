{#- A view: the bars of int_daily_bars_checked that break no rule (kept incrementally there). -#}
{{ config(materialized='view') }}

with

int_daily_bars_checked as (

    select * from {{ ref('int_daily_bars_checked') }}

),

final as (

    -- every bar that no quarantine rule caught, unchanged
    select
        code,
        trade_date,
        open,
        high,
        low,
        close,
        volume,
        turnover_value,
        hit_upper_limit,
        hit_lower_limit,
        adj_factor,
        ex_rights_type,
        vendor_adj_open,
        vendor_adj_high,
        vendor_adj_low,
        vendor_adj_close,
        vendor_adj_volume,
        ingested_at,
        ingest_source,
        dlt_load_id

    from int_daily_bars_checked
    where rule is null

)

select * from final
