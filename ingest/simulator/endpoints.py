"""The V2 endpoints: query parameters → the rows of the answer (before pagination and encoding).

Each handler validates its parameters (raising `ApiError(400, …)`), and returns a `Plan`: the date
range the query covers (for `SimulatorServer.fail_dates`) and a function producing the `Result`
(or, for `/bulk/get`, the whole JSON body).

Which date a parameter filters on: `/equities/investor-types` `from`/`to` → `PubDate`;
`/fins/dividend` `date`/`from`/`to` → `PubDate`; `/fins/summary` `date` → `DiscDate` (`cursor` is
accepted and ignored: pagination covers it); `/markets/margin-interest` → `Date` (record date).
Every per-code endpoint except TOPIX, calendar and investor types needs `code` or `date` (400).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ingest.simulator import calendar as cal
from ingest.simulator.breakdown import BREAKDOWN_FIELDS, BREAKDOWN_NUMERIC
from ingest.simulator.fiscal import DIVIDEND_FIELDS, DIVIDEND_NUMERIC, SUMMARY_FIELDS, SUMMARY_NUMERIC
from ingest.simulator.market import BAR_FIELDS, MASTER_FIELDS, TOPIX_FIELDS, Market
from ingest.simulator.weekly import INVESTOR_FIELDS, INVESTOR_NUMERIC, MARGIN_FIELDS, MARGIN_NUMERIC, SECTIONS
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
    run: Callable[[], Result | dict]


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


def require_code_or_date(params: Params) -> None:
    """400 unless `code` or `date` is given."""
    if not params.get("code") and not params.get("date"):
        raise ApiError(400, "This API requires at least 1 parameter as follows; 'date','code'.")


def _frame_rows(frame: pd.DataFrame, date_field: str, lo: dt.date | None, hi: dt.date | None,
                codes: list[str] | None) -> pd.DataFrame:  # fmt: skip
    """Rows of a ground-truth frame with `date_field` in [lo, hi] and `Code` in `codes`."""
    keep = pd.Series(True, index=frame.index)
    if lo is not None:
        keep &= frame[date_field] >= lo
    if hi is not None:
        keep &= frame[date_field] <= hi
    if codes is not None:
        keep &= frame["Code"].isin(codes)
    return frame[keep]


def _columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    return {name: frame[name].to_numpy(dtype=object) for name in frame.columns}


def _code_list(market: Market, params: Params) -> list[str] | None:
    if not params.get("code"):
        return None
    return [market.universe.codes[i] for i in code_indexes(market, params.get("code"))]


def investor_types(market: Market, params: Params) -> Plan:
    """`/equities/investor-types`: optional `section`, `from`/`to` on `PubDate`."""
    section = params.get("section")
    if section and section not in SECTIONS:
        raise ApiError(400, f"Invalid value for parameter 'section': {section!r}")
    lo, hi = range_params(params)

    def run() -> Result:
        frame = _frame_rows(market.investor_types_frame(), "PubDate", lo, hi, None)
        if section:
            frame = frame[frame["Section"] == section]
        return Result(
            dataset="investor_types",
            columns=_columns(frame),
            fields=INVESTOR_FIELDS,
            numeric=INVESTOR_NUMERIC,
            key_fields=("PubDate", "StDate", "Section"),
            date_field="PubDate",
            code_field="Section",
        )

    return Plan(*covered(market, lo, hi), run)


def dividends(market: Market, params: Params) -> Plan:
    """`/fins/dividend`: `code` or `date` (`PubDate`); `from`/`to` with `code`."""
    require_code_or_date(params)
    lo, hi = range_params(params)
    codes = _code_list(market, params)

    def run() -> Result:
        frame = _frame_rows(market.dividends_frame(), "PubDate", lo, hi, codes)
        return Result(
            dataset="dividends",
            columns=_columns(frame),
            fields=DIVIDEND_FIELDS,
            numeric=DIVIDEND_NUMERIC,
            key_fields=("RefNo",),
            date_field="PubDate",
            corruptible=("DivRate",),
            blank="",
            unparseable="#N/A",
        )

    return Plan(*covered(market, lo, hi), run)


def fin_summary(market: Market, params: Params) -> Plan:
    """`/fins/summary`: `code` and/or `date` (`DiscDate`); ordered by `DiscNo`."""
    require_code_or_date(params)
    day = date_param(params, "date")
    codes = _code_list(market, params)

    def run() -> Result:
        frame = _frame_rows(market.fin_summary_frame(), "DiscDate", day, day, codes)
        return Result(
            dataset="fin_summary",
            columns=_columns(frame),
            fields=SUMMARY_FIELDS,
            numeric=SUMMARY_NUMERIC,
            key_fields=("DiscNo",),
            date_field="DiscDate",
            corruptible=("Sales", "OP", "NP", "EPS"),
            blank="",
        )

    return Plan(*covered(market, day, day), run)


def margin_interest(market: Market, params: Params) -> Plan:
    """`/markets/margin-interest`: `code` or `date`; `from`/`to` on the record `Date`."""
    require_code_or_date(params)
    lo, hi = range_params(params)
    codes = _code_list(market, params)

    def run() -> Result:
        frame = _frame_rows(market.margin_frame(), "Date", lo, hi, codes)
        return Result(
            dataset="margin_interest",
            columns=_columns(frame),
            fields=MARGIN_FIELDS,
            numeric=MARGIN_NUMERIC,
            key_fields=("Date", "Code"),
            corruptible=("ShrtVol", "LongVol"),
        )

    return Plan(*covered(market, lo, hi), run)


def breakdown(market: Market, params: Params) -> Plan:
    """`/markets/breakdown`: `code` or `date`; `from`/`to` with `code`."""
    require_code_or_date(params)
    lo, hi = range_params(params)
    c_idx = code_indexes(market, params.get("code"))

    def run() -> Result:
        return Result(
            dataset="trade_breakdown",
            columns=market.breakdown_columns(market.clip_days(lo, hi), c_idx),
            fields=BREAKDOWN_FIELDS,
            numeric=BREAKDOWN_NUMERIC,
            key_fields=("Date", "Code"),
        )

    return Plan(*covered(market, lo, hi), run)


ROUTES: dict[str, Handler] = {
    "/equities/master": master,
    "/equities/bars/daily": bars_daily,
    "/markets/calendar": markets_calendar,
    "/indices/bars/daily/topix": topix,
    "/equities/investor-types": investor_types,
    "/fins/dividend": dividends,
    "/fins/summary": fin_summary,
    "/markets/margin-interest": margin_interest,
    "/markets/breakdown": breakdown,
}
