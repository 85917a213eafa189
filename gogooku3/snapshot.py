"""The analysts' read-only DuckDB snapshot, replaced atomically after each successful build.

Analysts open `ANALYST_DUCKDB_PATH` (default `data/snapshot/gogooku3.duckdb` — the same file name as the build, so that SQL compiled by dbt, which names the catalog `gogooku3`, runs on it unchanged) read-only. The build writes to
`DUCKDB_PATH`, never to the snapshot, so an analyst session left open never blocks the scheduled run;
after a successful build the file is copied beside the snapshot and moved over it with `os.replace`
(atomic on POSIX): a session already open keeps reading the previous file, a new one sees the new
build, nobody sees half a build.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb

from ingest.settings import DATA_DIR, Settings


def snapshot_path() -> Path:
    return Path(os.environ.get("ANALYST_DUCKDB_PATH") or DATA_DIR / "snapshot" / "gogooku3.duckdb")


def publish_snapshot(settings: Settings, target: Path | None = None) -> Path:
    """Checkpoint the build database and atomically replace the analyst snapshot with a copy."""
    target = Path(target or snapshot_path())
    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(settings.duckdb_path)
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{int(time.time() * 1000)}.tmp")
    try:
        shutil.copyfile(settings.duckdb_path, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
