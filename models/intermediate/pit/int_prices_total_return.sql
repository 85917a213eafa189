{#-
    Split-and-dividend adjusted close next to the split-only series of int_prices_adjusted.

    On an ex-dividend date the back-adjustment factor is (1 - D / C_prev): D the cash dividend
    per share (int_dividends_current, every dividend of the code with that ex-date), C_prev the
    raw close of the code's last traded day before it. Like a split's AdjFactor it applies to
    every earlier row, so the total-return close is raw close x the product of all later split
    factors x the product of all later dividend factors. A dividend and a split on the same
    ex-date share a record date, so D is per pre-split share like C_prev: the two factors combine
    by multiplication in any order.
-#}
with

int_prices_adjusted as (

    select * from {{ ref('int_prices_adjusted') }}

),

int_dividends_current as (

    select * from {{ ref('int_dividends_current') }}

),

dividends_by_ex_date as (

    select
        code,
        ex_date,
        sum(dividend_per_share) as dividend_per_share

    from int_dividends_current
    where dividend_per_share is not null and ex_date is not null
    group by code, ex_date

),

with_previous_close as (

    select
        code,
        trade_date,
        close,
        is_traded,
        adj_factor,
        cumulative_adj_factor,
        adj_close,
        last_value(close ignore nulls) over (
            partition by code
            order by trade_date
            rows between unbounded preceding and 1 preceding
        ) as previous_close

    from int_prices_adjusted

),

with_dividends as (

    select
        with_previous_close.*,
        dividends_by_ex_date.dividend_per_share,
        case
            when
                dividends_by_ex_date.dividend_per_share > 0
                and with_previous_close.previous_close > dividends_by_ex_date.dividend_per_share
                then 1.0 - dividends_by_ex_date.dividend_per_share / with_previous_close.previous_close
            else 1.0
        end as dividend_adj_factor

    from with_previous_close
    left join dividends_by_ex_date
        on
            with_previous_close.code = dividends_by_ex_date.code
            and with_previous_close.trade_date = dividends_by_ex_date.ex_date

),

cumulated as (

    select
        *,
        -- product of every dividend factor strictly after this row, as for splits
        coalesce(product(dividend_adj_factor) over later_rows, 1.0) as cumulative_dividend_adj_factor

    from with_dividends
    window later_rows as (
        partition by code
        order by trade_date
        rows between 1 following and unbounded following
    )

),

final as (

    select
        code,
        trade_date,
        close,
        is_traded,
        adj_factor,
        cumulative_adj_factor,
        adj_close,
        dividend_per_share,
        case when dividend_per_share is not null then previous_close end as dividend_previous_close,
        dividend_adj_factor,
        cumulative_dividend_adj_factor,
        cumulative_adj_factor * cumulative_dividend_adj_factor as cumulative_total_return_factor,
        close * cumulative_adj_factor * cumulative_dividend_adj_factor as total_return_close

    from cumulated

)

select * from final
