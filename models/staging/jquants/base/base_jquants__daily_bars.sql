{#-
    Every version of every daily bar in the lake (one row per fetched record, typed and renamed):
    the history behind stg_jquants__daily_bars (latest version per code × trade date). The
    incremental int_daily_bars_checked reads only the versions fetched since its last build from
    here (a filter on ingested_at the Parquet scan can apply), not the deduplicated whole lake.
-#}
with

source as (

    select * from {{ source('jquants', 'daily_bars') }}
    where {{ as_known_at_predicate('_ingested_at') }}

),

renamed as (

    select
        -- keys
        cast(code as varchar) as code,
        cast(date as date) as trade_date,

        -- raw session values (yen, shares); all NULL on a no-trade day
        cast(o as double) as open,
        cast(h as double) as high,
        cast(l as double) as low,
        cast(c as double) as close,
        cast(vo as double) as volume,
        cast(va as double) as turnover_value,

        -- daily price-limit flags ("1" = hit); NULL when the vendor sent none
        cast(ul as varchar) = '1' as hit_upper_limit,
        cast(ll as varchar) = '1' as hit_lower_limit,

        -- split adjustment: the factor sits on the ex-date row; its kind when the vendor says
        -- ("1" split, "2" reverse split, "3" rights issue)
        cast(adj_factor as double) as adj_factor,
        cast(ex_rt as varchar) as ex_rights_type,

        -- the vendor's adjusted values, kept for reconciliation only
        cast(adj_o as double) as vendor_adj_open,
        cast(adj_h as double) as vendor_adj_high,
        cast(adj_l as double) as vendor_adj_low,
        cast(adj_c as double) as vendor_adj_close,
        cast(adj_vo as double) as vendor_adj_volume,

        -- lineage
        cast(_ingested_at as timestamptz) as ingested_at,
        coalesce(cast(_source as varchar), 'rest') as ingest_source,
        cast(_dlt_load_id as varchar) as dlt_load_id,
        cast(_dlt_id as varchar) as dlt_id

    from source

)

select * from renamed
