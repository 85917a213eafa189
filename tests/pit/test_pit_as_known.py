"""What was known when: a vendor correction loaded later changes the default build, and the build
with `as_known_at` before it reproduces the old one exactly. Total return from the dividends'
current state, checked by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pit_scenario as scenario
import pytest


def rows_of(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    out = frame[frame["code"] == code].copy()
    out["day"] = out["trade_date"].dt.date
    return out.set_index("day")


@pytest.mark.parametrize(
    "table",
    [
        "ml_features",
        "int_features_technical",
        "int_prices_total_return",
        "stg_jquants__daily_bars",
        "stg_jquants__dividends",
    ],
)
def test_the_build_as_known_before_the_correction_reproduces_the_old_build(pit_builds, table):
    old, as_known = pit_builds.before[table], pit_builds.as_known[table]
    assert len(old) > 0
    # equal to the last bits but for the order of floating-point sums in parallel aggregates
    # (the cross-sectional z-scores of ml_features)
    pd.testing.assert_frame_equal(old, as_known, check_exact=False, rtol=1e-12, atol=1e-12)


def test_the_corrected_bar_changes_the_default_build_from_its_day_on(pit_builds):
    code, day = scenario.LETTER_CODE, scenario.CORRECTED_BAR_DAY
    old_bars, new_bars = (
        rows_of(b["stg_jquants__daily_bars"], code) for b in (pit_builds.before, pit_builds.after)
    )
    truth_old = pit_builds.truth_before.set_index(["Code", "Date"]).loc[(code, day)]
    truth_new = pit_builds.truth_after.set_index(["Code", "Date"]).loc[(code, day)]
    assert old_bars.loc[day, "close"] == truth_old["C"]
    assert (
        new_bars.loc[day, "close"]
        == truth_new["C"]
        == round(truth_old["C"] * scenario.CORRECTED_BAR_SCALE, 1)
    )
    assert new_bars.loc[day, "ingested_at"] > old_bars.loc[day, "ingested_at"]
    other_days = old_bars.index != day
    pd.testing.assert_series_equal(old_bars.loc[other_days, "close"], new_bars.loc[other_days, "close"])

    for table in ("int_features_technical", "ml_features"):
        old, new = rows_of(pit_builds.before[table], code), rows_of(pit_builds.after[table], code)
        assert list(old.index) == list(new.index)
        before_day = old.index < day
        # nothing before the corrected day moves (no look-ahead) … but the labels, which look
        # forward by design
        features = [c for c in old.columns if not c.startswith("label_")]
        pd.testing.assert_frame_equal(
            old.loc[before_day, features],
            new.loc[before_day, features],
            check_exact=False,
            rtol=1e-12,
            atol=1e-12,
        )
        # … the day itself and the windows that hold it do
        for feature in ("ret_1d", "sma_5", "sma_20"):
            assert old.loc[day, feature] != new.loc[day, feature], (table, feature)
        expected = np.log(
            new_bars.loc[day, "close"] / new_bars.loc[new_bars.index < day, "close"].dropna().iloc[-1]
        )
        assert new.loc[day, "ret_1d"] == pytest.approx(expected, rel=1e-12)
        assert old.loc[day, "ret_1d"] == pytest.approx(
            np.log(truth_old["C"] / old_bars.loc[old_bars.index < day, "close"].dropna().iloc[-1]), rel=1e-12
        )
    # other codes are untouched (but 40070, whose weekly margin balance the vendor corrected too)
    margin_day, margin_code = scenario.CORRECTED_MARGIN
    for table in ("int_features_technical", "ml_features"):
        old, new = pit_builds.before[table], pit_builds.after[table]
        others = [c for c in old.columns if not c.startswith("cs_")]  # cross-sectional: 130A0 is in them
        untouched_old = old[(old["code"] != code) & (old["code"] != margin_code)]
        untouched_new = new[(new["code"] != code) & (new["code"] != margin_code)]
        pd.testing.assert_frame_equal(
            untouched_old[others].reset_index(drop=True),
            untouched_new[others].reset_index(drop=True),
            check_exact=False,
            rtol=1e-12,
            atol=1e-12,
        )
    # 40070: its long balance doubled in the corrected record of margin_day, so its long/short ratio
    # doubles from the day that record is usable on, never before; its other features do not move
    old, new = (rows_of(b["ml_features"], margin_code) for b in (pit_builds.before, pit_builds.after))
    assert list(old.index) == list(new.index)
    changed = ~np.isclose(old["margin_long_short_ratio"], new["margin_long_short_ratio"], rtol=1e-12, equal_nan=True)
    assert changed.any()
    assert min(old.index[changed]) > margin_day
    np.testing.assert_allclose(
        new.loc[changed, "margin_long_short_ratio"], 2 * old.loc[changed, "margin_long_short_ratio"], rtol=1e-12
    )
    non_margin = [c for c in old.columns if not c.startswith(("margin_", "short_", "cs_", "label_"))]
    pd.testing.assert_frame_equal(old[non_margin], new[non_margin], check_exact=False, rtol=1e-12, atol=1e-12)


def test_as_known_at_restricts_every_load_after_it(pit_builds):
    project = pit_builds.as_known_project
    latest = project.query("select max(ingested_at) as t from main_staging.stg_jquants__daily_bars")[
        "t"
    ].iloc[0]
    assert latest <= pd.Timestamp(pit_builds.as_known_at)
    withdrawn = scenario.WITHDRAWN_DIVIDEND["CARefNo"]
    live = project.query("select corporate_action_reference_number from main_staging.stg_jquants__dividends")
    assert withdrawn in set(live["corporate_action_reference_number"]), "the deletion was not known yet"


# --------------------------------------------------------------------------- total return by hand
def test_total_return_split_and_dividend_in_the_same_month(pit_builds):
    """40010: 1→2 split ex 2025-03-27, 20-yen dividend ex 2025-03-28 (the scripted notice); the
    15-yen dividend ex 2025-06-27 was deleted (StatCode 3) by a later notice: no effect."""
    series = rows_of(pit_builds.after["int_prices_total_return"], scenario.SPLIT_CODE)
    truth = pit_builds.truth_after.set_index(["Code", "Date"]).loc[scenario.SPLIT_CODE]["C"]
    split_day, ex_day = scenario.SPLIT_EX_DATE, dt.date(2025, 3, 28)
    c_prev = truth[split_day]  # the close before the dividend's ex-date: the split day's, post-split
    assert c_prev == 617.0 and truth[dt.date(2025, 3, 26)] == 1220.0
    dividend_factor = 1 - 20.0 / 617.0  # 0.967585089…

    assert series.loc[ex_day, "dividend_per_share"] == 20.0
    assert series.loc[ex_day, "dividend_previous_close"] == 617.0
    assert series.loc[ex_day, "dividend_adj_factor"] == pytest.approx(dividend_factor, rel=1e-15)
    assert series.loc[split_day, "adj_factor"] == 0.5
    # by hand, three days around the events
    assert series.loc[dt.date(2025, 3, 26), "total_return_close"] == pytest.approx(
        1220.0 * 0.5 * dividend_factor, rel=1e-14
    )
    assert series.loc[split_day, "total_return_close"] == pytest.approx(617.0 * dividend_factor, rel=1e-14)
    assert series.loc[ex_day, "total_return_close"] == truth[ex_day]
    # every row: before the split both factors, on it the dividend's, from the ex-date none
    for day_, row in series.iterrows():
        factor = (0.5 if day_ < split_day else 1.0) * (dividend_factor if day_ < ex_day else 1.0)
        assert row["total_return_close"] == pytest.approx(truth[day_] * factor, rel=1e-14), day_
        assert row["adj_close"] == pytest.approx(truth[day_] * (0.5 if day_ < split_day else 1.0), rel=1e-15)
    # the withdrawn dividend has no effect
    withdrawn_ex = dt.date(2025, 6, 27)
    assert pd.isna(series.loc[withdrawn_ex, "dividend_per_share"])
    assert series.loc[withdrawn_ex, "dividend_adj_factor"] == 1.0


def test_the_withdrawn_dividend_applied_while_it_was_known(pit_builds):
    """As known before the deletion notice, 40010's 15-yen dividend ex 2025-06-27 still adjusts."""
    old = rows_of(pit_builds.as_known["int_prices_total_return"], scenario.SPLIT_CODE)
    new = rows_of(pit_builds.after["int_prices_total_return"], scenario.SPLIT_CODE)
    ex_day = dt.date(2025, 6, 27)
    c_prev = old.loc[old.index < ex_day, "close"].dropna().iloc[-1]
    factor = 1 - 15.0 / c_prev
    assert old.loc[ex_day, "dividend_adj_factor"] == pytest.approx(factor, rel=1e-15)
    before = old.index < ex_day
    np.testing.assert_allclose(
        old.loc[before, "total_return_close"], new.loc[before, "total_return_close"] * factor, rtol=1e-14
    )
    pd.testing.assert_series_equal(
        old.loc[~before, "total_return_close"], new.loc[~before, "total_return_close"]
    )


def test_total_return_equals_the_split_series_without_dividends(pit_builds):
    frame = pit_builds.after["int_prices_total_return"]
    payers = set(
        pit_builds.project.query(
            "select distinct code from main_intermediate.int_dividends_current where dividend_per_share > 0"
            " and ex_date between (select min(trade_date) from main_intermediate.int_prices_total_return)"
            " and (select max(trade_date) from main_intermediate.int_prices_total_return)"
        )["code"]
    )
    assert scenario.SPLIT_CODE in payers and len(payers) >= 3
    none = frame[~frame["code"].isin(payers)]
    assert len(none) > 0
    np.testing.assert_array_equal(none["cumulative_total_return_factor"], none["cumulative_adj_factor"])
    traded = frame[frame["is_traded"]]
    # a dividend only ever lowers earlier rows: the total-return factor is at most the split factor
    assert (traded["cumulative_total_return_factor"] <= traded["cumulative_adj_factor"] + 1e-15).all()
