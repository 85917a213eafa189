{% test expect_column_values_match_regex(model, column_name, regex, row_condition=none) %}
    {#-
        Every non-NULL value of `column_name` matches `regex` as a whole (DuckDB
        `regexp_full_match`, RE2 syntax: no anchors needed). NULLs are not checked.
        `row_condition` (SQL) limits the rows checked. For J-Quants codes pass
        `regex: "{{ var('jquants_code_regex') }}"`, the pattern the quarantine uses too.
    -#}
    {%- if regex is not string or regex | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "expect_column_values_match_regex: `regex` must be a non-empty string, got " ~ regex | string
        ) }}
    {%- endif -%}

with

checked as (

    select
        *,
        cast({{ column_name }} as varchar) as checked_value
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}

),

validation_errors as (

    select *
    from checked
    where
        checked_value is not null
        and not regexp_full_match(checked_value, '{{ regex | replace("'", "''") }}')

)

select * from validation_errors

{% endtest %}
