{% macro ingested_watermark(relation) -%}
    {#- The latest ingested_at in `relation` as a timestamptz literal's text, queried before the
        model's SQL (a constant bound lets DuckDB skip row groups and Parquet files of older
        loads); '-infinity' when the relation is empty. Rows ingested after it are new to it. -#}
    {%- if not execute -%}
        {{ return('-infinity') }}
    {%- endif -%}
    {%- set watermark = run_query(
        "select cast(max(ingested_at) as varchar) from " ~ relation
    ).columns[0].values()[0] -%}
    {{ return(watermark if watermark is not none else '-infinity') }}
{%- endmacro %}
