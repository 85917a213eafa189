with

int_prices_adjusted as (

    select * from {{ ref('int_prices_adjusted') }}

),

feature_series as (

    -- the forward-filled series: from the code's first trade on
    select
        code,
        trade_date,
        feature_row_index,
        feature_close,
        feature_volume,
        cumulative_adj_factor

    from int_prices_adjusted
    where feature_row_index is not null

),

features as (

    {{ select_price_features('feature_series') }}

),

final as (

    select
        code,
        trade_date,
        feature_row_index,
        ret_1d,
        ret_5d,
        ret_20d,
        sma_5,
        sma_20,
        sma_60,
        vol_ratio_20,
        rvol_20

    from features

)

select * from final
