{{
    config(
        materialized='incremental',
        unique_key=['code', 'trade_date'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

{#- The fundamentals family of the feature manifest: valuation (PER, PBR, yields), year-on-year
    growth and the age of the latest disclosure, per code × trade date, from every fin summary
    document (`stg_jquants__fin_summary`, one row per DiscNo) usable on the date.

    Point in time: a document counts from its `usable_from` (disclosed before the close: that
    day; after it or without a time: the next business day). The state of the fundamentals of a
    code only changes on the `usable_from` of one of its documents: it is computed once per such
    date (an "event", running arg_max over the documents in `usable_from` order, so a correction
    of a period wins over the original from its own `usable_from` on, never before), then taken
    by an ASOF join for each trade date.

    Share count: a per-share figure (EPS, BPS, DPS) is in the shares of its disclosure date: every
    AdjFactor with an ex-date after `disclosed_date` (up to D) applies to it. With c(t) =
    `cumulative_adj_factor` (the product of the AdjFactors strictly after row t) and c(t0) the
    product of the factors after the disclosure date, the figure in the shares of date D is
    x · c(t0) / c(D), and the raw close of D is `feature_close` / c(D) (on a no-trade day the last
    traded close in D's shares), so price / per-share = feature_close / (x · c(t0)): a split
    between the disclosure and D does not make PER jump on the ex-date, and the ratio uses only
    factors up to D.

    Not from `int_fin_summary_current` (the current state: a later correction would leak into
    earlier dates) nor from the dividend notices (`int_dividends_current` is the current state
    too; the annual figure per fiscal year is what the summaries state): see the manifest.

    Incremental: no window over trade dates, so a run recomputes the last loaded date and
    `features_lookback_days` dates before it (or the driver's earlier var('recompute_from')) from
    the full document history (small: a few documents per code and quarter). -#}
{%- set lookback = var('features_lookback_days') | int -%}
{%- set features = active_features('fundamentals') -%}

with

int_prices_adjusted as (

    select * from {{ ref('int_prices_adjusted') }}

),

stg_jquants__fin_summary as (

    select * from {{ ref('stg_jquants__fin_summary') }}

),

{% if is_incremental() %}
{%- set recompute_from = feature_recompute_from(ref('int_prices_adjusted'), lookback) %}
recompute_bounds as (

    -- the last loaded date and `lookback` dates before it, or the driver's earlier
    -- var('recompute_from') (macros/features/incremental.sql)
    select cast('{{ recompute_from or '0001-01-01' }}' as date) as recompute_from_date

),
{% endif %}

documents as (

    select
        code,
        disclosure_number,
        disclosed_date,
        available_at,
        usable_from,
        period_type,
        period_end_date,
        document_type ilike '%FinancialStatements%' as is_results,
        earnings_per_share,
        book_value_per_share,
        net_sales,
        operating_profit,
        net_income,
        -- the forecast of the latest fiscal year the document forecasts: the next fiscal year's
        -- (results of a full year), else the current one's (quarterly results, revisions)
        case
            when next_fy_forecast_earnings_per_share is not null then next_fiscal_year_end_date
            when forecast_earnings_per_share is not null then fiscal_year_end_date
        end as forecast_eps_fiscal_year_end_date,
        coalesce(next_fy_forecast_earnings_per_share, forecast_earnings_per_share)
            as forecast_earnings_per_share,
        case
            when next_fy_forecast_dividend_per_share_annual is not null then next_fiscal_year_end_date
            when forecast_dividend_per_share_annual is not null then fiscal_year_end_date
        end as forecast_dps_fiscal_year_end_date,
        coalesce(next_fy_forecast_dividend_per_share_annual, forecast_dividend_per_share_annual)
            as forecast_dividend_per_share_annual

    from stg_jquants__fin_summary
    where usable_from is not null

),

splits as (

    -- the rows with an AdjFactor: c(t) = the product of the factors of the split rows after t
    select
        code,
        trade_date,
        adj_factor

    from int_prices_adjusted
    where adj_factor != 1

),

disclosure_adj_factors as (

    -- c(t0) of each document: the product of the factors with an ex-date after its disclosure
    -- date (a filter and a small join: no sort of the whole price history)
    select
        documents.disclosure_number,
        product(splits.adj_factor) as disclosure_adj_factor

    from documents
    inner join splits
        on
            documents.code = splits.code
            and splits.trade_date > documents.disclosed_date
    group by documents.disclosure_number

),

with_share_count as (

    select
        documents.*,
        coalesce(disclosure_adj_factors.disclosure_adj_factor, 1.0) as disclosure_adj_factor

    from documents
    left join disclosure_adj_factors
        on documents.disclosure_number = disclosure_adj_factors.disclosure_number

),

states as (

    -- per code and usable_from: the latest value of each figure among the documents usable then.
    -- "latest": of the latest period (fiscal year for forecasts), then the latest disclosed
    -- (a correction beats the original); documents without the figure are skipped
    select
        code,
        usable_from,
        arg_max(
            case
                when is_results and period_type = 'FY' and earnings_per_share is not null
                    then earnings_per_share * disclosure_adj_factor
            end,
            (period_end_date, available_at, disclosure_number)
        ) over usable_until_now as trailing_eps_adjusted,
        arg_max(
            case
                when is_results and book_value_per_share is not null
                    then book_value_per_share * disclosure_adj_factor
            end,
            (period_end_date, available_at, disclosure_number)
        ) over usable_until_now as bps_adjusted,
        arg_max(
            forecast_earnings_per_share * disclosure_adj_factor,
            (forecast_eps_fiscal_year_end_date, available_at, disclosure_number)
        ) over usable_until_now as forecast_eps_adjusted,
        arg_max(
            forecast_dividend_per_share_annual * disclosure_adj_factor,
            (forecast_dps_fiscal_year_end_date, available_at, disclosure_number)
        ) over usable_until_now as forecast_dps_adjusted,
        arg_max(
            case
                when is_results then {
                    'period_type': period_type,
                    'period_end_date': period_end_date,
                    'net_sales': net_sales,
                    'operating_profit': operating_profit,
                    'net_income': net_income,
                }
            end,
            (period_end_date, available_at, disclosure_number)
        ) over usable_until_now as latest_results,
        max(disclosed_date) over usable_until_now as last_disclosed_date

    from with_share_count
    window usable_until_now as (
        partition by code
        order by usable_from
        range between unbounded preceding and current row
    )
    qualify row_number() over (partition by code, usable_from order by disclosure_number) = 1

),

prior_year as (

    -- the same period type one fiscal year earlier (period end in the same month a year before),
    -- its latest version usable on the state's date
    select
        states.code,
        states.usable_from,
        documents.net_sales,
        documents.operating_profit,
        documents.net_income

    from states
    inner join documents
        on
            states.code = documents.code
            and documents.is_results
            and documents.period_type = states.latest_results.period_type
            and date_trunc('month', documents.period_end_date)
            = date_trunc('month', states.latest_results.period_end_date) - interval 12 month
            and documents.usable_from <= states.usable_from
    qualify row_number() over (
        partition by states.code, states.usable_from
        order by documents.available_at desc, documents.disclosure_number desc
    ) = 1

),

events as (

    select
        states.code,
        states.usable_from,
        states.trailing_eps_adjusted,
        states.bps_adjusted,
        states.forecast_eps_adjusted,
        states.forecast_dps_adjusted,
        states.last_disclosed_date,
        case
            when prior_year.net_sales > 0
                then states.latest_results.net_sales / prior_year.net_sales - 1
        end as sales_growth_yoy,
        case
            when prior_year.operating_profit > 0
                then states.latest_results.operating_profit / prior_year.operating_profit - 1
        end as operating_profit_growth_yoy,
        case
            when prior_year.net_income > 0
                then states.latest_results.net_income / prior_year.net_income - 1
        end as net_income_growth_yoy

    from states
    left join prior_year
        on
            states.code = prior_year.code
            and states.usable_from = prior_year.usable_from

),

feature_rows as (

    select
        code,
        trade_date,
        feature_close

    from int_prices_adjusted
    where
        feature_row_index is not null
        {% if is_incremental() %}
        and trade_date >= (select recompute_bounds.recompute_from_date from recompute_bounds)
        {% endif %}

),

as_of_date as (

    select
        feature_rows.code,
        feature_rows.trade_date,
        feature_rows.feature_close,
        events.* exclude (code, usable_from)

    from feature_rows
    asof left join events
        on
            feature_rows.code = events.code
            and feature_rows.trade_date >= events.usable_from

),

final as (

    select
        code,
        trade_date,
        {%- for f in features %}
        {%- if f['kind'] == 'price_to_per_share' %}
        case
            when {{ f['params']['per_share'] }} > 0
                then feature_close / {{ f['params']['per_share'] }}
        end
        {%- elif f['kind'] == 'per_share_to_price' %}
        {{ f['params']['per_share'] }} / feature_close
        {%- elif f['kind'] == 'growth_yoy' %}
        {{ f['params']['figure'] }}_growth_yoy
        {%- elif f['kind'] == 'days_since_disclosure' %}
        cast(trade_date - last_disclosed_date as integer)
        {%- else %}
        {{ exceptions.raise_compiler_error("unknown fundamentals kind " ~ f['kind']) }}
        {%- endif %} as {{ f['name'] }}{{ ',' if not loop.last }}
        {%- endfor %}

    from as_of_date

)

select * from final
