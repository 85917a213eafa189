"""The TSE trading calendar 2019-01-01 .. 2027-12-31 as J-Quants publishes it (`HolDiv`).

* `"0"` closed: weekends, Japanese national holidays (jpholiday) and the year-end break Dec 31 - Jan 3.
* `"1"` business day. 2020-10-01 (the TSE system outage) is a business day although nothing traded.
* `"3"` closed for equities with derivatives holiday trading: weekday national holidays from
  2024-09-23 on (outside the year-end break).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import jpholiday
import numpy as np
import pandas as pd

CALENDAR_FIRST = dt.date(2019, 1, 1)
CALENDAR_LAST = dt.date(2027, 12, 31)
OUTAGE_DAY = dt.date(2020, 10, 1)
HOLIDAY_TRADING_FROM = dt.date(2024, 9, 23)
MARKET_RESTRUCTURING = dt.date(2022, 4, 4)
CLOSE_1530_FROM = dt.date(2024, 11, 5)


def _is_year_end_break(day: dt.date) -> bool:
    return (day.month == 12 and day.day == 31) or (day.month == 1 and day.day <= 3)


@lru_cache(maxsize=1)
def national_holidays() -> frozenset[dt.date]:
    """Japanese national holidays (incl. substitute holidays) of the calendar's years."""
    years = range(CALENDAR_FIRST.year, CALENDAR_LAST.year + 1)
    return frozenset(day for year in years for day, _name in jpholiday.year_holidays(year))


def hol_div(day: dt.date) -> str:
    """The `HolDiv` of one calendar day."""
    if day.weekday() >= 5 or _is_year_end_break(day):
        return "0"
    if day in national_holidays():
        return "3" if day >= HOLIDAY_TRADING_FROM else "0"
    return "1"


@lru_cache(maxsize=1)
def _calendar_arrays() -> tuple[np.ndarray, np.ndarray]:
    days = pd.date_range(CALENDAR_FIRST, CALENDAR_LAST, freq="D").date
    divs = np.array([hol_div(d) for d in days], dtype=object)
    return np.array(days, dtype=object), divs


def calendar_frame() -> pd.DataFrame:
    """Every calendar day with its `HolDiv` (Date as `datetime.date`, HolDiv as str)."""
    days, divs = _calendar_arrays()
    return pd.DataFrame({"Date": days.copy(), "HolDiv": divs.copy()})


@lru_cache(maxsize=1)
def business_days() -> np.ndarray:
    """All business days (HolDiv "1") of the calendar, as numpy datetime64[D]."""
    days, divs = _calendar_arrays()
    return np.array([d for d, h in zip(days, divs, strict=True) if h == "1"], dtype="datetime64[D]")


def to_date(value: str | dt.date | dt.datetime | np.datetime64) -> dt.date:
    """Parse `YYYY-MM-DD`, `YYYYMMDD`, a date or a datetime into a `datetime.date`.

    Raises ValueError on anything else, including impossible dates such as 2024-02-30.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]").astype(dt.date)
    text = str(value).strip()
    if len(text) == 8 and text.isdigit():
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return dt.date.fromisoformat(text)
    raise ValueError(f"not a date: {value!r}")


@lru_cache(maxsize=1)
def tse_busdaycalendar() -> np.busdaycalendar:
    """A numpy business-day calendar of the TSE (weekday holidays and year-end breaks 2017-2030).

    Beyond the published calendar (before 2019, after 2027) only weekends and Dec 31 - Jan 3 close.
    """
    days, divs = _calendar_arrays()
    closed = [d for d, h in zip(days, divs, strict=True) if h != "1" and d.weekday() < 5]
    for year in (2017, 2018, 2028, 2029, 2030):
        closed += [dt.date(year, 1, 1), dt.date(year, 1, 2), dt.date(year, 1, 3), dt.date(year, 12, 31)]
    closed = sorted({d for d in closed if d.weekday() < 5})
    return np.busdaycalendar(weekmask="1111100", holidays=np.array(closed, dtype="datetime64[D]"))


def roll_business(dates: np.ndarray, offset: int | np.ndarray = 0, roll: str = "forward") -> np.ndarray:
    """Business day `offset` days after `dates` rolled `forward` (or `backward`) onto a business day."""
    return np.busday_offset(
        np.asarray(dates, dtype="datetime64[D]"), offset, roll=roll, busdaycal=tse_busdaycalendar()
    )
