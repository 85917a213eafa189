{{
    config(
        materialized='incremental',
        unique_key=['code', 'trade_date'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

{#- The investor-flow family of the feature manifest (macros/features/manifest/investor_flow.sql):
    weekly net buying by investor type of the code's section, as known on each trade date.

    1. publications: every usable version of every week (int_investor_types_asof, with its
       interval [usable_from, usable_until)), each series x = net / (TotSell + TotBuy).
    2. section_vintages: the dates on which a section's known weekly series changes (the
       usable_from of any publication: a new week or a revision).
    3. known_weeks: the section's weekly series as known from each such date (per week the version
       whose interval holds it), numbered back from its latest week (weeks_back 0, 1, …).
    4. section_features: the statistics over the weekly rows weeks_back < k of that series.
    5. each code × trade date takes its section of the date (int_universe) and the latest
       vintage of that section on or before the date (asof join).
    Every row depends only on its own date, so an incremental run recomputes the dates from
    feature_recompute_from(...) and equals a full refresh exactly. -#}
{%- set lookback = var('features_lookback_days') | int -%}
{%- set features = active_features('investor_flow') -%}
{%- set groups = [
    'proprietary', 'brokerage', 'individuals', 'foreigners', 'securities_companies',
    'investment_trusts', 'business_companies', 'other_companies', 'insurance_companies', 'banks',
    'trust_banks', 'other_financial_institutions',
] -%}
{%- set ns = namespace(max_weeks=1) -%}
{%- set series_names = [] -%}
{%- for f in features -%}
    {%- set weeks = f['params'].get('weeks', 1) | int -%}
    {%- if weeks > ns.max_weeks -%}{%- set ns.max_weeks = weeks -%}{%- endif -%}
    {%- if f['params']['series'] not in series_names -%}
        {%- do series_names.append(f['params']['series']) -%}
    {%- endif -%}
{%- endfor -%}
{%- for s in series_names -%}
    {%- for g in s.split('_minus_') -%}
        {%- if g not in groups or s.split('_minus_') | length > 2 -%}
            {{ exceptions.raise_compiler_error("investor_flow: unknown series " ~ s) }}
        {%- endif -%}
    {%- endfor -%}
{%- endfor -%}
{%- if is_incremental() -%}
    {#- the last loaded date and `lookback` dates before it, or the driver's earlier
        var('recompute_from') (macros/features/incremental.sql); a constant bound -#}
    {%- set recompute_from_date = feature_recompute_from(ref('int_prices_adjusted'), lookback)
        or '0001-01-01' -%}
{%- endif %}

with

int_prices_adjusted as (

    select * from {{ ref('int_prices_adjusted') }}
    where
        feature_row_index is not null
        {% if is_incremental() %}
        and trade_date >= cast('{{ recompute_from_date }}' as date)
        {% endif %}

),

int_universe as (

    select * from {{ ref('int_universe') }}
    {% if is_incremental() %}
    where trade_date >= cast('{{ recompute_from_date }}' as date)
    {% endif %}

),

int_investor_types_asof as (

    select * from {{ ref('int_investor_types_asof') }}

),

publications as (

    -- every version of every week that is usable from some trade date on; series values are
    -- net buying (buy − sell) over the section's two-sided trading value of the week
    select
        section,
        week_end_date,
        usable_from,
        usable_until,
        {%- for s in series_names %}
        {%- set parts = s.split('_minus_') %}
        case
            when total_sell_jpy_thousands + total_buy_jpy_thousands > 0
                then (
                    ({{ parts[0] }}_buy_jpy_thousands - {{ parts[0] }}_sell_jpy_thousands)
                    {%- if parts | length == 2 %}
                    - ({{ parts[1] }}_buy_jpy_thousands - {{ parts[1] }}_sell_jpy_thousands)
                    {%- endif %}
                )
                / (total_sell_jpy_thousands + total_buy_jpy_thousands)
        end as x_{{ s }}{{ ',' if not loop.last }}
        {%- endfor %}

    from int_investor_types_asof
    where usable_from is not null

),

section_vintages as (

    -- the trade dates from which a section's known weekly series changes
    select
        section,
        known_from,
        lead(known_from) over (partition by section order by known_from) as next_known_from

    from (select distinct section, usable_from as known_from from publications) as vintage_dates

),

needed_vintages as (

    select * from section_vintages
    {% if is_incremental() %}
    -- the vintages that serve a recomputed trade date
    where
        next_known_from is null
        or next_known_from > cast('{{ recompute_from_date }}' as date)
    {% endif %}

),

known_weeks as (

    -- the section's weekly series as known from each vintage: per week the version usable then,
    -- numbered back from the latest week (0 = w0)
    select
        needed_vintages.section,
        needed_vintages.known_from,
        publications.week_end_date,
        {%- for s in series_names %}
        publications.x_{{ s }},
        {%- endfor %}
        row_number() over (
            partition by needed_vintages.section, needed_vintages.known_from
            order by publications.week_end_date desc
        ) - 1 as weeks_back

    from needed_vintages
    inner join publications
        on
            needed_vintages.section = publications.section
            and publications.usable_from <= needed_vintages.known_from
            and (publications.usable_until is null or needed_vintages.known_from < publications.usable_until)
    qualify weeks_back < {{ ns.max_weeks }}

),

known_weeks_signed as (

    select
        *,
        {%- for s in series_names %}
        sign(x_{{ s }}) as sign_{{ s }},
        first_value(sign(x_{{ s }})) over latest_first as latest_sign_{{ s }}{{ ',' if not loop.last }}
        {%- endfor %}

    from known_weeks
    window latest_first as (partition by section, known_from order by weeks_back)

),

section_features as (

    select
        section,
        known_from,
        {%- for f in features %}
        {%- set s = f['params']['series'] %}
        {%- set k = f['params'].get('weeks', 1) | int %}
        {%- set in_window = 'filter (where weeks_back < ' ~ k ~ ')' %}
        {%- set complete = 'count(x_' ~ s ~ ') ' ~ in_window ~ ' = ' ~ k %}
        {%- if f['kind'] == 'net_ratio' %}
        max(x_{{ s }}) filter (where weeks_back = 0) as {{ f['name'] }},
        {%- elif f['kind'] == 'zscore' %}
        case
            when {{ complete }} and stddev_samp(x_{{ s }}) {{ in_window }} > 0
                then (max(x_{{ s }}) filter (where weeks_back = 0) - avg(x_{{ s }}) {{ in_window }})
                / stddev_samp(x_{{ s }}) {{ in_window }}
        end as {{ f['name'] }},
        {%- elif f['kind'] == 'buy_share' %}
        case
            when {{ complete }}
                then avg(case when x_{{ s }} > 0 then 1.0 else 0.0 end) {{ in_window }}
        end as {{ f['name'] }},
        {%- elif f['kind'] == 'signed_run' %}
        case
            when {{ complete }}
                then cast(
                    max(latest_sign_{{ s }})
                    * coalesce(
                        min(weeks_back) filter (
                            where weeks_back < {{ k }} and sign_{{ s }} != latest_sign_{{ s }}
                        ),
                        {{ k }}
                    ) as bigint
                )
        end as {{ f['name'] }},
        {%- else %}
        {{ exceptions.raise_compiler_error("unknown investor_flow kind " ~ f['kind']) }}
        {%- endif %}
        {%- endfor %}
        max(week_end_date) as flow_week_end_date

    from known_weeks_signed
    group by section, known_from

),

code_dates as (

    select
        int_prices_adjusted.code,
        int_prices_adjusted.trade_date,
        int_universe.investor_types_section

    from int_prices_adjusted
    left join int_universe
        on
            int_prices_adjusted.code = int_universe.code
            and int_prices_adjusted.trade_date = int_universe.trade_date

),

final as (

    select
        code_dates.code,
        code_dates.trade_date,
        code_dates.investor_types_section,
        section_features.flow_week_end_date,
        section_features.known_from as flow_known_from,
        {%- for f in features %}
        section_features.{{ f['name'] }}{{ ',' if not loop.last }}
        {%- endfor %}

    from code_dates
    asof left join section_features
        on
            code_dates.investor_types_section = section_features.section
            and code_dates.trade_date >= section_features.known_from

)

select * from final
