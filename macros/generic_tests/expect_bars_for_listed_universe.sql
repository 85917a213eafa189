{% test expect_bars_for_listed_universe(
    model,
    universe,
    calendar,
    code_column='code',
    date_column='trade_date',
    universe_code_column='code',
    universe_date_column='snapshot_date',
    calendar_date_column='calendar_date',
    business_day_column='is_business_day',
    row_condition=none,
    universe_condition=none
) %}
    {#-
        Every business day of `calendar` has a row in the model for every code listed in that
        day's snapshot of `universe` (e.g. ref('stg_jquants__equities_master')): the
        survivorship-safe universe of the date, never today's list. Only business days between the
        model's first and last date are checked (a day not loaded at all is the freshness test's
        business), and only days with a snapshot. `row_condition` limits the model's rows,
        `universe_condition` the universe's. Returns one row per missing (date, code).
        In a daily build the universe is read from the same recent date as the model
        (macros/data_tests_on_recent_rows.sql: a constant bound, pushed into its scan).
    -#}
    {#- recent_rows_predicate: macros/data_tests_on_recent_rows.sql (absent where this test is
        used on its own: then the whole universe) -#}
    {%- set universe_recent_rows = recent_rows_predicate(universe) if recent_rows_predicate is defined else '' -%}
    {%- for argument_name, relation in [('universe', universe), ('calendar', calendar)] -%}
        {%- if relation is none or relation | string | trim == '' -%}
            {{ exceptions.raise_compiler_error(
                "expect_bars_for_listed_universe: `" ~ argument_name ~ "` must be a relation, e.g. ref('...')"
            ) }}
        {%- endif -%}
    {%- endfor -%}

with

bars as (

    select distinct
        {{ code_column }} as code,
        {{ date_column }} as trade_date
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}

),

bar_span as (

    select
        min(trade_date) as first_date,
        max(trade_date) as last_date
    from bars

),

business_days as (

    select {{ calendar_date_column }} as calendar_date
    from {{ calendar }}
    where {{ business_day_column }}

),

listed as (

    select distinct
        {{ universe_code_column }} as code,
        {{ universe_date_column }} as trade_date
    from {{ universe }}
    where
        true
        {%- if universe_condition %}
        and ({{ universe_condition }})
        {%- endif %}
        {%- if universe_recent_rows %}
        -- a daily build reads the model's recent rows (get_where_subquery): the universe's too
        and {{ universe_recent_rows }}
        {%- endif %}

),

expected as (

    select listed.*
    from listed
    inner join business_days
        on listed.trade_date = business_days.calendar_date
    inner join bar_span
        on listed.trade_date between bar_span.first_date and bar_span.last_date

),

validation_errors as (

    select expected.*
    from expected
    left join bars
        on
            expected.code = bars.code
            and expected.trade_date = bars.trade_date
    where bars.code is null

)

select * from validation_errors

{% endtest %}
