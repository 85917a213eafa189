"""The dbt project on a lake written by the real ingest from the bundled simulator (two loads)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from dbt_harness import node_statuses
from reference import FEATURES, assert_frames_close, mart_value_columns, reference_features
from simulated_lake import SIMULATOR_FIRST_END, SIMULATOR_SECOND_END, SIMULATOR_START


def split_events(market) -> pd.DataFrame:
    events = market.split_events()
    return events[(events["Date"] >= SIMULATOR_START) & (events["Date"] <= SIMULATOR_SECOND_END)]


@pytest.fixture(scope="module")
def truth(simulator_builds) -> pd.DataFrame:
    """Ground-truth bars with `factor`, the exact product of the code's later split factors."""
    market = simulator_builds.market
    bars = market.bars_frame()
    bars = bars[(bars["Date"] >= SIMULATOR_START) & (bars["Date"] <= SIMULATOR_SECOND_END)].copy()
    bars["factor"] = 1.0
    for event in split_events(market).itertuples():
        factor = float(Fraction(event.AdjFactor).limit_denominator(1000))
        bars.loc[(bars["Code"] == event.Code) & (bars["Date"] < event.Date), "factor"] *= factor
    return bars.rename(columns={"Code": "code", "Date": "trade_date", "C": "close", "Vo": "volume"}).assign(
        trade_date=lambda f: pd.to_datetime(f["trade_date"])
    )


def test_builds_pass_all_tests(simulator_builds):
    statuses = node_statuses(simulator_builds.incremental_build)
    # the simulated market ends in 2025: only the freshness tests (severity warn) may warn
    assert {
        n: s
        for n, s in statuses.items()
        if s not in {"success", "pass"}
        and not (s == "warn" and n.startswith("expect_fresh_against_calendar"))
    } == {}


def test_the_window_holds_the_cases_under_test(simulator_builds):
    events = split_events(simulator_builds.market)
    factors = dict(zip(events["Code"] + " " + events["Date"].astype(str), events["AdjFactor"]))
    assert factors.get("40010 2025-03-27") == 0.5 and factors.get("40020 2025-07-30") == 5.0
    assert SIMULATOR_FIRST_END < dt.date(2025, 7, 30) <= SIMULATOR_SECOND_END


def test_adjusted_prices_equal_the_simulator_ground_truth(simulator_builds, truth):
    ours = simulator_builds.project.query("select * from main_intermediate.int_prices_adjusted")
    merged = truth.merge(ours, on=["code", "trade_date"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    traded = merged[merged["is_traded"]]
    # exact: raw × the product of every later factor
    np.testing.assert_allclose(traded["adj_close"], traded["close_x"] * traded["factor"], rtol=1e-15)
    np.testing.assert_allclose(traded["cumulative_adj_factor"], traded["factor"], rtol=1e-15)
    # and, rounded to 0.1, the vendor's values as published at the end of the window, for every
    # row (the lake holds older, stale versions for the rows fetched before the reverse split)
    for ours_column, vendor in (
        ("adj_open", "AdjO"),
        ("adj_high", "AdjH"),
        ("adj_low", "AdjL"),
        ("adj_close", "AdjC"),
        ("adj_volume", "AdjVo"),
    ):
        diff = (traded[ours_column].round(1) - traded[vendor]).abs()
        assert (diff < 1e-9).all(), traded.loc[
            diff >= 1e-9, ["code", "trade_date", ours_column, vendor]
        ].head()


@pytest.mark.parametrize(
    ("code", "ex_date", "factor"),
    [("40010", dt.date(2025, 3, 27), 0.5), ("40020", dt.date(2025, 7, 30), 5.0)],
)
def test_split_cases_before_and_after_the_ex_date(simulator_builds, code, ex_date, factor):
    rows = simulator_builds.project.query(
        f"select * from main_intermediate.int_prices_adjusted where code = '{code}' and is_traded order by trade_date"
    )
    rows["day"] = rows["trade_date"].dt.date
    before, after = rows[rows["day"] < ex_date], rows[rows["day"] >= ex_date]
    later_splits = after["adj_factor"].iloc[1:].prod()  # none in the window after these
    assert later_splits == 1.0
    assert np.allclose(before["adj_close"], before["close"] * factor, rtol=1e-15)
    assert (after["adj_close"] == after["close"]).all()
    assert rows.loc[rows["day"] == ex_date, "adj_factor"].tolist() == [factor]


def test_stale_vendor_values_in_the_lake_are_flagged_not_compared(simulator_builds):
    rows = simulator_builds.project.query(
        "select * from main_intermediate.int_prices_adjusted where code = '40020' and is_traded"
    )
    stale = rows[~rows["has_current_vendor_adjustment"]]
    # fetched by the first load, before the reverse split was published: unadjusted by the vendor
    assert len(stale) > 100
    assert (stale["trade_date"] < "2025-07-30").all()
    assert (np.abs(stale["vendor_adj_close"] - stale["close"]) < 1e-9).mean() > 0.9


def test_features_equal_an_independent_implementation(simulator_builds, truth):
    expected = reference_features(truth)
    project = simulator_builds.project
    assert_frames_close(
        project.query("select * from main_intermediate.int_features_technical"), expected, FEATURES
    )
    assert_frames_close(simulator_builds.incremental_features, expected, FEATURES)


def test_incremental_equals_full_refresh(simulator_builds):
    incremental, full = simulator_builds.incremental_features, simulator_builds.full_refresh_features
    assert len(incremental) == len(full) > len(simulator_builds.first_features)
    assert_frames_close(incremental, full, [*FEATURES, "close", "adj_close"], atol=0, rtol=1e-15)
    # every column: the rows before the families' recomputed dates keep their stored features
    # and get new labels (which look forward into the new dates); the others are recomputed
    assert list(incremental.columns) == list(full.columns)
    assert_frames_close(incremental, full, mart_value_columns(full), atol=1e-12, rtol=1e-9)
    assert incremental["trade_date"].max().date() == SIMULATOR_SECOND_END
    assert "147A0" in set(incremental["code"]) - set(
        simulator_builds.first_features["code"]
    )  # listed in between


def test_a_clean_lake_quarantines_nothing(simulator_builds):
    # no fault injected: the ingest never wrote its quarantine table (staging still builds, with
    # zero rows), and no dbt quarantine rule catches a bar of the simulated market
    lake = Path(simulator_builds.project.lake_url) / "jquants_raw"
    assert lake.is_dir() and not (lake / "ingest_quarantine").exists()
    counts = simulator_builds.project.query(
        "select (select count(*) from main_staging.stg_jquants__ingest_quarantine) as at_ingest,"
        " (select count(*) from main_intermediate.int_daily_bars_quarantine) as bars"
    ).iloc[0]
    assert (counts["at_ingest"], counts["bars"]) == (0, 0)
