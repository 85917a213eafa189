"""Compare two feature Parquet files column by column (indicators.md metric).

    python bench/compare.py IMPL.parquet REF.parquet [--warmup 100]

Max |impl − ref| over rows with t ≥ warmup, price-level columns also relative to close, and the
count of rows where exactly one side is NULL (over all rows).
"""

from __future__ import annotations

import argparse

import duckdb

LEVEL = {"sma_5", "sma_20", "sma_60", "ema_12", "ema_26", "macd", "macd_signal", "macd_hist", "atr_14"}


def compare(impl: str, ref: str, panel: str | None = None, warmup: int = 100) -> list[tuple]:
    con = duckdb.connect()
    cols = [
        r[0]
        for r in con.execute(f"describe select * from read_parquet('{ref}')").fetchall()
        if r[0] not in ("code", "trade_date")
    ]
    close = "p.close" if panel else "null"
    join_panel = f"left join read_parquet('{panel}') as p using (code, trade_date)" if panel else ""
    rows = []
    for c in cols:
        q = f"""
        with j as (
            select a.{c} as a, b.{c} as b, {close} as close,
                row_number() over (partition by code order by trade_date) - 1 as t
            from read_parquet('{impl}') as a
            join read_parquet('{ref}') as b using (code, trade_date)
            {join_panel}
        )
        select max(abs(a - b)) filter (where t >= {warmup}),
               max(abs(a - b) / close) filter (where t >= {warmup}),
               count(*) filter (where (a is null) != (b is null)),
               count(*) filter (where isnan(a) or isnan(b)),
               count(*)
        from j
        """
        mx, rel, nulls, nans, n = con.execute(q).fetchone()
        rows.append((c, mx, rel if c in LEVEL else None, nulls, nans, n))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("impl")
    ap.add_argument("ref")
    ap.add_argument("--panel")
    ap.add_argument("--warmup", type=int, default=100)
    args = ap.parse_args()
    print(f"{'column':14s} {'max_abs':>10s} {'max_rel':>10s} {'null_mism':>9s} {'nan':>5s}")
    for c, mx, rel, nulls, nans, n in compare(args.impl, args.ref, args.panel, args.warmup):
        mx_s = f"{mx:.2e}" if mx is not None else "-"
        rel_s = f"{rel:.2e}" if rel is not None else ""
        print(f"{c:14s} {mx_s:>10s} {rel_s:>10s} {nulls:9d} {nans:5d}")


if __name__ == "__main__":
    main()
