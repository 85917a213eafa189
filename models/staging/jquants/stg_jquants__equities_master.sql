with

source as (

    select * from {{ source('jquants', 'equities_master') }}
    where {{ as_known_at_predicate('_ingested_at') }}

),

renamed as (

    select
        -- keys
        cast(code as varchar) as code,
        cast(date as date) as snapshot_date,

        -- names
        cast(co_name as varchar) as company_name,
        cast(co_name_en as varchar) as company_name_en,

        -- classifications (codes are text)
        cast(s17 as varchar) as sector17_code,
        cast(s17_nm as varchar) as sector17_name,
        cast(s33 as varchar) as sector33_code,
        cast(s33_nm as varchar) as sector33_name,
        cast(scale_cat as varchar) as scale_category,
        cast(mkt as varchar) as market_code,
        cast(mkt_nm as varchar) as market_name,
        cast(mrgn as varchar) as margin_code,
        cast(mrgn_nm as varchar) as margin_name,
        cast(prod_cat as varchar) as product_category,

        -- lineage
        cast(_ingested_at as timestamptz) as ingested_at,
        coalesce(cast(_source as varchar), 'rest') as ingest_source,
        cast(_dlt_load_id as varchar) as dlt_load_id,
        cast(_dlt_id as varchar) as dlt_id

    from source

),

pit_calendar as (

    {{ point_in_time_calendar() }}

),

latest_version as (

    select * from renamed
    qualify
        row_number() over (
            partition by code, snapshot_date
            order by ingested_at desc, dlt_load_id desc, dlt_id desc
        ) = 1

),

published as (

    select
        *,
        -- the snapshot of D is published ~17:30 JST on the business day before D; when the
        -- calendar in the lake does not reach back that far, 00:00 JST of D (a later bound)
        coalesce(
            {{ jst_timestamp(previous_business_day('snapshot_date'), "'17:30'") }},
            {{ jst_timestamp('snapshot_date', "'00:00'") }}
        ) as available_at

    from latest_version

),

final as (

    select
        * exclude (dlt_id),
        -- published after the previous session's close: usable from the snapshot date itself
        {{ usable_from('available_at') }} as usable_from

    from published

)

select * from final
