"""Shared pytest set-up.

chDB allows one embedded ClickHouse engine per process, so the whole test session shares one chDB
path (set here, before anything opens it); tests isolate themselves with their own databases/tables.
"""

from __future__ import annotations

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
