"""Comparison: the 21 technical columns of indicators.md in polars (lazy, window expressions).

    python bench/impl_polars.py IN.parquet OUT.parquet

EMA: ewm_mean(adjust=False) is first-value seeded (the contract). Wilder (RSI, ATR) with TA-Lib's
seed: the series is NULL before row 14, the mean of rows 1..14 at row 14, then the raw values;
ewm_mean(alpha=1/14, adjust=False, ignore_nulls=True) then starts from that seed. The 60-row max
drawdown: 60 shifted closes, running max over them (cum_max across the horizontal list).
"""

from __future__ import annotations

import sys
import time

import polars as pl


def features(lf: pl.LazyFrame) -> pl.LazyFrame:
    c, h, l, v = pl.col("close"), pl.col("high"), pl.col("low"), pl.col("volume")
    by = "code"
    t = pl.int_range(pl.len()).over(by)
    lf = lf.sort(by, "trade_date").with_columns(t.alias("t"), c.shift(1).over(by).alias("c1"))
    c1, t = pl.col("c1"), pl.col("t")
    d = c - c1
    tr = pl.max_horizontal(h - l, (h - c1).abs(), (l - c1).abs())

    def wilder(x: pl.Expr, name: str) -> pl.Expr:
        seeded = pl.when(t == 14).then(x.rolling_mean(14).over(by)).when(t > 14).then(x).otherwise(None)
        return seeded.ewm_mean(alpha=1 / 14, adjust=False, ignore_nulls=True).over(by).alias(name)

    lf = lf.with_columns(
        (c / c1).log().alias("ret_1d"),
        (c / c.shift(5).over(by)).log().alias("ret_5d"),
        (c / c.shift(20).over(by)).log().alias("ret_20d"),
        c.rolling_mean(5).over(by).alias("sma_5"),
        c.rolling_mean(20).over(by).alias("sma_20"),
        c.rolling_mean(60).over(by).alias("sma_60"),
        c.ewm_mean(span=12, adjust=False).over(by).alias("ema_12"),
        c.ewm_mean(span=26, adjust=False).over(by).alias("ema_26"),
        wilder(pl.when(d > 0).then(d).otherwise(0.0), "au"),
        wilder(pl.when(d < 0).then(-d).otherwise(0.0), "ad"),
        wilder(tr, "atr_14"),
        c.rolling_std(20, ddof=0).over(by).alias("sd_pop"),
        c.rolling_std(20, ddof=1).over(by).alias("sd_samp"),
        h.rolling_max(14).over(by).alias("hh"),
        l.rolling_min(14).over(by).alias("ll"),
        v.rolling_mean(20).over(by).alias("vm"),
        pl.when(t == 0).then(v).otherwise(d.sign() * v).cum_sum().over(by).alias("obv"),
        *[c.shift(k).over(by).alias(f"c_{k}") for k in range(1, 60)],
    )
    au, ad, hh, ll = pl.col("au"), pl.col("ad"), pl.col("hh"), pl.col("ll")
    lf = lf.with_columns(
        (pl.col("ema_12") - pl.col("ema_26")).alias("macd"),
        pl.col("ret_1d").rolling_std(20).over(by).mul(252**0.5).alias("rvol_20"),
    ).with_columns(
        pl.col("macd").ewm_mean(span=9, adjust=False).over(by).alias("macd_signal"),
    )
    # running max from the oldest of the 60 closes (one named column per step), then the
    # smallest close / running max
    lf = lf.with_columns(pl.col("c_59").alias("m_59"))
    for k in range(58, -1, -1):
        ck = c if k == 0 else pl.col(f"c_{k}")
        lf = lf.with_columns(pl.max_horizontal(pl.col(f"m_{k + 1}"), ck).alias(f"m_{k}"))
    mdd = pl.min_horizontal([(c if k == 0 else pl.col(f"c_{k}")) / pl.col(f"m_{k}") for k in range(60)]) - 1
    sd0, sd1 = pl.col("sd_pop"), pl.col("sd_samp")
    return lf.select(
        "code", "trade_date", "ret_1d", "ret_5d", "ret_20d", "sma_5", "sma_20", "sma_60",
        "ema_12", "ema_26", "macd", "macd_signal",
        (pl.col("macd") - pl.col("macd_signal")).alias("macd_hist"),
        pl.when(t < 14).then(None).when(au + ad == 0).then(0.0).otherwise(100 * au / (au + ad)).alias("rsi_14"),
        "atr_14",
        pl.when(sd0 > 0).then((c - (pl.col("sma_20") - 2 * sd0)) / (4 * sd0)).alias("bb_pctb_20"),
        pl.when(t >= 20).then(pl.col("rvol_20")).alias("rvol_20"),
        pl.when(t >= 59).then(mdd).alias("mdd_60"),
        pl.when(pl.col("vm") > 0).then(v / pl.col("vm")).alias("vol_ratio_20"),
        pl.when(hh == ll).then(pl.when(t >= 13).then(0.0)).otherwise(100 * (c - ll) / (hh - ll)).alias("stoch_k_14"),
        pl.when(hh == ll).then(pl.when(t >= 13).then(0.0)).otherwise(-100 * (hh - c) / (hh - ll)).alias("willr_14"),
        "obv",
        pl.when(sd1 > 0).then((c - pl.col("sma_20")) / sd1).alias("zscore_20"),
    )  # fmt: skip


def main() -> None:
    src, dst = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    features(pl.scan_parquet(src)).collect().write_parquet(dst)
    print(f"polars: total {time.perf_counter() - t0:.2f}s")


if __name__ == "__main__":
    main()
