"""Ours, outside dbt: int_features_technical's compiled full-refresh SQL in a plain DuckDB process.

    python bench/impl_sql.py COMPILED.sql PANEL.parquet OUT.parquet

COMPILED.sql is dbt's compiled `select` of the model (target/compiled/…/int_features_technical.sql of
a `--full-refresh` run: the SQL the macros in macros/features/technical.sql generate). The reference
to int_prices_adjusted is pointed at a view over the benchmark panel (the same Parquet the TA-Lib,
polars and pandas versions read), and the result is written with `COPY … TO` Parquet — the same
input and output as the other implementations. 2 threads, insertion order not preserved.

The Parquet writer is told not to try dictionary encoding (`dictionary_size_limit 1`): DuckDB
otherwise builds a dictionary for every column of each row group before giving up on the
high-cardinality doubles, 5.1 → 2.7 CPU-s for this output at 1,000 codes (2.25 M rows × 26
columns; file 353 → 360 MB, snappy as before). pyarrow (the TA-Lib and pandas versions) falls
back to plain encoding after a 1 MB dictionary page.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import duckdb

PRICES = re.compile(r'("[^"]+"\.)?("[^"]+"\.)?"int_prices_adjusted"')


def main() -> None:
    compiled, panel, out = sys.argv[1], sys.argv[2], sys.argv[3]
    sql = Path(compiled).read_text()
    if not PRICES.search(sql):
        raise SystemExit(f"no int_prices_adjusted relation in {compiled}")
    sql = PRICES.sub("bench_panel", sql)
    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute("set threads = 2")
    con.execute("set preserve_insertion_order = false")
    con.execute(
        f"""create view bench_panel as
        select code, trade_date, open as feature_open, high as feature_high, low as feature_low,
               close as feature_close, volume as feature_volume, feature_row_index,
               cumulative_adj_factor, cumulative_volume_adj_factor
        from read_parquet('{panel}')"""
    )
    con.execute(f"copy ({sql}) to '{out}' (format parquet, dictionary_size_limit 1)")
    print(f"duckdb sql: total {time.perf_counter() - t0:.2f}s")


if __name__ == "__main__":
    main()
