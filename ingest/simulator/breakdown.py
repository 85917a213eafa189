"""Daily trade breakdown by order type (`/markets/breakdown`), computed on demand.

One row per listed (business day, code), zeros on no-trade days. The sell side
(`LongSell + ShrtNoMrgn + MrgnSellNew + MrgnSellClose`) and the buy side
(`LongBuy + MrgnBuyNew + MrgnBuyClose`) each add up exactly to the day's `Vo` (shares, in units of
100) and `Va` (yen). Randomness comes from a counter-based hash of (seed, day, code), so any subset
is computed independently and identically.
"""

from __future__ import annotations

import numpy as np

SELL = ("LongSell", "ShrtNoMrgn", "MrgnSellNew", "MrgnSellClose")
BUY = ("LongBuy", "MrgnBuyNew", "MrgnBuyClose")
BREAKDOWN_FIELDS = (
    ("Date", "Code") + tuple(f"{k}Va" for k in SELL + BUY) + tuple(f"{k}Vo" for k in SELL + BUY)
)
BREAKDOWN_NUMERIC = BREAKDOWN_FIELDS[2:]
_SELL_MEAN = np.array([0.62, 0.18, 0.10, 0.10])
_BUY_MEAN = np.array([0.78, 0.12, 0.10])


def uniforms(seed: int, tt: np.ndarray, cc: np.ndarray, k: int) -> np.ndarray:
    """Deterministic U(0, 1) per (seed, day, code, k) (splitmix64)."""
    with np.errstate(over="ignore"):
        x = (np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15)) ^ (tt.astype(np.uint64) << np.uint64(32))
        x ^= cc.astype(np.uint64) * np.uint64(0xBF58476D1CE4E5B9) + np.uint64(k) * np.uint64(
            0x94D049BB133111EB
        )
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _shares(seed: int, tt: np.ndarray, cc: np.ndarray, mean: np.ndarray, salt: int) -> np.ndarray:
    """Random proportions around `mean` (rows sum to 1)."""
    raw = np.column_stack([mean[i] * (0.5 + uniforms(seed, tt, cc, salt + i)) for i in range(len(mean))])
    return raw / raw.sum(axis=1, keepdims=True)


def _split(total_units: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Integer split of each total by shares; the remainder goes to the first part."""
    parts = np.floor(total_units[:, None] * shares)
    parts[:, 0] += total_units - parts.sum(axis=1)
    return parts


def breakdown_columns(seed: int, tt: np.ndarray, cc: np.ndarray, vo: np.ndarray, va: np.ndarray) -> dict:
    """Breakdown values for rows (day index tt, code index cc) with the day's raw Vo and Va."""
    units = np.nan_to_num(vo) / 100.0
    value = np.nan_to_num(va)
    out: dict[str, np.ndarray] = {}
    for names, mean, salt in ((SELL, _SELL_MEAN, 0), (BUY, _BUY_MEAN, 10)):
        vol = _split(units, _shares(seed, tt, cc, mean, salt)) * 100.0
        val = np.round(value[:, None] * np.divide(vol, np.maximum(units * 100.0, 1.0)[:, None]))
        val[:, 0] += value - val.sum(axis=1)
        for k, name in enumerate(names):
            out[f"{name}Vo"], out[f"{name}Va"] = vol[:, k], val[:, k]
    return out
