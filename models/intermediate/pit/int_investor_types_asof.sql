{#-
    Every publication of the weekly investor-type statistics with the interval of trading dates
    on which it was the version a model could use: [usable_from, usable_until).
-#}
with

base_jquants__investor_types as (

    select * from {{ ref('base_jquants__investor_types') }}

),

versions as (

    select
        *,
        row_number() over week_publications - 1 as revision_number,
        lead(usable_from) over week_publications as usable_until,
        lead(available_at) over week_publications as superseded_at

    from base_jquants__investor_types
    window week_publications as (
        partition by section, week_start_date, week_end_date
        order by published_date
    )

),

final as (

    -- every value column of base_jquants__investor_types, with the version's interval
    -- (the contract in the YAML fixes names, types and order)
    select
        * exclude (ingest_source, dlt_load_id),
        superseded_at is null as is_current

    from versions

)

select * from final
