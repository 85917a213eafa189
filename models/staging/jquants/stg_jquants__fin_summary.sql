{#-
    Financial summaries (`/fins/summary`), one row per disclosed document, latest load of each.
-#}
with

source as (

    select * from {{ source_or_empty('jquants', 'fin_summary') }}
    where {{ as_known_at_predicate('_ingested_at') }}

),

pit_calendar as (

    {{ point_in_time_calendar() }}

),

renamed as (

    select
        -- keys
        cast(code as varchar) as code,
        cast(disc_no as varchar) as disclosure_number,

        -- the document and the period it reports
        cast(disc_date as date) as disclosed_date,
        cast(disc_time as varchar) as disclosed_time_jst,
        cast(doc_type as varchar) as document_type,
        cast(cur_per_type as varchar) as period_type,
        cast(cur_per_st as date) as period_start_date,
        cast(cur_per_en as date) as period_end_date,
        cast(cur_fy_st as date) as fiscal_year_start_date,
        cast(cur_fy_en as date) as fiscal_year_end_date,
        cast(nxt_fy_st as date) as next_fiscal_year_start_date,
        cast(nxt_fy_en as date) as next_fiscal_year_end_date,

        -- figures (JPY unless per share or a ratio; results cumulative from the fiscal year start)
        cast(sales as double) as net_sales,
        cast(op as double) as operating_profit,
        cast(odp as double) as ordinary_profit,
        cast(np as double) as net_income,
        cast(eps as double) as earnings_per_share,
        cast(deps as double) as diluted_earnings_per_share,
        cast(ta as double) as total_assets,
        cast(eq as double) as equity,
        cast(eq_ar as double) as equity_to_asset_ratio,
        cast(bps as double) as book_value_per_share,
        cast(cfo as double) as operating_cash_flow,
        cast(cfi as double) as investing_cash_flow,
        cast(cff as double) as financing_cash_flow,
        cast(cash_eq as double) as cash_and_equivalents,
        cast(div_1q as double) as dividend_per_share_1q,
        cast(div_2q as double) as dividend_per_share_2q,
        cast(div_3q as double) as dividend_per_share_3q,
        cast(div_fy as double) as dividend_per_share_fy,
        cast(div_ann as double) as dividend_per_share_annual,
        cast(div_unit as double) as distribution_per_unit,
        cast(div_total_ann as double) as total_dividends_annual,
        cast(payout_ratio_ann as double) as payout_ratio_annual,
        cast(f_div_1q as double) as forecast_dividend_per_share_1q,
        cast(f_div_2q as double) as forecast_dividend_per_share_2q,
        cast(f_div_3q as double) as forecast_dividend_per_share_3q,
        cast(f_div_fy as double) as forecast_dividend_per_share_fy,
        cast(f_div_ann as double) as forecast_dividend_per_share_annual,
        cast(f_div_unit as double) as forecast_distribution_per_unit,
        cast(f_div_total_ann as double) as forecast_total_dividends_annual,
        cast(f_payout_ratio_ann as double) as forecast_payout_ratio_annual,
        cast(nx_f_div_1q as double) as next_fy_forecast_dividend_per_share_1q,
        cast(nx_f_div_2q as double) as next_fy_forecast_dividend_per_share_2q,
        cast(nx_f_div_3q as double) as next_fy_forecast_dividend_per_share_3q,
        cast(nx_f_div_fy as double) as next_fy_forecast_dividend_per_share_fy,
        cast(nx_f_div_ann as double) as next_fy_forecast_dividend_per_share_annual,
        cast(nx_f_div_unit as double) as next_fy_forecast_distribution_per_unit,
        cast(nx_f_payout_ratio_ann as double) as next_fy_forecast_payout_ratio_annual,
        cast(f_sales_2q as double) as forecast_net_sales_2q,
        cast(f_op_2q as double) as forecast_operating_profit_2q,
        cast(f_odp_2q as double) as forecast_ordinary_profit_2q,
        cast(f_np_2q as double) as forecast_net_income_2q,
        cast(f_eps_2q as double) as forecast_earnings_per_share_2q,
        cast(nx_f_sales_2q as double) as next_fy_forecast_net_sales_2q,
        cast(nx_f_op_2q as double) as next_fy_forecast_operating_profit_2q,
        cast(nx_f_odp_2q as double) as next_fy_forecast_ordinary_profit_2q,
        cast(nx_f_np_2q as double) as next_fy_forecast_net_income_2q,
        cast(nx_f_eps_2q as double) as next_fy_forecast_earnings_per_share_2q,
        cast(f_sales as double) as forecast_net_sales,
        cast(f_op as double) as forecast_operating_profit,
        cast(f_odp as double) as forecast_ordinary_profit,
        cast(f_np as double) as forecast_net_income,
        cast(f_eps as double) as forecast_earnings_per_share,
        cast(nx_f_sales as double) as next_fy_forecast_net_sales,
        cast(nx_f_op as double) as next_fy_forecast_operating_profit,
        cast(nx_f_odp as double) as next_fy_forecast_ordinary_profit,
        cast(nx_f_np as double) as next_fy_forecast_net_income,
        cast(nx_f_eps as double) as next_fy_forecast_earnings_per_share,
        cast(sh_out_fy as double) as shares_issued_fy_end,
        cast(tr_sh_fy as double) as treasury_shares_fy_end,
        cast(avg_sh as double) as average_shares,
        cast(nc_sales as double) as non_consolidated_net_sales,
        cast(nc_op as double) as non_consolidated_operating_profit,
        cast(nc_odp as double) as non_consolidated_ordinary_profit,
        cast(nc_np as double) as non_consolidated_net_income,
        cast(nc_eps as double) as non_consolidated_earnings_per_share,
        cast(nc_ta as double) as non_consolidated_total_assets,
        cast(nc_eq as double) as non_consolidated_equity,
        cast(nc_eq_ar as double) as non_consolidated_equity_to_asset_ratio,
        cast(nc_bps as double) as non_consolidated_book_value_per_share,
        cast(f_nc_sales_2q as double) as forecast_non_consolidated_net_sales_2q,
        cast(f_nc_op_2q as double) as forecast_non_consolidated_operating_profit_2q,
        cast(f_nc_odp_2q as double) as forecast_non_consolidated_ordinary_profit_2q,
        cast(f_nc_np_2q as double) as forecast_non_consolidated_net_income_2q,
        cast(f_nc_eps_2q as double) as forecast_non_consolidated_earnings_per_share_2q,
        cast(nx_f_nc_sales_2q as double) as next_fy_forecast_non_consolidated_net_sales_2q,
        cast(nx_f_nc_op_2q as double) as next_fy_forecast_non_consolidated_operating_profit_2q,
        cast(nx_f_nc_odp_2q as double) as next_fy_forecast_non_consolidated_ordinary_profit_2q,
        cast(nx_f_nc_np_2q as double) as next_fy_forecast_non_consolidated_net_income_2q,
        cast(nx_f_nc_eps_2q as double) as next_fy_forecast_non_consolidated_earnings_per_share_2q,
        cast(f_nc_sales as double) as forecast_non_consolidated_net_sales,
        cast(f_nc_op as double) as forecast_non_consolidated_operating_profit,
        cast(f_nc_odp as double) as forecast_non_consolidated_ordinary_profit,
        cast(f_nc_np as double) as forecast_non_consolidated_net_income,
        cast(f_nc_eps as double) as forecast_non_consolidated_earnings_per_share,
        cast(nx_f_nc_sales as double) as next_fy_forecast_non_consolidated_net_sales,
        cast(nx_f_nc_op as double) as next_fy_forecast_non_consolidated_operating_profit,
        cast(nx_f_nc_odp as double) as next_fy_forecast_non_consolidated_ordinary_profit,
        cast(nx_f_nc_np as double) as next_fy_forecast_non_consolidated_net_income,
        cast(nx_f_nc_eps as double) as next_fy_forecast_non_consolidated_earnings_per_share,

        -- accounting flags ('true' / 'false' as received)
        case lower(cast(mat_chg_sub as varchar))
            when 'true' then true
            when 'false' then false
        end as has_material_changes_in_subsidiaries,
        case lower(cast(sig_chg_in_c as varchar))
            when 'true' then true
            when 'false' then false
        end as has_significant_changes_in_consolidation,
        case lower(cast(chg_by_as_rev as varchar))
            when 'true' then true
            when 'false' then false
        end as has_changes_by_accounting_standard_revision,
        case lower(cast(chg_no_as_rev as varchar))
            when 'true' then true
            when 'false' then false
        end as has_changes_other_than_accounting_standard_revision,
        case lower(cast(chg_ac_est as varchar))
            when 'true' then true
            when 'false' then false
        end as has_changes_in_accounting_estimates,
        case lower(cast(retro_rst as varchar))
            when 'true' then true
            when 'false' then false
        end as has_retrospective_restatement,

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
            partition by disclosure_number
            order by ingested_at desc, dlt_load_id desc, dlt_id desc
        ) = 1

),

published as (

    select
        *,
        -- disclosed at HH:MM:SS JST; without a time, the end of the day (counts for the next session)
        {{ jst_timestamp('disclosed_date', 'disclosed_time_jst') }} as available_at

    from latest_version

),

final as (

    select
        code,
        disclosure_number,
        disclosed_date,
        disclosed_time_jst,
        document_type,
        period_type,
        period_start_date,
        period_end_date,
        fiscal_year_start_date,
        fiscal_year_end_date,
        next_fiscal_year_start_date,
        next_fiscal_year_end_date,
        net_sales,
        operating_profit,
        ordinary_profit,
        net_income,
        earnings_per_share,
        diluted_earnings_per_share,
        total_assets,
        equity,
        equity_to_asset_ratio,
        book_value_per_share,
        operating_cash_flow,
        investing_cash_flow,
        financing_cash_flow,
        cash_and_equivalents,
        dividend_per_share_1q,
        dividend_per_share_2q,
        dividend_per_share_3q,
        dividend_per_share_fy,
        dividend_per_share_annual,
        distribution_per_unit,
        total_dividends_annual,
        payout_ratio_annual,
        forecast_dividend_per_share_1q,
        forecast_dividend_per_share_2q,
        forecast_dividend_per_share_3q,
        forecast_dividend_per_share_fy,
        forecast_dividend_per_share_annual,
        forecast_distribution_per_unit,
        forecast_total_dividends_annual,
        forecast_payout_ratio_annual,
        next_fy_forecast_dividend_per_share_1q,
        next_fy_forecast_dividend_per_share_2q,
        next_fy_forecast_dividend_per_share_3q,
        next_fy_forecast_dividend_per_share_fy,
        next_fy_forecast_dividend_per_share_annual,
        next_fy_forecast_distribution_per_unit,
        next_fy_forecast_payout_ratio_annual,
        forecast_net_sales_2q,
        forecast_operating_profit_2q,
        forecast_ordinary_profit_2q,
        forecast_net_income_2q,
        forecast_earnings_per_share_2q,
        next_fy_forecast_net_sales_2q,
        next_fy_forecast_operating_profit_2q,
        next_fy_forecast_ordinary_profit_2q,
        next_fy_forecast_net_income_2q,
        next_fy_forecast_earnings_per_share_2q,
        forecast_net_sales,
        forecast_operating_profit,
        forecast_ordinary_profit,
        forecast_net_income,
        forecast_earnings_per_share,
        next_fy_forecast_net_sales,
        next_fy_forecast_operating_profit,
        next_fy_forecast_ordinary_profit,
        next_fy_forecast_net_income,
        next_fy_forecast_earnings_per_share,
        shares_issued_fy_end,
        treasury_shares_fy_end,
        average_shares,
        non_consolidated_net_sales,
        non_consolidated_operating_profit,
        non_consolidated_ordinary_profit,
        non_consolidated_net_income,
        non_consolidated_earnings_per_share,
        non_consolidated_total_assets,
        non_consolidated_equity,
        non_consolidated_equity_to_asset_ratio,
        non_consolidated_book_value_per_share,
        forecast_non_consolidated_net_sales_2q,
        forecast_non_consolidated_operating_profit_2q,
        forecast_non_consolidated_ordinary_profit_2q,
        forecast_non_consolidated_net_income_2q,
        forecast_non_consolidated_earnings_per_share_2q,
        next_fy_forecast_non_consolidated_net_sales_2q,
        next_fy_forecast_non_consolidated_operating_profit_2q,
        next_fy_forecast_non_consolidated_ordinary_profit_2q,
        next_fy_forecast_non_consolidated_net_income_2q,
        next_fy_forecast_non_consolidated_earnings_per_share_2q,
        forecast_non_consolidated_net_sales,
        forecast_non_consolidated_operating_profit,
        forecast_non_consolidated_ordinary_profit,
        forecast_non_consolidated_net_income,
        forecast_non_consolidated_earnings_per_share,
        next_fy_forecast_non_consolidated_net_sales,
        next_fy_forecast_non_consolidated_operating_profit,
        next_fy_forecast_non_consolidated_ordinary_profit,
        next_fy_forecast_non_consolidated_net_income,
        next_fy_forecast_non_consolidated_earnings_per_share,
        has_material_changes_in_subsidiaries,
        has_significant_changes_in_consolidation,
        has_changes_by_accounting_standard_revision,
        has_changes_other_than_accounting_standard_revision,
        has_changes_in_accounting_estimates,
        has_retrospective_restatement,
        available_at,
        {{ usable_from('available_at') }} as usable_from,
        ingested_at,
        ingest_source,
        dlt_load_id

    from published

)

select * from final
