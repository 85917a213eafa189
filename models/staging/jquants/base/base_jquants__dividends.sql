{#-
    Every dividend notice (one row per `RefNo`), latest load of each: the history behind
    stg_jquants__dividends (current state per corporate action).
-#}
with

source as (

    select * from {{ source_or_empty('jquants', 'dividends') }}
    where {{ as_known_at_predicate('_ingested_at') }}

),

pit_calendar as (

    {{ point_in_time_calendar() }}

),

renamed as (

    select
        -- keys
        cast(code as varchar) as code,
        cast(ref_no as varchar) as reference_number,
        cast(ca_ref_no as varchar) as corporate_action_reference_number,
        cast(stat_code as varchar) as status_code,

        -- notice
        cast(pub_date as date) as published_date,
        cast(pub_time as varchar) as published_time_jst,
        cast(board_date as date) as board_meeting_date,
        cast(if_code as varchar) as interim_final_code,
        cast(fr_code as varchar) as forecast_result_code,
        cast(if_term as varchar) as interim_final_term,

        -- the dividend: amounts in JPY per share, each with its status (value / undetermined / not_set)
        cast(div_rate as double) as dividend_per_share,
        cast(div_rate_status as varchar) as dividend_per_share_status,
        cast(rec_date as date) as record_date,
        cast(ex_date as date) as ex_date,
        cast(act_rec_date as date) as actual_record_date,
        cast(pay_date as date) as payment_date,
        cast(pay_date_status as varchar) as payment_date_status,
        cast(dist_amt as double) as distribution_per_share,
        cast(dist_amt_status as varchar) as distribution_per_share_status,
        cast(ret_earn as double) as retained_earnings_per_share,
        cast(ret_earn_status as varchar) as retained_earnings_per_share_status,
        cast(deem_div as double) as deemed_dividend_per_share,
        cast(deem_div_status as varchar) as deemed_dividend_per_share_status,
        cast(deem_cap_gains as double) as deemed_capital_gains_per_share,
        cast(deem_cap_gains_status as varchar) as deemed_capital_gains_per_share_status,
        cast(net_asset_dec_ratio as double) as net_asset_decrease_ratio,
        cast(net_asset_dec_ratio_status as varchar) as net_asset_decrease_ratio_status,
        cast(comm_spec_code as varchar) as commemorative_special_code,
        cast(comm_div_rate as double) as commemorative_dividend_per_share,
        cast(comm_div_rate_status as varchar) as commemorative_dividend_per_share_status,
        cast(spec_div_rate as double) as special_dividend_per_share,
        cast(spec_div_rate_status as varchar) as special_dividend_per_share_status,

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
            partition by reference_number
            order by ingested_at desc, dlt_load_id desc, dlt_id desc
        ) = 1

),

published as (

    select
        *,
        -- a notice at HH:MM JST; without a time, the end of the day (counts for the next session)
        {{ jst_timestamp('published_date', 'published_time_jst') }} as available_at

    from latest_version

),

final as (

    select
        code,
        reference_number,
        corporate_action_reference_number,
        status_code,
        status_code = '3' as is_deleted,
        forecast_result_code = '2' as is_forecast,
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
        available_at,
        {{ usable_from('available_at') }} as usable_from,
        ingested_at,
        ingest_source,
        dlt_load_id

    from published

)

select * from final
