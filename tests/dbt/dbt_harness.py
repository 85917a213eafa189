"""Run this dbt project for real (in-process `dbtRunner`) against a lake and a DuckDB file of
one's own, and read what it built."""

from __future__ import annotations

import contextlib
import json
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parents[2]
PROFILES_DIR = PROJECT_DIR / "profiles"
# Builds after a lake's first one skip the YAML unit tests (they do not depend on the data) and
# build only the walking skeleton's nodes (what ml_features needs, and staging).
NO_UNIT_TESTS = ("--exclude-resource-type", "unit_test")
SKELETON = ("--select", "+ml_features", "staging")
MODEL_TABLES = {
    "stg_jquants__daily_bars": "main_staging",
    "stg_jquants__equities_master": "main_staging",
    "stg_jquants__trading_calendar": "main_staging",
    "stg_jquants__topix": "main_staging",
    "int_trading_calendar": "main_intermediate",
    "int_prices_adjusted": "main_intermediate",
    "int_features_technical": "main_intermediate",
    "ml_features": "main_marts",
}


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after an invocation.

    dbt-duckdb holds one DuckDB instance per process between invocations; DuckDB refuses a second
    connection to the same file with another configuration (read_only), so close it first.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

    with manager._LOCK:
        if manager._ENV is not None:
            manager._ENV.close()
            manager._ENV = None


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class DbtProject:
    """This dbt project pointed at one lake and one DuckDB file under `workdir`."""

    workdir: Path
    lake_url: str
    target: str = "dev"
    extra_env: dict[str, str] = field(default_factory=dict)
    filesystems: list = field(default_factory=list)  # fsspec filesystems `query` needs (S3 lake)

    @property
    def duckdb_path(self) -> Path:
        return self.workdir / "gogooku3.duckdb"

    def env(self) -> dict[str, str]:
        return {
            "DO_NOT_TRACK": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "LAKE_URL": self.lake_url,
            "DUCKDB_PATH": str(self.duckdb_path),
            **self.extra_env,
        }

    def invoke(self, *args: str, dbt_vars: dict | None = None):
        """Run `dbt <args>`; return dbt's result object (check `.success`)."""
        from dbt.cli.main import dbtRunner

        command = [
            *args,
            "--project-dir", str(PROJECT_DIR),
            "--profiles-dir", str(PROFILES_DIR),
            "--target", self.target,
            "--target-path", str(self.workdir / "target"),
            "--log-path", str(self.workdir / "logs"),
        ]  # fmt: skip
        if dbt_vars:
            command += ["--vars", json.dumps(dbt_vars)]
        with environment(self.env()):
            try:
                return dbtRunner().invoke(command)
            finally:
                release_duckdb()

    def dbt(self, *args: str, dbt_vars: dict | None = None):
        """Run `dbt <args>` and fail the test unless it succeeded."""
        result = self.invoke(*args, dbt_vars=dbt_vars)
        assert result.success, f"dbt {' '.join(args)} failed: {result.exception or failed_nodes(result)}"
        return result

    def query(self, sql: str) -> pd.DataFrame:
        con = duckdb.connect(str(self.duckdb_path), read_only=True)
        for filesystem in self.filesystems:
            con.register_filesystem(filesystem)
        try:
            with warnings.catch_warnings():  # duckdb 1.5's .df() uses a pandas 3 deprecated keyword
                warnings.simplefilter("ignore", DeprecationWarning)
                warnings.filterwarnings("ignore", message=".*inplace.*")
                return con.execute(sql).df()
        finally:
            con.close()

    def row_counts(self) -> dict[str, int]:
        return {
            name: int(self.query(f"select count(*) as n from {schema}.{name}")["n"][0])
            for name, schema in MODEL_TABLES.items()
        }


def failed_nodes(result) -> list[str]:
    results = getattr(result.result, "results", None) or []
    return [
        f"{r.node.name}: {r.status} {r.message or ''}" for r in results if str(r.status) in ("fail", "error")
    ]


def node_statuses(result, resource_type: str | None = None) -> dict[str, str]:
    return {
        r.node.name: str(r.status)
        for r in result.result.results
        if resource_type is None or r.node.resource_type == resource_type
    }
