{#-
    Daily incremental builds test the recent rows, full builds everything.

    dbt's `get_where_subquery` (what every generic test reads its model through) is overridden:
    a data test of a model whose config has `meta: {recent_rows_date_column: <date column>}`
    reads only the model's rows from D0 − `recent_rows_lookback_days` (20 calendar days: the
    trailing dates of the row-count test, window warm-up) on, where D0 is the first trade date of
    the daily bars fetched since that test last passed (int_daily_bars_checked, a native table:
    one cheap query per test at run time). A constant date bound is pushed into the staging
    views' Parquet scans and through their latest-version windows.

    Everything is tested — no restriction — when the test has never passed on this database
    (a first build), on `--full-refresh`, with var('as_known_at'), or when the mark table or
    int_daily_bars_checked does not exist. A test's mark advances only when it passes or warns
    (on-run-end, record_data_test_marks): a failed test keeps its mark and retests the same rows
    on the next build, so a failure never slips out of the window.

    Chosen because it needs no --vars and no env var: nothing in the parsed project changes from
    one day to the next, so dbt's partial parsing reuses the manifest (a changed --vars re-parses
    the whole project; an env var re-parses the files that read it), and the restriction is
    decided from the data at run time.
-#}

{% macro data_test_marks_relation() -%}
    {{ return(api.Relation.create(
        database=target.database, schema=target.schema ~ '_build_state', identifier='data_test_marks'
    )) }}
{%- endmacro %}


{% macro checked_bars_relation() -%}
    {#- int_daily_bars_checked, when built (looked up in the graph: a ref() decided at run time
        would be a dependency dbt could not infer) -#}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.name == 'int_daily_bars_checked' -%}
            {{ return(adapter.get_relation(node.database, node.schema, node.alias or node.name)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}


{% macro recent_rows_predicate(relation) -%}
    {%- if not execute or flags.FULL_REFRESH or var('as_known_at', none) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set date_column = none -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and (node.alias or node.name) == relation.identifier
            and node.schema == relation.schema -%}
            {%- set date_column = node.config.meta.get('recent_rows_date_column') -%}
            {%- if date_column -%}
                {{ return(recent_rows_bound(date_column)) }}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{%- endmacro %}


{% macro recent_rows_bound(date_column) -%}
    {%- set marks = data_test_marks_relation() -%}
    {%- set checked = checked_bars_relation() -%}
    {%- if checked is none or adapter.get_relation(marks.database, marks.schema, marks.identifier) is none -%}
        {{ return('') }}
    {%- endif -%}
    {#- two queries: the mark first, then the bars fetched after it with the mark a constant (the
        new bars are the table's last row groups: a constant bound skips the others by their
        min/max; a subquery would scan every row group, ~0.1 s per test at 4,000 codes) -#}
    {%- set mark_sql -%}
        select cast(max(tested_through_at) as varchar) from {{ marks }} where test_id = '{{ model.unique_id }}'
    {%- endset -%}
    {%- set mark = run_query(mark_sql).columns[0].values()[0] -%}
    {%- if mark is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set bound_sql -%}
        select cast(
            coalesce(
                (select min(trade_date) from {{ checked }} where ingested_at > cast('{{ mark }}' as timestamptz)),
                (select max(trade_date) from {{ checked }})
            ) - {{ var('recent_rows_lookback_days', 20) | int }} as varchar
        )
    {%- endset -%}
    {%- set bound = run_query(bound_sql).columns[0].values()[0] -%}
    {%- if bound is none -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(date_column ~ " >= date '" ~ bound ~ "'") }}
{%- endmacro %}


{% macro get_where_subquery(relation) -%}
    {%- set predicates = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do predicates.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set recent = recent_rows_predicate(relation) -%}
    {%- if recent -%}
        {%- do predicates.append(recent) -%}
    {%- endif -%}
    {%- if predicates -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ predicates | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{% macro record_data_test_marks(results) -%}
    {#- on-run-end: every data test that passed or warned is marked tested through the latest
        daily bar version of int_daily_bars_checked (rows fetched later are new to it). -#}
    {%- if not execute or var('as_known_at', none) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set checked = checked_bars_relation() -%}
    {%- if checked is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set test_ids = [] -%}
    {%- for result in results -%}
        {%- if result.node.resource_type == 'test' and (result.status | string) in ('pass', 'warn') -%}
            {%- do test_ids.append(result.node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not test_ids -%}
        {{ return('') }}
    {%- endif -%}
    {%- set marks = data_test_marks_relation() -%}
    {%- set record_sql -%}
        create schema if not exists {{ marks.database }}.{{ marks.schema }};
        create table if not exists {{ marks }} (
            test_id varchar primary key,
            tested_through_at timestamptz,
            recorded_at timestamptz
        );
        insert or replace into {{ marks }}
        select
            unnest([{% for test_id in test_ids %}'{{ test_id }}'{{ ',' if not loop.last }}{% endfor %}]),
            (select max(ingested_at) from {{ checked }}),
            now();
    {%- endset -%}
    {%- do run_query(record_sql) -%}
    {{ return('') }}
{%- endmacro %}
