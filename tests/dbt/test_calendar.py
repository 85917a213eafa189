"""int_trading_calendar against jpholiday: a cross-check, not the source of truth.

TSE is closed on weekends, national holidays and Dec 31 - Jan 3 (jpholiday says Jan 2-3 are not
holidays). Any other difference between the J-Quants calendar and that rule must be a known,
documented exception; 2020-10-01 (the all-day system outage) stays a business day.
"""

from __future__ import annotations

import datetime as dt

import jpholiday
import pandas as pd
import pytest

# Weekdays on which the J-Quants calendar and "national holiday or Dec 31 - Jan 3" disagree.
# None is known since the data starts (2008): the 2020-10-01 outage was a business day without
# trading, and the 2019 Golden Week closures were national holidays by law.
KNOWN_EXCEPTIONS: dict[dt.date, str] = {}
OUTAGE = dt.date(2020, 10, 1)
CLOSE_1530_FROM = dt.date(2024, 11, 5)


def is_year_end_break(day: dt.date) -> bool:
    return (day.month, day.day) == (12, 31) or (day.month == 1 and day.day <= 3)


def calendar_differences(calendar: pd.DataFrame) -> dict[dt.date, str]:
    """Weekdays where the calendar disagrees with jpholiday + the year-end break."""
    differences = {}
    for row in calendar.itertuples():
        day = row.calendar_date
        if day.weekday() >= 5:
            assert not row.is_business_day, f"{day} is a weekend business day"
            continue
        expected_closed = jpholiday.is_holiday(day) or is_year_end_break(day)
        if row.is_business_day and expected_closed:
            differences[day] = f"open on {jpholiday.is_holiday_name(day) or 'the year-end break'}"
        elif not row.is_business_day and not expected_closed:
            differences[day] = "closed on an ordinary weekday"
    return differences


@pytest.fixture(params=["fixture_builds", "simulator_builds"])
def calendar(request) -> pd.DataFrame:
    project = request.getfixturevalue(request.param).project
    frame = project.query("select * from main_intermediate.int_trading_calendar order by calendar_date")
    frame["calendar_date"] = frame["calendar_date"].dt.date
    return frame


def test_non_business_weekdays_are_holidays_or_known_exceptions(calendar):
    first, last = calendar["calendar_date"].min(), calendar["calendar_date"].max()
    known = {d: why for d, why in KNOWN_EXCEPTIONS.items() if first <= d <= last}
    assert calendar_differences(calendar) == known


def test_the_outage_is_a_business_day(calendar):
    outage = calendar[calendar["calendar_date"] == OUTAGE]
    if outage.empty:
        pytest.skip("2020-10-01 is outside this calendar")
    assert outage["is_business_day"].tolist() == [True]


def test_index_and_neighbours_follow_the_business_days(calendar):
    business = calendar[calendar["is_business_day"]]
    assert business["business_day_index"].tolist() == list(range(len(business)))
    days = business["calendar_date"].tolist()
    assert business["previous_business_date"].dt.date.tolist()[1:] == days[:-1]
    assert business["next_business_date"].dt.date.tolist()[:-1] == days[1:]


def test_market_close_is_the_one_that_applied_on_the_date(calendar):
    business = calendar[calendar["is_business_day"]]
    for row in business.itertuples():
        close = dt.time(15, 30) if row.calendar_date >= CLOSE_1530_FROM else dt.time(15, 0)
        assert row.market_close_at_jst.to_pydatetime() == dt.datetime.combine(row.calendar_date, close)
    assert calendar.loc[~calendar["is_business_day"], "market_close_at_jst"].isna().all()
