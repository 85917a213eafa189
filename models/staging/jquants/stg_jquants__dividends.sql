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

    select
        code,
        reference_number,
        corporate_action_reference_number,
        status_code,
        is_forecast,
        published_date,
        published_time_jst,
        board_meeting_date,
        interim_final_code,
        forecast_result_code,
        interim_final_term,
        dividend_per_share,
        dividend_per_share_status,
        record_date,
        ex_date,
        actual_record_date,
        payment_date,
        payment_date_status,
        distribution_per_share,
        distribution_per_share_status,
        retained_earnings_per_share,
        retained_earnings_per_share_status,
        deemed_dividend_per_share,
        deemed_dividend_per_share_status,
        deemed_capital_gains_per_share,
        deemed_capital_gains_per_share_status,
        net_asset_decrease_ratio,
        net_asset_decrease_ratio_status,
        commemorative_special_code,
        commemorative_dividend_per_share,
        commemorative_dividend_per_share_status,
        special_dividend_per_share,
        special_dividend_per_share_status,
        notice_count,
        first_available_at,
        available_at,
        usable_from,
        ingested_at,
        ingest_source,
        dlt_load_id

    from current_state

)

select * from final
