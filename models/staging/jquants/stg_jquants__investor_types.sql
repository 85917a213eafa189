{#-
    Current state of the weekly investor-type statistics: per section and week, the latest
    publication (a revision supersedes the original), from base_jquants__investor_types.
-#}
with

base_jquants__investor_types as (

    select * from {{ ref('base_jquants__investor_types') }}

),

numbered as (

    select
        *,
        row_number() over week_publications - 1 as revision_number,
        min(published_date) over week_publications as first_published_date,
        count(*) over (partition by section, week_start_date, week_end_date) as publication_count

    from base_jquants__investor_types
    window week_publications as (
        partition by section, week_start_date, week_end_date
        order by published_date
        rows between unbounded preceding and current row
    )

),

current_state as (

    select * from numbered
    where revision_number = publication_count - 1

),

final as (

    -- every column of base_jquants__investor_types, with the revision number and first publication
    -- (the contract in the YAML fixes names, types and order)
    select * exclude (publication_count) from current_state

)

select * from final
