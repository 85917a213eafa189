{{
    config(
        materialized='incremental',
        unique_key=['code', 'trade_date'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

{#- The margin family of the feature manifest (macros/features/manifest/margin.sql): weekly margin
    balances joined as of `usable_from`, and the daily trade-breakdown shares of turnover.

    Weekly: every column is computed on the code's weekly rows (changes vs its previous record
    date), then each trade date takes the latest week with `usable_from <= trade_date`. Balances
    are divided by the volume adjustment factor of their record date (the code's last price row on
    or before it): with `feature_volume` (volume ÷ the factor of its own date) both are in the
    share scale of today's adjustment, so splits between a record date and the trade date (or
    between two record dates) cancel, and every value is point-in-time.
    Daily: shares of the breakdown row of the same date (usable from it), 20-row means over the
    code's feature series. Pure window aggregates: an incremental run recomputes from
    `feature_recompute_from` with the rows each window needs before it. -#}
{%- set lookback = var('features_lookback_days') | int -%}
{%- set max_age = var('margin_week_max_age_days', 35) | int -%}
{%- set features = active_features('margin') -%}
{%- set ns = namespace(max_window=1, max_weeks=0) -%}
{%- for f in features -%}
    {%- if f['params'].get('window', 1) > ns.max_window -%}{%- set ns.max_window = f['params']['window'] -%}{%- endif -%}
    {%- if f['params'].get('weeks', 0) > ns.max_weeks -%}{%- set ns.max_weeks = f['params']['weeks'] -%}{%- endif -%}
{%- endfor -%}
{%- set share_sql = {
    'short_sell': '(short_sell_excluding_margin_value_jpy + margin_sell_new_value_jpy) / nullif(sell_side_value_jpy, 0)',
    'margin_trade': '(margin_sell_new_value_jpy + margin_sell_close_value_jpy + margin_buy_new_value_jpy + margin_buy_close_value_jpy) / nullif(sell_side_value_jpy + buy_side_value_jpy, 0)',
    'margin_new_net': '(margin_buy_new_value_jpy - margin_sell_new_value_jpy) / nullif(sell_side_value_jpy, 0)',
} -%}

{%- if is_incremental() %}
{%- set recompute_from = feature_recompute_from(ref('int_prices_adjusted'), lookback) or '0001-01-01' %}
{%- endif %}

with

int_prices_adjusted as (

    select * from {{ ref('int_prices_adjusted') }}

),

stg_jquants__margin_interest as (

    select * from {{ ref('stg_jquants__margin_interest') }}
    {%- if is_incremental() %}
    -- the weeks the recomputed dates can use (at most max_age days old) and the previous
    -- records their changes compare with (at most max_age days a week before): a constant bound
    -- pushed into the staging view (its Parquet scan and latest-version window)
    where record_date >= date '{{ recompute_from }}' - {{ (ns.max_weeks + 1) * max_age }}
    {%- endif %}

),

stg_jquants__trade_breakdown as (

    select * from {{ ref('stg_jquants__trade_breakdown') }}

),

feature_series as (

    select
        code,
        trade_date,
        feature_row_index,
        feature_volume

    from int_prices_adjusted
    where feature_row_index is not null

),

{% if is_incremental() %}
{%- set series_sql -%}
    -- the recomputed rows (from the last loaded date and `lookback` dates before it, or the
    -- driver's earlier var('recompute_from'): macros/features/incremental.sql) and the rows their
    -- windows reach back to
    select
        prices.code,
        prices.trade_date,
        prices.feature_row_index,
        prices.feature_volume

    from {{ ref('int_prices_adjusted') }} as prices
    inner join (
        select code, min(feature_row_index) as first_row_index
        from {{ ref('int_prices_adjusted') }}
        where feature_row_index is not null and trade_date >= date '{{ recompute_from }}'
        group by code
    ) as first_recomputed_rows
        on prices.code = first_recomputed_rows.code
    where prices.feature_row_index >= first_recomputed_rows.first_row_index - {{ ns.max_window - 1 }}
{%- endset -%}
{#- its first date, as a constant: a bound a scalar subquery would give is not pushed into the
    breakdown's staging view (its Parquet scan and latest-version window) -#}
{%- set series_from = (run_query('select cast(min(trade_date) as varchar) from (' ~ series_sql ~ ')').columns[0].values()[0] if execute else none) or '0001-01-01' %}
series as (

    {{ series_sql }}

),

{% else %}

series as (

    select * from feature_series

),

{% endif %}

volume_factor_changes as (

    -- the rows where a code's volume adjustment factor (the product of the factors of its LATER
    -- rows) can change: its first row and its split rows (adj_factor != 1). Between two of them
    -- every row has the factor of the earlier one, so the last of these on or before a date has
    -- the factor of the code's last row on or before it: an as-of join over a few rows per code
    -- instead of every price row (the cost of an incremental run)
    select
        code,
        trade_date,
        cumulative_volume_adj_factor

    from int_prices_adjusted
    where coalesce(adj_factor, 1) != 1

    union all

    select
        code,
        min(trade_date) as trade_date,
        arg_min(cumulative_volume_adj_factor, trade_date) as cumulative_volume_adj_factor

    from int_prices_adjusted
    group by code

),

margin_weeks_scaled as (

    -- f = the volume adjustment factor of the code's last price row on or before the record
    -- date (the product of the factors after the record date): balance ÷ f is in today's scale
    select
        stg_jquants__margin_interest.code,
        stg_jquants__margin_interest.record_date,
        stg_jquants__margin_interest.usable_from,
        stg_jquants__margin_interest.long_margin_balance_shares,
        stg_jquants__margin_interest.short_margin_balance_shares,
        stg_jquants__margin_interest.long_margin_balance_shares
        / volume_factor_changes.cumulative_volume_adj_factor as long_balance_scaled,
        stg_jquants__margin_interest.short_margin_balance_shares
        / volume_factor_changes.cumulative_volume_adj_factor as short_balance_scaled,
        stg_jquants__margin_interest.long_margin_balance_shares
        / nullif(stg_jquants__margin_interest.short_margin_balance_shares, 0) as long_short_ratio

    from stg_jquants__margin_interest
    asof left join volume_factor_changes
        on
            stg_jquants__margin_interest.code = volume_factor_changes.code
            and stg_jquants__margin_interest.record_date >= volume_factor_changes.trade_date

),

margin_weekly_features as (

    -- on the weekly rows of each code: its previous record date is the previous week
    select
        code,
        record_date,
        usable_from,
        {%- for f in features %}
        {%- if f['kind'] == 'margin_balance_ratio' %}
        long_short_ratio as {{ f['name'] }},
        {%- elif f['kind'] in ('margin_balance_ratio_change', 'margin_balance_change') %}
        {%- set weeks = f['params']['weeks'] %}
        case
            when lag(record_date, {{ weeks }}) over code_weeks >= record_date - {{ weeks * max_age }}
                {%- if f['kind'] == 'margin_balance_ratio_change' %}
                then long_short_ratio - lag(long_short_ratio, {{ weeks }}) over code_weeks
                {%- else %}
                {%- set balance = f['params']['side'] ~ '_balance_scaled' %}
                then {{ balance }} / nullif(lag({{ balance }}, {{ weeks }}) over code_weeks, 0) - 1
                {%- endif %}
        end as {{ f['name'] }},
        {%- endif %}
        {%- endfor %}
        long_balance_scaled,
        short_balance_scaled

    from margin_weeks_scaled
    window code_weeks as (partition by code order by record_date)

),

margin_weeks_usable as (

    -- one week per code and usable_from (the latest record date); a week not yet usable
    -- (usable_from NULL: the calendar does not reach its publication) is left out
    select * from margin_weekly_features
    where usable_from is not null
    qualify row_number() over (partition by code, usable_from order by record_date desc) = 1

),

breakdown_shares as (

    select
        code,
        trade_date,
        usable_from,
        {%- for share, expression in share_sql.items() %}
        {{ expression }} as {{ share }}_share{{ ',' if not loop.last }}
        {%- endfor %}

    from (
        select
            *,
            long_sell_value_jpy + short_sell_excluding_margin_value_jpy + margin_sell_new_value_jpy
            + margin_sell_close_value_jpy as sell_side_value_jpy,
            long_buy_value_jpy + margin_buy_new_value_jpy + margin_buy_close_value_jpy as buy_side_value_jpy
        from stg_jquants__trade_breakdown
        {%- if is_incremental() %}
        where trade_date >= date '{{ series_from }}'
        {%- endif %}
    ) as breakdown

),

series_weeks as (

    -- the latest week usable on the date, when its record date is at most max_age days old
    select
        series.*,
        case
            when latest_week.record_date >= series.trade_date - {{ max_age }}
                then latest_week.record_date
        end as margin_record_date

    from series
    asof left join (select code, usable_from, record_date from margin_weeks_usable) as latest_week
        on
            series.code = latest_week.code
            and series.trade_date >= latest_week.usable_from

),

daily as (

    select
        series_weeks.code,
        series_weeks.trade_date,
        series_weeks.feature_row_index,
        series_weeks.feature_volume,
        margin_weeks_usable.* exclude (code, usable_from, record_date),
        series_weeks.margin_record_date,
        {%- for share in share_sql %}
        breakdown_shares.{{ share }}_share{{ ',' if not loop.last }}
        {%- endfor %}

    from series_weeks
    left join margin_weeks_usable
        on
            series_weeks.code = margin_weeks_usable.code
            and series_weeks.margin_record_date = margin_weeks_usable.record_date
    left join breakdown_shares
        on
            series_weeks.code = breakdown_shares.code
            and series_weeks.trade_date = breakdown_shares.trade_date
            and breakdown_shares.usable_from <= series_weeks.trade_date

),

features as (

    select
        code,
        trade_date,
        {%- for f in features %}
        {%- set w = f['params'].get('window') %}
        {%- if f['kind'] in ('margin_balance_ratio', 'margin_balance_ratio_change', 'margin_balance_change') %}
        {{ f['name'] }},
        {%- elif f['kind'] == 'margin_balance_to_volume' %}
        case
            when feature_row_index >= {{ w - 1 }}
                then {{ f['params']['side'] }}_balance_scaled
                / nullif(avg(feature_volume) over (code_rows rows {{ w - 1 }} preceding), 0)
        end as {{ f['name'] }},
        {%- elif f['kind'] == 'breakdown_share' %}
        {{ f['params']['share'] }}_share as {{ f['name'] }},
        {%- elif f['kind'] == 'breakdown_share_avg' %}
        case
            when feature_row_index >= {{ w - 1 }}
                then avg({{ f['params']['share'] }}_share) over (code_rows rows {{ w - 1 }} preceding)
        end as {{ f['name'] }},
        {%- else %}
        {{ exceptions.raise_compiler_error("unknown margin kind " ~ f['kind']) }}
        {%- endif %}
        {%- endfor %}
        feature_row_index,
        margin_record_date

    from daily
    window code_rows as (partition by code order by trade_date)

),

final as (

    select * from features
    {% if is_incremental() %}
    where trade_date >= date '{{ recompute_from }}'
    {% endif %}

)

select * from final
