"""One place for every setting of gogooku3.

Each value comes from the environment (or a `.env` file in the project root) and has a documented
default, so that `make run` works on a fresh machine with nothing set. A wrong value raises
`SettingsError` with a one-line message naming the variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"

# Rate limits per minute by plan (reference: jquants-v2.md). /fins/summary and /fins/details are 60
# on every plan.
PLAN_RATE_PER_MINUTE = {"free": 5, "light": 60, "standard": 120, "premium": 500}
FINS_RATE_PER_MINUTE = 60
DEFAULT_BASE_URL = "https://api.jquants.com/v2"
RAW_DATASET = "jquants_raw"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def load_dotenv_file(path: Path | None = None) -> None:
    """Load `.env` without overriding variables already set (skipped when GOGOOKU3_NO_DOTENV is set)."""
    path = path or PROJECT_ROOT / ".env"
    if os.environ.get("GOGOOKU3_NO_DOTENV") or not path.exists():
        return
    try:
        from dotenv import load_dotenv
    except ImportError:  # pragma: no cover - python-dotenv is a dependency
        return
    load_dotenv(path, override=False)


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def _absolute(path: str) -> str:
    p = Path(path)
    return str(p if p.is_absolute() else (PROJECT_ROOT / p).resolve())


@dataclass(frozen=True)
class Settings:
    """Resolved configuration. `api_key` is never printed: see `__repr__`."""

    api_key: str | None
    base_url: str
    plan: str
    lake_url: str
    s3_endpoint_url: str | None
    duckdb_path: str
    clickhouse_url: str | None
    clickhouse_path: str
    history_start: str
    pipelines_dir: str = str(DATA_DIR / ".dlt")
    extra: dict = field(default_factory=dict)

    @property
    def use_simulator(self) -> bool:
        return self.api_key is None

    @property
    def lake_is_s3(self) -> bool:
        return self.lake_url.startswith("s3://")

    @property
    def rate_per_minute(self) -> int:
        return PLAN_RATE_PER_MINUTE[self.plan]

    def raw_table_glob(self, table: str) -> str:
        """The Parquet glob of one raw table in the lake."""
        return f"{self.lake_url.rstrip('/')}/{RAW_DATASET}/{table}/*.parquet"

    def __repr__(self) -> str:  # never leak the key
        shown = {k: v for k, v in self.__dict__.items() if k != "api_key"}
        shown["api_key"] = "***" if self.api_key else None
        return f"Settings({shown})"


def get_settings() -> Settings:
    """Read and validate every setting; raise `SettingsError` naming the first bad one."""
    load_dotenv_file()
    api_key = _env("JQUANTS_API_KEY")
    base_url = _env("JQUANTS_BASE_URL", DEFAULT_BASE_URL)
    parsed = urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(f"JQUANTS_BASE_URL must be an http(s) URL, got {base_url!r}")

    plan = (_env("JQUANTS_PLAN", "light") or "light").lower()
    if plan not in PLAN_RATE_PER_MINUTE:
        raise SettingsError(
            f"JQUANTS_PLAN must be one of {', '.join(PLAN_RATE_PER_MINUTE)}, got {plan!r}"
        )

    lake_url = _env("LAKE_URL", "data/lake")
    s3_endpoint = _env("S3_ENDPOINT_URL")
    if lake_url.startswith("s3://"):
        if len(urlparse(lake_url).netloc) < 3:
            raise SettingsError(f"LAKE_URL must name a bucket of 3+ characters, got {lake_url!r}")
        if not (_env("AWS_ACCESS_KEY_ID") and _env("AWS_SECRET_ACCESS_KEY")):
            raise SettingsError(
                "LAKE_URL is s3://… but AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set"
            )
        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    elif "://" in lake_url and not lake_url.startswith("file://"):
        raise SettingsError(f"LAKE_URL must be a folder or s3://bucket/prefix, got {lake_url!r}")
    else:
        lake_url = _absolute(lake_url.removeprefix("file://"))

    clickhouse_url = _env("CLICKHOUSE_URL")
    if clickhouse_url:
        ch = urlparse(clickhouse_url)
        if ch.scheme not in ("http", "https") or not ch.hostname:
            raise SettingsError(
                f"CLICKHOUSE_URL must look like http://user:password@host:8123/database, "
                f"got a value with scheme {ch.scheme!r}"
            )

    history_start = _env("GOGOOKU3_HISTORY_START", "2024-06-03")
    return Settings(
        api_key=api_key,
        base_url=base_url.rstrip("/"),
        plan=plan,
        lake_url=lake_url,
        s3_endpoint_url=s3_endpoint,
        duckdb_path=_absolute(_env("DUCKDB_PATH", "data/gogooku3.duckdb")),
        clickhouse_url=clickhouse_url,
        clickhouse_path=_absolute(_env("CHDB_PATH", "data/clickhouse")),
        history_start=history_start,
        pipelines_dir=_absolute(_env("DLT_PIPELINES_DIR", "data/.dlt")),
    )
