"""The benchmark harness (issue 7): the lake generator writes what the ingest writes, and a tiny
`make bench` run produces every row of the table with the peers agreeing with the mart."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

TABLES = {
    "daily_bars": "date, code",
    "equities_master": "date, code",
    "trade_breakdown": "date, code",
    "topix": "date",
    "trading_calendar": "date",
    "investor_types": "section, st_date, en_date, pub_date",
    "dividends": "ref_no",
    "fin_summary": "disc_no",
    "margin_interest": "date, code",
}
LINEAGE = "_ingested_at, _dlt_load_id, _dlt_id"


def _real_ingest(workdir: Path, start: dt.date, end: dt.date) -> Path:
    """The real dlt ingest of [start, end] from the bundled simulator (12 codes)."""
    from ingest import pipeline, simulator
    from ingest.settings import get_settings

    env = {
        "LAKE_URL": str(workdir / "lake"),
        "DLT_PIPELINES_DIR": str(workdir / "dlt"),
        "DUCKDB_PATH": str(workdir / "db.duckdb"),
        "GOGOOKU3_NO_DOTENV": "1",
        "JQUANTS_API_KEY": "bench-test-key",
        "JQUANTS_PLAN": "premium",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        market = simulator.Market(seed=42, n_codes=12, start=start, end=end)
        with simulator.SimulatorServer(market, api_key="bench-test-key") as server:
            pipeline.run_ingest(
                get_settings(), start, end, base_url=server.base_url, api_key="bench-test-key"
            )
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return workdir / "lake"


def _assert_same_lake(real: Path, mine: Path) -> None:
    con = duckdb.connect()
    for table, key in TABLES.items():
        real_files = sorted((real / "jquants_raw" / table).glob("*.parquet"))
        mine_files = sorted((mine / "jquants_raw" / table).glob("*.parquet"))
        assert bool(real_files) == bool(mine_files), table
        if not real_files:
            continue
        # the Arrow schema dlt writes: names, order, types, NOT NULL
        assert (
            pq.read_schema(mine_files[0])
            .remove_metadata()
            .equals(pq.read_schema(real_files[0]).remove_metadata())
        ), table
        a = f"select * exclude ({LINEAGE}) from read_parquet('{real}/jquants_raw/{table}/*.parquet')"
        b = f"select * exclude ({LINEAGE}) from read_parquet('{mine}/jquants_raw/{table}/*.parquet')"
        n = con.execute(f"select count(*) from ({a})").fetchone()[0]
        assert con.execute(f"select count(*) from ({b})").fetchone()[0] == n, table
        assert con.execute(f"select count(*) from (({a}) except all ({b}))").fetchone()[0] == 0, table
        assert con.execute(f"select count(*) from (({b}) except all ({a}))").fetchone()[0] == 0, table
        dup = con.execute(
            f"select count(*) from (select {key} from read_parquet('{mine}/jquants_raw/{table}/*.parquet') "
            f"group by all having count(*) > 1)"
        ).fetchone()[0]
        assert dup == 0, table


def test_gen_lake_writes_what_the_ingest_writes(tmp_path: Path) -> None:
    """History and the new day's load equal, row for row and type for type, the real dlt ingest
    of the same simulator market (all nine datasets; only the lineage columns differ)."""
    import gen_lake

    start, last, new_day = dt.date(2025, 5, 1), dt.date(2025, 6, 10), dt.date(2025, 6, 11)
    meta = gen_lake.generate(12, 27, tmp_path / "gen", new_day=new_day, verbose=False)
    assert (meta["first_day"], meta["last_day"]) == (str(start), str(last))
    _assert_same_lake(_real_ingest(tmp_path / "history", start, last), tmp_path / "gen")
    _assert_same_lake(
        _real_ingest(tmp_path / "newday", new_day, new_day), Path(str(tmp_path / "gen") + ".newday")
    )


STEPS = [
    "full refresh", "daily incremental", "incremental technical SQL", "incremental technical SQL, alone", "publish",
    "talib", "polars", "pandas", "duckdb SQL", "dbt technical",
]  # fmt: skip


def test_bench_smoke(tmp_path: Path) -> None:
    """`make bench` at 20 codes × 100 days, 1 repetition: every row of the table, and the
    implementations agree with the mart (warm-up 60 rows; tolerance 1e-6 absolute).

    About 10 dbt invocations (seed, upstream run, full refresh, incremental, the technical model):
    ~1–2 min on a quiet 2-core machine, dominated by dbt's start-up and first parse."""
    pytest.importorskip("talib")
    pytest.importorskip("polars")
    out = tmp_path / "results.md"
    out.write_text("# Results\n\nintro\n\n## An Alpha158 section someone else wrote\n\nkept\n")
    env = {
        **os.environ,
        "BENCH_CODES": "20",
        "BENCH_DAYS": "100",
        "BENCH_REPEAT": "1",
        "BENCH_WARMUP": "60",
        "BENCH_CACHE": str(tmp_path / "cache"),
        "BENCH_OUT": str(out),
    }
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run_bench.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = out.read_text()
    assert "## An Alpha158 section someone else wrote\n\nkept" in text  # other sections survive
    for step in STEPS:
        assert re.search(rf"^\| {re.escape(step)} \|", text, re.MULTILINE), step
    # exactness table: column | talib | polars | pandas | duckdb SQL
    exact = re.search(r"^\| column \| (.+) \|\n\|[-|]+\|\n((?:\|.*\|\n)+)", text, re.MULTILINE)
    assert exact, text
    peers = [p.strip() for p in exact.group(1).split("|")]
    assert peers == ["talib", "polars", "pandas", "duckdb SQL"]
    rows = [r.strip("|").split("|") for r in exact.group(2).strip().splitlines()]
    assert len(rows) == 21
    for cells in rows:
        for peer, cell in zip(peers, cells[1:], strict=True):
            value = cell.strip().split(" ")[0]
            assert value != "—", (cells[0], peer)
            assert float(value) <= 1e-6, (cells[0], peer, cell)
            if peer != "pandas":  # pandas' online rolling variance is not 0 on some flat windows
                assert "NULL≠" not in cell, (cells[0], peer, cell)
    # the daily incremental added the new day for the codes listed on it
    inc = re.search(r"^\| daily incremental \|(.*)\|$", text, re.MULTILINE).group(1).split("|")
    assert int(inc[6].strip().replace(",", "")) > 0, inc
