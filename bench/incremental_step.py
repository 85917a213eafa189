"""Time the daily incremental step of int_features_technical at full scale (4,000 codes).

Builds a mini dbt project (the real model and macros; int_prices_adjusted = a table loaded from the
bench panel, row index precomputed, no splits), full refresh up to the day before the last, then
adds the last day and runs the incremental model alone. Prints dbt's execution time of each run
and checks the new day equals a full refresh of the panel (written by prototype_technical.py).

    python bench/incremental_step.py bench/cache/panel_4000.parquet bench/cache/out_sql_4000.parquet
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / "cache" / "incremental_step"


def run(*args: str) -> float:
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        ["run", "--project-dir", str(WORK), "--profiles-dir", str(WORK), "--quiet",
         "--target-path", str(WORK / "target"), "--log-path", str(WORK / "logs"), *args]
    )  # fmt: skip
    assert result.success, result.exception
    results = json.loads((WORK / "target" / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[-1]: round(r["execution_time"], 2) for r in results}


def main() -> None:
    panel, reference = sys.argv[1], sys.argv[2]
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "models").mkdir(parents=True)
    # every feature macro: the manifest is one file per family (macros/features/manifest/)
    shutil.copytree(REPO / "macros" / "features", WORK / "macros")
    shutil.copy(REPO / "models" / "intermediate" / "features" / "int_features_technical.sql", WORK / "models")
    source = WORK / "series.parquet"
    (WORK / "models" / "int_prices_adjusted.sql").write_text(
        f"{{{{ config(materialized='table') }}}}\nselect * from read_parquet('{source}')\n"
    )
    (WORK / "dbt_project.yml").write_text(
        textwrap.dedent(
            """\
            name: incremental_step
            version: "0.1.0"
            profile: incremental_step
            model-paths: ["models"]
            macro-paths: ["macros"]
            vars:
              features_lookback_days: 0
            """
        )
    )
    db = WORK / "bench.duckdb"
    (WORK / "profiles.yml").write_text(
        f"incremental_step:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: '{db}'\n"
        "      threads: 1\n      settings:\n        threads: 2\n        preserve_insertion_order: false\n"
    )
    con = duckdb.connect()
    last = con.execute(f"select max(trade_date) from read_parquet('{panel}')").fetchone()[0]
    series_sql = f"""
        select code, trade_date,
            row_number() over (partition by code order by trade_date) - 1 as feature_row_index,
            high as feature_high, low as feature_low, close as feature_close, volume as feature_volume,
            1.0::double as cumulative_adj_factor, 1.0::double as cumulative_volume_adj_factor
        from read_parquet('{panel}')"""
    con.execute(f"copy ({series_sql} qualify trade_date < '{last}') to '{source}' (format parquet)")
    print("full refresh up to the day before:", run("--full-refresh"))
    con.execute(f"copy ({series_sql}) to '{source}' (format parquet)")
    print("load the new day into int_prices_adjusted:", run("--select", "int_prices_adjusted"))
    print("incremental, one new day for every code:", run("--select", "int_features_technical"))
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

    with manager._LOCK:
        if manager._ENV is not None:
            manager._ENV.close()
            manager._ENV = None
    con = duckdb.connect(str(db), read_only=True)
    cols = [r[0] for r in con.execute(f"describe select * from read_parquet('{reference}')").fetchall()][2:]
    worst = con.execute(
        "select "
        + ", ".join(f"max(abs(a.{c} - b.{c}))" for c in cols)
        + f", count(*) from int_features_technical a join read_parquet('{reference}') b using (code, trade_date)"
        + f" where a.trade_date = '{last}'"
    ).fetchone()
    print("new day vs full refresh, max |Δ| per column:", dict(zip([*cols, "rows"], worst, strict=True)))


if __name__ == "__main__":
    main()
