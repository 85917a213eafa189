{%- set raw_quarantine = source('jquants', 'ingest_quarantine') -%}

with

{% if source_has_files(raw_quarantine) -%}
source as (

    select * from {{ raw_quarantine }}
    where {{ as_known_at_predicate('_ingested_at') }}

),
{%- else -%}
source as (

    -- no row has been quarantined yet: the raw table has no file to read
    select
        cast(null as varchar) as dataset,
        cast(null as varchar) as endpoint,
        cast(null as varchar) as reason,
        cast(null as varchar) as raw_record,
        cast(null as timestamptz) as _ingested_at,
        cast(null as varchar) as _source,
        cast(null as varchar) as _dlt_load_id,
        cast(null as varchar) as _dlt_id
    where false

),
{%- endif %}

renamed as (

    select
        -- what was refused, and why: `<rule>:<V2 field>` (or a bare rule, e.g. `not_an_object`)
        cast(dataset as varchar) as dataset,
        cast(endpoint as varchar) as endpoint,
        cast(reason as varchar) as reason,
        split_part(cast(reason as varchar), ':', 1) as quarantine_rule,
        nullif(split_part(cast(reason as varchar), ':', 2), '') as quarantine_field,

        -- the row as received (JSON text; a bulk CSV row as an object of strings)
        cast(raw_record as varchar) as raw_record,
        case when json_valid(raw_record) then cast(raw_record as varchar) end as raw_json,

        -- lineage
        cast(_ingested_at as timestamptz) as ingested_at,
        coalesce(cast(_source as varchar), 'rest') as ingest_source,
        cast(_dlt_load_id as varchar) as dlt_load_id,
        cast(_dlt_id as varchar) as dlt_id

    from source

),

keyed as (

    -- the record's keys where it has them: its code, and its date (`Date`, else `PubDate`, else
    -- `DiscDate`) when that parses
    select
        *,
        json_extract_string(raw_json, '$.Code') as record_code,
        cast(
            coalesce(
                try_strptime(json_extract_string(raw_json, '$.Date'), ['%Y-%m-%d', '%Y%m%d']),
                try_strptime(json_extract_string(raw_json, '$.PubDate'), ['%Y-%m-%d', '%Y%m%d']),
                try_strptime(json_extract_string(raw_json, '$.DiscDate'), ['%Y-%m-%d', '%Y%m%d'])
            ) as date
        ) as record_date

    from renamed

),

latest_version as (

    -- a row fetched again (a re-fetched window) is quarantined again: keep its latest copy
    select * from keyed
    qualify
        row_number() over (
            partition by dataset, reason, raw_record
            order by ingested_at desc, dlt_load_id desc, dlt_id desc
        ) = 1

),

final as (

    select
        dataset,
        endpoint,
        reason,
        quarantine_rule,
        quarantine_field,
        raw_record,
        record_code,
        record_date,
        ingested_at,
        ingest_source,
        dlt_load_id

    from latest_version

)

select * from final
