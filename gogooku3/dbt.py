"""Run dbt in-process (one invocation at a time) and summarise what it did."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field

from ingest.settings import PROJECT_ROOT, Settings

PROFILES_DIR = PROJECT_ROOT / "profiles"


@dataclass
class DbtResult:
    success: bool
    command: list[str]
    statuses: Counter = field(default_factory=Counter)  # (resource_type, status) -> count
    failed: list[str] = field(default_factory=list)  # names of failed / errored nodes
    warned: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    def count(self, resource_type: str, *statuses: str) -> int:
        return sum(n for (rtype, st), n in self.statuses.items() if rtype == resource_type and st in statuses)

    @property
    def models_built(self) -> int:
        return self.count("model", "success")

    @property
    def tests_passed(self) -> int:
        return self.count("test", "pass") + self.count("unit_test", "pass")

    @property
    def tests_failed(self) -> int:
        return self.count("test", "fail", "error") + self.count("unit_test", "fail", "error")


def dbt_environment(settings: Settings) -> dict[str, str]:
    """Environment variables dbt reads (profiles and vars use env_var())."""
    env = {
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "LAKE_URL": settings.lake_url,
        "DUCKDB_PATH": settings.duckdb_path,
    }
    if settings.s3_endpoint_url:
        env["S3_ENDPOINT_URL"] = settings.s3_endpoint_url
    return env


def release_duckdb() -> None:
    """Close the DuckDB instance dbt-duckdb keeps open in this process after an invocation.

    Otherwise the file stays locked with dbt's configuration, and the publish step (read-only) or the
    analyst snapshot cannot open it ("same database file with a different configuration").
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        if env is not None:
            env.close()
            DuckDBConnectionManager._ENV = None


def run_dbt(settings: Settings, args: list[str], dbt_vars: dict | None = None) -> DbtResult:
    """Invoke `dbt <args>` against this project with the settings' lake and DuckDB file."""
    from dbt.cli.main import dbtRunner

    os.environ.update(dbt_environment(settings))
    target = "prod" if settings.lake_is_s3 else "dev"
    command = [
        *args,
        "--log-level",
        os.environ.get("GOGOOKU3_DBT_LOG_LEVEL", "warn"),  # stdout stays one screen; logs/dbt.log has it all
        "--project-dir",
        str(PROJECT_ROOT),
        "--profiles-dir",
        str(PROFILES_DIR),
        "--target",
        target,
    ]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    started = time.monotonic()
    try:
        res = dbtRunner().invoke(command)
    finally:
        release_duckdb()
    result = DbtResult(success=bool(res.success), command=command, seconds=time.monotonic() - started)
    if res.exception is not None:
        result.error = str(res.exception)
    run_results = getattr(res.result, "results", None) or []
    for node_result in run_results:
        node = node_result.node
        status = str(getattr(node_result.status, "value", node_result.status))
        result.statuses[(node.resource_type, status)] += 1
        if status in ("fail", "error"):
            result.failed.append(node.name)
        elif status == "warn":
            result.warned.append(node.name)
    return result
