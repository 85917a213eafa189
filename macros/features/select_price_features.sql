{% macro select_price_features(feature_series) -%}
    {#-
        A SELECT over `feature_series` (a relation or CTE with code, trade_date,
        feature_row_index, feature_close, feature_volume, cumulative_adj_factor: the forward-filled
        series of int_prices_adjusted) returning all its columns plus the price features of
        shared/reference/indicators.md. Every window is partitioned by code and counts the code's
        rows (ROWS frames); a feature is NULL until its window is full, gated on the absolute
        feature_row_index, so the same SELECT is exact on a slice of history as long as the
        slice starts at least {{ price_features_warmup_rows() }} rows before the first row kept.

        Level features (sma_*) are divided by cumulative_adj_factor: expressed in the price scale
        of their own date, they do not change when a later split re-adjusts the history.
        Ratio features (returns, volume ratio, realised volatility) are scale-free.
    -#}
    select
        with_returns.*,

        case
            when feature_row_index >= 4
                then avg(feature_close) over last_5_rows / cumulative_adj_factor
        end as sma_5,
        case
            when feature_row_index >= 19
                then avg(feature_close) over last_20_rows / cumulative_adj_factor
        end as sma_20,
        case
            when feature_row_index >= 59
                then avg(feature_close) over last_60_rows / cumulative_adj_factor
        end as sma_60,

        case
            when feature_row_index >= 19 and avg(feature_volume) over last_20_rows != 0
                then feature_volume / avg(feature_volume) over last_20_rows
        end as vol_ratio_20,

        case
            when feature_row_index >= 20
                then stddev_samp(ret_1d) over last_20_rows * sqrt(252)
        end as rvol_20

    from (

        select
            *,
            case
                when feature_row_index >= 1
                    then ln(feature_close / lag(feature_close, 1) over code_rows)
            end as ret_1d,
            case
                when feature_row_index >= 5
                    then ln(feature_close / lag(feature_close, 5) over code_rows)
            end as ret_5d,
            case
                when feature_row_index >= 20
                    then ln(feature_close / lag(feature_close, 20) over code_rows)
            end as ret_20d

        from {{ feature_series }}
        window code_rows as (partition by code order by trade_date)

    ) as with_returns
    window
        last_5_rows as (partition by code order by trade_date rows between 4 preceding and current row),
        last_20_rows as (partition by code order by trade_date rows between 19 preceding and current row),
        last_60_rows as (partition by code order by trade_date rows between 59 preceding and current row)
{%- endmacro %}


{% macro price_features_warmup_rows() -%}
    {#- Rows of history before a row that select_price_features needs: sma_60 reads 59 earlier
        closes and rvol_20 reads 20 earlier closes, so 60 covers every feature. -#}
    60
{%- endmacro %}
