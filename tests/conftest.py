"""Shared pytest set-up.

chDB allows one embedded ClickHouse engine per process, so the whole test session shares one chDB
path (set here, before anything opens it); tests isolate themselves with their own databases/tables.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="gogooku3-tests-"))


def pytest_configure(config: pytest.Config) -> None:
    _warm_partial_parse()
    os.environ["CHDB_PATH"] = str(_SESSION_DIR / "chdb")
    os.environ["GOGOOKU3_NO_DOTENV"] = "1"
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    # Tests never talk to the real API, whatever the developer's shell or .env says.
    for name in ("JQUANTS_API_KEY", "CLICKHOUSE_URL", "LAKE_URL", "DUCKDB_PATH", "S3_ENDPOINT_URL"):
        os.environ.pop(name, None)


# ------------------------------------------------------------------ dbt's parse, kept warm
# Every test world of this project's dbt (tests/dbt, tests/pit, a cycle's DBT_TARGET_PATH) starts
# with an empty target folder, and dbt then parses the whole project from scratch: 15-20 s on a
# quiet 2-core machine, a minute under load, ~15 times a session. dbt's own partial parsing only
# needs a previous `partial_parse.msgpack`: the first invocation of the session leaves one, kept
# here per (profiles, target, --vars), and a fresh target folder starts from a copy. dbt then
# re-parses whatever differs from it (file contents by checksum, env_var() values, the project
# file), exactly as in a developer's reused target folder: what is built is the same.
_PROJECT_DIR = Path(__file__).resolve().parents[1]
_PARSE_CACHE = _SESSION_DIR / "partial_parse"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def _option(args: list[str], name: str, default: str | None = None) -> str | None:
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def _parse_cache_key(args: list[str]) -> tuple[Path, Path] | None:
    """(this invocation's target folder, its cached partial parse), for invocations of this
    project; None for any other project (the throwaway ones of tests/features, tests/contracts)."""
    project = _option(args, "--project-dir", os.environ.get("DBT_PROJECT_DIR", os.getcwd()))
    if Path(project).resolve() != _PROJECT_DIR:
        return None
    target_path = Path(_option(args, "--target-path", os.environ.get("DBT_TARGET_PATH", "target")))
    if not target_path.is_absolute():
        target_path = Path(project) / target_path
    key = "\x00".join(
        str(v) for v in (_option(args, "--profiles-dir"), _option(args, "--target"), _option(args, "--vars"))
    )
    return target_path, _PARSE_CACHE / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.msgpack"


def _warm_partial_parse() -> None:
    try:
        from dbt.cli.main import dbtRunner
    except ImportError:
        return
    if getattr(dbtRunner.invoke, "_gogooku3_warm", False):
        return
    invoke = dbtRunner.invoke

    def warm_invoke(self, args, **kwargs):
        paths = _parse_cache_key(list(args))
        if paths is not None:
            target_path, cached = paths
            if cached.exists() and not (target_path / PARTIAL_PARSE_FILE).exists():
                target_path.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(cached, target_path / PARTIAL_PARSE_FILE)
        result = invoke(self, args, **kwargs)
        if paths is not None and not cached.exists() and (target_path / PARTIAL_PARSE_FILE).exists():
            cached.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(target_path / PARTIAL_PARSE_FILE, cached)
        return result

    warm_invoke._gogooku3_warm = True
    dbtRunner.invoke = warm_invoke

    # dbt invalidates a partial parse when any connection value changes, the DuckDB file's folder
    # included (each test world has its own). Nothing of this project reads `target.path` while
    # parsing (target.database, the file's stem, stays in the hash), so for this project only the
    # folder is left out of that hash.
    import dataclasses
    import pprint

    from dbt.contracts.files import FileHash
    from dbt.parser.manifest import ManifestLoader

    state_check = ManifestLoader.build_manifest_state_check

    def build_manifest_state_check(self):
        check = state_check(self)
        config = self.root_project
        if Path(config.project_root).resolve() != _PROJECT_DIR or config.credentials.type != "duckdb":
            return check
        keys = sorted(
            (key, Path(value).name if key == "path" and isinstance(value, str) else value)
            for key, value in config.credentials.connection_info()
        )
        return dataclasses.replace(check, profile_hash=FileHash.from_contents(pprint.pformat(keys)))

    ManifestLoader.build_manifest_state_check = build_manifest_state_check


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


# The scheduler hands the scopes out in collection order, one at a time to the worker that is
# free: a long scope collected last ran alone at the end (12:33 for ~20 min of tests on two
# workers). The longest first (seconds summed per scope, measured: tests/dbt ~300,
# test_crash_safety ~150, test_bench ~130, test_schedule_cycles ~120, tests/pit ~105,
# test_end_to_end ~100, the publication gate ~70); the rest after them in their own order.
LONGEST_SCOPES_FIRST = (
    "tests/dbt/",
    "tests/test_crash_safety.py",
    "tests/test_bench.py",
    "tests/test_schedule_cycles.py",
    "tests/pit/",
    "tests/test_end_to_end.py",
    "tests/contracts/test_quarantine_and_publication_gate.py",
)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    def rank(item: pytest.Item) -> int:
        for position, prefix in enumerate(LONGEST_SCOPES_FIRST):
            if item.nodeid.startswith(prefix):
                return position
        return len(LONGEST_SCOPES_FIRST)

    items.sort(key=rank)  # stable: a scope's own tests keep their order

