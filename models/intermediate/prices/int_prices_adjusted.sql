{#-
    Incremental by (code, trade date). The split adjustment of a row is a product over the
    code's LATER rows, so a run recomputes whole codes when their change can reach back: a newly
    fetched valid bar with adj_factor != 1 (a split), or any newly fetched bar (valid or
    quarantined) at or before the code's last stored date (a correction, a day filled late, a
    bar newly quarantined). For every other code the newly fetched bars come after its stored
    rows with no split: earlier rows keep their values, and the new rows' windows carry on from
    the code's last stored row (feature_close, feature_row_index). "Newly fetched" = ingested after
    the latest ingested_at already here. Rows whose key is now quarantined are deleted
    (post-hook). var('as_known_at') always rebuilds (a cut in the past is not an append).
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['code', 'trade_date'],
        on_schema_change='fail',
        full_refresh=(true if var('as_known_at', none) else none),
        post_hook="""
            delete from {{ this }}
            using {{ ref('int_daily_bars_quarantine') }} as quarantined
            where
                {{ this }}.code = quarantined.code
                and {{ this }}.trade_date = quarantined.trade_date
        """,
    )
}}
-- depends_on: {{ ref('int_daily_bars_quarantine') }}
-- depends_on: {{ ref('int_daily_bars_checked') }}

with

int_daily_bars_validated as (

    select * from {{ ref('int_daily_bars_validated') }}

),

{% if is_incremental() %}
int_daily_bars_checked as (

    select * from {{ ref('int_daily_bars_checked') }}

),

stored as (

    select * from {{ this }}

),

watermark as (

    -- a constant: DuckDB skips the row groups of older bars
    select cast('{{ ingested_watermark(this) }}' as timestamptz) as ingested_at

),

changed as (

    -- every bar version fetched since the last build, quarantined or not
    select
        code,
        trade_date,
        adj_factor,
        rule is null as is_valid

    from int_daily_bars_checked
    where ingested_at > (select watermark.ingested_at from watermark)

),

stored_codes as (

    -- the last stored row of each changed code: where its new rows carry on from
    select
        code,
        max(trade_date) as last_trade_date,
        max(feature_row_index) as last_feature_row_index,
        arg_max(feature_close, trade_date) as last_feature_close

    from stored
    where code in (select changed.code from changed)
    group by code

),

recomputed_codes as (

    select distinct changed.code
    from changed
    left join stored_codes
        on changed.code = stored_codes.code
    where
        (changed.is_valid and coalesce(changed.adj_factor, 1.0) != 1.0)
        or changed.trade_date <= stored_codes.last_trade_date

),

bars as (

    -- whole codes
    select
        *,
        cast(null as double) as seed_feature_close,
        0 as seed_feature_count

    from int_daily_bars_validated
    where code in (select recomputed_codes.code from recomputed_codes)

    union all

    -- new rows after the stored ones, carrying on from the last stored row
    select
        int_daily_bars_validated.*,
        stored_codes.last_feature_close as seed_feature_close,
        coalesce(stored_codes.last_feature_row_index + 1, 0) as seed_feature_count

    from int_daily_bars_validated
    left join stored_codes
        on int_daily_bars_validated.code = stored_codes.code
    where
        int_daily_bars_validated.ingested_at > (select watermark.ingested_at from watermark)
        and int_daily_bars_validated.code not in (select recomputed_codes.code from recomputed_codes)

),
{% else %}
bars as (

    select
        *,
        cast(null as double) as seed_feature_close,
        0 as seed_feature_count

    from int_daily_bars_validated

),
{% endif %}

loads as (

    -- when each ingest load began fetching: one load sees one state of the vendor
    select
        dlt_load_id,
        min(ingested_at) as load_started_at

    from int_daily_bars_validated
    {% if is_incremental() %}
    where dlt_load_id in (select distinct bars.dlt_load_id from bars)
    {% endif %}
    group by dlt_load_id

),

bars_with_load as (

    select
        bars.*,
        coalesce(loads.load_started_at, bars.ingested_at) as load_started_at

    from bars
    left join loads
        on bars.dlt_load_id = loads.dlt_load_id

),
factored as (

    select
        *,
        close is not null as is_traded,

        -- product of every factor strictly after this row: the ex-date row's own factor applies
        -- to the rows before it. A product (not exp ∘ sum ∘ ln) keeps 0.5, 0.25, 5 … exact.
        coalesce(product(coalesce(adj_factor, 1.0)) over later_rows, 1.0)
            as cumulative_adj_factor,
        -- volumes follow splits and reverse splits, not rights issues (ExRT "3")
        coalesce(
            product(case when ex_rights_type = '3' then 1.0 else coalesce(adj_factor, 1.0) end)
                over later_rows,
            1.0
        ) as cumulative_volume_adj_factor,

        -- the load that last fetched a later split row (NULL: no later split)
        max(case when adj_factor != 1 then load_started_at end) over later_rows
            as last_later_split_load_started_at

    from bars_with_load
    window later_rows as (
        partition by code
        order by trade_date
        rows between 1 following and unbounded following
    )

),

adjusted as (

    select
        code,
        trade_date,

        open,
        high,
        low,
        close,
        volume,
        turnover_value,
        is_traded,
        coalesce(hit_upper_limit, false) as hit_upper_limit,
        coalesce(hit_lower_limit, false) as hit_lower_limit,

        adj_factor,
        ex_rights_type,
        cumulative_adj_factor,
        cumulative_volume_adj_factor,
        open * cumulative_adj_factor as adj_open,
        high * cumulative_adj_factor as adj_high,
        low * cumulative_adj_factor as adj_low,
        close * cumulative_adj_factor as adj_close,
        volume / cumulative_volume_adj_factor as adj_volume,

        vendor_adj_open,
        vendor_adj_high,
        vendor_adj_low,
        vendor_adj_close,
        vendor_adj_volume,
        -- the vendor re-adjusts history after each split but the lake keeps what was fetched:
        -- a row fetched in a load before the one that fetched a later split row may hold stale
        -- Adj* values; fetched in that load or a later one, it must match ours
        last_later_split_load_started_at is null
        or load_started_at >= last_later_split_load_started_at
            as has_current_vendor_adjustment,

        ingested_at,

        seed_feature_close,
        seed_feature_count

    from factored

),

carried as (

    select
        *,
        -- last traded adjusted close, carried over no-trade days; NULL before the first trade
        -- (an incremental run's new rows carry on from the code's last stored row)
        coalesce(last_value(adj_close ignore nulls) over code_to_date, seed_feature_close)
            as feature_close

    from adjusted
    window code_to_date as (
        partition by code
        order by trade_date
        rows between unbounded preceding and current row
    )

),

final as (

    select
        * exclude (seed_feature_close, seed_feature_count),
        case when is_traded then adj_open else feature_close end as feature_open,
        case when is_traded then adj_high else feature_close end as feature_high,
        case when is_traded then adj_low else feature_close end as feature_low,
        case
            when feature_close is not null then coalesce(adj_volume, 0)
        end as feature_volume,
        case
            when feature_close is not null
                then seed_feature_count + count(feature_close) over code_to_date - 1
        end as feature_row_index

    from carried
    window code_to_date as (
        partition by code
        order by trade_date
        rows between unbounded preceding and current row
    )

)

select * from final
