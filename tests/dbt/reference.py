"""Independent pandas/numpy implementation of the price features (shared/reference/indicators.md),
used to check the SQL. It shares nothing with the models but the definitions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FEATURES = ("ret_1d", "ret_5d", "ret_20d", "sma_5", "sma_20", "sma_60", "vol_ratio_20", "rvol_20")


def reference_features(bars: pd.DataFrame) -> pd.DataFrame:
    """Features per code × trade date from the code's first trade on.

    `bars`: code, trade_date, close and volume (raw; NaN on a no-trade day) and `factor`, the
    ground-truth product of the code's later split factors.
    """
    frames = []
    for code, group in bars.sort_values(["code", "trade_date"]).groupby("code", sort=True):
        group = group.reset_index(drop=True)
        traded = group["close"].notna()
        if not traded.any():
            continue
        group = group.loc[traded.idxmax() :].reset_index(drop=True)  # from the first trade on
        traded = group["close"].notna()
        factor = group["factor"].astype(float)
        close = (group["close"] * factor).ffill()
        volume = (group["volume"] / factor).where(traded, 0.0)

        out = pd.DataFrame({"code": code, "trade_date": group["trade_date"], "t": np.arange(len(group))})
        for k in (1, 5, 20):
            out[f"ret_{k}d"] = np.log(close / close.shift(k))
        for n in (5, 20, 60):
            # level features in the price scale of their own date
            out[f"sma_{n}"] = close.rolling(n, min_periods=n).mean() / factor
        mean_volume = volume.rolling(20, min_periods=20).mean()
        out["vol_ratio_20"] = (volume / mean_volume).where(mean_volume != 0)
        out["rvol_20"] = out["ret_1d"].rolling(20, min_periods=20).std(ddof=1) * np.sqrt(252)
        out["adjusted_close"] = close
        out["factor"] = factor
        frames.append(out)
    return pd.concat(frames, ignore_index=True)


def mart_value_columns(mart: pd.DataFrame) -> list[str]:
    """The mart's value columns: every numeric column but the keys."""
    return [c for c in mart.columns if c not in ("code", "trade_date") and pd.api.types.is_numeric_dtype(mart[c])]


def assert_frames_close(actual: pd.DataFrame, expected: pd.DataFrame, columns, atol=1e-9, rtol=1e-12) -> None:
    """Same keys, same NULL pattern, values within atol + rtol·|expected| column by column."""
    keys = ["code", "trade_date"]
    merged = expected[keys + list(columns)].merge(
        actual[keys + list(columns)], on=keys, how="outer", suffixes=("_expected", "_actual"), indicator=True
    )
    missing = merged[merged["_merge"] != "both"]
    assert missing.empty, f"rows on one side only:\n{missing[keys + ['_merge']].head(10)}"
    problems = []
    for column in columns:
        exp = merged[f"{column}_expected"].astype(float).to_numpy()
        act = merged[f"{column}_actual"].astype(float).to_numpy()
        null_mismatch = np.isnan(exp) != np.isnan(act)
        both = ~np.isnan(exp) & ~np.isnan(act)
        too_far = both & (np.abs(act - exp) > atol + rtol * np.abs(exp))
        if null_mismatch.any() or too_far.any():
            bad = merged.loc[null_mismatch | too_far, keys + [f"{column}_expected", f"{column}_actual"]]
            problems.append(
                f"{column}: {int(null_mismatch.sum())} NULL mismatches, {int(too_far.sum())} off\n{bad.head(5)}"
            )
    assert not problems, "\n".join(problems)
