"""Tokyo Stock Exchange trading rules the synthetic market obeys (vectorised with numpy).

* Tick sizes (呼値の単位) of the standard table (issues outside TOPIX500).
* The daily price limit (制限値幅) as a function of the base price (基準値段, the previous close).
* Exact "round half up to 0.1" of `raw × num / den`, used for the vendor's adjusted prices.
"""

from __future__ import annotations

import numpy as np

# Upper bounds (inclusive) of each tick band and the tick that applies up to it.
_TICK_UPPER = np.array(
    [3_000, 5_000, 30_000, 50_000, 300_000, 500_000, 3_000_000, 5_000_000, 30_000_000, 50_000_000]
)
_TICKS = np.array([1, 5, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000], dtype=float)

# Base price strictly below each bound -> daily limit width (yen).
_LIMIT_BELOW = np.array(
    [
        100, 200, 500, 700, 1_000, 1_500, 2_000, 3_000, 5_000, 7_000, 10_000, 15_000, 20_000,
        30_000, 50_000, 70_000, 100_000, 150_000, 200_000, 300_000, 500_000, 700_000, 1_000_000,
        1_500_000, 2_000_000, 3_000_000, 5_000_000, 7_000_000, 10_000_000, 15_000_000,
        20_000_000, 30_000_000, 50_000_000,
    ]
)  # fmt: skip
_LIMIT_WIDTH = np.array(
    [
        30, 50, 80, 100, 150, 300, 400, 500, 700, 1_000, 1_500, 3_000, 4_000, 5_000, 7_000,
        10_000, 15_000, 30_000, 40_000, 50_000, 70_000, 100_000, 150_000, 300_000, 400_000,
        500_000, 700_000, 1_000_000, 1_500_000, 3_000_000, 4_000_000, 5_000_000, 7_000_000,
        10_000_000,
    ],
    dtype=float,
)  # fmt: skip


def tick_size(price: np.ndarray) -> np.ndarray:
    """The tick (yen) that applies at `price` (NaN-safe: NaN gets tick 1)."""
    p = np.nan_to_num(np.asarray(price, dtype=float), nan=1.0)
    return _TICKS[np.searchsorted(_TICK_UPPER, p, side="left")]


def round_to_tick(price: np.ndarray, how: str = "nearest") -> np.ndarray:
    """Round prices onto the tick grid: `how` is "nearest", "up" or "down"."""
    price = np.asarray(price, dtype=float)
    tick = tick_size(price)
    op = {"nearest": np.rint, "up": np.ceil, "down": np.floor}[how]
    return op(price / tick) * tick


def limit_width(base: np.ndarray) -> np.ndarray:
    """The daily price limit width (yen) for a base price (NaN-safe)."""
    b = np.nan_to_num(np.asarray(base, dtype=float), nan=1.0)
    return _LIMIT_WIDTH[np.searchsorted(_LIMIT_BELOW, b, side="right")]


def limit_band(base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) limit prices around `base`; the lower limit never goes below 1 yen."""
    width = limit_width(base)
    return np.maximum(base - width, 1.0), base + width


def scaled_round_tenth(values: np.ndarray, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """round(values × num / den, 1) with exact integer arithmetic, ties rounded half up.

    `values` must be integral (raw prices and volumes are); NaN stays NaN.
    """
    values = np.asarray(values, dtype=float)
    ok = ~np.isnan(values)
    v = np.where(ok, values, 0).astype(np.int64)
    num = np.broadcast_to(np.asarray(num, dtype=np.int64), v.shape)
    den = np.broadcast_to(np.asarray(den, dtype=np.int64), v.shape)
    tenths = (20 * v * num + den) // (2 * den)
    return np.where(ok, tenths / 10.0, np.nan)
