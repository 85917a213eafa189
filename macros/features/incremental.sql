{% macro feature_recompute_from(prices, lookback) -%}
    {#- The first trade date an incremental run of a feature model (or the mart) recomputes, as a
        'YYYY-MM-DD' string queried before the model's SQL (a constant bound lets DuckDB skip row
        groups): the last loaded trade date of {{ this }} and `lookback` trade dates of `prices`
        before it, or the driver's var `recompute_from` (the first date of the data this cycle
        ingested: a day filled late) when that is earlier. none when nothing is loaded yet
        (then the model takes its full-refresh path). Every window model reads the rows its
        windows need before this date from its inputs (or its carried state from {{ this }}). -#}
    {%- if not execute -%}
        {{ return('1900-01-01') }}
    {%- endif -%}
    {%- set bounds_sql -%}
        with last_loaded as (
            select max(trade_date) as trade_date from {{ this }}
        ),
        last_dates as (
            select distinct trade_date
            from {{ prices }}
            where
                trade_date <= (select trade_date from last_loaded)
                and trade_date >= (select trade_date from last_loaded) - {{ 7 * lookback + 30 }}
            order by trade_date desc
            limit {{ lookback + 1 }}
        )
        select cast(min(trade_date) as varchar) from last_dates
    {%- endset -%}
    {%- set recompute_from = run_query(bounds_sql).columns[0].values()[0] -%}
    {%- if recompute_from is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set requested = var('recompute_from', none) -%}
    {%- if requested and (requested | string) < recompute_from -%}
        {%- set recompute_from = requested | string -%}
    {%- endif -%}
    {{ return(recompute_from) }}
{%- endmacro %}
