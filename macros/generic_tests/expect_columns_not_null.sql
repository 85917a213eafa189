{% test expect_columns_not_null(model, column_names, row_condition=none) %}
    {#-
        None of `column_names` holds a NULL (over the rows `row_condition` keeps): dbt's not_null
        for several columns of a model in one scan of it, one test node instead of one per column
        (a daily build ran ~90 of them, each a query and dbt's per-node overhead). Returns one
        row per column that has NULLs: its name and how many rows.
    -#}
    {%- if column_names is string or column_names is not iterable or column_names | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "expect_columns_not_null: `column_names` must be a non-empty list of column names, got "
            ~ column_names | string
        ) }}
    {%- endif -%}

with

null_counts as (

    select
        {%- for column in column_names %}
        count(*) - count({{ column }}) as {{ adapter.quote(column) }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}

),

per_column as (

    unpivot null_counts
    on columns(*)
    into
        name column_name
        value null_count

),

validation_errors as (

    select * from per_column
    where null_count > 0

)

select * from validation_errors

{% endtest %}
