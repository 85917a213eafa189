{% test expect_unique_combination(model, combination_of_columns) %}
    {#-
        Fails on every combination of `combination_of_columns` that occurs more than once
        (the model's primary key when the list is its key columns). NULLs compare equal, as in
        GROUP BY. Restrict the rows checked with the test's `where` config.
    -#}
    {%- if combination_of_columns is string
        or combination_of_columns is mapping
        or combination_of_columns is not iterable
        or (combination_of_columns | length) == 0 -%}
        {{ exceptions.raise_compiler_error(
            "expect_unique_combination: `combination_of_columns` must be a non-empty list of column names, got "
            ~ combination_of_columns | string
        ) }}
    {%- endif -%}
    {%- set columns_csv = combination_of_columns | join(', ') -%}

with

validation_errors as (

    select
        {{ columns_csv }},
        count(*) as n_records
    from {{ model }}
    group by {{ columns_csv }}
    having count(*) > 1

)

select * from validation_errors

{% endtest %}
