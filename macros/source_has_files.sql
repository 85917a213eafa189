{% macro source_has_files(relation) -%}
    {#-
        True when the Parquet glob behind an external source (dbt-duckdb `external_location`
        `read_parquet('<glob>', …)`) matches at least one file, checked with DuckDB's `glob()` at
        run time; true for any other relation. A raw table of the lake has files only once
        something was written to it (`ingest_quarantine` stays empty until a row is
        quarantined), and `read_parquet` fails on an empty glob: a staging model over such a
        table selects zero typed rows instead. False while parsing (nothing is run then).
    -#}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {#- no backslash in the pattern: Jinja would read `\(` as a string escape -#}
    {%- set match = modules.re.search("read_parquet[(][ ]*'([^']+)'", relation | string) -%}
    {%- if match is none -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set pattern = match.group(1) | replace("'", "''") -%}
    {%- set found = run_query("select count(*) as n from glob('" ~ pattern ~ "')") -%}
    {{ return(found.columns[0].values()[0] > 0) }}
{%- endmacro %}
