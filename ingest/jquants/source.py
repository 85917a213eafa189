"""dlt source for the J-Quants API V2 (walking-skeleton datasets).

Fetch pattern for `[start, end]`:
1. `/markets/calendar?from=start&to=end` (one paginated call) -> `trading_calendar`, and the business
   days (HolDiv "1" or "2") that drive the per-day calls;
2. per business day D: `/equities/bars/daily?date=D` (every code in one paginated call) -> `daily_bars`
   and `/equities/master?date=D` -> `equities_master`;
3. `/indices/bars/daily/topix?from=start&to=end` -> `topix`.

Every table is append-only (the raw layer keeps every version; staging deduplicates) and every row
carries `_ingested_at`, the UTC time its page was received. Rows that break the contract go whole to
`ingest_quarantine` with a reason such as `unparseable_number:O`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from ingest.jquants.client import JQuantsClient, Page
from ingest.jquants.schema import (
    DAILY_BARS,
    EQUITIES_MASTER,
    INGESTED_AT,
    QUARANTINE_COLUMNS,
    QUARANTINE_TABLE,
    SPECS,
    TOPIX,
    TRADING_CALENDAR,
    DatasetSpec,
    Unparseable,
    parse_date,
    parse_row,
    parse_text,
    quarantine_row,
)

log = logging.getLogger(__name__)

DATASETS: tuple[str, ...] = tuple(SPECS)
BUSINESS_DAY_HOL_DIVS = frozenset({"1", "2"})


@dataclass
class SourceStats:
    """What the source yielded: typed rows by table, quarantined rows by reason, unknown fields."""

    rows: Counter = field(default_factory=Counter)
    quarantined: Counter = field(default_factory=Counter)
    unknown_fields: Counter = field(default_factory=Counter)


def as_date(value: dt.date | str, name: str) -> dt.date:
    """A date from a date, a datetime or a `YYYY-MM-DD` / `YYYYMMDD` string (ValueError otherwise)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = parse_date(value, name) if isinstance(value, str) else None
    if parsed is None:
        raise ValueError(f"{name} must be a date or YYYY-MM-DD / YYYYMMDD, got {value!r}")
    return parsed


def select_datasets(datasets: Iterable[str] | str | None) -> list[str]:
    """Validate a dataset selection (None = all); returns them in fetch order."""
    if datasets is None:
        return list(DATASETS)
    if isinstance(datasets, str):
        datasets = [d for d in datasets.split(",")]
    wanted = {d.strip() for d in datasets if d and d.strip()}
    unknown = wanted - set(DATASETS)
    if unknown or not wanted:
        raise ValueError(
            f"unknown dataset(s) {sorted(unknown) or '(none given)'}; choose from {', '.join(DATASETS)}"
        )
    return [d for d in DATASETS if d in wanted]


def parse_pages(spec: DatasetSpec, pages: Iterable[Page], stats: SourceStats) -> Iterator[Any]:
    """Turn API pages into lists of typed rows and quarantine rows (dispatched by table name)."""
    for page in pages:
        good: list[dict[str, Any]] = []
        bad: list[dict[str, Any]] = []
        for raw in page.rows:
            if not isinstance(raw, dict):
                bad.append(quarantine_row(spec, raw, "not_an_object", page.fetched_at))
                continue
            for extra in raw.keys() - spec.field_names:
                key = f"{spec.table}.{extra}"
                if not stats.unknown_fields[key]:
                    log.warning(
                        "%s: field %r is not in the lake contract; it is not loaded", spec.endpoint, extra
                    )
                stats.unknown_fields[key] += 1
            try:
                row = parse_row(spec, raw)
            except Unparseable as exc:
                bad.append(quarantine_row(spec, raw, exc.reason, page.fetched_at))
                continue
            row[INGESTED_AT] = page.fetched_at
            good.append(row)
        stats.rows[spec.table] += len(good)
        for q in bad:
            stats.quarantined[q["reason"]] += 1
        if good:
            yield good
        if bad:
            log.warning("%s %s: %d row(s) quarantined", spec.endpoint, page.params, len(bad))
            yield dlt.mark.with_table_name(bad, QUARANTINE_TABLE)


class TradingCalendar:
    """The calendar for [start, end], fetched once and shared by the resources that need it."""

    def __init__(self, client: JQuantsClient, start: dt.date, end: dt.date) -> None:
        self.client = client
        self.start = start
        self.end = end
        self._pages: list[Page] | None = None

    def pages(self) -> list[Page]:
        if self._pages is None:
            self._pages = list(
                self.client.get_pages(TRADING_CALENDAR.endpoint, from_=self.start, to=self.end)
            )
        return self._pages

    def business_days(self) -> list[dt.date]:
        """Days with HolDiv "1" or "2" in [start, end], ascending (rows that fail to parse are skipped)."""
        days: set[dt.date] = set()
        for page in self.pages():
            for raw in page.rows:
                if not isinstance(raw, dict):
                    continue
                try:
                    day = parse_date(raw.get("Date"), "Date")
                    hol_div = parse_text(raw.get("HolDiv"), "HolDiv")
                except Unparseable:
                    continue
                if day and self.start <= day <= self.end and hol_div in BUSINESS_DAY_HOL_DIVS:
                    days.add(day)
        return sorted(days)


@dlt.resource(name="trading_calendar", write_disposition="append", columns=TRADING_CALENDAR.columns())
def trading_calendar(calendar: TradingCalendar, stats: SourceStats) -> Iterator[Any]:
    """TSE trading calendar for [start, end]: one paginated `/markets/calendar?from&to` call."""
    yield from parse_pages(TRADING_CALENDAR, calendar.pages(), stats)


@dlt.resource(name="equities_master", write_disposition="append", columns=EQUITIES_MASTER.columns())
def equities_master(client: JQuantsClient, calendar: TradingCalendar, stats: SourceStats) -> Iterator[Any]:
    """Listed-issue snapshot of each business day: one paginated `/equities/master?date=D` per day."""
    for day in calendar.business_days():
        yield from parse_pages(EQUITIES_MASTER, client.get_pages(EQUITIES_MASTER.endpoint, date=day), stats)


@dlt.resource(name="daily_bars", write_disposition="append", columns=DAILY_BARS.columns())
def daily_bars(client: JQuantsClient, calendar: TradingCalendar, stats: SourceStats) -> Iterator[Any]:
    """Bars of every code for each business day: one paginated `/equities/bars/daily?date=D` per day
    (never per code, never on a closed day)."""
    for day in calendar.business_days():
        yield from parse_pages(DAILY_BARS, client.get_pages(DAILY_BARS.endpoint, date=day), stats)


@dlt.resource(name="topix", write_disposition="append", columns=TOPIX.columns())
def topix(client: JQuantsClient, start: dt.date, end: dt.date, stats: SourceStats) -> Iterator[Any]:
    """TOPIX daily bars for [start, end]: one paginated `/indices/bars/daily/topix?from&to` call."""
    yield from parse_pages(TOPIX, client.get_pages(TOPIX.endpoint, from_=start, to=end), stats)


def with_quarantine(resource: DltResource) -> DltResource:
    """Give `resource` a hints variant for `ingest_quarantine` with the quarantine columns only.

    A variant starts as a copy of the resource's own hints, so without the reset its rows would also
    get every typed column of the resource (all NULL). The reset (`columns={}`) must come first.
    """
    resource.apply_hints(table_name=QUARANTINE_TABLE, columns={}, create_table_variant=True)
    resource.apply_hints(
        table_name=QUARANTINE_TABLE,
        columns=QUARANTINE_COLUMNS,
        file_format="parquet",
        create_table_variant=True,
    )
    return resource


@dlt.source(name="jquants", max_table_nesting=0)
def jquants_source(
    client: JQuantsClient,
    start: dt.date | str,
    end: dt.date | str,
    datasets: Sequence[str] | str | None = None,
    stats: SourceStats | None = None,
) -> list[DltResource]:
    """J-Quants V2 raw tables for [start, end]: `trading_calendar`, `equities_master`, `daily_bars`,
    `topix` (all by default; `datasets` picks some), plus `ingest_quarantine` for rows that break the
    lake contract. Pass a `SourceStats` to read row and quarantine counts after the run."""
    start_date, end_date = as_date(start, "start"), as_date(end, "end")
    if end_date < start_date:
        raise ValueError(f"end {end_date} is before start {start_date}")
    selected = select_datasets(datasets)
    stats = stats if stats is not None else SourceStats()
    calendar = TradingCalendar(client, start_date, end_date)
    builders = {
        "trading_calendar": lambda: trading_calendar(calendar, stats),
        "equities_master": lambda: equities_master(client, calendar, stats),
        "daily_bars": lambda: daily_bars(client, calendar, stats),
        "topix": lambda: topix(client, start_date, end_date, stats),
    }
    return [with_quarantine(builders[name]()) for name in selected]
