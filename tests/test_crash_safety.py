"""Crash safety: kill -9 in the middle of an ingest or a dbt build, then run again.

Each cycle runs as a real `orchestrate.py run` process against a simulator served from this test
process; what the cycle left behind (lake, marts, published ClickHouse, analyst snapshot) is compared
with an uninterrupted run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingest.simulator import Market, SimulatorServer

ROOT = Path(__file__).resolve().parent.parent
START, TARGET, NEXT = dt.date(2024, 7, 1), dt.date(2024, 10, 31), dt.date(2024, 11, 1)
API_KEY = "crash-test-key-0b7e"

PUBLISHED_HASH = """
import json, sys, clickhouse_connect
c = clickhouse_connect.get_client(interface="chdb", path=sys.argv[1])
exists = int(c.command("EXISTS TABLE gogooku3.ml_features"))
q = "SELECT count(), groupBitXor(cityHash64(code, trade_date, close)), round(sum(sma_20), 3) FROM gogooku3.ml_features"
row = c.query(q).result_rows[0] if exists else (0, 0, 0)
print(json.dumps([int(row[0]), str(row[1]), float(row[2] or 0)]))
"""


@pytest.fixture(scope="module")
def server():
    market = Market(seed=11, n_codes=8, end=NEXT)
    with SimulatorServer(market, api_key=API_KEY, page_size=100) as srv:
        yield srv


@pytest.fixture(scope="module")
def cycle_env(isolated_env, server):
    """`cycle_env(root)`: the environment of an `orchestrate.py run` process confined to `root`
    (its own chDB too: the published tables of a root are its own) against the simulator."""

    def make(root: Path) -> dict[str, str]:
        inherited = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("JQUANTS_", "LAKE_", "DUCKDB_", "CLICKHOUSE_"))
        }
        return inherited | isolated_env(
            root,
            CHDB_PATH=str(root / "chdb"),
            JQUANTS_BASE_URL=server.base_url,
            JQUANTS_API_KEY=API_KEY,
            GOGOOKU3_NO_DOTENV="1",
            INGEST_CHUNK_DAYS="31",
        )

    return make


def start_cycle(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "orchestrate.py", "run", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(proc: subprocess.Popen, timeout: float = 300) -> str:
    out, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, out[-3000:]
    return out


def wait_for(condition, timeout: float = 300, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise TimeoutError("condition not reached")


def lake_rows(root: Path) -> list[tuple]:
    """The raw bars as the lake knows them: the latest version per key, without load metadata."""
    con = duckdb.connect()
    rows = con.execute(
        f"""
        select * exclude (_ingested_at, _dlt_load_id, _dlt_id, version) from (
            select *, row_number() over (partition by code, date order by _ingested_at desc) as version
            from read_parquet('{root}/lake/jquants_raw/daily_bars/*.parquet', union_by_name = true)
        ) where version = 1 order by date, code
        """
    ).fetchall()
    con.close()
    return rows


def mart_rows(root: Path):
    con = duckdb.connect(str(root / "gogooku3.duckdb"), read_only=True)
    frame = con.execute("select * from main_marts.ml_features order by code, trade_date").fetchdf()
    con.close()
    return frame


def assert_same_mart(a, b) -> None:
    """Equal rows and keys; numbers equal to float noise (parallel window sums, e.g. the
    cross-sectional z-scores, may differ in the last bits between two identical builds)."""
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=1e-12)


def published(root: Path) -> list:
    out = subprocess.run(
        [sys.executable, "-c", PUBLISHED_HASH, str(root / "chdb")], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def file_md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def ledger_has(root: Path, dataset: str, day: dt.date) -> bool:
    path = root / "ops.sqlite"
    if not path.exists():
        return False
    try:
        con = sqlite3.connect(path, timeout=1)
        row = con.execute(
            "select status from ledger where dataset = ? and partition_date = ?", (dataset, day.isoformat())
        ).fetchone()
        con.close()
    except sqlite3.OperationalError:
        return False
    return bool(row and row[0] == "loaded")


@pytest.fixture(scope="module")
def reference(tmp_path_factory, cycle_env):
    """An uninterrupted history load."""
    root = tmp_path_factory.mktemp("reference")
    finish(start_cycle(cycle_env(root), "--date", str(TARGET), "--from", str(START)))
    return root


def test_kill_during_ingest_then_rerun_equals_uninterrupted(tmp_path, server, cycle_env, reference):
    env = cycle_env(tmp_path)
    server.set_faults(slow=1.0, slow_seconds=0.05)  # every request slow: the ingest takes a while
    try:
        proc = start_cycle(env, "--date", str(TARGET), "--from", str(START))
        bars = tmp_path / "lake" / "jquants_raw" / "daily_bars"
        wait_for(lambda: bars.exists() and any(bars.glob("*.parquet")))  # a first window is loaded
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        server.set_faults(slow=0.0)
    partial = lake_rows(tmp_path)
    assert 0 < len(partial) < len(lake_rows(reference))

    finish(start_cycle(env, "--date", str(TARGET)))  # incremental rerun: no --from
    assert lake_rows(tmp_path) == lake_rows(reference)
    assert_same_mart(mart_rows(tmp_path), mart_rows(reference))
    assert published(tmp_path) == published(reference)


def test_kill_during_dbt_build_leaves_published_state_and_next_run_completes(cycle_env, reference):
    env = cycle_env(reference)
    before_published = published(reference)
    before_snapshot = file_md5(reference / "analyst.duckdb")

    proc = start_cycle(env, "--date", str(NEXT))
    try:
        wait_for(lambda: ledger_has(reference, "daily_bars", NEXT) or proc.poll() is not None)
    finally:
        if proc.poll() is not None:
            pytest.fail(f"the cycle ended before the kill: {proc.stdout.read()[-3000:]}")
    # ingest done: dbt build starting
    time.sleep(2.0)
    assert proc.poll() is None, "the cycle ended before it could be killed mid-build"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert published(reference) == before_published
    assert file_md5(reference / "analyst.duckdb") == before_snapshot

    # An analyst keeps a session open on the snapshot while the next scheduled cycle runs.
    analyst = duckdb.connect(str(reference / "analyst.duckdb"), read_only=True)
    seen_before = analyst.execute("select max(trade_date) from main_marts.ml_features").fetchone()[0]
    out = finish(start_cycle(env, "--date", str(NEXT)))
    assert "status: OK" in out
    assert analyst.execute("select max(trade_date) from main_marts.ml_features").fetchone()[0] == seen_before
    analyst.close()
    fresh = duckdb.connect(str(reference / "analyst.duckdb"), read_only=True)
    assert fresh.execute("select max(trade_date) from main_marts.ml_features").fetchone()[0] == NEXT
    fresh.close()
    count = published(reference)[0]
    assert count > before_published[0]
