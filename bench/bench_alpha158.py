"""Time int_features_alpha158 (the 158 Qlib Alpha158 columns) on a synthetic panel.

Raw bars in the shape of int_prices_adjusted (code, trade_date, open, high, low, close, volume,
turnover_value, adj_factor; NULL bars on no-trade days, splits on ex-date rows), built by the real
model file and macros in a throwaway dbt project under bench/.work/alpha158 (int_prices_adjusted
is a view over the panel's Parquet). Prints the wall time of `dbt run` for the model and the peak
RSS of the process.

    python bench/bench_alpha158.py --codes 4000 --days 2500 [--threads 2]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "bench" / "cache"
WORK = REPO / "bench" / ".work" / "alpha158"


def generate(n_codes: int, n_days: int, seed: int = 11) -> pa.Table:
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2015-01-05", periods=n_days).values.astype("datetime64[D]")
    start = np.where(rng.random(n_codes) < 0.15, rng.integers(0, n_days - 5, n_codes), 0)
    end = np.where(
        rng.random(n_codes) < 0.08, np.minimum(n_days, start + rng.integers(5, n_days, n_codes)), n_days
    )
    end = np.maximum(end, start + 1)
    code_ix = np.concatenate([np.full(e - s, i) for i, (s, e) in enumerate(zip(start, end, strict=True))])
    day_ix = np.concatenate([np.arange(s, e) for s, e in zip(start, end, strict=True)])
    n = len(code_ix)
    p0 = np.exp(rng.uniform(np.log(80), np.log(30000), n_codes))
    steps = rng.standard_normal(n) * rng.uniform(0.008, 0.035, n_codes)[code_ix]
    first = np.r_[True, code_ix[1:] != code_ix[:-1]]
    steps[first] = 0.0
    cumulative = np.cumsum(steps)
    code_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    log_close = np.log(p0[code_ix]) + cumulative - cumulative[code_start]
    close = np.maximum(np.round(np.exp(log_close), 1), 1.0)
    open_ = np.maximum(np.round(close * (1 + rng.normal(0, 0.01, n)), 1), 0.1)
    high = np.round(np.maximum(open_, close) * (1 + np.abs(rng.normal(0, 0.01, n))), 1)
    low = np.maximum(np.round(np.minimum(open_, close) * (1 - np.abs(rng.normal(0, 0.01, n))), 1), 0.1)
    volume = (rng.integers(1, 20_000, n) * 100).astype(float)
    turnover = np.round(rng.uniform(low, high) * volume)
    no_trade = rng.random(n) < 0.02
    for column in (open_, high, low, close, volume, turnover):
        column[no_trade] = np.nan
    adj_factor = np.where(rng.random(n) < 0.0005, rng.choice([0.5, 0.2, 0.1, 2.0, 5.0], n), 1.0)
    adj_factor[first] = 1.0
    codes = np.array([f"{1300 + i:04d}0" for i in range(n_codes)])
    # NULL (not NaN) on no-trade days, as int_prices_adjusted has them
    return pa.table(
        {
            "code": codes[code_ix],
            "trade_date": dates[day_ix],
            "open": pa.array(open_, from_pandas=True),
            "high": pa.array(high, from_pandas=True),
            "low": pa.array(low, from_pandas=True),
            "close": pa.array(close, from_pandas=True),
            "volume": pa.array(volume, from_pandas=True),
            "turnover_value": pa.array(turnover, from_pandas=True),
            "adj_factor": adj_factor,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--codes", type=int, default=4000)
    parser.add_argument("--days", type=int, default=2500)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 4GB")
    args = parser.parse_args()

    panel = CACHE / f"alpha158_bars_{args.codes}x{args.days}.parquet"
    if not panel.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        pq.write_table(generate(args.codes, args.days), panel)
    rows = pq.read_metadata(panel).num_rows

    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "models").mkdir(parents=True)
    # every feature macro: the manifest (one file per family) decides the active Alpha158 columns
    shutil.copytree(REPO / "macros" / "features", WORK / "macros")
    shutil.copy(
        REPO / "models" / "intermediate" / "features" / "int_features_alpha158.sql",
        WORK / "models" / "int_features_alpha158.sql",
    )
    (WORK / "models" / "int_prices_adjusted.sql").write_text(
        f"{{{{ config(materialized='view') }}}}\nselect * from read_parquet('{panel}')\n"
    )
    (WORK / "dbt_project.yml").write_text(
        textwrap.dedent(
            """\
            name: bench_alpha158
            version: "0.1.0"
            profile: bench_alpha158
            models:
              bench_alpha158:
                +materialized: table
            """
        )
    )
    (WORK / "profiles.yml").write_text(
        f"bench_alpha158:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: '{WORK / 'bench.duckdb'}'\n      threads: 1\n"
        f"      settings:\n        threads: {args.threads}\n        preserve_insertion_order: false\n"
        + (f"        memory_limit: '{args.memory_limit}'\n" if args.memory_limit else "")
    )

    from dbt.cli.main import dbtRunner

    common = ["--project-dir", str(WORK), "--profiles-dir", str(WORK), "--quiet"]
    assert dbtRunner().invoke(["run", "--select", "int_prices_adjusted", *common]).success
    started = time.perf_counter()
    result = dbtRunner().invoke(["run", "--select", "int_features_alpha158", *common])
    elapsed = time.perf_counter() - started
    assert result.success, result.exception
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(
        f"int_features_alpha158: {rows:,} bars, {args.threads} threads: {elapsed:.1f} s, peak RSS {peak_gb:.2f} GB"
    )


if __name__ == "__main__":
    main()
