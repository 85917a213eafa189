"""One publish of the marts to ClickHouse, as `orchestrate.py publish` does it (settings from the
environment: DUCKDB_PATH, CHDB_PATH). Used by bench/run_bench.py as a fresh timed process."""

from __future__ import annotations

from gogooku3.publish import publish_marts
from ingest.settings import get_settings

if __name__ == "__main__":
    result = publish_marts(get_settings())
    print(f"published {result.rows} in {result.seconds:.1f}s")
