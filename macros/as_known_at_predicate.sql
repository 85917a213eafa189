{% macro as_known_at_predicate(column_name='_ingested_at') -%}
    {#-
        A boolean SQL expression: true for raw rows that were already ingested at
        var('as_known_at') (every row when the var is null). Staging filters every raw table
        with it, so one var rebuilds the whole project as it could have been built at that moment.
    -#}
    {%- set as_known_at = var('as_known_at', none) -%}
    {%- if as_known_at is none or (as_known_at | string | trim) in ('', 'none', 'None', 'null') -%}
        true
    {%- else -%}
        {{ column_name }} <= cast('{{ as_known_at }}' as timestamptz)
    {%- endif -%}
{%- endmacro %}
