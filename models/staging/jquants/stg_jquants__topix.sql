with

source as (

    select * from {{ source('jquants', 'topix') }}
    where {{ as_known_at_predicate('_ingested_at') }}

),

renamed as (

    select
        -- keys
        cast(date as date) as trade_date,

        -- index points
        cast(o as double) as open,
        cast(h as double) as high,
        cast(l as double) as low,
        cast(c as double) as close,

        -- lineage
        cast(_ingested_at as timestamptz) as ingested_at,
        coalesce(cast(_source as varchar), 'rest') as ingest_source,
        cast(_dlt_load_id as varchar) as dlt_load_id,
        cast(_dlt_id as varchar) as dlt_id

    from source

),

latest_version as (

    select * from renamed
    qualify
        row_number() over (
            partition by trade_date
            order by ingested_at desc, dlt_load_id desc, dlt_id desc
        ) = 1

),

final as (

    select
        * exclude (dlt_id),
        -- published ~16:30 JST on the trade date; the record of that session, usable from it
        -- (macros/point_in_time.sql)
        {{ jst_timestamp('trade_date', "'16:30'") }} as available_at,
        {{ usable_from('available_at', session_date='trade_date') }} as usable_from

    from latest_version

)

select * from final
