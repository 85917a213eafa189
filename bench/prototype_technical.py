"""Prototype: the 21 technical columns of indicators.md in one DuckDB statement, exact and fast.

    python bench/prototype_technical.py IN.parquet OUT.parquet [--explain] [--threads 2]

Measured on this machine a LAG costs ~17 ns/row and a framed window aggregate (SUM/MIN/MAX/VAR,
fixed or row-dependent frame) ~150-300 ns/row: so everything that can be a LAG is one.
* one window ordering only (PARTITION BY code ORDER BY trade_date), three stacked stages;
* rolling sums / variances / max / min as "pieces": a piece of b rows is built from b-1 lags in one
  stage, the window is the combination of n/b pieces fetched by lags in the next stage (sums and
  deviation sums around a reference close — exact zeros on flat windows, no E[x²]−E[x]²);
* the 60-row max drawdown as a fold of 6 pieces of 10 rows, each piece (max, min, internal
  drawdown); combining A then B: dd = min(dd_A, dd_B, min_B / max_A). Every ratio is one IEEE
  division of two closes, so the result is bitwise the reference's;
* EMA / Wilder: exact closed forms α Σ r^(n−j) x̃_j with one framed SUM per recursion over the
  current cell of H rows (weights r^−(j mod H), no overflow) plus the previous cell's total by a
  LAG in the next stage (the part before that is below r^H ≈ 1e-33 relative);
* MACD signal without a third recursion over MACD: the EMA-of-EMA closed form from one more
  close-kernel sum (r = 0.8) and the two EMAs.
"""

from __future__ import annotations

import argparse
import time

import duckdb

A12, A26, A9, AW = "(2.0 / 13)", "(2.0 / 27)", "(2.0 / 10)", "(1.0 / 14)"


def r_of(alpha: str) -> str:
    return f"(1 - {alpha})"


def center(alpha: str) -> int:
    """Exponent centre C: weights r^-(j-C) and factors r^(n-C) stay inside double range
    (|(n-C) ln r| < ~670) for every row index n < 2C (6,000 rows for r = 0.8, ~24 years)."""
    import math

    r = 1 - eval(alpha)
    return int(670 / abs(math.log(r)) // 100 * 100)


def kernel_input(alpha: str, x: str) -> str:
    return f"({x}) * pow({r_of(alpha)}, -(n - {center(alpha)}))"


def kernel_cumsum(name: str, alpha: str, x: str) -> str:
    """Cumulative Σ_j r^-(j-C) x̃_j; the argument is evaluated inside the window operator from
    columns it carries anyway (n, close, close_lag_1, high, low), so no extra payload column."""
    return f"sum({kernel_input(alpha, x)}) over (w rows unbounded preceding) as {name}__s"


def kernel_sum(name: str, alpha: str) -> str:
    """Σ_j r^(n−j) x̃_j."""
    return f"(pow({r_of(alpha)}, n - {center(alpha)}) * {name}__s)"


def lags(col: str, offsets) -> str:
    return ",\n        ".join(f"lag({col}, {k}) over w as {col}_lag_{k}" for k in offsets)


def c(k: int) -> str:
    return "close" if k == 0 else f"close_lag_{k}"


def build_sql(source: str) -> str:
    # piece of 10 closes [t-9, t]: running max from the oldest (rm10_i), internal drawdown, min
    rm_cols = ",\n        ".join(
        f"{'close_lag_9' if i == 0 else f'greatest(rm10_{i - 1}, {c(9 - i)})'} as rm10_{i}" for i in range(10)
    )
    dev5 = " + ".join(f"({c(k)} - close)" for k in range(1, 5))
    dev5_sq = " + ".join(f"({c(k)} - close) * ({c(k)} - close)" for k in range(1, 5))
    wilder = lambda x: (
        f"case when n = 0 then 0 when n <= 14 then ({x}) * pow({r_of(AW)}, n - 14) else ({x}) end"
    )
    tr = "greatest(high - low, abs(high - close_lag_1), abs(low - close_lag_1))"

    # combination of 4 deviation pieces of 5 closes (refs close_t, close_{t-5}, ...) around close_t
    def dev20() -> tuple[str, str]:
        s1 = " + ".join(["dev5_sum"] + [f"dev5_sum_lag_{k} + 5 * ({c(k)} - close)" for k in (5, 10, 15)])
        s2 = " + ".join(
            ["dev5_sq"]
            + [
                f"dev5_sq_lag_{k} + 2 * ({c(k)} - close) * dev5_sum_lag_{k}"
                f" + 5 * ({c(k)} - close) * ({c(k)} - close)"
                for k in (5, 10, 15)
            ]
        )
        return s1, s2

    d20_sum, d20_sq = dev20()
    # fold of the 6 pieces of 10 rows, oldest first
    pieces = [50, 40, 30, 20, 10, 0]
    fold_terms = []
    running_max = None
    for k in pieces:
        sfx = "" if k == 0 else f"_lag_{k}"
        fold_terms.append(f"dd10{sfx}")
        if running_max is None:
            running_max = f"max10{sfx}"
        else:
            fold_terms.append(f"min10{sfx} / mdd_max_before_{k}")
    mdd_max_cols = []
    prev = "max10_lag_50"
    for k in pieces[1:]:
        mdd_max_cols.append(f"{prev} as mdd_max_before_{k}")
        sfx = "" if k == 0 else f"_lag_{k}"
        prev = f"greatest(mdd_max_before_{k}, max10{sfx})"
    mdd_expr = f"least({', '.join(fold_terms)}) - 1"

    return f"""
with bars as (
    select code, trade_date, high, low, close, volume from {source}
),

s1 as (
    select
        code, trade_date, high, low, close, volume,
        row_number() over w - 1 as n,
        {lags("close", range(1, 10))},
        {lags("high", range(1, 7))},
        {lags("low", range(1, 7))},
        {lags("volume", range(1, 5))},
        avg(close) over (w rows 59 preceding) as mean_close_60
    from bars
    window w as (partition by code order by trade_date)
),

p1 as (
    select
        code, trade_date, n, high, low, close, volume, close_lag_1, mean_close_60,
        {rm_cols},
        rm10_9 as max10,
        least({", ".join(f"{c(9 - i)} / rm10_{i}" for i in range(1, 10))}) as dd10,
        least({", ".join(c(k) for k in range(10))}) as min10,
        greatest({", ".join(["high"] + [f"high_lag_{k}" for k in range(1, 7)])}) as max7_high,
        least({", ".join(["low"] + [f"low_lag_{k}" for k in range(1, 7)])}) as min7_low,
        volume + volume_lag_1 + volume_lag_2 + volume_lag_3 + volume_lag_4 as vol5_sum,
        {dev5} as dev5_sum,
        {dev5_sq} as dev5_sq,
        ln(close / close_lag_1) as ret_1d
    from s1
),

p2 as (
    select * exclude ({", ".join(f"rm10_{i}" for i in range(10))})
    from p1
),

s2 as (
    select
        *,
        {kernel_cumsum("ema12", A12, f"case when n = 0 then close / {A12} else close end")},
        {kernel_cumsum("ema26", A26, f"case when n = 0 then close / {A26} else close end")},
        {kernel_cumsum("q9", A9, "close")},
        {kernel_cumsum("gain", AW, wilder("greatest(close - close_lag_1, 0)"))},
        {kernel_cumsum("loss", AW, wilder("greatest(close_lag_1 - close, 0)"))},
        {kernel_cumsum("tr", AW, wilder(tr))},
        sum(case when n = 0 then volume else sign(close - close_lag_1) * volume end)
            over (w rows unbounded preceding) as obv,
        first_value(close) over w as close_first,
        {lags("close", [5, 10, 15, 20])},
        {lags("max10", [10, 20, 30, 40, 50])},
        {lags("min10", [10, 20, 30, 40, 50])},
        {lags("dd10", [10, 20, 30, 40, 50])},
        {lags("dev5_sum", [5, 10, 15])},
        {lags("dev5_sq", [5, 10, 15])},
        stddev_samp(ret_1d) over (w rows 19 preceding) as std_ret_20,
        lag(max7_high, 7) over w as max7_high_lag_7,
        lag(min7_low, 7) over w as min7_low_lag_7,
        {lags("vol5_sum", [5, 10, 15])}
    from p2
    window w as (partition by code order by trade_date)
),

p3 as (
    select
        code, trade_date, n, close, volume, ret_1d, std_ret_20, obv, close_lag_5,
        close_lag_20, close_first,
        mean_close_60, ema12__s, ema26__s, q9__s, gain__s, loss__s, tr__s,
        {", ".join(mdd_max_cols)},
        {mdd_expr} as mdd_60_raw,
        {d20_sum} as dev20_sum,
        {d20_sq} as dev20_sq,
        greatest(max7_high, max7_high_lag_7) as max_high_14,
        least(min7_low, min7_low_lag_7) as min_low_14,
        vol5_sum + vol5_sum_lag_5 + vol5_sum_lag_10 + vol5_sum_lag_15 as vol20_sum,
        close + dev5_sum / 5 as mean_close_5
    from s2
),

p4 as (
    select
        *,
        {A12} * {kernel_sum("ema12", A12)} as ema_12_v,
        {A26} * {kernel_sum("ema26", A26)} as ema_26_v,
        {kernel_sum("q9", A9)} as q9_v,
        {AW} * {kernel_sum("gain", AW)} as avg_gain_14,
        {AW} * {kernel_sum("loss", AW)} as avg_loss_14,
        {AW} * {kernel_sum("tr", AW)} as atr_wilder_14,
        dev20_sq - dev20_sum * dev20_sum / 20 as m2_close_20,
        close + dev20_sum / 20 as mean_close_20
    from p3
),

features as (
    select
        code,
        trade_date,
        case when n >= 1 then ret_1d end as ret_1d,
        case when n >= 5 then ln(close / close_lag_5) end as ret_5d,
        case when n >= 20 then ln(close / close_lag_20) end as ret_20d,
        case when n >= 4 then mean_close_5 end as sma_5,
        case when n >= 19 then mean_close_20 end as sma_20,
        case when n >= 59 then mean_close_60 end as sma_60,
        ema_12_v as ema_12,
        ema_26_v as ema_26,
        ema_12_v - ema_26_v as macd,
        -- EMA_9 of MACD = α9 Σ r9^(n-j) (e12_j − e26_j), in closed form from the three kernels
        {A9} * (
            ({A12} * {r_of(A9)} * (q9_v + pow({r_of(A9)}, n) * close_first * (1 / {A12} - 1))
                - {r_of(A12)} * ema_12_v) / ({r_of(A9)} - {r_of(A12)})
            - ({A26} * {r_of(A9)} * (q9_v + pow({r_of(A9)}, n) * close_first * (1 / {A26} - 1))
                - {r_of(A26)} * ema_26_v) / ({r_of(A9)} - {r_of(A26)})
        ) as macd_signal,
        macd - macd_signal as macd_hist,
        case when n >= 14 then
            case when abs(avg_gain_14 + avg_loss_14) < 1e-14 then 0.0
                else 100 * (avg_gain_14 / (avg_gain_14 + avg_loss_14)) end
        end as rsi_14,
        case when n >= 14 then atr_wilder_14 end as atr_14,
        case when n >= 19 and m2_close_20 > 0 then
            (close - (mean_close_20 - 2 * sqrt(m2_close_20 / 20))) / (4 * sqrt(m2_close_20 / 20))
        end as bb_pctb_20,
        case when n >= 20 then std_ret_20 * sqrt(252) end as rvol_20,
        case when n >= 59 then mdd_60_raw end as mdd_60,
        case when n >= 19 and vol20_sum > 0 then volume / (vol20_sum / 20) end as vol_ratio_20,
        case when n >= 13 then
            case when max_high_14 = min_low_14 then 0.0
                else (close - min_low_14) / ((max_high_14 - min_low_14) / 100) end
        end as stoch_k_14,
        case when n >= 13 then
            case when max_high_14 = min_low_14 then 0.0
                else (max_high_14 - close) / ((max_high_14 - min_low_14) / -100) end
        end as willr_14,
        obv,
        case when n >= 19 and m2_close_20 > 0 then
            (close - mean_close_20) / sqrt(m2_close_20 / 19)
        end as zscore_20
    from p4
)

select * from features
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--print-sql", action="store_true")
    args = ap.parse_args()
    sql = build_sql(f"read_parquet('{args.src}')")
    if args.print_sql:
        print(sql)
        return
    con = duckdb.connect()
    con.execute(f"set threads = {args.threads}")
    con.execute("set preserve_insertion_order = false")
    t0 = time.perf_counter()
    if args.explain:
        con.execute("pragma enable_profiling = 'query_tree'")
        con.execute("pragma profiling_output = '/tmp/explain.txt'")
    con.execute(f"copy ({sql}) to '{args.dst}' (format parquet)")
    print(f"duckdb: total {time.perf_counter() - t0:.2f}s")


if __name__ == "__main__":
    main()
