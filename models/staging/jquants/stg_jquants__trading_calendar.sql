with

source as (

    select * from {{ source('jquants', 'trading_calendar') }}
    where {{ as_known_at_predicate('_ingested_at') }}

),

renamed as (

    select
        -- keys
        cast(date as date) as calendar_date,

        -- "1" business day, "2" half-day session, "0" closed, "3" closed for equities
        cast(hol_div as varchar) as hol_div,

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
            partition by calendar_date
            order by ingested_at desc, dlt_load_id desc, dlt_id desc
        ) = 1

),

pit_calendar as (

    {{ point_in_time_calendar('latest_version') }}

),

published as (

    select
        *,
        -- published long before (a year ahead); claimed known only from 00:00 JST of the date
        {{ jst_timestamp('calendar_date', "'00:00'") }} as available_at

    from latest_version

),

final as (

    select
        * exclude (dlt_id),
        -- the date itself on a business day, else the next business day
        {{ usable_from('available_at') }} as usable_from

    from published

)

select * from final
