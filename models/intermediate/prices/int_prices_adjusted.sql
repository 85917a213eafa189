with

int_daily_bars_validated as (

    select * from {{ ref('int_daily_bars_validated') }}

),

loads as (

    -- when each ingest load began fetching: one load sees one state of the vendor
    select
        dlt_load_id,
        min(ingested_at) as load_started_at

    from int_daily_bars_validated
    group by dlt_load_id

),

bars_with_load as (

    select
        int_daily_bars_validated.*,
        coalesce(loads.load_started_at, int_daily_bars_validated.ingested_at) as load_started_at

    from int_daily_bars_validated
    left join loads
        on int_daily_bars_validated.dlt_load_id = loads.dlt_load_id

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

        ingested_at

    from factored

),

carried as (

    select
        *,
        -- last traded adjusted close, carried over no-trade days; NULL before the first trade
        last_value(adj_close ignore nulls) over code_to_date as feature_close

    from adjusted
    window code_to_date as (
        partition by code
        order by trade_date
        rows between unbounded preceding and current row
    )

),

final as (

    select
        *,
        case when is_traded then adj_open else feature_close end as feature_open,
        case when is_traded then adj_high else feature_close end as feature_high,
        case when is_traded then adj_low else feature_close end as feature_low,
        case
            when feature_close is not null then coalesce(adj_volume, 0)
        end as feature_volume,
        case
            when feature_close is not null
                then count(feature_close) over code_to_date - 1
        end as feature_row_index

    from carried
    window code_to_date as (
        partition by code
        order by trade_date
        rows between unbounded preceding and current row
    )

)

select * from final
