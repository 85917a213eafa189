"""Reference: the 21 technical columns by TA-Lib + numpy, one code at a time (indicators.md).

TA-Lib where it has the indicator with the contract's convention (SMA, RSI, ATR, BBANDS, STOCHF,
WILLR, OBV); pandas `ewm(adjust=False)` for the first-value-seeded EMA / MACD signal; numpy sliding
windows for rvol, mdd, vol_ratio, zscore.

    python bench/impl_talib.py IN.parquet OUT.parquet
"""

from __future__ import annotations

import itertools
import sys
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import talib
from numpy.lib.stride_tricks import sliding_window_view

COLUMNS = [
    "ret_1d", "ret_5d", "ret_20d", "sma_5", "sma_20", "sma_60", "ema_12", "ema_26", "macd",
    "macd_signal", "macd_hist", "rsi_14", "atr_14", "bb_pctb_20", "rvol_20", "mdd_60",
    "vol_ratio_20", "stoch_k_14", "willr_14", "obv", "zscore_20",
]  # fmt: skip


def _ewm(x: np.ndarray, span: int) -> np.ndarray:
    return pd.Series(x).ewm(span=span, adjust=False).mean().to_numpy()


def _log_ret(c: np.ndarray, k: int) -> np.ndarray:
    out = np.full(len(c), np.nan)
    if len(c) > k:
        out[k:] = np.log(c[k:] / c[:-k])
    return out


def _rolling(x: np.ndarray, n: int, fn) -> np.ndarray:
    out = np.full(len(x), np.nan)
    if len(x) >= n:
        out[n - 1 :] = fn(sliding_window_view(x, n), axis=1)
    return out


def _mdd(c: np.ndarray, n: int = 60) -> np.ndarray:
    out = np.full(len(c), np.nan)
    if len(c) >= n:
        w = sliding_window_view(c, n)
        out[n - 1 :] = (w / np.maximum.accumulate(w, axis=1)).min(axis=1) - 1.0
    return out


def features_one_code(o, h, l, c, v) -> dict[str, np.ndarray]:
    f: dict[str, np.ndarray] = {}
    for k in (1, 5, 20):
        f[f"ret_{k}d"] = _log_ret(c, k)
    for n in (5, 20, 60):
        f[f"sma_{n}"] = talib.SMA(c, n)
    f["ema_12"] = _ewm(c, 12)
    f["ema_26"] = _ewm(c, 26)
    f["macd"] = f["ema_12"] - f["ema_26"]
    f["macd_signal"] = _ewm(f["macd"], 9)
    f["macd_hist"] = f["macd"] - f["macd_signal"]
    f["rsi_14"] = talib.RSI(c, 14)
    f["atr_14"] = talib.ATR(h, l, c, 14)
    up, _mid, lo = talib.BBANDS(c, 20, 2.0, 2.0, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        f["bb_pctb_20"] = np.where(up - lo > 0, (c - lo) / (up - lo), np.nan)
    r1 = f["ret_1d"]
    rv = np.full(len(c), np.nan)
    if len(c) > 20:
        rv[20:] = sliding_window_view(r1[1:], 20).std(axis=1, ddof=1) * np.sqrt(252.0)
    f["rvol_20"] = rv
    f["mdd_60"] = _mdd(c)
    vm = talib.SMA(v, 20)
    with np.errstate(divide="ignore", invalid="ignore"):
        f["vol_ratio_20"] = np.where(vm > 0, v / vm, np.nan)
    f["stoch_k_14"] = talib.STOCHF(h, l, c, 14, 1, 0)[0]
    f["willr_14"] = talib.WILLR(h, l, c, 14)
    f["obv"] = talib.OBV(c, v)
    s = talib.STDDEV(c, 20, 1.0) * np.sqrt(20.0 / 19.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        f["zscore_20"] = np.where(s > 0, (c - f["sma_20"]) / s, np.nan)
    return f


def compute(table: pa.Table) -> pa.Table:
    codes = table.column("code").to_numpy()
    cols = {k: table.column(k).to_numpy() for k in ("open", "high", "low", "close", "volume")}
    bounds = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1], True])
    out = {k: np.empty(len(codes)) for k in COLUMNS}
    for a, b in itertools.pairwise(bounds):
        f = features_one_code(*(cols[k][a:b] for k in ("open", "high", "low", "close", "volume")))
        for k in COLUMNS:
            out[k][a:b] = f[k]
    arrays = {"code": table.column("code"), "trade_date": table.column("trade_date")}
    for k in COLUMNS:
        arrays[k] = pa.array(out[k], from_pandas=True)  # NaN -> NULL
    return pa.table(arrays)


def main() -> None:
    src, dst = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    table = pq.read_table(src)  # sorted by code, trade_date (the generator writes it so)
    t1 = time.perf_counter()
    result = compute(table)
    t2 = time.perf_counter()
    pq.write_table(result, dst)
    t3 = time.perf_counter()
    print(f"talib: read {t1 - t0:.2f}s compute {t2 - t1:.2f}s write {t3 - t2:.2f}s total {t3 - t0:.2f}s")


if __name__ == "__main__":
    main()
