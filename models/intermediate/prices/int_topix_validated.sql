with

stg_jquants__topix as (

    select * from {{ ref('stg_jquants__topix') }}

),

int_topix_quarantine as (

    select * from {{ ref('int_topix_quarantine') }}

),

final as (

    -- every TOPIX bar that no quarantine rule caught, unchanged
    select
        stg_jquants__topix.trade_date,
        stg_jquants__topix.open,
        stg_jquants__topix.high,
        stg_jquants__topix.low,
        stg_jquants__topix.close,
        stg_jquants__topix.ingested_at,
        stg_jquants__topix.ingest_source,
        stg_jquants__topix.dlt_load_id

    from stg_jquants__topix
    left join int_topix_quarantine
        on stg_jquants__topix.trade_date = int_topix_quarantine.trade_date
    where int_topix_quarantine.rule is null

)

select * from final
