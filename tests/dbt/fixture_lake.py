"""A small raw lake in the contract schema (docs/lake-contract.md), written with pyarrow.

It plays the ingest's part for the dbt tests: real Parquet files laid out as dlt writes them
(`<root>/jquants_raw/<table>/<load_id>.<file_id>.parquet`, append-only, `_ingested_at` on every
row) over 2020-06-01 … 2021-01-29, a stretch that holds the 2020-10-01 TSE outage. The market is
synthetic and deterministic; what the tests need to know about it is in `Market`:

* the TSE calendar for 2020-06-01 … 2021-02-26 from a hand-written holiday list (not jpholiday,
  which the calendar test cross-checks against);
* five codes: `13010` (a few no-trade days), `72030` (1→2 split, factor 0.5, ex-date 2020-11-16),
  `99840` (5→1 reverse split, factor 5, ex-date 2020-08-17), `130A0` (listed 2020-06-01, first
  trade 2020-06-08, 1→5 split, factor 0.2, on 2020-12-07, a no-trade day) and `86970` (limit
  hits);
* loads like the daily cycle's: a backfill fetched on 2020-09-30, then one load per business day
  that re-fetches the last four business days (so the lake holds several versions of a row), with
  one vendor correction (`13010` on 2020-10-05, fixed the next day), and a last load that fetches
  the whole history of `72030` again after its split (`130A0` keeps stale vendor values from
  before its split);
* vendor adjusted values (`adj_*`) as the vendor would have served them on the fetch date: raw ×
  the product of the later factors already published, rounded half-up to 0.1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

CALENDAR_START = dt.date(2020, 6, 1)
CALENDAR_END = dt.date(2021, 2, 26)
BARS_END = dt.date(2021, 1, 29)
CALENDAR_FETCHED = dt.date(2020, 5, 29)
BACKFILL_FETCHED = dt.date(2020, 9, 30)
OUTAGE = dt.date(2020, 10, 1)
TSE_HOLIDAYS = {  # national holidays in range, plus the Dec 31 - Jan 3 year-end closure
    dt.date(2020, 7, 23), dt.date(2020, 7, 24), dt.date(2020, 8, 10), dt.date(2020, 9, 21),
    dt.date(2020, 9, 22), dt.date(2020, 11, 3), dt.date(2020, 11, 23), dt.date(2020, 12, 31),
    dt.date(2021, 1, 1), dt.date(2021, 1, 2), dt.date(2021, 1, 3), dt.date(2021, 1, 11),
    dt.date(2021, 2, 11), dt.date(2021, 2, 23),
}  # fmt: skip
# The tests' first build sees the loads fetched up to this day (18:00 JST): before the vendor's
# correction of 13010 on that date was fetched, before 72030's split. CUT is that moment.
CUT_DAY = dt.date(2020, 10, 5)
CUT = "2020-10-05T12:00:00+00:00"
LOOKBACK_BUSINESS_DAYS = 3  # a daily load re-fetches this many business days before its date
CORRECTED = ("13010", dt.date(2020, 10, 5))  # first served with a wrong close, fixed a day later
REFETCHED = "72030"  # its whole history is fetched again after its split (last load)

SPLITS = {  # code -> {ex_date: AdjFactor}
    "72030": {dt.date(2020, 11, 16): 0.5},
    "99840": {dt.date(2020, 8, 17): 5.0},
    "130A0": {dt.date(2020, 12, 7): 0.2},
}
NO_TRADE = {  # besides the outage
    "13010": {dt.date(2020, 7, 6), dt.date(2020, 9, 14), dt.date(2020, 12, 21)},
    "130A0": {dt.date(2020, 6, d) for d in range(1, 6)} | {dt.date(2020, 12, 7)},
}
LIMIT_UP = {"86970": {dt.date(2020, 8, 4), dt.date(2020, 11, 9)}}
LIMIT_DOWN = {"86970": {dt.date(2020, 12, 15)}}
CODES = ("13010", "72030", "86970", "99840", "130A0")


def calendar_dates() -> list[dt.date]:
    n = (CALENDAR_END - CALENDAR_START).days + 1
    return [CALENDAR_START + dt.timedelta(days=i) for i in range(n)]


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in TSE_HOLIDAYS


def fetched_at(day: dt.date) -> dt.datetime:
    """18:00 JST on `day`, as an aware UTC datetime."""
    return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.UTC)


def round_half_up(value: Fraction | Decimal, places: str = "0.1") -> float:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return float(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


@dataclass
class Market:
    """Raw bars of the synthetic market and the factors that adjust them."""

    codes: tuple[str, ...] = CODES
    seed: int = 7
    bars: dict[tuple[str, dt.date], dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        days = self.business_days()
        for code in CODES:  # always draw every code, so a sub-market has the same prices
            price = float(rng.uniform(800, 3000))  # in pre-split units
            for day in days:
                price *= float(np.exp(rng.normal(0.0, 0.02)))
                draws = rng.uniform(0, 1, size=3)
                volume = float(rng.integers(1_000, 50_000)) * 100
                if code not in self.codes:
                    continue
                if day == OUTAGE or day in NO_TRADE.get(code, set()):
                    self.bars[(code, day)] = {
                        "o": None,
                        "h": None,
                        "l": None,
                        "c": None,
                        "vo": None,
                        "va": None,
                    }
                    continue
                scale = self.split_scale(code, day)  # raw = economic price x splits so far
                close = float(round(price * scale))
                open_ = float(round(price * scale * (1 + 0.01 * (draws[0] - 0.5))))
                high = max(open_, close) + float(round(price * scale * 0.01 * draws[1]))
                low = min(open_, close) - float(round(price * scale * 0.01 * draws[2]))
                raw_volume = float(round(volume / scale))
                self.bars[(code, day)] = {
                    "o": open_, "h": high, "l": low, "c": close, "vo": raw_volume,
                    "va": float(round(close * raw_volume)),
                }  # fmt: skip

    @staticmethod
    def business_days(end: dt.date = BARS_END) -> list[dt.date]:
        return [d for d in calendar_dates() if d <= end and is_business_day(d)]

    @staticmethod
    def split_scale(code: str, day: dt.date) -> float:
        """Product of the factors with ex-date <= day (a 1->2 split halves the raw price)."""
        scale = 1.0
        for ex_date, factor in SPLITS.get(code, {}).items():
            if ex_date <= day:
                scale *= factor
        return scale

    @staticmethod
    def later_factor(code: str, day: dt.date, known_on: dt.date | None = None) -> Fraction:
        """Exact product of the factors with ex-date after `day` (published by `known_on`)."""
        product = Fraction(1)
        for ex_date, factor in SPLITS.get(code, {}).items():
            if ex_date > day and (known_on is None or ex_date <= known_on):
                product *= Fraction(str(factor))
        return product

    def adjusted(self, code: str, day: dt.date, column: str = "c") -> float | None:
        """Ground truth: raw x the exact product of every later factor (volume: divided)."""
        raw = self.bars[(code, day)][column]
        if raw is None:
            return None
        factor = self.later_factor(code, day)
        exact = Fraction(raw) / factor if column == "vo" else Fraction(raw) * factor
        return float(exact)

    def served_row(self, code: str, day: dt.date, fetched_on: dt.date) -> dict:
        """The daily_bars row as the vendor serves it on `fetched_on`."""
        raw = dict(self.bars[(code, day)])
        if (code, day) == CORRECTED and fetched_on == day:
            raw["c"] += 10.0  # a vendor error, corrected on the next fetch
        later = self.later_factor(code, day, known_on=fetched_on)
        factor = SPLITS.get(code, {}).get(day, 1.0)
        adj = {}
        for name in ("o", "h", "l", "c", "vo"):
            value = raw[name]
            if value is None:
                adj[f"adj_{name}"] = None
            elif name == "vo":
                adj[f"adj_{name}"] = round_half_up(Fraction(value) / later)
            else:
                adj[f"adj_{name}"] = round_half_up(Fraction(value) * later)
        return {
            "date": day,
            "code": code,
            **raw,
            "ul": "1" if day in LIMIT_UP.get(code, set()) else "0",
            "ll": "1" if day in LIMIT_DOWN.get(code, set()) else "0",
            "adj_factor": factor,
            **adj,
            "ex_rt": None if factor == 1.0 else ("1" if factor < 1 else "2"),
        }


SCHEMAS = {
    "daily_bars": [("date", pa.date32()), ("code", pa.string())]
    + [(c, pa.float64()) for c in ("o", "h", "l", "c", "vo", "va")]
    + [("ul", pa.string()), ("ll", pa.string())]
    + [(c, pa.float64()) for c in ("adj_factor", "adj_o", "adj_h", "adj_l", "adj_c", "adj_vo")]
    + [("ex_rt", pa.string())],
    "equities_master": [("date", pa.date32()), ("code", pa.string())]
    + [(c, pa.string()) for c in ("co_name", "co_name_en", "s17", "s17_nm", "s33", "s33_nm")]
    + [(c, pa.string()) for c in ("scale_cat", "mkt", "mkt_nm", "mrgn", "mrgn_nm", "prod_cat")],
    "trading_calendar": [("date", pa.date32()), ("hol_div", pa.string())],
    "topix": [("date", pa.date32())] + [(c, pa.float64()) for c in ("o", "h", "l", "c")],
    "ingest_quarantine": [(c, pa.string()) for c in ("dataset", "endpoint", "reason", "raw_record")],
}
LINEAGE = [
    ("_ingested_at", pa.timestamp("us", tz="UTC")),
    ("_source", pa.string()),
    ("_dlt_load_id", pa.string()),
    ("_dlt_id", pa.string()),
]


class LakeWriter:
    """Writes loads the way dlt's filesystem destination lays them out."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.files = 0

    def write(self, table: str, rows: list[dict], at: dt.datetime) -> None:
        if not rows:
            return
        load_id = f"{at.timestamp():.6f}"
        schema = pa.schema(SCHEMAS[table] + LINEAGE)
        columns = {name: [row.get(name) for row in rows] for name, _ in SCHEMAS[table]}
        columns["_ingested_at"] = [at] * len(rows)
        columns["_source"] = ["rest"] * len(rows)
        columns["_dlt_load_id"] = [load_id] * len(rows)
        columns["_dlt_id"] = [f"{load_id}-{table}-{i}" for i in range(len(rows))]
        folder = self.root / "jquants_raw" / table
        folder.mkdir(parents=True, exist_ok=True)
        self.files += 1
        pq.write_table(pa.table(columns, schema=schema), folder / f"{load_id}.{self.files:05d}.parquet")


def master_row(code: str, day: dt.date) -> dict:
    return {
        "date": day, "code": code, "co_name": f"銘柄{code}", "co_name_en": f"Issue {code}",
        "s17": "1", "s17_nm": "食品", "s33": "0050", "s33_nm": "水産・農林業",
        "scale_cat": "TOPIX Small 1", "mkt": "0111", "mkt_nm": "プライム",
        "mrgn": "1", "mrgn_nm": "信用", "prod_cat": None,
    }  # fmt: skip


def topix_row(day: dt.date) -> dict:
    if day == OUTAGE:
        return {"date": day, "o": None, "h": None, "l": None, "c": None}
    level = 1500.0 + (day - CALENDAR_START).days * 0.5
    return {"date": day, "o": level - 1.0, "h": level + 3.0, "l": level - 4.0, "c": level}


def write_lake(
    root: Path,
    codes: tuple[str, ...] = CODES,
    fetched_after: dt.date | None = None,
    fetched_until: dt.date | None = None,
) -> Market:
    """Write the loads fetched in (fetched_after, fetched_until] (default: all) under `root`.

    Two calls, until a day and then after it, leave the same lake as one call: the daily cycle
    appending to the lake.
    """
    market = Market(codes=codes)
    writer = LakeWriter(root)
    days = market.business_days()

    def wanted(fetch_day: dt.date) -> bool:
        return (fetched_after is None or fetch_day > fetched_after) and (
            fetched_until is None or fetch_day <= fetched_until
        )

    def write(table: str, rows: list[dict], fetch_day: dt.date, later: int = 0) -> None:
        if wanted(fetch_day):
            writer.write(table, rows, fetched_at(fetch_day) + dt.timedelta(hours=later))

    def load(
        fetch_day: dt.date, dates: list[dt.date], load_codes: tuple[str, ...] = codes, later: int = 0
    ) -> None:
        write(
            "daily_bars",
            [market.served_row(c, d, fetch_day) for d in dates for c in load_codes],
            fetch_day,
            later,
        )
        write("equities_master", [master_row(c, d) for d in dates for c in load_codes], fetch_day, later)
        write("topix", [topix_row(d) for d in dates], fetch_day, later)

    write(
        "trading_calendar",
        [{"date": d, "hol_div": "1" if is_business_day(d) else "0"} for d in calendar_dates()],
        CALENDAR_FETCHED,
    )
    load(BACKFILL_FETCHED, [d for d in days if d <= BACKFILL_FETCHED])
    for i, day in enumerate(days):
        if day > BACKFILL_FETCHED:
            load(day, days[max(0, i - LOOKBACK_BUSINESS_DAYS) : i + 1])
            if day == dt.date(2020, 10, 2):
                write(
                    "ingest_quarantine",
                    [{
                        "dataset": "daily_bars", "endpoint": "/equities/bars/daily",
                        "reason": "unparseable_number:O",
                        "raw_record": '{"Date": "2020-10-02", "Code": "99990", "O": "-"}',
                    }],
                    day,
                )  # fmt: skip
    if REFETCHED in codes:  # the whole history of one split code fetched again, re-adjusted
        load(BARS_END, days, load_codes=(REFETCHED,), later=1)
    return market
