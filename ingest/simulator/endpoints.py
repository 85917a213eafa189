"""The V2 endpoints: query parameters → the rows of the answer (before pagination and encoding).

Each handler validates its parameters (raising `ApiError(400, …)`), and returns a `Plan`: the date
range the query covers (for `SimulatorServer.fail_dates`) and a function producing the `Result`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ingest.simulator import calendar as cal
from ingest.simulator.market import BAR_FIELDS, MASTER_FIELDS, TOPIX_FIELDS, Market
from ingest.simulator.wire import Result

Params = Mapping[str, str]


class ApiError(Exception):
    """An HTTP error answer: status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Plan:
    """What a valid request will answer: the dates it covers and how to produce its rows."""

    lo: dt.date | None
    hi: dt.date | None
    run: Callable[[], Result]


Handler = Callable[[Market, Params], Plan]


def date_param(params: Params, name: str) -> dt.date | None:
    """A `YYYY-MM-DD` / `YYYYMMDD` parameter, None when absent; 400 when malformed or impossible."""
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return cal.to_date(value)
    except ValueError:
        raise ApiError(400, f"Invalid value for parameter '{name}': {value!r}") from None


def range_params(params: Params) -> tuple[dt.date | None, dt.date | None]:
    """(lo, hi) from `date`, else from `from` / `to`."""
    day = date_param(params, "date")
    if day is not None:
        return day, day
    return date_param(params, "from"), date_param(params, "to")


def code_indexes(market: Market, code: str | None) -> np.ndarray:
    """Column indexes for a `code` parameter (4 chars: the common stock "XXXX0" first); 400 if malformed."""
    if code is None or code == "":
        return market.visible_code_indexes()
    if len(code) not in (4, 5) or not code.isalnum():
        raise ApiError(400, f"Invalid value for parameter 'code': {code!r}")
    code = code.upper()
    if len(code) == 4:
        common = market.code_index(code + "0")
        if common is not None:
            return np.array([common], dtype=np.int64)
        matches = [market.code_index(c) for c in market.codes if c.startswith(code)]
        return np.array(matches, dtype=np.int64)
    idx = market.code_index(code)
    return np.array([] if idx is None else [idx], dtype=np.int64)


def covered(market: Market, lo: dt.date | None, hi: dt.date | None) -> tuple[dt.date, dt.date]:
    """The effective date range of a query (defaults: the market's [start, end])."""
    return lo or market.start, hi or market.end


def bars_daily(market: Market, params: Params) -> Plan:
    """`/equities/bars/daily`: `code` or `date` required, `from`/`to` with `code`."""
    if not params.get("code") and not params.get("date"):
        raise ApiError(400, "This API requires at least 1 parameter as follows; 'date','code'.")
    lo, hi = range_params(params)
    c_idx = code_indexes(market, params.get("code"))

    def run() -> Result:
        columns = market.bars_columns(market.clip_days(lo, hi), c_idx)
        return Result(
            dataset="daily_bars",
            columns=columns,
            fields=BAR_FIELDS,
            numeric=("O", "H", "L", "C", "Vo", "Va", "AdjFactor", "AdjO", "AdjH", "AdjL", "AdjC", "AdjVo"),
            key_fields=("Date", "Code"),
            corruptible=("O", "H", "L", "C", "Vo"),
        )

    return Plan(*covered(market, lo, hi), run)


def master(market: Market, params: Params) -> Plan:
    """`/equities/master`: snapshot of `date` (default: the latest, i.e. `end`), optional `code`."""
    day = date_param(params, "date") or market.end
    c_idx = code_indexes(market, params.get("code"))

    def run() -> Result:
        return Result(
            dataset="equities_master",
            columns=market.master_columns(day, c_idx),
            fields=MASTER_FIELDS,
            numeric=(),
            key_fields=("Date", "Code"),
        )

    return Plan(day, day, run)


def calendar_served_until(market: Market) -> dt.date:
    """The calendar is published ahead: through the end of the year after `end`."""
    return min(cal.CALENDAR_LAST, dt.date(market.end.year + 1, 12, 31))


def markets_calendar(market: Market, params: Params) -> Plan:
    """`/markets/calendar`: optional `hol_div`, `from`, `to`."""
    hol_div = params.get("hol_div")
    if hol_div not in (None, "", "0", "1", "2", "3"):
        raise ApiError(400, f"Invalid value for parameter 'hol_div': {hol_div!r}")
    lo, hi = range_params(params)
    lo = max(lo or cal.CALENDAR_FIRST, cal.CALENDAR_FIRST)
    hi = min(hi or calendar_served_until(market), calendar_served_until(market))

    def run() -> Result:
        frame = cal.calendar_frame()
        keep = (frame["Date"] >= lo) & (frame["Date"] <= hi)
        if hol_div:
            keep &= frame["HolDiv"] == hol_div
        frame = frame[keep]
        return Result(
            dataset="trading_calendar",
            columns={"Date": frame["Date"].to_numpy(), "HolDiv": frame["HolDiv"].to_numpy(dtype=object)},
            fields=("Date", "HolDiv"),
            numeric=(),
            key_fields=("Date",),
            code_field=None,
        )

    return Plan(lo, hi, run)


def topix(market: Market, params: Params) -> Plan:
    """`/indices/bars/daily/topix`: optional `from`, `to`."""
    lo, hi = range_params(params)

    def run() -> Result:
        return Result(
            dataset="topix",
            columns=market.topix_columns(market.clip_days(lo, hi)),
            fields=TOPIX_FIELDS,
            numeric=("O", "H", "L", "C"),
            key_fields=("Date",),
            code_field=None,
            corruptible=("O", "H", "L", "C"),
        )

    return Plan(*covered(market, lo, hi), run)


ROUTES: dict[str, Handler] = {
    "/equities/master": master,
    "/equities/bars/daily": bars_daily,
    "/markets/calendar": markets_calendar,
    "/indices/bars/daily/topix": topix,
}
