with

int_daily_bars_quarantine as (

    select * from {{ ref('int_daily_bars_quarantine') }}

),

int_topix_quarantine as (

    select * from {{ ref('int_topix_quarantine') }}

),

stg_jquants__ingest_quarantine as (

    select * from {{ ref('stg_jquants__ingest_quarantine') }}

),

quarantined_rows as (

    select
        'ingest' as quarantine_stage,
        dataset,
        quarantine_rule as rule,  -- noqa: RF04
        'stg_jquants__ingest_quarantine' as quarantine_model,
        record_date,
        ingested_at
    from stg_jquants__ingest_quarantine

    union all

    select
        'dbt' as quarantine_stage,
        'daily_bars' as dataset,
        rule,
        'int_daily_bars_quarantine' as quarantine_model,
        trade_date as record_date,
        ingested_at
    from int_daily_bars_quarantine

    union all

    select
        'dbt' as quarantine_stage,
        'topix' as dataset,
        rule,
        'int_topix_quarantine' as quarantine_model,
        trade_date as record_date,
        ingested_at
    from int_topix_quarantine

),

final as (

    select
        quarantine_stage,
        dataset,
        rule,
        quarantine_model,
        count(*) as quarantined_rows,
        min(record_date) as first_record_date,
        max(record_date) as last_record_date,
        max(ingested_at) as last_ingested_at

    from quarantined_rows
    group by quarantine_stage, dataset, rule, quarantine_model

)

select * from final
