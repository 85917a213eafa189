"""Time int_features_alpha158 (the manifest's active Alpha158 columns) inside dbt: a full refresh
and the daily incremental step, each a fresh `dbt run` process under `/usr/bin/time -v` (wall
time, CPU time, peak RSS).

The panel is bench_alpha158.generate (raw bars in the shape of int_prices_adjusted: NULL bars on
no-trade days, splits on ex-date rows, IPOs, delistings), cached in bench/cache. A throwaway dbt
project under bench/.work/alpha158_refresh holds the real model, the alpha158 macros and the
feature manifest, int_prices_adjusted as a table (as in the project), and the DuckDB settings of
profiles/profiles.yml (memory_limit, preserve_insertion_order=false, 2 threads).

    python bench/alpha158_refresh.py --codes 1000 --days 2500 [--memory-limit 3GB] [--codes-per-chunk 500]

Steps: (1) int_prices_adjusted without the last day; (2) full refresh of int_features_alpha158;
(3) the last day added; (4) an incremental run (recomputes the last `features_lookback_days` = 5
dates and reads 64 calendar rows of context). Exactness (incremental = full refresh, SQL = Qlib) is
tests/features/test_alpha158.py's job.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_alpha158 import CACHE, REPO, generate

WORK = REPO / "bench" / ".work" / "alpha158_refresh"
DBT = str(Path(sys.executable).parent / "dbt")


def timed(args: list[str], label: str) -> dict:
    proc = subprocess.run(["/usr/bin/time", "-v", *args], check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stdout[-4000:], proc.stderr[-4000:])
        raise SystemExit(f"{label} failed")
    stats = {}
    for key, pattern in [
        ("wall", r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)"),
        ("user", r"User time \(seconds\): (\S+)"),
        ("sys", r"System time \(seconds\): (\S+)"),
        ("rss_kb", r"Maximum resident set size \(kbytes\): (\d+)"),
    ]:
        stats[key] = re.search(pattern, proc.stderr).group(1)
    parts = [float(p) for p in stats["wall"].split(":")]
    wall = sum(p * 60**i for i, p in enumerate(reversed(parts)))
    row = {
        "step": label,
        "wall_s": wall,
        "cpu_s": float(stats["user"]) + float(stats["sys"]),
        "peak_rss_gib": int(stats["rss_kb"]) / 1024**2,
    }
    print(
        f"{label}: wall {row['wall_s']:.1f} s, CPU {row['cpu_s']:.1f} s, peak RSS {row['peak_rss_gib']:.2f} GiB",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--codes", type=int, default=4000)
    parser.add_argument("--days", type=int, default=2500)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="3GB")
    parser.add_argument("--codes-per-chunk", type=int, default=500)
    args = parser.parse_args()

    panel = CACHE / f"alpha158_bars_{args.codes}x{args.days}.parquet"
    if not panel.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        pq.write_table(generate(args.codes, args.days), panel)
    rows = pq.read_metadata(panel).num_rows

    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "models").mkdir(parents=True)
    (WORK / "macros" / "manifest").mkdir(parents=True)
    features = REPO / "macros" / "features"
    for macro in [
        *features.glob("alpha158*.sql"),
        features / "feature_manifest.sql",
        features / "incremental.sql",
    ]:
        shutil.copy(macro, WORK / "macros" / macro.name)
    for family in (features / "manifest").glob("*.sql"):
        shutil.copy(family, WORK / "macros" / "manifest" / family.name)
    shutil.copy(REPO / "models" / "intermediate" / "features" / "int_features_alpha158.sql", WORK / "models")
    (WORK / "models" / "int_prices_adjusted.sql").write_text(
        "{{ config(materialized='table') }}\n"
        f"select * from read_parquet('{panel}')\n"
        "{% if var('without_last_day', false) %}"
        f"where trade_date < (select max(trade_date) from read_parquet('{panel}'))"
        "{% endif %}\n"
    )
    (WORK / "dbt_project.yml").write_text(
        textwrap.dedent(
            f"""\
            name: bench_alpha158_refresh
            version: "0.1.0"
            profile: bench_alpha158_refresh
            vars:
              features_lookback_days: 5
              alpha158_codes_per_chunk: {args.codes_per_chunk}
            models:
              bench_alpha158_refresh:
                +materialized: table
            """
        )
    )
    db = WORK / "bench.duckdb"
    (WORK / "profiles.yml").write_text(
        f"bench_alpha158_refresh:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: '{db}'\n      threads: 1\n"
        f"      settings:\n        threads: {args.threads}\n        preserve_insertion_order: false\n"
        f"        memory_limit: '{args.memory_limit}'\n"
    )
    common = ["--project-dir", str(WORK), "--profiles-dir", str(WORK), "--quiet"]
    print(
        f"panel {panel.name}: {rows:,} bars; memory_limit {args.memory_limit}, {args.codes_per_chunk} codes per chunk"
    )
    subprocess.run(
        [DBT, "run", "--select", "int_prices_adjusted", "--vars", "{without_last_day: true}", *common],
        check=True,
    )
    results = [
        timed([DBT, "run", "--select", "int_features_alpha158", "--full-refresh", *common], "full refresh")
    ]
    subprocess.run([DBT, "run", "--select", "int_prices_adjusted", *common], check=True)
    results.append(
        timed([DBT, "run", "--select", "int_features_alpha158", *common], "incremental (one new day)")
    )

    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        n_rows = con.execute("select count(*) from int_features_alpha158").fetchone()[0]
        last = con.execute("select max(trade_date) from int_features_alpha158").fetchone()[0]
        print(f"int_features_alpha158: {n_rows:,} rows, last date {last}")
    print("| step | wall s | CPU s | peak RSS GiB |")
    print("|---|---|---|---|")
    for r in results:
        print(f"| {r['step']} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['peak_rss_gib']:.2f} |")


if __name__ == "__main__":
    main()
