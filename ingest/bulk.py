"""Backfill years of history: daily bars from the monthly bulk CSV files, the rest through REST.

    python -m ingest.bulk --from 2016-01-01 --to 2025-12-31 [--no-bulk] [--datasets ...]

How a backfill of [start, end] is cut (`plan_backfill`):
1. `/markets/calendar` once for the whole range (plus the lookback the weekly margin dates need);
2. one *range unit*: `trading_calendar`, `topix` and `investor_types` for [start, end] (one paginated
   range call each);
3. one *month unit* per calendar month of [start, end]: the per-day datasets (`equities_master`,
   `dividends`, `fin_summary`, `trade_breakdown`, and `daily_bars` unless the month comes from a bulk
   file) and the weekly `margin_interest` of the month's part of the window, through REST; and, when
   every business day of the month is inside [start, end] and the month's file is complete (its
   `LastModified` is on or after the month's last business day), the month's `daily_bars` from the
   bulk file: `/bulk/list?endpoint=/equities/bars/daily` (once) → `/bulk/get?key=` (a signed URL valid
   5 minutes; re-signed if it expires) → a plain download of the gzip CSV (no API key is sent there).

Each unit is one dlt load. The unit's id is written to the dlt source state (`backfill`) by the same
extract, so it is committed with the unit's data and nowhere else: an interrupted backfill, run again,
skips the units already extracted (packages extracted but not loaded are loaded first) and re-does at
most the unit that was running. A bulk unit's id holds the file's `LastModified`, so a corrected file
is loaded again (a new version, as a REST re-run would add).

Bulk rows land in `daily_bars` with the same columns and types as REST rows and
`_source = 'bulk:<key>'`; both header spellings (V2 short names, V1-style long names) are read.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import logging
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import dlt
import requests
from dlt.extract.resource import DltResource
from dlt.pipeline.exceptions import PipelineStepFailed

from ingest.jquants.client import JQuantsAuthError, JQuantsClient, JQuantsError
from ingest.jquants.schema import DAILY_BARS, DAILY_BARS_LONG_NAMES, QUARANTINE_TABLE
from ingest.jquants.source import (
    CALENDAR_LOOKBACK_DAYS,
    SourceStats,
    TradingCalendar,
    as_date,
    make_resources,
    margin_publications,
    parse_records,
    select_datasets,
    with_quarantine,
)
from ingest.pipeline import _endpoint, _unwrap, load_pending, make_client, make_pipeline
from ingest.settings import Settings, SettingsError, get_settings

log = logging.getLogger(__name__)

BULK_LIST = "/bulk/list"
BULK_GET = "/bulk/get"
BULK_ENDPOINT = DAILY_BARS.endpoint
STATE_KEY = "backfill"
RANGE_DATASETS = ("trading_calendar", "topix", "investor_types")
CSV_BATCH_ROWS = 20_000
DOWNLOAD_ATTEMPTS = 5
JST = ZoneInfo("Asia/Tokyo")
_MONTH_IN_KEY = re.compile(r"(?<!\d)(\d{4})-?(\d{2})(?!\d)")


# -- bulk files ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkFile:
    """One monthly file of `/bulk/list`."""

    key: str
    last_modified: str
    size: int | None
    month: dt.date
    """first day of the month the file holds"""

    @property
    def source(self) -> str:
        """The `_source` value of its rows."""
        return f"bulk:{self.key}"

    @property
    def unit_id(self) -> str:
        return f"bulk:{self.key}@{self.last_modified}"

    def modified_on_jst(self) -> dt.date | None:
        """The JST date of `LastModified` (None if it cannot be read)."""
        try:
            when = dt.datetime.fromisoformat(self.last_modified)
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return when.astimezone(JST).date()


def month_of_key(key: str) -> dt.date | None:
    """The month a bulk key names (its last `YYYYMM` / `YYYY-MM`), or None."""
    for match in reversed(list(_MONTH_IN_KEY.finditer(key))):
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and 1990 <= year <= 2100:
            return dt.date(year, month, 1)
    return None


def list_bulk_files(client: JQuantsClient) -> dict[dt.date, BulkFile]:
    """The monthly daily-bars files by month: one `/bulk/list?endpoint=/equities/bars/daily` call."""
    files: dict[dt.date, BulkFile] = {}
    for row in client.get(BULK_LIST, endpoint=BULK_ENDPOINT):
        key = str(row.get("Key") or "")
        month = month_of_key(key)
        if month is None:
            log.warning("bulk file %r names no month; ignored", key)
            continue
        size = row.get("Size")
        bulk_file = BulkFile(
            key, str(row.get("LastModified") or ""), int(size) if size not in (None, "") else None, month
        )
        if month in files:
            log.warning("two bulk files for %s (%s, %s): using the later", month, files[month].key, key)
            if files[month].last_modified >= bulk_file.last_modified:
                continue
        files[month] = bulk_file
    return files


class BulkDownloader:
    """Downloads bulk files: `/bulk/get` for a signed URL (an API call), then a plain GET of the URL.

    The API key is never sent to the download URL (it points at object storage, not the API). An
    expired or refused URL (403) is signed again; 5xx, timeouts and truncated files are retried.
    """

    def __init__(
        self,
        client: JQuantsClient,
        *,
        session: requests.Session | None = None,
        timeout: float = 300,
        attempts: int = DOWNLOAD_ATTEMPTS,
        backoff_seconds: float = 1.0,
    ) -> None:
        self.client = client
        self.session = session or requests.Session()
        self.timeout = timeout
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self.downloads = 0
        self.bytes = 0

    def signed_url(self, key: str) -> str:
        body = self.client.get_object(BULK_GET, key=key)
        url = body.get("url") if isinstance(body, dict) else None
        if not url:
            raise JQuantsError(f"GET {BULK_GET}: no 'url' in the answer for key {key!r}", endpoint=BULK_GET)
        return str(url)

    def fetch(self, bulk_file: BulkFile) -> bytes:
        """The gzip bytes of `bulk_file` (checked against `Size` and gzip-decodable)."""
        url = self.signed_url(bulk_file.key)
        last: str = "-"
        for attempt in range(1, self.attempts + 1):
            try:
                response = self.session.get(url, timeout=self.timeout)
                status: int | str = response.status_code
            except (requests.Timeout, requests.ConnectionError) as exc:
                status, response = type(exc).__name__, None
            self.downloads += 1
            if status == 200 and response is not None:
                content = response.content
                if bulk_file.size is not None and len(content) != bulk_file.size:
                    status = f"size {len(content)} != {bulk_file.size}"
                elif not _is_whole_gzip(content):
                    status = "corrupt_gzip"
                else:
                    self.bytes += len(content)
                    return content
            last = str(status)
            log.warning(
                "bulk download of %s -> %s (attempt %d/%d)", bulk_file.key, last, attempt, self.attempts
            )
            if attempt == self.attempts:
                break
            if status in (403, 404):  # expired or refused signature: sign again
                url = self.signed_url(bulk_file.key)
            else:
                time.sleep(min(30.0, self.backoff_seconds * 2 ** (attempt - 1)))
        raise JQuantsError(
            f"bulk download of {bulk_file.key} failed after {self.attempts} attempts; last: {last}",
            endpoint="bulk-download",
            status=last,
            attempts=self.attempts,
        )


def _is_whole_gzip(content: bytes) -> bool:
    try:
        gzip.decompress(content)
    except (OSError, EOFError):
        return False
    return True


def read_bulk_csv(content: bytes) -> tuple[list[str], Iterator[dict[str, str]]]:
    """(header as V2 names, rows with V2 field names): long V1-style names are mapped to the short
    ones; every value stays text (an empty field is "", i.e. NULL)."""
    text = io.TextIOWrapper(io.BytesIO(gzip.decompress(content)), encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        return [], iter(())
    names = [DAILY_BARS_LONG_NAMES.get(name.strip(), name.strip()) for name in header]

    def rows() -> Iterator[dict[str, str]]:
        for values in reader:
            if values:
                yield dict(zip(names, values, strict=False))

    return names, rows()


@dlt.resource(name="daily_bars_bulk", table_name="daily_bars", write_disposition="append",
              columns=DAILY_BARS.columns())  # fmt: skip
def daily_bars_bulk(
    files: Sequence[BulkFile], downloader: BulkDownloader, stats: SourceStats
) -> Iterator[Any]:
    """Daily bars of whole months from the bulk CSV files, typed by the same contract as REST rows."""
    for bulk_file in files:
        content = downloader.fetch(bulk_file)
        fetched_at = dt.datetime.now(dt.UTC)
        _header, rows = read_bulk_csv(content)
        batch: list[dict[str, str]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CSV_BATCH_ROWS:
                yield from _typed(bulk_file, batch, fetched_at, stats)
                batch = []
        yield from _typed(bulk_file, batch, fetched_at, stats)


def _typed(bulk_file: BulkFile, batch: list[dict[str, str]], fetched_at: dt.datetime, stats: SourceStats):
    good, bad = parse_records(
        DAILY_BARS, batch, fetched_at, stats, source=bulk_file.source, endpoint=BULK_GET
    )
    if good:
        yield good
    if bad:
        log.warning("bulk %s: %d row(s) quarantined", bulk_file.key, len(bad))
        yield dlt.mark.with_table_name(bad, QUARANTINE_TABLE)


@dlt.resource(name="backfill_progress", write_disposition="append")
def backfill_progress(unit_ids: Sequence[str]) -> Iterator[Any]:
    """Marks the unit done in the source state; committed with the unit's extract, or not at all."""
    done = dlt.current.source_state().setdefault(STATE_KEY, {})
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for unit_id in unit_ids:
        done[unit_id] = now
    yield from ()


@dlt.source(name="jquants", max_table_nesting=0)
def backfill_unit_source(
    client: JQuantsClient,
    calendar: TradingCalendar,
    rest_datasets: Sequence[str],
    bulk_files: Sequence[BulkFile],
    unit_ids: Sequence[str],
    stats: SourceStats,
    downloader: BulkDownloader | None = None,
) -> list[DltResource]:
    """One backfill unit: REST datasets for the calendar's window, bulk files, and the progress mark."""
    resources = make_resources(client, calendar, list(rest_datasets), stats)
    if bulk_files:
        if downloader is None:
            raise ValueError("bulk files need a downloader")
        resources.append(with_quarantine(daily_bars_bulk(list(bulk_files), downloader, stats)))
    resources.append(backfill_progress(list(unit_ids)))
    return resources


# -- planning ------------------------------------------------------------------------------------


@dataclass
class Unit:
    """One load of the backfill: REST datasets over [start, end] and/or bulk files."""

    name: str
    start: dt.date
    end: dt.date
    rest_datasets: list[str]
    bulk_files: list[BulkFile] = field(default_factory=list)

    @property
    def rest_id(self) -> str | None:
        if not self.rest_datasets:
            return None
        return f"rest:{self.start}:{self.end}:{','.join(sorted(self.rest_datasets))}"

    @property
    def unit_ids(self) -> list[str]:
        ids = [self.rest_id] if self.rest_id else []
        return ids + [f.unit_id for f in self.bulk_files]

    def pending(self, done: dict[str, Any]) -> Unit | None:
        """What is left of this unit given the ids already done (None if nothing)."""
        rest = self.rest_datasets if self.rest_id and self.rest_id not in done else []
        files = [f for f in self.bulk_files if f.unit_id not in done]
        if not rest and not files:
            return None
        return Unit(self.name, self.start, self.end, list(rest), files)


def _month_starts(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month + dt.timedelta(days=32)).replace(day=1)


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def plan_backfill(
    business_days: Sequence[dt.date],
    start: dt.date,
    end: dt.date,
    datasets: Sequence[str],
    bulk_files: dict[dt.date, BulkFile] | None,
) -> list[Unit]:
    """The units of a backfill of [start, end] (see the module docstring). `business_days` must cover
    the whole months of `start` and `end`; `bulk_files` None means REST only."""
    units: list[Unit] = []
    ranged = [d for d in datasets if d in RANGE_DATASETS]
    if ranged:
        units.append(Unit("ranges", start, end, ranged))
    per_day = [d for d in datasets if d not in RANGE_DATASETS]
    if not per_day:
        return units
    for month in _month_starts(start, end):
        lo, hi = max(start, month), min(end, _month_end(month))
        days = [d for d in business_days if month <= d <= _month_end(month)]
        rest = list(per_day)
        files: list[BulkFile] = []
        bulk_file = (bulk_files or {}).get(month)
        if (
            "daily_bars" in per_day
            and bulk_file is not None
            and days
            and days[0] >= start
            and days[-1] <= end
            and (bulk_file.modified_on_jst() or dt.date.min) >= days[-1]
        ):
            rest.remove("daily_bars")
            files.append(bulk_file)
        units.append(Unit(month.strftime("%Y-%m"), lo, hi, rest, files))
    return units


def planned_calls(
    business_days: Sequence[dt.date],
    start: dt.date,
    end: dt.date,
    datasets: Sequence[str] | None = None,
    bulk_months: Sequence[dt.date] | None = None,
) -> Counter:
    """API request chains (first pages; each may paginate) a backfill of [start, end] makes, by
    endpoint. `business_days` must cover the whole months of `start` and `end` and the 21 days before
    `start`; `bulk_months` are the months served by bulk files (None: REST only)."""
    from ingest.jquants.schema import SPECS

    selected = select_datasets(datasets)
    days = [d for d in business_days if start <= d <= end]
    files = None
    if bulk_months is not None:
        files = {m: BulkFile(f"m{m:%Y%m}", "9999-12-31T00:00:00Z", None, m) for m in bulk_months}
    calls: Counter = Counter({"/markets/calendar": 1})
    margin_dates = margin_publications(business_days)
    for unit in plan_backfill(business_days, start, end, selected, files):
        unit_days = [d for d in days if unit.start <= d <= unit.end]
        for name in unit.rest_datasets:
            endpoint = SPECS[name].endpoint
            if name in RANGE_DATASETS:
                calls[endpoint] += 0 if name == "trading_calendar" else 1
            elif name == "margin_interest":
                calls[endpoint] += sum(1 for r in margin_dates if unit.start <= r[1] <= unit.end)
            else:
                calls[endpoint] += len(unit_days)
        calls[BULK_GET] += len(unit.bulk_files)
    if bulk_months is not None and "daily_bars" in selected:
        calls[BULK_LIST] += 1
    return Counter({k: v for k, v in calls.items() if v})


def approximate_tse_business_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Weekdays that are not Japanese national holidays nor in the Dec 31 - Jan 3 break: the TSE
    calendar up to rare exceptions (for estimates only; the ingest uses `/markets/calendar`)."""
    import jpholiday

    holidays = {
        day for year in range(start.year, end.year + 1) for day, _name in jpholiday.year_holidays(year)
    }
    days = []
    day = start
    while day <= end:
        year_end = (day.month == 12 and day.day == 31) or (day.month == 1 and day.day <= 3)
        if day.weekday() < 5 and not year_end and day not in holidays:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def estimate_backfill_calls(
    start: dt.date, end: dt.date, datasets: Sequence[str] | None = None
) -> dict[str, Counter]:
    """Request chains of a backfill of [start, end] both ways, on the approximate TSE calendar:
    `{"rest": …, "bulk": …}` by endpoint (every month served by a bulk file in the bulk case)."""
    business_days = approximate_tse_business_days(
        start.replace(day=1) - dt.timedelta(days=21), _month_end(end)
    )
    months = list(_month_starts(start, end))
    return {
        "rest": planned_calls(business_days, start, end, datasets),
        "bulk": planned_calls(business_days, start, end, datasets, bulk_months=months),
    }


# -- running -------------------------------------------------------------------------------------


@dataclass
class BackfillResult:
    """What one `run_backfill` did."""

    start: dt.date
    end: dt.date
    datasets: list[str]
    use_bulk: bool
    units_total: int = 0
    units_done_before: int = 0
    """units found done by an earlier (interrupted) run and skipped"""
    units_run: list[str] = field(default_factory=list)
    bulk_files: list[str] = field(default_factory=list)
    """bulk keys loaded by this run"""
    rows: dict[str, int] = field(default_factory=dict)
    quarantined: dict[str, int] = field(default_factory=dict)
    unknown_fields: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    api_calls: dict[str, int] = field(default_factory=dict)
    """HTTP requests to the API per endpoint (pages and retries included; downloads are not API calls)"""
    api_statuses: dict[str, dict[str, int]] = field(default_factory=dict)
    downloads: int = 0
    download_bytes: int = 0
    load_ids: list[str] = field(default_factory=list)
    pending_load_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total_api_calls(self) -> int:
        return sum(self.api_calls.values())


def _bulk_files_or_none(client: JQuantsClient) -> dict[dt.date, BulkFile] | None:
    """The bulk listing, or None (daily bars through REST) when the plan has no bulk access (403)."""
    try:
        return list_bulk_files(client)
    except JQuantsAuthError as exc:
        log.warning("no bulk files (%s): daily bars go through REST", exc)
        return None


def _done_units(pipeline: dlt.Pipeline) -> dict[str, Any]:
    return dict(pipeline.state.get("sources", {}).get("jquants", {}).get(STATE_KEY, {}))


class _Progress:
    """A tqdm bar on a terminal; a plain log line per unit otherwise (CI); nothing when disabled."""

    def __init__(self, total: int, enabled: bool, stream: Any = None) -> None:
        stream = stream or sys.stderr
        self.total = total
        self.enabled = enabled
        self.count = 0
        self.bar = None
        if enabled and getattr(stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="unit", desc="backfill", file=stream, dynamic_ncols=True)

    def step(self, unit: Unit, rows: int) -> None:
        self.count += 1
        what = "+".join(
            filter(None, ["rest" if unit.rest_datasets else "", "bulk" if unit.bulk_files else ""])
        )
        if self.bar is not None:
            self.bar.set_postfix_str(f"{unit.name} {what} {rows:,} rows", refresh=False)
            self.bar.update(1)
        elif self.enabled:
            log.info("backfill %d/%d %s (%s): %s rows", self.count, self.total, unit.name, what, f"{rows:,}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_backfill(
    settings: Settings,
    start: dt.date | str,
    end: dt.date | str,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    pipelines_dir: str | Path | None = None,
    progress: bool = True,
    datasets: Sequence[str] | str | None = None,
    use_bulk: bool = True,
    client_kwargs: dict[str, Any] | None = None,
    downloader_factory: Callable[[JQuantsClient], BulkDownloader] | None = None,
) -> BackfillResult:
    """Backfill [start, end] into the raw lake: whole months of daily bars through the bulk files
    (`use_bulk`), everything else through REST; resumable (see the module docstring).

    Raises `JQuantsError` when the API fails for good; run it again to resume.
    """
    t0 = time.monotonic()
    start_date, end_date = as_date(start, "start"), as_date(end, "end")
    if end_date < start_date:
        raise ValueError(f"end {end_date} is before start {start_date}")
    selected = select_datasets(datasets)
    client = make_client(settings, base_url, api_key, **(client_kwargs or {}))
    pipeline = make_pipeline(settings, pipelines_dir)
    result = BackfillResult(start_date, end_date, selected, use_bulk)
    result.pending_load_ids = load_pending(pipeline)
    downloader = (downloader_factory or BulkDownloader)(client)
    stats = SourceStats()
    rows: Counter = Counter()
    bar: _Progress | None = None
    try:
        # whole months around the range, to tell which months lie wholly inside it
        calendar = TradingCalendar(
            client,
            start_date,
            end_date,
            lookback_days=max(CALENDAR_LOOKBACK_DAYS, (start_date - start_date.replace(day=1)).days),
            fetch_end=_month_end(end_date),
        )
        business_days = calendar.all_business_days()
        bulk_files = _bulk_files_or_none(client) if use_bulk and "daily_bars" in selected else None
        units = plan_backfill(business_days, start_date, end_date, selected, bulk_files)
        done = _done_units(pipeline)
        todo = [(unit, unit.pending(done)) for unit in units]
        result.units_total = len(units)
        result.units_done_before = sum(1 for _unit, rest in todo if rest is None)
        bar = _Progress(len(units), progress)
        for unit, remaining in todo:
            if remaining is None:
                bar.step(unit, 0)
                continue
            unit_calendar = calendar if unit.name == "ranges" else calendar.window(unit.start, unit.end)
            source = backfill_unit_source(
                client, unit_calendar, remaining.rest_datasets, remaining.bulk_files, remaining.unit_ids,
                stats, downloader,
            )  # fmt: skip
            info = pipeline.run(source, loader_file_format="parquet")
            info.raise_on_failed_jobs()
            result.load_ids.extend(info.loads_ids)
            result.units_run.append(unit.name)
            result.bulk_files.extend(f.key for f in remaining.bulk_files)
            unit_rows = 0
            normalize_info = pipeline.last_trace.last_normalize_info
            if normalize_info is not None:
                for table, n in normalize_info.row_counts.items():
                    if not table.startswith("_dlt"):
                        rows[table] += n
                        unit_rows += n
            bar.step(unit, unit_rows)
    except PipelineStepFailed as exc:
        cause = _unwrap(exc)
        if cause is exc:
            raise
        raise cause from exc
    finally:
        if bar is not None:
            bar.close()
        result.api_calls = client.stats.calls_by_endpoint()
        result.api_statuses = {e: dict(c) for e, c in client.stats.requests.items()}
        result.quarantined = dict(stats.quarantined)
        result.unknown_fields = dict(stats.unknown_fields)
        result.skipped = dict(stats.skipped)
        result.rows = dict(rows)
        result.downloads = downloader.downloads
        result.download_bytes = downloader.bytes
        result.seconds = time.monotonic() - t0
    return result


# -- CLI -----------------------------------------------------------------------------------------


def format_backfill(result: BackfillResult) -> str:
    way = "bulk + REST" if result.use_bulk else "REST only"
    head = (
        f"backfill {result.start} … {result.end} ({way}) in {result.seconds:.1f}s: "
        f"{len(result.units_run)} unit(s) run, {result.units_done_before} already done of {result.units_total}"
    )
    lines = [head]
    for table, n in sorted(result.rows.items()):
        lines.append(f"  {table:<22}{n:>12,} rows")
    for reason, n in sorted(result.quarantined.items()):
        lines.append(f"  quarantined {reason:<30}{n:>6,}")
    for table, reason in sorted(result.skipped.items()):
        lines.append(f"  skipped {table}: {reason}")
    lines.append(f"  bulk files: {len(result.bulk_files)} ({result.download_bytes:,} bytes downloaded)")
    lines.append(f"  API calls: {result.total_api_calls:,} {dict(sorted(result.api_calls.items()))}")
    return "\n".join(lines)


def format_estimate(start: dt.date, end: dt.date, datasets: Sequence[str] | None = None) -> str:
    both = estimate_backfill_calls(start, end, datasets)
    lines = [f"API request chains for a backfill of {start} … {end} (before pagination):"]
    endpoints = sorted(set(both["rest"]) | set(both["bulk"]))
    lines.append(f"  {'endpoint':<28}{'REST only':>12}{'bulk + REST':>14}")
    for endpoint in endpoints:
        lines.append(f"  {endpoint:<28}{both['rest'][endpoint]:>12,}{both['bulk'][endpoint]:>14,}")
    rest, bulk = sum(both["rest"].values()), sum(both["bulk"].values())
    lines.append(f"  {'total':<28}{rest:>12,}{bulk:>14,}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.bulk", description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="start", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--datasets", default=None, help="comma-separated subset of the raw tables")
    parser.add_argument("--no-bulk", action="store_true", help="daily bars through REST too")
    parser.add_argument("--estimate", action="store_true", help="print the API calls both ways and exit")
    parser.add_argument("--simulator", action="store_true", help="use the bundled simulator")
    parser.add_argument("--pipelines-dir", default=None, help="dlt working dir (default data/.dlt)")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.estimate:
        print(format_estimate(args.start, args.end, args.datasets))
        return 0
    try:
        settings = get_settings()
        with _endpoint(settings, args.end, args.simulator or settings.use_simulator) as (base_url, api_key):
            result = run_backfill(
                settings,
                args.start,
                args.end,
                base_url=base_url,
                api_key=api_key,
                pipelines_dir=args.pipelines_dir,
                progress=not args.no_progress,
                datasets=args.datasets,
                use_bulk=not args.no_bulk,
            )
    except (SettingsError, ValueError, JQuantsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_backfill(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = [
    "BackfillResult",
    "BulkDownloader",
    "BulkFile",
    "estimate_backfill_calls",
    "list_bulk_files",
    "plan_backfill",
    "planned_calls",
    "read_bulk_csv",
    "run_backfill",
]
