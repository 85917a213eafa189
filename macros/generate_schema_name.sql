{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- One DuckDB file per environment (DUCKDB_PATH), so models go to the folder's schema as
        named (staging, intermediate, marts, reference) rather than dbt's default
        <target_schema>_<custom_schema>. -#}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
