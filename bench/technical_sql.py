"""Time the dbt-generated SQL of int_features_technical (full refresh) on a bench panel.

    python bench/technical_sql.py compile PANEL.parquet [--sql FILE] [--technical-macro OLD.sql]
    python bench/technical_sql.py run OUT.parquet [--sql FILE] [--explain FILE] [--threads 2]

`compile` renders the real model + macros (macros/features, the manifest) in a mini dbt project
whose int_prices_adjusted is the panel with its row index (what the project's
int_prices_adjusted holds: fully adjusted, forward-filled series, here without splits), and
stores the compiled full-refresh SQL. `run` executes it as one `COPY (…) TO parquet` in a fresh
DuckDB (the same settings as the dbt profile: threads, preserve_insertion_order = false) and
prints wall and process CPU time; with --explain, the EXPLAIN ANALYZE profile goes to FILE.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import textwrap
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / "cache" / "technical_sql"


def compile_sql(panel: str, out: Path, technical_macro: str | None) -> None:
    from dbt.cli.main import dbtRunner

    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "models").mkdir(parents=True)
    shutil.copytree(REPO / "macros" / "features", WORK / "macros")
    if technical_macro:  # e.g. an earlier version, for a same-run comparison
        shutil.copy(technical_macro, WORK / "macros" / "technical.sql")
    shutil.copy(REPO / "models" / "intermediate" / "features" / "int_features_technical.sql", WORK / "models")
    series = WORK / "series.parquet"
    duckdb.execute(
        f"""copy (
            select code, trade_date,
                row_number() over (partition by code order by trade_date) - 1 as feature_row_index,
                high as feature_high, low as feature_low, close as feature_close,
                volume as feature_volume,
                1.0::double as cumulative_adj_factor, 1.0::double as cumulative_volume_adj_factor
            from read_parquet('{panel}') order by code, trade_date
        ) to '{series}' (format parquet)"""
    )
    (WORK / "models" / "int_prices_adjusted.sql").write_text(
        f"{{{{ config(materialized='view') }}}}\nselect * from read_parquet('{series}')\n"
    )
    (WORK / "dbt_project.yml").write_text(
        textwrap.dedent(
            """\
            name: technical_sql
            version: "0.1.0"
            profile: technical_sql
            model-paths: ["models"]
            macro-paths: ["macros"]
            vars:
              features_lookback_days: 0
            """
        )
    )
    (WORK / "profiles.yml").write_text(
        f"technical_sql:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: '{WORK / 'bench.duckdb'}'\n      threads: 1\n"
    )
    result = dbtRunner().invoke(
        ["compile", "--project-dir", str(WORK), "--profiles-dir", str(WORK), "--quiet",
         "--target-path", str(WORK / "target"), "--log-path", str(WORK / "logs"),
         "--select", "int_features_technical"]
    )  # fmt: skip
    assert result.success, result.exception
    compiled = next((WORK / "target" / "compiled").rglob("int_features_technical.sql")).read_text()
    compiled = re.sub(r'"bench"\."main"\."int_prices_adjusted"', f"read_parquet('{series}')", compiled)
    out.write_text(compiled)
    print(f"compiled: {out}")


def run_sql(sql_file: Path, out: str, threads: int, explain: str | None) -> None:
    sql = sql_file.read_text()
    con = duckdb.connect()
    con.execute(f"set threads = {threads}")
    con.execute("set preserve_insertion_order = false")
    if explain:
        con.execute("pragma enable_profiling = 'query_tree_optimizer'")
        con.execute(f"pragma profiling_output = '{explain}'")
    cpu0, t0 = time.process_time(), time.perf_counter()
    con.execute(f"copy ({sql}) to '{out}' (format parquet)")
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"technical_sql: wall {wall:.2f}s cpu {cpu:.2f}s peak_rss {rss:.2f}GiB")


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("compile")
    c.add_argument("panel")
    c.add_argument("--sql", type=Path, default=WORK.parent / "technical_full.sql")
    c.add_argument("--technical-macro", help="a technical.sql to compile instead of the repo's")
    r = sub.add_parser("run")
    r.add_argument("out")
    r.add_argument("--sql", type=Path, default=WORK.parent / "technical_full.sql")
    r.add_argument("--threads", type=int, default=2)
    r.add_argument("--explain")
    args = ap.parse_args()
    if args.cmd == "compile":
        compile_sql(args.panel, args.sql, args.technical_macro)
    else:
        run_sql(args.sql, args.out, args.threads, args.explain)


if __name__ == "__main__":
    main()
