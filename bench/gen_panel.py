"""Synthetic adjusted-bar panel for the technical-feature benchmark (indicators.md contract).

Writes one Parquet file with columns code (5-char text), trade_date, open, high, low, close, volume,
sorted by code, trade_date. Codes are contiguous on a business-day calendar between their first and
last day (IPOs start late, delisted codes end early, a few short-lived codes have fewer rows than the
longest window). No-trade days are forward-filled the way int_prices_adjusted does it (all prices =
last close, volume 0), and some illiquid codes have long flat runs (σ = 0, HH = LL edge cases).

    python bench/gen_panel.py --codes 4000 --days 2500 --out bench/cache/panel_4000.parquet
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def code_names(n: int) -> list[str]:
    letters = "ACDFGHJKLMNPRSTUWXY"  # never B, E, I, O, Q, V, Z
    names = []
    for i in range(n):
        if i % 50 == 49:  # some post-2024 style codes with a letter
            names.append(f"{130 + i // 50 % 800:03d}{letters[i % len(letters)]}0")
        else:
            names.append(f"{1300 + i:04d}0")
    return names


def generate(n_codes: int, n_days: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2015-01-05", periods=n_days).values.astype("datetime64[D]")

    start = np.zeros(n_codes, dtype=np.int64)
    end = np.full(n_codes, n_days, dtype=np.int64)  # exclusive
    ipo = rng.random(n_codes) < 0.15
    start[ipo] = rng.integers(1, n_days - 5, ipo.sum())
    delist = rng.random(n_codes) < 0.08
    end[delist] = np.minimum(n_days, start[delist] + rng.integers(5, n_days, delist.sum()))
    short = rng.random(n_codes) < 0.01  # short-lived: fewer rows than the 60-row window
    end[short] = np.minimum(n_days, start[short] + rng.integers(1, 70, short.sum()))
    end = np.maximum(end, start + 1)

    vol = rng.uniform(0.008, 0.035, n_codes)[:, None]
    steps = rng.standard_normal((n_codes, n_days)) * vol
    p0 = np.exp(rng.uniform(np.log(80), np.log(60000), n_codes))[:, None]
    close = np.round(p0 * np.exp(np.cumsum(steps, axis=1)), 1)
    close = np.maximum(close, 1.0)
    rng_hl = np.abs(rng.standard_normal((n_codes, n_days))) * vol * close
    high = np.round(close + rng_hl * rng.random((n_codes, n_days)), 1)
    low = np.maximum(np.round(close - rng_hl * rng.random((n_codes, n_days)), 1), 0.5)
    open_ = np.round(np.clip(close * (1 + steps * 0.3), low, high), 1)
    volume = np.round(np.exp(rng.normal(11, 1.5, (n_codes, 1)) + rng.normal(0, 0.6, (n_codes, n_days))), -2)

    # No-trade days: 1.5% at random, plus long flat runs for 2% of codes (illiquid).
    no_trade = rng.random((n_codes, n_days)) < 0.015
    illiquid = np.where(rng.random(n_codes) < 0.02)[0]
    for i in illiquid:
        s = rng.integers(0, n_days - 1)
        no_trade[i, s : s + rng.integers(20, 120)] = True
    no_trade[:, 0] = False
    no_trade[np.arange(n_codes), start] = False
    # forward-fill close over no-trade days (column-wise loop over days, vectorised over codes)
    for d in range(1, n_days):
        m = no_trade[:, d]
        if m.any():
            close[m, d] = close[m, d - 1]
    high[no_trade] = close[no_trade]
    low[no_trade] = close[no_trade]
    open_[no_trade] = close[no_trade]
    volume[no_trade] = 0.0
    high = np.maximum(high, close)
    low = np.minimum(low, close)

    lengths = end - start
    idx_code = np.repeat(np.arange(n_codes), lengths)
    idx_day = np.concatenate([np.arange(s, e) for s, e in zip(start, end)])
    names = np.array(code_names(n_codes))
    order = np.argsort(names[idx_code], kind="stable")
    idx_code, idx_day = idx_code[order], idx_day[order]
    return pa.table(
        {
            "code": pa.array(names[idx_code]),
            "trade_date": pa.array(dates[idx_day]),
            "open": open_[idx_code, idx_day],
            "high": high[idx_code, idx_day],
            "low": low[idx_code, idx_day],
            "close": close[idx_code, idx_day],
            "volume": volume[idx_code, idx_day],
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--codes", type=int, default=4000)
    ap.add_argument("--days", type=int, default=2500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    table = generate(args.codes, args.days, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, args.out, row_group_size=1_000_000)
    print(f"{args.out}: {table.num_rows:,} rows, {args.codes} codes × {args.days} days")


if __name__ == "__main__":
    main()
