{% macro ml_features_full_refresh_chunks() -%}
    {#-
        The row ranges a full refresh of ml_features computes one statement each, as
        ml_features_chunk()s: ranges of consecutive codes holding about
        var('ml_features_rows_per_chunk') rows (default 1,000,000) of int_prices_adjusted with a
        feature close, over every date but the newest max(lookback, 20) + 10; then those newest
        dates of every code, a chunk of their own (the next incremental runs delete and rewrite
        them: in a few row groups of their own, DuckDB's checkpoint rewrites those, not every row
        group of the table). Every part of the mart's SELECT is per code × date (the families, the
        cross-sectional columns of int_features_cross_sectional) or reads the code's later rows
        (the labels), so a chunk's rows equal the same rows of one statement. Chunks of codes,
        not of dates: the family tables are in code order (their windows are per code), so a
        chunk reads its codes' row groups only (chunks of dates each decompressed every row group
        of the 160-column alpha158 table: 78 of a date chunk's 137 CPU-s at 4,000 codes); the
        chunk bounds the join's working set of wide rows (≈ 250 columns: at 9 M rows one
        statement needed 8.2 GiB, bench/results.md). One chunk at parse time, when the var is 0
        and when every row fits in one.
    -#}
    {%- set per_chunk = var('ml_features_rows_per_chunk', 1000000) | int -%}
    {%- if not execute or per_chunk <= 0 -%}
        {{ return([ml_features_chunk()]) }}
    {%- endif -%}
    {%- set tail_dates = [var('features_lookback_days') | int, 20] | max + 10 -%}
    {%- set starts_sql -%}
        with feature_rows as (
            select code, trade_date
            from {{ ref('int_prices_adjusted') }}
            where
                feature_row_index is not null
                {% if var("history_start", none) %}
                -- the dates before are not emitted
                and trade_date >= cast('{{ var("history_start") }}' as date)
                {% endif %}
        ),
        tail as (
            select min(trade_date) as tail_from
            from (select distinct trade_date from feature_rows order by trade_date desc limit {{ tail_dates }})
        ),
        rows_per_code as (
            select code, count(*) as code_rows
            from feature_rows
            where trade_date < (select tail_from from tail)
            group by code
        ),
        numbered as (
            select
                code,
                coalesce(sum(code_rows) over (
                    order by code rows between unbounded preceding and 1 preceding
                ), 0) as rows_before
            from rows_per_code
        )
        select
            min(code) as code_from,
            strftime(any_value((select tail_from from tail)), '%Y-%m-%d') as tail_from,
            any_value((select count(*) from feature_rows)) as total_rows
        from numbered
        group by rows_before // {{ per_chunk }}
        order by code_from
    {%- endset -%}
    {%- set result = run_query(starts_sql) -%}
    {%- set starts = result.columns[0].values() | list -%}
    {%- if not starts or result.columns[2].values()[0] <= per_chunk -%}
        {{ return([ml_features_chunk()]) }}
    {%- endif -%}
    {%- set tail_from = result.columns[1].values()[0] -%}
    {%- set chunks = [] -%}
    {%- for start in starts -%}
        {%- do chunks.append(ml_features_chunk(
            dates=[none, tail_from],
            codes=[none if loop.first else start, none if loop.last else starts[loop.index]],
        )) -%}
    {%- endfor -%}
    {%- do chunks.append(ml_features_chunk(dates=[tail_from, none])) -%}
    {{ return(chunks) }}
{%- endmacro %}


{% macro ml_features_chunk(dates=none, codes=none) -%}
    {#- Rows of ml_features: {'dates': [from, until], 'codes': [from, until]} (ISO dates / codes,
        `until` exclusive, none = open end). -#}
    {{ return({'dates': dates or [none, none], 'codes': codes or [none, none]}) }}
{%- endmacro %}


{% macro ml_features_chunk_predicate(chunk) -%}
    {#- ` and …` conditions on code and trade_date selecting the rows of `chunk` (ml_features_chunk) -#}
    {%- if chunk.dates[0] is not none %} and trade_date >= date '{{ chunk.dates[0] }}'{% endif -%}
    {%- if chunk.dates[1] is not none %} and trade_date < date '{{ chunk.dates[1] }}'{% endif -%}
    {%- if chunk.codes[0] is not none %} and code >= '{{ chunk.codes[0] }}'{% endif -%}
    {%- if chunk.codes[1] is not none %} and code < '{{ chunk.codes[1] }}'{% endif -%}
{%- endmacro %}


{% macro ml_features_insert_remaining_chunks() -%}
    {#-
        Post-hook of ml_features: a full refresh computes the first chunk in the model's
        statement; this inserts the others, one statement each. A chunk is inserted when
        {{ this }} holds no row of it (after a full refresh: every chunk but the first; after an
        incremental run, whose rows are all stored: none). Returns the SQL ('' when nothing).
    -#}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set chunks = ml_features_full_refresh_chunks() -%}
    {%- if chunks | length == 1 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set present_sql -%}
        select
        {%- for chunk in chunks %}
            count(*) filter (where true{{ ml_features_chunk_predicate(chunk) }}) > 0{{ ',' if not loop.last }}
        {%- endfor %}
        from {{ this }}
    {%- endset -%}
    {%- set present = run_query(present_sql).rows[0] | list -%}
    {%- set statements = [] -%}
    {%- for chunk in chunks -%}
        {%- if not loop.first and not present[loop.index0] -%}
            {%- do statements.append('insert into ' ~ this ~ ' by name\n' ~ ml_features_select(false, chunk)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{%- endmacro %}


{% macro ml_features_labels_from() -%}
    {#- The first trade date whose labels an incremental run of ml_features updates
        (ml_features_bounds), as 'YYYY-MM-DD', queried before the model's SQL (a constant bound
        prunes the row groups the UPDATE reads; a scalar subquery would not): the last loaded
        date of {{ this }} and max(`features_lookback_days`, 20) business days before it, or, when
        the driver ingested data from an earlier date (var recompute_from: a day filled late),
        that date and the label horizon (20) before it — the labels of the rows before it look
        forward into it. -#}
    {%- if not execute -%}
        {{ return('1900-01-01') }}
    {%- endif -%}
    {%- set label_horizon = 20 -%}
    {%- set lookback_business_days = [var('features_lookback_days') | int, label_horizon] | max -%}
    {%- set bounds_sql -%}
        with business_days as (
            select calendar_date, business_day_index
            from {{ ref('int_trading_calendar') }}
            where is_business_day
        ),
        anchors as (
            select
                max(business_day_index) filter (
                    where calendar_date <= (select max(trade_date) from {{ this }})
                ) as last_loaded_index,
                min(business_day_index) filter (
                    where calendar_date >= cast('{{ var("recompute_from", none) or "9999-12-31" }}' as date)
                ) as requested_index
            from business_days
        )
        select cast(least(
            coalesce(
                min(calendar_date) filter (
                    where business_day_index >= (select last_loaded_index from anchors) - {{ lookback_business_days }}
                ),
                date '0001-01-01'
            ),
            coalesce(
                min(calendar_date) filter (
                    where business_day_index >= (select requested_index from anchors) - {{ label_horizon }}
                ),
                date '9999-12-31'
            )
        ) as varchar)
        from business_days
    {%- endset -%}
    {{ return(run_query(bounds_sql).columns[0].values()[0]) }}
{%- endmacro %}


{% macro ml_features_select(incremental, chunk=none) -%}
{#- The SELECT of ml_features (models/marts/ml_features.sql): `incremental` (is_incremental() of
    the model) recomputes the recent dates of {{ this }}; otherwise every row, or only the rows
    of `chunk` (an ml_features_chunk of ml_features_full_refresh_chunks). -#}
{%- set chunk = chunk or ml_features_chunk() -%}
{%- set families = feature_model_families() -%}
{%- set labels = active_features('labels') -%}
{%- set cross_sectional = cross_sectional_feature_names() -%}
{#- the family models, then the cross-sectional model: each read for the chunk's rows and joined
    on (code, trade_date) -#}
{%- set joined_models = families | map(attribute='model') | list
    + (['int_features_cross_sectional'] if cross_sectional else []) -%}

with

{% if incremental %}
{#- the rows from the first date the family models recomputed; the older rows whose labels
    changed are updated by the pre-hook (ml_features_update_history) -#}
{%- set chunk = ml_features_chunk(dates=[ml_features_bounds().features_from, none]) %}
{% endif %}

{% for model in joined_models %}
{{ model }} as (

    select * from {{ ref(model) }}
    where
        true
        {{- ml_features_chunk_predicate(chunk) }}

),

{% endfor %}
with_labels as (

    {{ ml_features_labels_select(chunk) }}

),

joined as (

    select
        with_labels.code,
        with_labels.trade_date,
        with_labels.close,
        with_labels.adj_close,
        {%- for family in families %}
        {%- for name in active_feature_names(family['family']) %}
        {{ family['model'] }}.{{ name }},
        {%- endfor %}
        {%- endfor %}
        {%- for label in labels %}
        with_labels.{{ label['name'] }}{{ ',' if not loop.last or cross_sectional }}
        {%- endfor %}
        {%- for name in cross_sectional %}
        int_features_cross_sectional.cs_rank_{{ name }},
        int_features_cross_sectional.cs_z_{{ name }}{{ ',' if not loop.last }}
        {%- endfor %}

    from with_labels
    {%- for model in joined_models %}
    left join {{ model }}
        on with_labels.code = {{ model }}.code
        and with_labels.trade_date = {{ model }}.trade_date
    {%- endfor %}

),

final as (

    select * from joined
    where
        true
        {% if var("history_start", none) %}
        and trade_date >= cast('{{ var("history_start") }}' as date)
        {% endif %}

)

select * from final
{%- endmacro %}


{% macro ml_features_bounds() -%}
    {#- An incremental run's bounds, as 'YYYY-MM-DD' strings: labels_from
        (ml_features_labels_from: the first row whose labels can look forward into the new
        dates) and features_from (the first date the family models recomputed: their
        feature_recompute_from, in this model's context the same last loaded date and lookback;
        never before labels_from). The model's SELECT computes the rows from features_from; the
        pre-hook updates the labels and adj_close of the stored rows before it. -#}
    {%- set labels_from = ml_features_labels_from() -%}
    {%- set features_from = feature_recompute_from(ref('int_prices_adjusted'), var('features_lookback_days') | int) or labels_from -%}
    {{ return({'labels_from': labels_from, 'features_from': [features_from, labels_from] | max}) }}
{%- endmacro %}


{% macro ml_features_labels_select(chunk) -%}
    {#- code, trade_date, close, adj_close and the labels of the rows of int_prices_adjusted (with a
        feature close) in `chunk` (ml_features_chunk). Labels look FORWARD: ln(c_{t+k} / c_t) over
        the code's next k rows (feature_row_index counts the code's rows with a feature_close: row
        t + k is the k-th next), read from every later row of the chunk's codes, past its dates
        too; never a feature input. -#}
    {%- set labels = active_features('labels') -%}
    with

    prices as (

        select * from {{ ref('int_prices_adjusted') }}
        where feature_row_index is not null {{- ml_features_chunk_predicate(chunk) }}

    ),

    later_prices as (

        select
            code,
            feature_row_index,
            feature_close

        from {{ ref('int_prices_adjusted') }}
        where feature_row_index is not null {{- ml_features_chunk_predicate(ml_features_chunk([chunk.dates[0], none], chunk.codes)) }}

    )

    select
        prices.code,
        prices.trade_date,
        prices.close,
        prices.adj_close,
        {%- for label in labels %}
        ln(later_{{ loop.index }}.feature_close / prices.feature_close) as {{ label['name'] }}{{ ',' if not loop.last }}
        {%- endfor %}

    from prices
    {%- for label in labels %}
    left join later_prices as later_{{ loop.index }}
        on prices.code = later_{{ loop.index }}.code
        and later_{{ loop.index }}.feature_row_index = prices.feature_row_index + {{ label['params']['periods'] }}
    {%- endfor %}
{%- endmacro %}


{% macro ml_features_update_history() -%}
    {#-
        Pre-hook of ml_features (incremental runs), two UPDATEs of the stored rows before the
        dates the model's SELECT recomputes (ml_features_bounds().features_from):
        - from labels_from: the labels (they look forward into the new dates) and adj_close. Every
          feature column of these rows is as the family models left it (they recompute from
          features_from too); a delete and re-insert of the ~20 dates' wide rows cost its write
          and DuckDB's checkpoint of ~250 columns (a SELECT reading them back, 1.6 s of
          delete+insert and 3.3 s of COMMIT at 4,000 codes, measured);
        - before labels_from, the codes that split in the recomputed dates: adj_close (the fully
          adjusted close as known now) of their whole history; every feature column is
          point-in-time and stays. Not a delete and re-insert of the code's history: those rows
          sit in every row group of the table, and the checkpoint would rewrite them all (13–20 s
          a day at 1,000 codes, measured).
        Only the rows whose values change are written. '' on a full refresh.
    -#}
    {%- if not execute or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set bounds = ml_features_bounds() -%}
    {%- set columns = ['adj_close'] -%}
    {%- for label in active_features('labels') -%}
        {%- do columns.append(label['name']) -%}
    {%- endfor -%}
    {%- set update_sql -%}
        update {{ this }} as stored
        set
            {%- for column in columns %}
            {{ column }} = new_values.{{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
        from ({{ ml_features_labels_select(ml_features_chunk(dates=[bounds.labels_from, bounds.features_from])) }}) as new_values
        where
            stored.code = new_values.code
            and stored.trade_date = new_values.trade_date
            and stored.trade_date >= date '{{ bounds.labels_from }}'
            and stored.trade_date < date '{{ bounds.features_from }}'
            and (
                {%- for column in columns %}
                stored.{{ column }} is distinct from new_values.{{ column }}{{ ' or' if not loop.last }}
                {%- endfor %}
            );

        update {{ this }} as stored
        set adj_close = prices.adj_close
        from {{ ref('int_prices_adjusted') }} as prices
        where
            stored.code = prices.code
            and stored.trade_date = prices.trade_date
            and stored.trade_date < date '{{ bounds.labels_from }}'
            and stored.code in (
                select split_rows.code
                from {{ ref('int_prices_adjusted') }} as split_rows
                where
                    split_rows.trade_date >= date '{{ bounds.labels_from }}'
                    and split_rows.adj_factor != 1
            )
            and stored.adj_close is distinct from prices.adj_close
    {%- endset -%}
    {{ return(update_sql) }}
{%- endmacro %}
