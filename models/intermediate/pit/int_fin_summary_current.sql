{#-
    The current financial summary of each code and reported period: the latest document (a
    correction supersedes the original), results and forecast revisions kept apart.
-#}
with

stg_jquants__fin_summary as (

    select * from {{ ref('stg_jquants__fin_summary') }}

),

classified as (

    select
        *,
        case
            when document_type ilike '%FinancialStatements%' then 'financial_statements'
            when document_type ilike '%ForecastRevision%' then 'forecast_revision'
            else 'other'
        end as document_kind

    from stg_jquants__fin_summary

),

ranked as (

    select
        *,
        row_number() over period_documents as newest_first,
        count(*) over period_documents as document_count

    from classified
    window period_documents as (
        partition by code, document_kind, period_type, period_end_date
        order by available_at desc, disclosure_number desc
        rows between unbounded preceding and unbounded following
    )

),

final as (

    select
        code,
        document_kind,
        period_type,
        period_end_date,
        document_count,
        disclosure_number,
        disclosed_date,
        disclosed_time_jst,
        document_type,
        period_start_date,
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
        usable_from,
        ingested_at,
        ingest_source,
        dlt_load_id

    from ranked
    where newest_first = 1

)

select * from final
