"""Comparison: the 21 technical columns of indicators.md in plain pandas (groupby / rolling / ewm).

    python bench/impl_pandas.py IN.parquet OUT.parquet

The approach of the design we started from: one DataFrame sorted by (code, trade_date), every
column a `groupby("code")` shift / rolling / ewm / cumsum. Conventions as the TA-Lib reference
(bench/impl_talib.py) and the polars version: EMA first-value seeded (`ewm(adjust=False)`); Wilder
(RSI, ATR) with TA-Lib's seed — NaN before row 14, the mean of rows 1..14 at row 14, then the raw
values, so `ewm(alpha=1/14, adjust=False)` starts from that seed; the 60-row max drawdown by
`rolling(60).apply` on the raw window (pandas has no rolling running-max).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

COLUMNS = [
    "ret_1d", "ret_5d", "ret_20d", "sma_5", "sma_20", "sma_60", "ema_12", "ema_26", "macd",
    "macd_signal", "macd_hist", "rsi_14", "atr_14", "bb_pctb_20", "rvol_20", "mdd_60",
    "vol_ratio_20", "stoch_k_14", "willr_14", "obv", "zscore_20",
]  # fmt: skip


def _window_drawdown(w: np.ndarray) -> float:
    return float((w / np.maximum.accumulate(w)).min() - 1.0)


def features(df: pd.DataFrame) -> pd.DataFrame:
    df = df.sort_values(["code", "trade_date"], ignore_index=True)
    g = df.groupby("code", sort=False)
    c, h, low, v = df["close"], df["high"], df["low"], df["volume"]
    t = g.cumcount()

    def by_code(s: pd.Series):
        return s.groupby(df["code"], sort=False)

    def rolled(s: pd.Series, n: int):
        return by_code(s).rolling(n)

    def flat(result: pd.Series) -> pd.Series:  # groupby().rolling() prepends the group key
        return result.reset_index(level=0, drop=True).sort_index()

    c1 = g["close"].shift(1)
    out = pd.DataFrame({"code": df["code"], "trade_date": df["trade_date"]})
    out["ret_1d"] = np.log(c / c1)
    out["ret_5d"] = np.log(c / g["close"].shift(5))
    out["ret_20d"] = np.log(c / g["close"].shift(20))
    for n in (5, 20, 60):
        out[f"sma_{n}"] = flat(rolled(c, n).mean())
    out["ema_12"] = flat(by_code(c).ewm(span=12, adjust=False).mean())
    out["ema_26"] = flat(by_code(c).ewm(span=26, adjust=False).mean())
    out["macd"] = out["ema_12"] - out["ema_26"]
    out["macd_signal"] = flat(by_code(out["macd"]).ewm(span=9, adjust=False).mean())
    out["macd_hist"] = out["macd"] - out["macd_signal"]

    def wilder(x: pd.Series) -> pd.Series:
        seed = flat(rolled(x, 14).mean())
        seeded = x.where(t > 14, seed.where(t == 14))
        return flat(by_code(seeded).ewm(alpha=1 / 14, adjust=False, ignore_na=True).mean())

    d = c - c1
    au, ad = wilder(d.clip(lower=0)), wilder((-d).clip(lower=0))
    rsi = (100 * au / (au + ad)).where(au + ad != 0, 0.0)
    out["rsi_14"] = rsi.where(t >= 14)
    tr = pd.concat([h - low, (h - c1).abs(), (low - c1).abs()], axis=1).max(axis=1, skipna=False)
    out["atr_14"] = wilder(tr)
    sd_pop = flat(rolled(c, 20).std(ddof=0))
    sd_samp = flat(rolled(c, 20).std(ddof=1))
    lower_band = out["sma_20"] - 2 * sd_pop
    out["bb_pctb_20"] = ((c - lower_band) / (4 * sd_pop)).where(sd_pop > 0)
    out["rvol_20"] = (flat(rolled(out["ret_1d"], 20).std()) * np.sqrt(252.0)).where(t >= 20)
    out["mdd_60"] = flat(rolled(c, 60).apply(_window_drawdown, raw=True))
    vm = flat(rolled(v, 20).mean())
    out["vol_ratio_20"] = (v / vm).where(vm > 0)
    hh, ll = flat(rolled(h, 14).max()), flat(rolled(low, 14).min())
    rng = hh - ll
    flat_range = (rng == 0) & (t >= 13)
    out["stoch_k_14"] = (100 * (c - ll) / rng).where(rng != 0, np.where(flat_range, 0.0, np.nan))
    out["willr_14"] = (-100 * (hh - c) / rng).where(rng != 0, np.where(flat_range, 0.0, np.nan))
    signed = (np.sign(d) * v).where(t > 0, v)
    out["obv"] = by_code(signed).cumsum()
    out["zscore_20"] = ((c - out["sma_20"]) / sd_samp).where(sd_samp > 0)
    return out[["code", "trade_date", *COLUMNS]]


def main() -> None:
    src, dst = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    df = pd.read_parquet(src, columns=["code", "trade_date", "open", "high", "low", "close", "volume"])
    t1 = time.perf_counter()
    result = features(df)
    t2 = time.perf_counter()
    pq.write_table(pa.Table.from_pandas(result, preserve_index=False), dst)  # NaN -> NULL
    t3 = time.perf_counter()
    print(f"pandas: read {t1 - t0:.2f}s compute {t2 - t1:.2f}s write {t3 - t2:.2f}s total {t3 - t0:.2f}s")


if __name__ == "__main__":
    main()
