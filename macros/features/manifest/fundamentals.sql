{#- Feature manifest, family `fundamentals`: valuation and growth from the latest disclosure as of the date.
    The YAML between the markers is read by dbt (fromyaml, at compile time) and by
    scripts/generate_feature_docs.py; see macros/features/feature_manifest.sql for the fields. -#}
{% macro manifest_family_fundamentals() -%}
{%- set family_yaml -%}
# BEGIN FAMILY
family: fundamentals
model: int_features_fundamentals
description: |
  The fundamentals family of the feature manifest: valuation (PER, PBR, earnings and dividend
  yield), year-on-year growth and the age of the latest disclosure, per code × trade date of the
  code's feature series, from the financial summaries (`stg_jquants__fin_summary`, every document)
  **as usable on the date**: a document counts from its `usable_from` (disclosed before that
  day's close: the same day; after the close or without a time: the next business day), and a
  correction of a period replaces the original only from its own `usable_from` on.


  **Which figure.** "Latest" = of the latest period among the usable documents carrying the
  figure (for forecasts: the latest fiscal year forecast), then the latest disclosed of that
  period (corrections win); a document without the figure is skipped. Results documents are those
  whose `document_type` contains `FinancialStatements`; forecasts also come from forecast
  revisions (`EarnForecastRevision`, `DividendForecastRevision`).


  **Price and share count.** P = the raw close of the date (on a no-trade day the last traded raw
  close, in the date's shares) = `feature_close` / `cumulative_adj_factor`. A per-share figure
  (EPS, BPS, DPS) is in the shares of its disclosure date and is converted to the date's shares
  by every AdjFactor with an ex-date after `disclosed_date` and up to the date (× c(t0) / c(D),
  c = `cumulative_adj_factor` of `int_prices_adjusted`, c(t0) the product of the factors after
  the disclosure date): a split after a disclosure changes neither PER nor PBR on its ex-date.


  **Not used.** `int_fin_summary_current` and `int_dividends_current` are current states (a later
  correction or dividend revision would leak into earlier dates). The annual dividend forecast
  per fiscal year is taken from the summaries (`FDivAnn` / `NxFDivAnn`), which state the annual
  figure the dividend notices (`/fins/dividend`, per record date) would have to be summed into.


  Rows before a code's first usable document have NULL features. Incremental (delete+insert): a
  run recomputes the last loaded date and `features_lookback_days` dates before it (or from the
  driver's earlier `recompute_from`).
extra_columns: []
features:
  - name: fund_per
    family: fundamentals
    kind: price_to_per_share
    params: {per_share: trailing_eps_adjusted}
    status: active
    inputs: [close, cumulative_adj_factor, earnings_per_share, period_type, usable_from]
    description: "Trailing PER (times): P / EPS, EPS = the latest full-year actual (`earnings_per_share` of the latest usable FY results document), in the date's shares. NULL when that EPS ≤ 0 or there is none (never inf, never 0)."
  - name: fund_per_forecast
    family: fundamentals
    kind: price_to_per_share
    params: {per_share: forecast_eps_adjusted}
    status: active
    inputs: [close, cumulative_adj_factor, forecast_earnings_per_share, next_fy_forecast_earnings_per_share, usable_from]
    description: "Forward PER (times): P / forecast EPS of the latest forecast fiscal year (`NxFEPS` of a full-year results document, `FEPS` of a quarterly one or a forecast revision that states it), in the date's shares. NULL when that EPS ≤ 0 or there is none."
  - name: fund_pbr
    family: fundamentals
    kind: price_to_per_share
    params: {per_share: bps_adjusted}
    status: active
    inputs: [close, cumulative_adj_factor, book_value_per_share, usable_from]
    description: "PBR (times): P / BPS, BPS = `book_value_per_share` of the latest usable results document stating it (any quarter), in the date's shares. NULL when BPS ≤ 0 or there is none."
  - name: fund_earnings_yield
    family: fundamentals
    kind: per_share_to_price
    params: {per_share: trailing_eps_adjusted}
    status: active
    inputs: [close, cumulative_adj_factor, earnings_per_share, period_type, usable_from]
    description: "Trailing earnings yield (fraction): EPS / P with the EPS of fund_per; defined for a loss too (negative), NULL only when there is no full-year EPS."
  - name: fund_dividend_yield
    family: fundamentals
    kind: per_share_to_price
    params: {per_share: forecast_dps_adjusted}
    status: active
    inputs: [close, cumulative_adj_factor, forecast_dividend_per_share_annual, next_fy_forecast_dividend_per_share_annual, usable_from]
    description: "Forecast dividend yield (fraction): annual dividend per share forecast for the latest forecast fiscal year (`NxFDivAnn` of a full-year results document, `FDivAnn` of a quarterly one or a dividend forecast revision) / P, in the date's shares. 0 for a forecast of no dividend; NULL when no usable document states one."
  - name: fund_sales_growth_yoy
    family: fundamentals
    kind: growth_yoy
    params: {figure: sales}
    status: active
    inputs: [net_sales, period_type, period_end_date, usable_from]
    description: "Net sales growth (fraction): cumulative `net_sales` of the latest usable results document / the same period type one fiscal year earlier (period end in the same month a year before, its latest version usable on the date) − 1. NULL when either is missing or the earlier one ≤ 0."
  - name: fund_operating_profit_growth_yoy
    family: fundamentals
    kind: growth_yoy
    params: {figure: operating_profit}
    status: active
    inputs: [operating_profit, period_type, period_end_date, usable_from]
    description: "Operating profit growth (fraction): as fund_sales_growth_yoy on cumulative `operating_profit`. NULL when either is missing or the earlier one ≤ 0 (a loss a year before has no meaningful growth rate)."
  - name: fund_net_income_growth_yoy
    family: fundamentals
    kind: growth_yoy
    params: {figure: net_income}
    status: active
    inputs: [net_income, period_type, period_end_date, usable_from]
    description: "Net income growth (fraction): as fund_sales_growth_yoy on cumulative `net_income`. NULL when either is missing or the earlier one ≤ 0."
  - name: fund_days_since_disclosure
    family: fundamentals
    kind: days_since_disclosure
    params: {}
    status: active
    data_type: integer
    inputs: [disclosed_date, usable_from]
    description: "Calendar days from the `disclosed_date` of the latest usable document (any kind: results, forecast revision, correction) to the date; 0 on the day of a disclosure made before the close. NULL before the code's first usable document."
# END FAMILY
{%- endset -%}
{{ return(fromyaml(family_yaml)) }}
{%- endmacro %}
