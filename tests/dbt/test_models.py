"""The dbt project on the pyarrow fixture lake: build, split adjustment, features, incremental."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import fixture_lake
import numpy as np
import pandas as pd
import pytest
import talib
from dbt_harness import DbtProject, node_statuses
from fixture_lake import CUT, CUT_DAY
from reference import FEATURES, assert_frames_close, mart_value_columns, reference_features

D = dt.date


def test_every_build_step_passes_all_tests(fixture_builds):
    for build in (fixture_builds.first_build, fixture_builds.incremental_build, fixture_builds.rerun_build):
        statuses = node_statuses(build)
        # the lake ends in 2021: only the freshness tests (severity warn) may warn
        assert {
            n: s
            for n, s in statuses.items()
            if s not in {"success", "pass"}
            and not (s == "warn" and n.startswith("expect_fresh_against_calendar"))
        } == {}
        assert sum(1 for s in statuses.values() if s == "pass") >= 40
    unit_tests = node_statuses(fixture_builds.first_build, "unit_test")
    assert len(unit_tests) >= 3 and set(unit_tests.values()) == {"pass"}  # in the first build


def test_staging_keeps_the_latest_version(fixture_builds):
    code, day = fixture_lake.CORRECTED
    raw_close = fixture_builds.market.bars[(code, day)]["c"]
    first = fixture_builds.first_bars
    as_known_then = first[(first["code"] == code) & (first["trade_date"].dt.date == day)]
    assert as_known_then["close"].tolist() == [raw_close + 10.0]  # the vendor's error, as fetched
    assert first["trade_date"].max().date() == CUT_DAY  # nothing after the cut

    now = fixture_builds.project.query(
        f"select close from main_staging.stg_jquants__daily_bars where code = '{code}' and trade_date = '{day}'"
    )
    assert now["close"].tolist() == [raw_close]  # corrected by the next day's re-fetch


def test_vendor_correction_inside_the_lookback_reaches_the_mart(fixture_builds):
    code, day = fixture_lake.CORRECTED
    raw_close = fixture_builds.market.bars[(code, day)]["c"]
    for frame, expected in (
        (fixture_builds.first_features, raw_close + 10.0),
        (fixture_builds.incremental_features, raw_close),
    ):
        row = frame[(frame["code"] == code) & (frame["trade_date"].dt.date == day)]
        assert row["close"].tolist() == [expected]


@pytest.mark.parametrize(
    ("code", "ex_date", "factor"),
    [("72030", D(2020, 11, 16), 0.5), ("99840", D(2020, 8, 17), 5.0), ("130A0", D(2020, 12, 7), 0.2)],
)
def test_adjusted_prices_equal_the_ground_truth(fixture_builds, code, ex_date, factor):
    market = fixture_builds.market
    rows = fixture_builds.project.query(
        f"select * from main_intermediate.int_prices_adjusted where code = '{code}' order by trade_date"
    )
    rows["day"] = rows["trade_date"].dt.date
    assert len(rows) == len(market.business_days())
    for name, column in (
        ("adj_open", "o"),
        ("adj_high", "h"),
        ("adj_low", "l"),
        ("adj_close", "c"),
        ("adj_volume", "vo"),
    ):
        expected = np.array([market.adjusted(code, d, column) for d in rows["day"]], dtype=float)
        np.testing.assert_allclose(
            rows[name].to_numpy(dtype=float), expected, rtol=1e-13, atol=0, equal_nan=True
        )

    # the factor scales every row before the ex-date and none from it on
    before = rows[rows["day"] < ex_date]
    after = rows[rows["day"] >= ex_date]
    assert (
        np.allclose(before["cumulative_adj_factor"], factor) and (after["cumulative_adj_factor"] == 1.0).all()
    )
    assert rows.loc[rows["day"] == ex_date, "adj_factor"].tolist() == [factor]
    last_before = before[before["is_traded"]].iloc[-1]
    assert last_before["adj_close"] == pytest.approx(last_before["close"] * factor, rel=1e-15)
    first_after = after[after["is_traded"]].iloc[0]
    assert first_after["adj_close"] == first_after["close"]
    # the adjusted series is continuous across the ex-date (a split is not a 50 % crash)
    assert abs(np.log(first_after["adj_close"] / last_before["adj_close"])) < 0.2
    assert abs(np.log(first_after["close"] / last_before["close"])) > 0.5


def test_adjusted_close_rounds_to_the_vendor_value_where_the_vendor_value_is_current(fixture_builds):
    rows = fixture_builds.project.query("select * from main_intermediate.int_prices_adjusted where is_traded")
    current = rows[rows["has_current_vendor_adjustment"]]
    assert len(current) > 0.7 * len(rows)
    assert (np.abs(current["adj_close"].round(1) - current["vendor_adj_close"]) < 1e-9).all()
    # pre-split rows of 72030 were fetched again after its split: they are compared too
    refetched = current[(current["code"] == "72030") & (current["trade_date"] < "2020-11-16")]
    assert len(refetched) > 100 and (refetched["vendor_adj_close"] != refetched["close"]).all()
    # 130A0's rows fetched before the last load that fetched its split row are flagged, not
    # compared: most of them hold the unadjusted values served before the split
    flagged = rows[~rows["has_current_vendor_adjustment"]]
    assert set(flagged["code"]) == {"130A0"} and (flagged["trade_date"] < "2020-12-07").all()
    stale = flagged[flagged["trade_date"] < "2020-12-02"]  # last fetched before the ex-date
    assert len(stale) > 100 and (np.abs(stale["vendor_adj_close"] - stale["close"]) < 1e-9).all()


def test_no_trade_days_carry_the_last_adjusted_close(fixture_builds):
    rows = fixture_builds.project.query(
        "select * from main_intermediate.int_prices_adjusted order by code, trade_date"
    )
    outage = rows[rows["trade_date"] == "2020-10-01"]
    assert len(outage) == len(fixture_lake.CODES) and not outage["is_traded"].any()
    for _, group in rows.groupby("code"):
        previous = group["adj_close"].ffill().shift(1)
        untraded = group[~group["is_traded"] & group["feature_close"].notna()]
        assert (untraded["feature_close"] == previous[untraded.index]).all()
        assert (untraded["feature_volume"] == 0).all()
        assert (
            untraded[["feature_open", "feature_high", "feature_low"]].to_numpy().T
            == untraded["feature_close"].to_numpy()
        ).all()
    # rows before a code's first trade are outside the feature series
    listed = rows[rows["code"] == "130A0"]
    assert listed.loc[listed["trade_date"] < "2020-06-08", "feature_row_index"].isna().all()
    assert listed.loc[listed["trade_date"] == "2020-06-08", "feature_row_index"].tolist() == [0]


def test_limit_flags(fixture_builds):
    rows = fixture_builds.project.query(
        "select trade_date, hit_upper_limit, hit_lower_limit from main_intermediate.int_prices_adjusted where code = '86970'"
    )
    assert set(rows.loc[rows["hit_upper_limit"], "trade_date"].dt.date) == fixture_lake.LIMIT_UP["86970"]
    assert set(rows.loc[rows["hit_lower_limit"], "trade_date"].dt.date) == fixture_lake.LIMIT_DOWN["86970"]


def ground_truth_bars(market: fixture_lake.Market) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "code": code,
                "trade_date": pd.Timestamp(day),
                "close": bar["c"] if bar["c"] is not None else np.nan,
                "volume": bar["vo"] if bar["vo"] is not None else np.nan,
                "factor": float(market.later_factor(code, day)),
            }
            for (code, day), bar in market.bars.items()
        ]
    )


def test_features_equal_an_independent_implementation(fixture_builds):
    expected = reference_features(ground_truth_bars(fixture_builds.market))
    project = fixture_builds.project
    assert_frames_close(
        project.query("select * from main_intermediate.int_features_technical"), expected, FEATURES
    )
    assert_frames_close(fixture_builds.incremental_features, expected, FEATURES)
    # NULL exactly during warm-up, defined after it
    assert expected.loc[expected["t"] >= 60, list(FEATURES)].notna().all().all()


def test_sma_equals_talib_on_the_adjusted_series(fixture_builds):
    expected = reference_features(ground_truth_bars(fixture_builds.market))
    features = fixture_builds.project.query("select * from main_intermediate.int_features_technical")
    merged = expected[["code", "trade_date", "adjusted_close", "factor"]].merge(
        features, on=["code", "trade_date"]
    )
    for _, group in merged.sort_values(["code", "trade_date"]).groupby("code"):
        for n in (5, 20, 60):
            talib_sma = talib.SMA(group["adjusted_close"].to_numpy(dtype=float), timeperiod=n)
            ours = (group[f"sma_{n}"] * group["factor"]).to_numpy(dtype=float)
            np.testing.assert_allclose(ours, talib_sma, rtol=1e-12, atol=1e-9, equal_nan=True)


@pytest.mark.parametrize("code", ["72030", "99840", "130A0"])
def test_level_features_are_what_was_computable_on_their_date(fixture_builds, code):
    """sma_* on date D equals the SMA over the data known at D, adjusted with the splits known at D."""
    market = fixture_builds.market
    features = fixture_builds.project.query(f"select * from main_marts.ml_features where code = '{code}'")
    features["day"] = features["trade_date"].dt.date
    days = [d for d in market.business_days() if (code, d) in market.bars]
    checked = 0
    for day in days:
        row = features[features["day"] == day]
        if row.empty or pd.isna(row["sma_20"].iloc[0]):
            continue
        history = [d for d in days if d <= day]
        closes = [market.bars[(code, d)]["c"] for d in history]
        known = [
            None if c is None else float(Fraction(c) * market.later_factor(code, d, known_on=day))
            for c, d in zip(closes, history)
        ]
        series = pd.Series(known, dtype=float).ffill().dropna()
        for n in (5, 20):
            assert row[f"sma_{n}"].iloc[0] == pytest.approx(series.iloc[-n:].mean(), rel=1e-12), (day, n)
        checked += 1
    assert checked > 100


def test_incremental_equals_full_refresh(fixture_builds):
    incremental = fixture_builds.incremental_features
    full = fixture_builds.full_refresh_features
    assert len(incremental) == len(full) > 0
    assert_frames_close(incremental, full, [*FEATURES, "close", "adj_close"], atol=0, rtol=1e-15)
    # every column: the rows before the families' recomputed dates keep their stored features
    # and get new labels (which look forward into the new dates); the others are recomputed
    assert list(incremental.columns) == list(full.columns)
    assert_frames_close(incremental, full, mart_value_columns(full), atol=1e-12, rtol=1e-9)
    # the first build stopped at the cut; the incremental one added the rest, and re-adjusted
    # the whole history of the code that split after the cut
    first = fixture_builds.first_features
    assert first["trade_date"].max().date() == CUT_DAY
    before_split = incremental[(incremental["code"] == "72030") & (incremental["trade_date"] < "2020-10-01")]
    assert np.allclose(before_split["adj_close"], before_split["close"] * 0.5)


def test_rebuilding_leaves_row_counts_unchanged(fixture_builds):
    counts = fixture_builds.counts_after_incremental
    assert counts == fixture_builds.counts_after_rerun
    n_days = len(fixture_lake.Market.business_days())
    assert (
        counts["stg_jquants__daily_bars"] == counts["int_prices_adjusted"] == n_days * len(fixture_lake.CODES)
    )
    assert counts["ml_features"] == counts["int_features_technical"] == n_days * len(fixture_lake.CODES) - 5
    assert counts["int_trading_calendar"] == len(fixture_lake.calendar_dates())


def test_as_known_at_and_without_other_codes_gives_the_same_features(fixture_builds, tmp_path):
    """A lake of two of the codes, with every load, rebuilt with var('as_known_at') at the cut,
    gives exactly what the five-code lake gave when it held only the loads up to the cut: the
    var rebuilds the past, and a code's features never depend on another code's rows."""
    codes = ("13010", "72030")
    fixture_lake.write_lake(tmp_path / "lake", codes=codes)
    subset = DbtProject(workdir=tmp_path, lake_url=str(tmp_path / "lake"))
    models_and_seeds = ("--resource-type", "model", "--resource-type", "seed")
    subset.dbt("build", "--select", "+ml_features", *models_and_seeds, dbt_vars={"as_known_at": CUT})

    code, day = fixture_lake.CORRECTED
    bars = subset.query(
        f"select close from main_staging.stg_jquants__daily_bars where code = '{code}' and trade_date = '{day}'"
    )
    assert bars["close"].tolist() == [fixture_builds.market.bars[(code, day)]["c"] + 10.0]  # as known then

    alone = subset.query("select * from main_marts.ml_features")
    together = fixture_builds.first_features[fixture_builds.first_features["code"].isin(codes)]
    assert set(alone["code"]) == set(codes) and len(alone) == len(together)
    assert_frames_close(alone, together, [*FEATURES, "close", "adj_close"], atol=0, rtol=0)
