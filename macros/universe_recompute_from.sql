{% macro universe_recompute_from() -%}
    {#- The first trade date an incremental run of int_universe recomputes ('YYYY-MM-DD'):
        var('features_lookback_days') + 1 business days before the last date of {{ this }}, or
        the driver's var('recompute_from') when earlier; none when {{ this }} is empty (then the
        whole history is built). -#}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set lookback = var('features_lookback_days') | int + 1 -%}
    {%- set bound_sql -%}
        with last_loaded as (
            select max(trade_date) as trade_date from {{ this }}
        )
        select cast(min(calendar_date) as varchar)
        from (
            select calendar_date
            from {{ ref('int_trading_calendar') }}
            where
                is_business_day
                and calendar_date <= (select trade_date from last_loaded)
            order by calendar_date desc
            limit {{ lookback + 1 }}
        )
    {%- endset -%}
    {%- set recompute_from = run_query(bound_sql).columns[0].values()[0] -%}
    {%- if recompute_from is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set requested = var('recompute_from', none) -%}
    {%- if requested and (requested | string) < recompute_from -%}
        {%- set recompute_from = requested | string -%}
    {%- endif -%}
    {{ return(recompute_from) }}
{%- endmacro %}
