"""dlt source for the J-Quants API V2: every dataset of the raw lake contract.

Fetch pattern for `[start, end]` (what was *published* in the window; the fewest calls each endpoint
allows):
1. `/markets/calendar?from=start-21d&to=end` (one paginated call) -> `trading_calendar` (rows of
   [start, end] only), and the business days (HolDiv "1" or "2") that drive the per-day calls; the
   three weeks before `start` place the weekly margin record dates published in the window;
2. per business day D, every code in one paginated call: `/equities/bars/daily?date=D` ->
   `daily_bars`, `/equities/master?date=D` -> `equities_master`, `/fins/dividend?date=D` ->
   `dividends` (by `PubDate`), `/fins/summary?date=D` -> `fin_summary` (by `DiscDate`),
   `/markets/breakdown?date=D` -> `trade_breakdown`;
3. per week: `/markets/margin-interest?date=R` for the record date R (last business day of a week with
   at least 3 business days) published (R + 2 business days) in the window -> `margin_interest`;
4. one paginated range each: `/indices/bars/daily/topix?from&to` -> `topix`,
   `/equities/investor-types?from&to` (every section; by `PubDate`) -> `investor_types`.

Every table is append-only (the raw layer keeps every version; staging deduplicates) and every row
carries `_ingested_at`, the UTC time its page was received, and `_source = 'rest'`. Rows that break the
contract go whole to `ingest_quarantine` with a reason such as `unparseable_number:O`. A 403 on a
plan-gated dataset (`PLAN_GATED`) skips that dataset for the run (`SourceStats.skipped`).
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

from ingest.jquants.client import JQuantsAuthError, JQuantsClient, Page
from ingest.jquants.schema import (
    DAILY_BARS,
    DIVIDENDS,
    EQUITIES_MASTER,
    FIN_SUMMARY,
    INGESTED_AT,
    INVESTOR_TYPES,
    MARGIN_INTEREST,
    QUARANTINE_COLUMNS,
    QUARANTINE_TABLE,
    REST_SOURCE,
    SOURCE,
    SPECS,
    TOPIX,
    TRADE_BREAKDOWN,
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
# Datasets not every plan has: a 403 skips them for the run instead of failing it.
PLAN_GATED = frozenset({"investor_types", "dividends", "margin_interest", "trade_breakdown"})
# Calendar fetched before `start`: enough to place the margin record dates published in the window.
CALENDAR_LOOKBACK_DAYS = 21
MARGIN_MIN_BUSINESS_DAYS = 3  # no margin data for weeks with 2 business days or fewer
MARGIN_PUBLICATION_LAG = 2  # business days after the record date (normally Tuesday)


@dataclass
class SourceStats:
    """What the source yielded: typed rows by table, quarantined rows by reason, unknown fields,
    and plan-gated datasets skipped after a 403 (table -> the error)."""

    rows: Counter = field(default_factory=Counter)
    quarantined: Counter = field(default_factory=Counter)
    unknown_fields: Counter = field(default_factory=Counter)
    skipped: dict[str, str] = field(default_factory=dict)


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


def parse_records(
    spec: DatasetSpec,
    records: Iterable[Any],
    fetched_at: dt.datetime,
    stats: SourceStats,
    *,
    source: str = REST_SOURCE,
    endpoint: str | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Typed rows and quarantine rows of one batch of API records (JSON objects or CSV rows)."""
    good: list[dict[str, Any]] = []
    bad: list[dict[str, Any]] = []
    known = spec.field_names
    for raw in records:
        if not isinstance(raw, dict):
            bad.append(
                quarantine_row(spec, raw, "not_an_object", fetched_at, source=source, endpoint=endpoint)
            )
            continue
        for extra in raw.keys() - known:
            key = f"{spec.table}.{extra}"
            if not stats.unknown_fields[key]:
                log.warning(
                    "%s: field %r is not in the lake contract; it is not loaded", spec.endpoint, extra
                )
            stats.unknown_fields[key] += 1
        try:
            row = parse_row(spec, raw)
        except Unparseable as exc:
            bad.append(quarantine_row(spec, raw, exc.reason, fetched_at, source=source, endpoint=endpoint))
            continue
        row[INGESTED_AT] = fetched_at
        row[SOURCE] = source
        good.append(row)
    stats.rows[spec.table] += len(good)
    for q in bad:
        stats.quarantined[q["reason"]] += 1
    return good, bad


def parse_pages(spec: DatasetSpec, pages: Iterable[Page], stats: SourceStats) -> Iterator[Any]:
    """Turn API pages into lists of typed rows and quarantine rows (dispatched by table name)."""
    for page in pages:
        good, bad = parse_records(spec, page.rows, page.fetched_at, stats)
        if good:
            yield good
        if bad:
            log.warning("%s %s: %d row(s) quarantined", spec.endpoint, page.params, len(bad))
            yield dlt.mark.with_table_name(bad, QUARANTINE_TABLE)


def fetch(
    client: JQuantsClient, spec: DatasetSpec, queries: Iterable[dict[str, Any]], stats: SourceStats
) -> Iterator[Any]:
    """Rows of `GET spec.endpoint?query` for each query in turn. On a plan-gated dataset a 403 stops
    the dataset for this run (logged, `stats.skipped`) instead of failing the whole load."""
    for query in queries:
        try:
            yield from parse_pages(spec, client.get_pages(spec.endpoint, **query), stats)
        except JQuantsAuthError as exc:
            if spec.table not in PLAN_GATED:
                raise
            stats.skipped[spec.table] = str(exc)
            log.warning("%s: skipped for this run (the plan does not cover it?): %s", spec.table, exc)
            return


class TradingCalendar:
    """The calendar around [start, end], fetched once and shared by the resources that need it.

    It is fetched from `start - lookback_days` so that the weekly margin record dates published in
    the window can be placed; only rows of [start, end] are loaded into `trading_calendar`.
    """

    def __init__(
        self,
        client: JQuantsClient,
        start: dt.date,
        end: dt.date,
        lookback_days: int = CALENDAR_LOOKBACK_DAYS,
        fetch_end: dt.date | None = None,
    ) -> None:
        self.client = client
        self.start = start
        self.end = end
        self.fetch_start = start - dt.timedelta(days=lookback_days)
        self.fetch_end = max(end, fetch_end or end)
        self._pages: list[Page] | None = None

    def pages(self) -> list[Page]:
        if self._pages is None:
            self._pages = list(
                self.client.get_pages(TRADING_CALENDAR.endpoint, from_=self.fetch_start, to=self.fetch_end)
            )
        return self._pages

    def window(self, start: dt.date, end: dt.date) -> TradingCalendar:
        """The same fetched calendar seen through a narrower window (no new API call)."""
        if start < self.start or end > self.end:
            raise ValueError(f"window {start}..{end} is outside {self.start}..{self.end}")
        view = TradingCalendar(self.client, start, end)
        view.fetch_start, view.fetch_end = self.fetch_start, self.fetch_end
        view._pages = self.pages()
        return view

    def window_pages(self) -> list[Page]:
        """The fetched pages with only the rows dated in [start, end] (the lookback is not loaded).
        Rows without a parseable `Date` are kept, so that they reach the quarantine."""
        pages = []
        for page in self.pages():
            rows = [raw for raw in page.rows if self._in_window(raw)]
            pages.append(Page(page.endpoint, page.params, rows, page.fetched_at, page.pagination_key))
        return pages

    def _in_window(self, raw: Any) -> bool:
        try:
            day = parse_date(raw.get("Date"), "Date") if isinstance(raw, dict) else None
        except Unparseable:
            day = None
        return day is None or self.start <= day <= self.end

    def all_business_days(self) -> list[dt.date]:
        """Days with HolDiv "1" or "2" in the whole fetched range (lookback included), ascending."""
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
                if day and hol_div in BUSINESS_DAY_HOL_DIVS:
                    days.add(day)
        return sorted(days)

    def business_days(self) -> list[dt.date]:
        """Days with HolDiv "1" or "2" in [start, end], ascending (rows that fail to parse are skipped)."""
        return [d for d in self.all_business_days() if self.start <= d <= self.end]

    def margin_record_dates(self) -> list[dt.date]:
        """Weekly margin record dates published in [start, end] (see `margin_publications`)."""
        return margin_record_dates(self.all_business_days(), self.start, self.end)


def margin_publications(business_days: Sequence[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """(record date R, publication day) of every week in `business_days` that has margin data: R is
    the last business day of a Mon-Fri week with at least `MARGIN_MIN_BUSINESS_DAYS` business days,
    published `MARGIN_PUBLICATION_LAG` business days later (weeks whose publication day is past the
    end of `business_days` are left out)."""
    weeks: dict[dt.date, list[dt.date]] = {}
    for day in business_days:
        weeks.setdefault(day - dt.timedelta(days=day.weekday()), []).append(day)
    position = {day: i for i, day in enumerate(business_days)}
    out = []
    for days in weeks.values():
        if len(days) < MARGIN_MIN_BUSINESS_DAYS:
            continue
        record = max(days)
        i = position[record] + MARGIN_PUBLICATION_LAG
        if i < len(business_days):
            out.append((record, business_days[i]))
    return sorted(out)


def margin_record_dates(business_days: Sequence[dt.date], start: dt.date, end: dt.date) -> list[dt.date]:
    """The margin record dates whose publication day is in [start, end] (see `margin_publications`)."""
    return [record for record, published in margin_publications(business_days) if start <= published <= end]


@dlt.resource(name="trading_calendar", write_disposition="append", columns=TRADING_CALENDAR.columns())
def trading_calendar(calendar: TradingCalendar, stats: SourceStats) -> Iterator[Any]:
    """TSE trading calendar for [start, end]: one paginated `/markets/calendar?from&to` call (shared
    with the per-day resources)."""
    yield from parse_pages(TRADING_CALENDAR, calendar.window_pages(), stats)


@dlt.resource(name="equities_master", write_disposition="append", columns=EQUITIES_MASTER.columns())
def equities_master(client: JQuantsClient, calendar: TradingCalendar, stats: SourceStats) -> Iterator[Any]:
    """Listed-issue snapshot of each business day: one paginated `/equities/master?date=D` per day."""
    yield from fetch(client, EQUITIES_MASTER, ({"date": d} for d in calendar.business_days()), stats)


@dlt.resource(name="daily_bars", write_disposition="append", columns=DAILY_BARS.columns())
def daily_bars(client: JQuantsClient, calendar: TradingCalendar, stats: SourceStats) -> Iterator[Any]:
    """Bars of every code for each business day: one paginated `/equities/bars/daily?date=D` per day
    (never per code, never on a closed day)."""
    yield from fetch(client, DAILY_BARS, ({"date": d} for d in calendar.business_days()), stats)


@dlt.resource(name="topix", write_disposition="append", columns=TOPIX.columns())
def topix(client: JQuantsClient, start: dt.date, end: dt.date, stats: SourceStats) -> Iterator[Any]:
    """TOPIX daily bars for [start, end]: one paginated `/indices/bars/daily/topix?from&to` call."""
    yield from fetch(client, TOPIX, [{"from_": start, "to": end}], stats)


@dlt.resource(name="investor_types", write_disposition="append", columns=INVESTOR_TYPES.columns())
def investor_types(client: JQuantsClient, start: dt.date, end: dt.date, stats: SourceStats) -> Iterator[Any]:
    """Weekly trading by investor type published in [start, end], every section: one paginated
    `/equities/investor-types?from&to` call (`from`/`to` filter on `PubDate`; revisions are rows)."""
    yield from fetch(client, INVESTOR_TYPES, [{"from_": start, "to": end}], stats)


@dlt.resource(name="dividends", write_disposition="append", columns=DIVIDENDS.columns())
def dividends(client: JQuantsClient, calendar: TradingCalendar, stats: SourceStats) -> Iterator[Any]:
    """Dividend notices by publication day: one paginated `/fins/dividend?date=D` per business day
    (the endpoint takes `from`/`to` only together with `code`)."""
    yield from fetch(client, DIVIDENDS, ({"date": d} for d in calendar.business_days()), stats)


@dlt.resource(name="fin_summary", write_disposition="append", columns=FIN_SUMMARY.columns())
def fin_summary(client: JQuantsClient, calendar: TradingCalendar, stats: SourceStats) -> Iterator[Any]:
    """Financial summaries by disclosure day: one paginated `/fins/summary?date=D` per business day
    (no range parameter; paced at 60/min by the client)."""
    yield from fetch(client, FIN_SUMMARY, ({"date": d} for d in calendar.business_days()), stats)


@dlt.resource(name="margin_interest", write_disposition="append", columns=MARGIN_INTEREST.columns())
def margin_interest(client: JQuantsClient, calendar: TradingCalendar, stats: SourceStats) -> Iterator[Any]:
    """Weekly margin balances published in the window: one paginated `/markets/margin-interest?date=R`
    per record date R (see `TradingCalendar.margin_record_dates`)."""
    yield from fetch(client, MARGIN_INTEREST, ({"date": r} for r in calendar.margin_record_dates()), stats)


@dlt.resource(name="trade_breakdown", write_disposition="append", columns=TRADE_BREAKDOWN.columns())
def trade_breakdown(client: JQuantsClient, calendar: TradingCalendar, stats: SourceStats) -> Iterator[Any]:
    """Trade breakdown by order type of every code: one paginated `/markets/breakdown?date=D` per
    business day (Premium; a 403 skips the dataset)."""
    yield from fetch(client, TRADE_BREAKDOWN, ({"date": d} for d in calendar.business_days()), stats)


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


def make_resources(
    client: JQuantsClient,
    calendar: TradingCalendar,
    selected: Sequence[str],
    stats: SourceStats,
) -> list[DltResource]:
    """The resources of `selected` datasets for the calendar's window, each with its quarantine variant."""
    start, end = calendar.start, calendar.end
    builders = {
        "trading_calendar": lambda: trading_calendar(calendar, stats),
        "equities_master": lambda: equities_master(client, calendar, stats),
        "daily_bars": lambda: daily_bars(client, calendar, stats),
        "topix": lambda: topix(client, start, end, stats),
        "investor_types": lambda: investor_types(client, start, end, stats),
        "dividends": lambda: dividends(client, calendar, stats),
        "fin_summary": lambda: fin_summary(client, calendar, stats),
        "margin_interest": lambda: margin_interest(client, calendar, stats),
        "trade_breakdown": lambda: trade_breakdown(client, calendar, stats),
    }
    return [with_quarantine(builders[name]()) for name in selected]


@dlt.source(name="jquants", max_table_nesting=0)
def jquants_source(
    client: JQuantsClient,
    start: dt.date | str,
    end: dt.date | str,
    datasets: Sequence[str] | str | None = None,
    stats: SourceStats | None = None,
    calendar: TradingCalendar | None = None,
) -> list[DltResource]:
    """J-Quants V2 raw tables for [start, end] (every dataset of the lake contract by default;
    `datasets` picks some), plus `ingest_quarantine` for rows that break the contract. Pass a
    `SourceStats` to read row, quarantine and skip counts after the run, and a `calendar` (e.g. a
    `window()` of a wider one) to reuse a fetched calendar."""
    start_date, end_date = as_date(start, "start"), as_date(end, "end")
    if end_date < start_date:
        raise ValueError(f"end {end_date} is before start {start_date}")
    selected = select_datasets(datasets)
    stats = stats if stats is not None else SourceStats()
    if calendar is None:
        calendar = TradingCalendar(client, start_date, end_date)
    elif (calendar.start, calendar.end) != (start_date, end_date):
        calendar = calendar.window(start_date, end_date)
    return make_resources(client, calendar, selected, stats)
