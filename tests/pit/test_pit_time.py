"""`available_at` and `usable_from` on staged rows: the close that applied on the date (15:00 until
2024-11-01, 15:30 from 2024-11-05), no time = next session, weekly publications the next session."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pit_scenario as scenario
import pytest

JST = ZoneInfo("Asia/Tokyo")


def jst(day: dt.date, hour: int, minute: int = 0) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=JST))


def instant(value) -> pd.Timestamp:
    return pd.Timestamp(value).tz_convert(JST)


@pytest.mark.parametrize(
    ("model", "key_column", "keys"),
    [
        ("stg_jquants__fin_summary", "disclosure_number", ["900000000000", "900000000001"]),
        ("base_jquants__dividends", "reference_number", ["900000000010", "900000000011"]),
    ],
)
def test_a_disclosure_at_1510_counts_for_the_next_session_before_2024_11_05_and_the_same_day_after(
    pit_builds, model, key_column, keys
):
    rows = pit_builds.project.query(
        f"select * from main_staging.{model} where {key_column} in ('{keys[0]}', '{keys[1]}')"
        f" order by {key_column}"
    )
    october, november = rows.iloc[0], rows.iloc[1]
    # the same wall-clock time on both days …
    assert instant(october["available_at"]) == jst(dt.date(2024, 10, 31), 15, 10)
    assert instant(november["available_at"]) == jst(dt.date(2024, 11, 5), 15, 10)
    # … after the 15:00 close of 2024-10-31: the next session (Friday 2024-11-01)
    assert october["usable_from"].date() == dt.date(2024, 11, 1)
    # … before the 15:30 close of 2024-11-05: that same session
    assert november["usable_from"].date() == dt.date(2024, 11, 5)


def test_a_notice_without_a_time_counts_for_the_next_session(pit_builds):
    row = pit_builds.project.query(
        "select * from main_staging.base_jquants__dividends where reference_number = '9000000000199'"
    ).iloc[0]
    assert pd.isna(row["published_time_jst"])
    # Friday 2024-11-01 without a time: the end of that day, so the next session, after the
    # weekend and the Culture Day substitute holiday (Monday 2024-11-04)
    assert instant(row["available_at"]) == jst(dt.date(2024, 11, 2), 0, 0)
    assert row["usable_from"].date() == dt.date(2024, 11, 5)


def test_usable_from_follows_the_rule_for_every_disclosure(pit_builds):
    """Recomputed in Python for every fin summary and dividend notice of the lake."""
    project = pit_builds.project
    calendar = project.query(
        "select calendar_date, is_business_day from main_intermediate.int_trading_calendar"
    )
    known = dict(zip(calendar["calendar_date"].dt.date, calendar["is_business_day"], strict=True))

    def expected(available_at: pd.Timestamp) -> dt.date | None:
        local = available_at.tz_convert(JST)
        day = local.date()
        close = dt.time(15, 0) if day <= dt.date(2024, 11, 1) else dt.time(15, 30)
        if known.get(day) and local.time() < close:
            return day
        while True:  # the next business day, never across a date the calendar does not hold
            day += dt.timedelta(days=1)
            if day not in known:
                return None
            if known[day]:
                return day

    checked = 0
    for model in ("stg_jquants__fin_summary", "base_jquants__dividends"):
        rows = project.query(f"select available_at, usable_from from main_staging.{model}")
        for row in rows.itertuples():
            want = expected(pd.Timestamp(row.available_at))
            got = None if pd.isna(row.usable_from) else pd.Timestamp(row.usable_from).date()
            assert got == want, (model, row)
            checked += 1
    assert checked > 40


def test_weekly_publications_are_usable_the_next_business_day(pit_builds):
    project = pit_builds.project
    investor = project.query("select * from main_staging.base_jquants__investor_types")
    local = investor["available_at"].dt.tz_convert(JST)
    assert (local.dt.date == investor["published_date"].dt.date).all()
    assert (local.dt.strftime("%H:%M") == "16:30").all()
    assert (investor["usable_from"] > investor["published_date"]).all()
    calendar = project.query("select * from main_intermediate.int_trading_calendar")
    next_day = dict(zip(calendar["calendar_date"], calendar["next_business_date"], strict=True))
    assert (investor["usable_from"] == investor["published_date"].map(next_day)).all()

    margin = project.query("select * from main_staging.stg_jquants__margin_interest")
    # the first record dates of the lake precede its calendar: publication day unknown (NULL)
    unknown = ~margin["record_date"].isin(calendar["calendar_date"])
    assert (margin["available_at"].isna() == unknown).all() and unknown.sum() < 20
    margin = margin[~unknown]
    index = dict(zip(calendar["calendar_date"], calendar["business_day_index"], strict=True))
    published = margin["available_at"].dt.tz_convert(JST)
    # published the 2nd business day after the record date (normally Tuesday) at 16:30 …
    gap = published.dt.tz_localize(None).dt.normalize().map(index) - margin["record_date"].map(index)
    assert (gap == 2).all() and (published.dt.strftime("%H:%M") == "16:30").all()
    assert (published.dt.day_of_week == 1).mean() > 0.7  # Tuesdays, but for holidays
    # … usable from the next business day
    assert (margin["usable_from"] == published.dt.tz_localize(None).dt.normalize().map(next_day)).all()


def test_session_records_are_usable_on_their_own_date(pit_builds):
    breakdown = pit_builds.project.query("select * from main_staging.stg_jquants__trade_breakdown")
    assert len(breakdown) > 0
    assert (breakdown["usable_from"] == breakdown["trade_date"]).all()
    local = breakdown["available_at"].dt.tz_convert(JST)
    assert (local.dt.strftime("%H:%M") == "18:00").all()
    assert (local.dt.date == breakdown["trade_date"].dt.date).all()


def test_every_staged_row_carries_available_at_and_usable_from(pit_builds):
    project = pit_builds.project
    models = project.query(
        "select table_name, data_type, column_name from information_schema.columns"
        " where table_schema = 'main_staging' and column_name in ('available_at', 'usable_from')"
    )
    expected = {
        "base_jquants__investor_types", "base_jquants__dividends", "stg_jquants__investor_types",
        "stg_jquants__dividends", "stg_jquants__fin_summary", "stg_jquants__margin_interest",
        "stg_jquants__trade_breakdown",
    }  # fmt: skip
    found = models.groupby("table_name")["column_name"].apply(set).to_dict()
    for name in expected:
        assert found.get(name) == {"available_at", "usable_from"}, name
    types = dict(zip(models["column_name"] + " " + models["table_name"], models["data_type"], strict=True))
    for key, kind in types.items():
        assert kind == ("TIMESTAMP WITH TIME ZONE" if key.startswith("available_at") else "DATE"), key
    for name in sorted(found):
        nulls = project.query(
            f"select count(*) filter (where available_at is null) as a,"
            f" count(*) filter (where usable_from is null) as u, count(*) as n from main_staging.{name}"
        ).iloc[0]
        assert nulls["n"] > 0, name
        if name != "stg_jquants__margin_interest":  # (see test_weekly_publications_…)
            assert nulls["a"] == 0, name
        if name not in (
            "stg_jquants__fin_summary", "base_jquants__dividends", "stg_jquants__dividends",
            "stg_jquants__margin_interest",
        ):  # fmt: skip
            assert nulls["u"] == 0, name  # (disclosures: see test_usable_from_follows_the_rule…)


def test_calendar_rows_of_the_scenario(pit_builds):
    """The disclosures of the scenario sit around the change of closing time."""
    closes = pit_builds.project.query(
        "select calendar_date, market_close_at_jst from main_intermediate.int_trading_calendar"
        " where calendar_date in ('2024-10-31', '2024-11-05')"
        " order by calendar_date"
    )
    assert [t.strftime("%H:%M") for t in closes["market_close_at_jst"]] == ["15:00", "15:30"]
    assert scenario.AT_1510 == (dt.date(2024, 10, 31), dt.date(2024, 11, 5))
