{#-
    Current state of every dividend corporate action: its latest notice (latest `PubDate`, then
    `PubTime`, then `RefNo`), from base_jquants__dividends. An action whose latest notice is a
    deletion (StatCode 3) is withdrawn and left out; the deletion stays visible in the base model.
-#}
with

base_jquants__dividends as (

    select * from {{ ref('base_jquants__dividends') }}

),

ordered as (

    select
        *,
        row_number() over (
            partition by corporate_action_reference_number
            -- a notice without a time counts as published at the end of its day (available_at)
            order by published_date desc, available_at desc, reference_number desc
        ) as newest_first,
        count(*) over (partition by corporate_action_reference_number) as notice_count,
        min(available_at) over (partition by corporate_action_reference_number) as first_available_at

    from base_jquants__dividends

),

current_state as (

    select * from ordered
    where newest_first = 1 and not is_deleted

),

final as (

    -- every column of base_jquants__dividends but the deletion flag (a deleted action is left out),
    -- with the notice count and first availability (the contract in the YAML fixes names and order)
    select * exclude (newest_first, is_deleted) from current_state

)

select * from final
