"""Shared pytest set-up.

chDB allows one embedded ClickHouse engine per process, so the whole test session shares one chDB
path (set here, before anything opens it); tests isolate themselves with their own databases/tables.
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from pathlib import Path

import pytest

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="gogooku3-tests-"))


def pytest_configure(config: pytest.Config) -> None:
    os.environ["CHDB_PATH"] = str(_SESSION_DIR / "chdb")
    os.environ["GOGOOKU3_NO_DOTENV"] = "1"
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    # Tests never talk to the real API, whatever the developer's shell or .env says.
    for name in ("JQUANTS_API_KEY", "CLICKHOUSE_URL", "LAKE_URL", "DUCKDB_PATH", "S3_ENDPOINT_URL"):
        os.environ.pop(name, None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chdb_path() -> str:
    return os.environ["CHDB_PATH"]


# Where a daily cycle reads and writes, relative to a test's own root folder: with these set, a
# cycle touches nothing outside it (not data/, not the developer's DuckDB or ledger).
CYCLE_PATHS = {
    "LAKE_URL": "lake",
    "DUCKDB_PATH": "gogooku3.duckdb",
    "OPS_DB_PATH": "ops.sqlite",
    "CYCLE_LOCK_PATH": "cycle.lock",
    "ANALYST_DUCKDB_PATH": "analyst.duckdb",
    "DBT_TARGET_PATH": "dbt_target",
    "DBT_LOG_PATH": "dbt_logs",
    "DLT_PIPELINES_DIR": "dlt",
}


def isolated_cycle_env(root: Path, **extra: str) -> dict[str, str]:
    """The environment variables of a daily cycle confined to `root` (plus `extra`)."""
    return {name: str(Path(root) / relative) for name, relative in CYCLE_PATHS.items()} | extra


@contextlib.contextmanager
def simulated_cycle(root: Path, market, api_key: str, env: dict[str, str] | None = None, **server_options):
    """A cycle's world for in-process runs: this process's environment confined to `root`
    (`isolated_cycle_env`) and pointed at a real simulator serving `market`; yields the server.
    The environment is restored on exit."""
    from ingest.simulator import SimulatorServer

    mp = pytest.MonkeyPatch()
    try:
        for name, value in isolated_cycle_env(root, JQUANTS_API_KEY=api_key, **(env or {})).items():
            mp.setenv(name, value)
        with SimulatorServer(market, api_key=api_key, **server_options) as server:
            mp.setenv("JQUANTS_BASE_URL", server.base_url)
            yield server
    finally:
        mp.undo()


@pytest.fixture(scope="session")
def isolated_env():
    """`isolated_env(root, **extra)`: the environment variables of a cycle confined to `root`."""
    return isolated_cycle_env


@pytest.fixture(scope="session")
def simulated_world():
    """`with simulated_world(root, market, api_key, env=..., page_size=...) as server:` an
    isolated in-process cycle environment against the real simulator (see `simulated_cycle`)."""
    return simulated_cycle


@pytest.fixture(scope="session")
def moto_s3():
    """A real S3-protocol server (moto) on 127.0.0.1; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


# ------------------------------------------------------------------ parallel runs (pytest-xdist)
# `make test` runs the suite on two workers (`-n 2`). The builds the tests share are session
# fixtures of tests/dbt and tests/pit (each several dbt invocations): every test of one of those
# folders goes to the same worker, so each build happens once; elsewhere a module is the unit.
SHARED_BUILD_FOLDERS = ("tests/dbt/", "tests/pit/")


@pytest.hookimpl(optionalhook=True)  # a hook of xdist: harmless where xdist is not installed
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class SharedBuildScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            for folder in SHARED_BUILD_FOLDERS:
                if nodeid.startswith(folder):
                    return folder
            return nodeid.split("::", 1)[0]

    return SharedBuildScheduling(config, log)
