{% macro source_or_empty(source_name, table_name) -%}
    {#-
        `source(source_name, table_name)`, or a typed relation with no row when the lake has no
        file for that table yet. A raw table exists only once the ingest wrote to it: a
        plan-gated dataset the plan does not include (`trade_breakdown` outside Premium) is
        skipped by the ingest and never written, and a lake from before a dataset was added has
        none of it. The empty relation has the columns and `data_type`s the source declares in
        _jquants__sources.yml, so the staging model still builds (zero rows) and keeps its
        contract. The file check is `source_has_files` (DuckDB `glob()` at run time).
    -#}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute or source_has_files(relation) -%}
        {{ relation }}
    {%- else -%}
        {%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
        {%- set columns = node.columns.values() | list -%}
        {%- if columns | length == 0 -%}
            {{ exceptions.raise_compiler_error(
                "source_or_empty: source " ~ source_name ~ "." ~ table_name
                ~ " declares no columns, so an empty relation cannot be typed"
            ) }}
        {%- endif -%}
        (
            -- no file in the lake for {{ source_name }}.{{ table_name }} yet: no row
            select
                {%- for column in columns %}
                cast(null as {{ column.data_type or 'varchar' }}) as {{ column.name }}{{ "," if not loop.last }}
                {%- endfor %}
            where false
        )
    {%- endif -%}
{%- endmacro %}
