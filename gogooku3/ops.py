"""Operational state: run history, the partition ledger and the cycle lock.

Kept in a small SQLite file (`data/ops.sqlite` by default, `OPS_DB_PATH`) beside the lake, separate
from the DuckDB file dbt builds, so that `status` and the scheduler can read it while a build runs.

- `runs`: one row per command (cycle, backfill, publish): start, end, status, rows per step, reason.
- `ledger`: one row per dataset × date: loaded / failed / waiting, attempts, last reason, next retry.
- `CycleLock`: an exclusive `flock` on `data/cycle.lock`. The kernel drops it when the holder dies,
  so a crash (even kill -9) never leaves a stale lock, and two cycles never run at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.settings import DATA_DIR

SCHEMA = """
create table if not exists runs (
    run_id integer primary key autoincrement,
    command text not null,
    target_date text,
    started_at text not null,
    ended_at text,
    status text not null,           -- running / success / failed
    rows_json text,
    reason text
);
create table if not exists ledger (
    dataset text not null,
    partition_date text not null,
    status text not null,           -- loaded / failed / waiting
    attempts integer not null default 0,
    rows integer,
    reason text,
    next_retry_at text,
    updated_at text not null,
    primary key (dataset, partition_date)
);
"""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


class LockBusy(RuntimeError):
    """Another cycle holds the lock."""


_held_locks: dict[str, int] = {}  # path -> nesting depth, for locks this process already holds


@contextlib.contextmanager
def cycle_lock(path: Path | None = None) -> Iterator[None]:
    """Hold the exclusive cycle lock or raise LockBusy at once (never wait behind a running cycle).

    Re-entrant within a process (the scheduler's tick holds it around the cycles it runs)."""
    path = Path(path or os.environ.get("CYCLE_LOCK_PATH") or DATA_DIR / "cycle.lock").resolve()
    key = str(path)
    if _held_locks.get(key):
        _held_locks[key] += 1
        try:
            yield
        finally:
            _held_locks[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise LockBusy(f"another gogooku3 cycle holds {path}") from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        _held_locks[key] = 1
        try:
            yield
        finally:
            _held_locks.pop(key, None)
    finally:
        os.close(fd)  # closing releases the flock


@dataclass
class LedgerEntry:
    dataset: str
    partition_date: dt.date
    status: str
    attempts: int
    rows: int | None
    reason: str | None
    next_retry_at: dt.datetime | None
    updated_at: dt.datetime


class OpsStore:
    """Run history and partition ledger in SQLite (WAL: readers never block the writer)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path or os.environ.get("OPS_DB_PATH") or DATA_DIR / "ops.sqlite")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30)
        con.execute("pragma journal_mode=wal")
        return con

    # runs -------------------------------------------------------------------------------------
    def start_run(self, command: str, target_date: dt.date | None = None) -> int:
        with self._connect() as con:
            cur = con.execute(
                "insert into runs (command, target_date, started_at, status) values (?, ?, ?, 'running')",
                (command, _iso(target_date), _iso(utcnow())),
            )
            return int(cur.lastrowid)

    def end_run(self, run_id: int, status: str, rows: dict | None = None, reason: str | None = None) -> None:
        with self._connect() as con:
            con.execute(
                "update runs set ended_at = ?, status = ?, rows_json = ?, reason = ? where run_id = ?",
                (_iso(utcnow()), status, json.dumps(rows or {}, default=str), reason, run_id),
            )

    def recent_runs(self, limit: int = 20) -> list[dict]:
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            rows = con.execute("select * from runs order by run_id desc limit ?", (limit,)).fetchall()
        return [dict(r) | {"rows": json.loads(r["rows_json"] or "{}")} for r in rows]

    def last_success(self, command: str = "run") -> dict | None:
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            row = con.execute(
                "select * from runs where command = ? and status = 'success' order by run_id desc limit 1",
                (command,),
            ).fetchone()
        return dict(row) if row else None

    # ledger -----------------------------------------------------------------------------------
    def record_partition(
        self,
        dataset: str,
        day: dt.date,
        status: str,
        rows: int | None = None,
        reason: str | None = None,
        next_retry_at: dt.datetime | None = None,
        count_attempt: bool = True,
    ) -> None:
        with self._connect() as con:
            con.execute(
                """
                insert into ledger (dataset, partition_date, status, attempts, rows, reason, next_retry_at, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (dataset, partition_date) do update set
                    status = excluded.status,
                    attempts = ledger.attempts + excluded.attempts,
                    rows = coalesce(excluded.rows, ledger.rows),
                    reason = excluded.reason,
                    next_retry_at = excluded.next_retry_at,
                    updated_at = excluded.updated_at
                """,
                (
                    dataset,
                    day.isoformat(),
                    status,
                    1 if count_attempt else 0,
                    rows,
                    reason,
                    _iso(next_retry_at),
                    _iso(utcnow()),
                ),
            )

    def ledger(self, dataset: str | None = None) -> list[LedgerEntry]:
        query = "select * from ledger" + (" where dataset = ?" if dataset else "") + " order by partition_date, dataset"
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            rows = con.execute(query, (dataset,) if dataset else ()).fetchall()
        return [
            LedgerEntry(
                dataset=r["dataset"],
                partition_date=dt.date.fromisoformat(r["partition_date"]),
                status=r["status"],
                attempts=r["attempts"],
                rows=r["rows"],
                reason=r["reason"],
                next_retry_at=dt.datetime.fromisoformat(r["next_retry_at"]) if r["next_retry_at"] else None,
                updated_at=dt.datetime.fromisoformat(r["updated_at"]),
            )
            for r in rows
        ]

    def partition(self, dataset: str, day: dt.date) -> LedgerEntry | None:
        return next((e for e in self.ledger(dataset) if e.partition_date == day), None)
