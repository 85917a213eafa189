"""Run the J-Quants V2 ingest into the raw Parquet lake (dlt filesystem destination).

    python -m ingest.pipeline --from 2024-06-03 --to 2024-06-28 [--datasets daily_bars,topix]

The lake is `settings.lake_url` (a local folder, or `s3://bucket/prefix` with the AWS_* credentials
handed to dlt in memory, never written to disk). Every run appends: re-running a range adds a new
version of its rows, which dbt staging deduplicates (latest `_ingested_at` per key). Packages left by
an interrupted run (extracted or normalized but not loaded) are loaded first, so nothing is lost.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import ipaddress
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

# Offline by design: never phone home from a library call (set before dlt reads its config).
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
# Loaded packages keep a copy of every file in the pipelines dir unless told otherwise.
os.environ.setdefault("LOAD__DELETE_COMPLETED_JOBS", "true")

import dlt
from dlt.common.configuration.specs import AwsCredentials
from dlt.pipeline.exceptions import PipelineStepFailed

from ingest.jquants.client import JQuantsClient, JQuantsError
from ingest.jquants.source import SourceStats, as_date, jquants_source, select_datasets
from ingest.settings import DATA_DIR, RAW_DATASET, Settings, SettingsError, get_settings

log = logging.getLogger(__name__)

PIPELINE_NAME = "gogooku3_jquants"
DEFAULT_PIPELINES_DIR = DATA_DIR / ".dlt"


@dataclass
class IngestResult:
    """What one `run_ingest` did."""

    start: dt.date
    end: dt.date
    datasets: list[str]
    rows: dict[str, int] = field(default_factory=dict)
    """rows written by this run, per table (ingest_quarantine included)"""
    quarantined: dict[str, int] = field(default_factory=dict)
    """quarantined rows per reason, e.g. {"unparseable_number:O": 2}"""
    api_calls: dict[str, int] = field(default_factory=dict)
    """HTTP requests per endpoint (pages and retries included)"""
    load_ids: list[str] = field(default_factory=list)
    """dlt load ids of this run's packages (the `_dlt_load_id` of its rows)"""
    seconds: float = 0.0
    pending_load_ids: list[str] = field(default_factory=list)
    """packages left by an earlier interrupted run and loaded first"""
    unknown_fields: dict[str, int] = field(default_factory=dict)
    """`table.Field` seen in the API but not in the lake contract (not loaded)"""
    api_statuses: dict[str, dict[str, int]] = field(default_factory=dict)
    """HTTP status counts per endpoint"""
    skipped: dict[str, str] = field(default_factory=dict)
    """plan-gated datasets skipped after a 403 (table -> the error); their other tables still loaded"""

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_destination(settings: Settings) -> Any:
    """The dlt filesystem destination for the lake; S3 credentials are passed in memory only."""
    if not settings.lake_is_s3:
        return dlt.destinations.filesystem(bucket_url=settings.lake_url)
    key_id = os.environ.get("AWS_ACCESS_KEY_ID")
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
    if not (key_id and secret):
        raise SettingsError("LAKE_URL is s3://… but AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set")
    credentials = AwsCredentials()
    credentials.aws_access_key_id = key_id
    credentials.aws_secret_access_key = secret
    credentials.aws_session_token = os.environ.get("AWS_SESSION_TOKEN") or None
    credentials.endpoint_url = settings.s3_endpoint_url
    if settings.s3_endpoint_url:
        credentials.s3_url_style = "path"
    return dlt.destinations.filesystem(bucket_url=settings.lake_url, credentials=credentials)


def make_pipeline(settings: Settings, pipelines_dir: str | Path | None = None) -> dlt.Pipeline:
    """The gogooku3 dlt pipeline; its working state lives under `pipelines_dir` (default
    `settings.pipelines_dir`, i.e. DLT_PIPELINES_DIR or data/.dlt)."""
    pipelines_dir = pipelines_dir or getattr(settings, "pipelines_dir", None) or DEFAULT_PIPELINES_DIR
    return dlt.pipeline(
        pipeline_name=PIPELINE_NAME,
        destination=make_destination(settings),
        dataset_name=RAW_DATASET,
        pipelines_dir=str(pipelines_dir),
    )


def make_client(
    settings: Settings, base_url: str | None = None, api_key: str | None = None, **client_kwargs: Any
) -> JQuantsClient:
    """A client for `base_url` (default settings.base_url). A loopback URL is a local simulator:
    no pacing unless `rate_per_minute` is given."""
    base_url = base_url or settings.base_url
    api_key = api_key or settings.api_key
    if not api_key:
        raise SettingsError("JQUANTS_API_KEY is not set (or pass api_key=…)")
    kwargs: dict[str, Any] = {"plan": settings.plan, **client_kwargs}
    if "rate_per_minute" not in kwargs and _is_loopback(base_url):
        kwargs["rate_per_minute"] = 0
    return JQuantsClient(base_url, api_key, **kwargs)


def load_pending(pipeline: dlt.Pipeline) -> list[str]:
    """Normalize and load packages an interrupted run left behind; returns their load ids."""
    if not pipeline.has_pending_data:
        return []
    log.warning("loading package(s) left by an interrupted run before extracting new data")
    if pipeline.list_extracted_load_packages():
        pipeline.normalize()
    if not pipeline.list_normalized_load_packages():
        return []
    info = pipeline.load()
    return list(info.loads_ids)


def _chunks(start: dt.date, end: dt.date, chunk_days: int | None) -> Iterator[tuple[dt.date, dt.date]]:
    if not chunk_days:
        yield start, end
        return
    if chunk_days < 1:
        raise ValueError("chunk_days must be at least 1")
    lo = start
    while lo <= end:
        hi = min(end, lo + dt.timedelta(days=chunk_days - 1))
        yield lo, hi
        lo = hi + dt.timedelta(days=1)


def _unwrap(exc: PipelineStepFailed) -> BaseException:
    """The J-Quants error behind a failed extract, if that is what failed."""
    inner: BaseException | None = exc.exception
    while inner is not None:
        if isinstance(inner, JQuantsError):
            return inner
        inner = inner.__cause__ or getattr(inner, "exception", None)
    return exc


def run_ingest(
    settings: Settings,
    start: dt.date | str,
    end: dt.date | str,
    datasets: Sequence[str] | str | None = None,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    client_kwargs: dict[str, Any] | None = None,
    pipelines_dir: str | Path | None = None,
    chunk_days: int | None = None,
) -> IngestResult:
    """Ingest [start, end] into the raw lake and return what was done.

    `chunk_days` splits a long range into windows loaded one after another, so a failure late in a
    backfill keeps the windows already loaded. Raises `JQuantsError` (or a subclass) when the API
    fails for good; whatever was normalized before the failure is loaded by the next run.
    """
    t0 = time.monotonic()
    start_date, end_date = as_date(start, "start"), as_date(end, "end")
    if end_date < start_date:
        raise ValueError(f"end {end_date} is before start {start_date}")
    selected = select_datasets(datasets)
    client = make_client(settings, base_url, api_key, **(client_kwargs or {}))
    pipeline = make_pipeline(settings, pipelines_dir)
    result = IngestResult(start=start_date, end=end_date, datasets=selected)
    result.pending_load_ids = load_pending(pipeline)

    stats = SourceStats()
    rows: Counter = Counter()
    try:
        for lo, hi in _chunks(start_date, end_date, chunk_days):
            source = jquants_source(client, lo, hi, datasets=selected, stats=stats)
            info = pipeline.run(source, loader_file_format="parquet")
            info.raise_on_failed_jobs()
            result.load_ids.extend(info.loads_ids)
            normalize_info = pipeline.last_trace.last_normalize_info
            if normalize_info is not None:
                for table, n in normalize_info.row_counts.items():
                    if not table.startswith("_dlt"):
                        rows[table] += n
            log.info("ingested %s … %s: %s", lo, hi, dict(rows))
    except PipelineStepFailed as exc:
        cause = _unwrap(exc)
        if cause is exc:
            raise
        raise cause from exc
    finally:
        result.api_calls = client.stats.calls_by_endpoint()
        result.api_statuses = {e: dict(c) for e, c in client.stats.requests.items()}
        result.quarantined = dict(stats.quarantined)
        result.unknown_fields = dict(stats.unknown_fields)
        result.skipped = dict(stats.skipped)
        result.rows = dict(rows)
        result.seconds = time.monotonic() - t0
    return result


def run_backfill(settings: Settings, start: dt.date | str, end: dt.date | str, **kwargs: Any) -> Any:
    """Backfill [start, end]: whole months of daily bars from the bulk CSV files, the rest through
    REST, resumable, with a progress bar. See `ingest.bulk.run_backfill` (its keyword arguments:
    `base_url`, `api_key`, `pipelines_dir`, `progress`, `datasets`, `use_bulk`, `client_kwargs`) and
    docs/backfill.md; returns an `ingest.bulk.BackfillResult`."""
    from ingest.bulk import run_backfill as backfill

    return backfill(settings, start, end, **kwargs)


# -- CLI -----------------------------------------------------------------------------------------


@contextlib.contextmanager
def _endpoint(
    settings: Settings, end: dt.date, use_simulator: bool
) -> Iterator[tuple[str | None, str | None]]:
    """(base_url, api_key): the real API, or a local simulator when there is no key."""
    if not use_simulator:
        yield None, None
        return
    import secrets

    from ingest.simulator import Market, SimulatorServer

    market = Market(seed=42, n_codes=int(os.environ.get("SIMULATOR_CODES", "50")), end=end.isoformat())
    key = secrets.token_hex(16)
    with SimulatorServer(market, api_key=key) as server:
        log.info("no JQUANTS_API_KEY: ingesting from the bundled simulator at %s", server.base_url)
        yield server.base_url, key


def format_result(result: IngestResult) -> str:
    lines = [f"ingest {result.start} … {result.end} ({', '.join(result.datasets)}) in {result.seconds:.1f}s"]
    if result.pending_load_ids:
        lines.append(f"  loaded {len(result.pending_load_ids)} pending package(s) from an interrupted run")
    for table, n in sorted(result.rows.items()):
        lines.append(f"  {table:<22}{n:>10,} rows")
    for reason, n in sorted(result.quarantined.items()):
        lines.append(f"  quarantined {reason:<30}{n:>6,}")
    for name, n in sorted(result.unknown_fields.items()):
        lines.append(f"  not in contract (dropped) {name}: {n:,}")
    for table, reason in sorted(result.skipped.items()):
        lines.append(f"  skipped {table}: {reason}")
    lines.append(f"  API calls: {sum(result.api_calls.values()):,} {result.api_calls}")
    lines.append(f"  load ids: {', '.join(result.load_ids) or '-'}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.pipeline", description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="start", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--datasets", default=None, help="comma-separated subset of the raw tables")
    parser.add_argument("--chunk-days", type=int, default=None, help="load the range in windows of N days")
    parser.add_argument(
        "--simulator", action="store_true", help="use the bundled simulator (default without a key)"
    )
    parser.add_argument("--pipelines-dir", default=None, help="dlt working dir (default data/.dlt)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = get_settings()
        with _endpoint(settings, args.end, args.simulator or settings.use_simulator) as (base_url, api_key):
            result = run_ingest(
                settings,
                args.start,
                args.end,
                args.datasets,
                base_url=base_url,
                api_key=api_key,
                pipelines_dir=args.pipelines_dir,
                chunk_days=args.chunk_days,
            )
    except (SettingsError, ValueError, JQuantsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_result(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
