{#-
    Daily trade breakdown by order type (`/markets/breakdown`, Premium plan), one row per code and
    trade date, latest load of each. Zero rows on a lake without the dataset.
-#}
with

source as (

    select * from {{ source_or_empty('jquants', 'trade_breakdown') }}
    where {{ as_known_at_predicate('_ingested_at') }}

),

renamed as (

    select
        -- keys
        cast(code as varchar) as code,
        cast(date as date) as trade_date,

        -- trading value by order type (JPY)
        cast(long_sell_va as double) as long_sell_value_jpy,
        cast(shrt_no_mrgn_va as double) as short_sell_excluding_margin_value_jpy,
        cast(mrgn_sell_new_va as double) as margin_sell_new_value_jpy,
        cast(mrgn_sell_close_va as double) as margin_sell_close_value_jpy,
        cast(long_buy_va as double) as long_buy_value_jpy,
        cast(mrgn_buy_new_va as double) as margin_buy_new_value_jpy,
        cast(mrgn_buy_close_va as double) as margin_buy_close_value_jpy,

        -- trading volume by order type (shares)
        cast(long_sell_vo as double) as long_sell_volume_shares,
        cast(shrt_no_mrgn_vo as double) as short_sell_excluding_margin_volume_shares,
        cast(mrgn_sell_new_vo as double) as margin_sell_new_volume_shares,
        cast(mrgn_sell_close_vo as double) as margin_sell_close_volume_shares,
        cast(long_buy_vo as double) as long_buy_volume_shares,
        cast(mrgn_buy_new_vo as double) as margin_buy_new_volume_shares,
        cast(mrgn_buy_close_vo as double) as margin_buy_close_volume_shares,

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
            partition by code, trade_date
            order by ingested_at desc, dlt_load_id desc, dlt_id desc
        ) = 1

),

published as (

    select
        *,
        -- published ~18:00 JST on the trade date
        {{ jst_timestamp('trade_date', "'18:00'") }} as available_at

    from latest_version

),

final as (

    select
        code,
        trade_date,
        long_sell_value_jpy,
        short_sell_excluding_margin_value_jpy,
        margin_sell_new_value_jpy,
        margin_sell_close_value_jpy,
        long_buy_value_jpy,
        margin_buy_new_value_jpy,
        margin_buy_close_value_jpy,
        long_sell_volume_shares,
        short_sell_excluding_margin_volume_shares,
        margin_sell_new_volume_shares,
        margin_sell_close_volume_shares,
        long_buy_volume_shares,
        margin_buy_new_volume_shares,
        margin_buy_close_volume_shares,
        available_at,
        {{ usable_from('available_at', session_date='trade_date') }} as usable_from,
        ingested_at,
        ingest_source,
        dlt_load_id

    from published

)

select * from final
