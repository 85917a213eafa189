-- The adjusted history of one code around its splits: raw close, the factor chain, our adjusted
-- close next to the vendor's, and the point-in-time 5-day SMA next to the one on the fully
-- adjusted series. Compile, then run the SQL in target/compiled/ against the DuckDB file:
--   dbt compile --profiles-dir profiles --select adjusted_history --vars '{code: "72030"}'

with

int_prices_adjusted as (

    select * from {{ ref('int_prices_adjusted') }}

),

int_features_technical as (

    select * from {{ ref('int_features_technical') }}

),

splits as (

    select trade_date as ex_date
    from int_prices_adjusted
    where code = '{{ var("code", "72030") }}' and adj_factor != 1

),

final as (

    select
        prices.trade_date,
        prices.close,
        prices.adj_factor,
        prices.cumulative_adj_factor,
        prices.adj_close,
        prices.vendor_adj_close,
        prices.has_current_vendor_adjustment,
        features.sma_5,
        features.sma_5 * prices.cumulative_adj_factor as sma_5_on_adjusted_series

    from int_prices_adjusted as prices
    left join int_features_technical as features
        on
            prices.code = features.code
            and prices.trade_date = features.trade_date
    where
        prices.code = '{{ var("code", "72030") }}'
        and exists (
            select 1 from splits
            where prices.trade_date between splits.ex_date - interval 7 day and splits.ex_date + interval 7 day
        )

)

select * from final
order by trade_date
