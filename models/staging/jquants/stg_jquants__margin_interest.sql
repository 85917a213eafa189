{#-
    Weekly margin balances (`/markets/margin-interest`), one row per code and record date, latest
    load of each.
-#}
with

source as (

    select * from {{ source_or_empty('jquants', 'margin_interest') }}
    where {{ as_known_at_predicate('_ingested_at') }}

),

pit_calendar as (

    {{ point_in_time_calendar() }}

),

renamed as (

    select
        -- keys
        cast(code as varchar) as code,
        cast(date as date) as record_date,

        -- balances (shares)
        cast(long_vol as double) as long_margin_balance_shares,
        cast(shrt_vol as double) as short_margin_balance_shares,
        cast(long_neg_vol as double) as long_negotiable_margin_balance_shares,
        cast(shrt_neg_vol as double) as short_negotiable_margin_balance_shares,
        cast(long_std_vol as double) as long_standardized_margin_balance_shares,
        cast(shrt_std_vol as double) as short_standardized_margin_balance_shares,

        -- classification
        cast(iss_type as varchar) as issue_type,

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
            partition by code, record_date
            order by ingested_at desc, dlt_load_id desc, dlt_id desc
        ) = 1

),

published as (

    select
        *,
        -- published the 2nd business day after the record date (normally Tuesday) at 16:30 JST
        {{ jst_timestamp(business_day_after('record_date', 2), "'16:30'") }} as available_at

    from latest_version

),

final as (

    select
        code,
        record_date,
        long_margin_balance_shares,
        short_margin_balance_shares,
        long_negotiable_margin_balance_shares,
        short_negotiable_margin_balance_shares,
        long_standardized_margin_balance_shares,
        short_standardized_margin_balance_shares,
        issue_type,
        available_at,
        {{ usable_from('available_at') }} as usable_from,
        ingested_at,
        ingest_source,
        dlt_load_id

    from published

)

select * from final
