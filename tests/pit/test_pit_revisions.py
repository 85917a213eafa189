"""Each dataset's revisions resolve to its current state in staging (and intermediate), while the
history stays visible where the dataset has one."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pit_scenario as scenario
import pytest
from dbt_harness import node_statuses


def day(value) -> dt.date:
    return pd.Timestamp(value).date()


def test_the_build_and_its_data_tests_pass(pit_builds):
    statuses = node_statuses(pit_builds.after_build)
    assert set(statuses.values()) <= {"success", "pass"}, {
        k: v for k, v in statuses.items() if v not in ("success", "pass")
    }
    pit_nodes = [n for n in statuses if "pit" in n or "investor" in n or "dividend" in n or "universe" in n]
    assert len(pit_nodes) > 15, "the point-in-time models and their tests ran"
    assert any(n.startswith("expect_columns_not_null_int_universe") for n in pit_nodes), pit_nodes


def test_investor_types_current_state_is_the_latest_publication(pit_builds):
    truth = pit_builds.vendor.market.investor_types_frame()
    truth = truth[truth["PubDate"] >= scenario.WINDOW[0]]  # published within the loads
    key = ["Section", "StDate", "EnDate"]
    revised = truth[truth.duplicated(key, keep=False)]
    assert revised["Section"].nunique() >= 2, "the window holds revisions of several sections"
    latest = truth.sort_values("PubDate").groupby(key, as_index=False).last()

    project = pit_builds.project
    current = project.query("select * from main_staging.stg_jquants__investor_types")
    current = current[current["published_date"].dt.date >= scenario.WINDOW[0]]
    merged = latest.merge(
        current.assign(
            Section=current["section"],
            StDate=current["week_start_date"].dt.date,
            EnDate=current["week_end_date"].dt.date,
        ),
        on=key,
        how="inner",
    )
    assert len(merged) == len(latest)
    assert (merged["published_date"].dt.date == merged["PubDate"]).all()
    assert (merged["foreigners_net_buy_jpy_thousands"] == merged["FrgnBal"]).all()
    assert (merged["total_total_jpy_thousands"] == merged["TotTot"]).all()
    revised_keys = revised[key].drop_duplicates()
    flagged = merged.merge(revised_keys, on=key)
    assert (flagged["revision_number"] >= 1).all() and len(flagged) == len(revised_keys)

    history = project.query(
        "select * from main_intermediate.int_investor_types_asof order by section, week_start_date, published_date"
    )
    for row in revised_keys.itertuples():
        versions = history[
            (history["section"] == row.Section) & (history["week_start_date"].dt.date == row.StDate)
        ]
        assert list(versions["revision_number"]) == list(range(len(versions))) and len(versions) >= 2
        assert list(versions["is_current"]) == [False] * (len(versions) - 1) + [True]
        # one version usable at a time: each ends where the next begins
        assert list(versions["usable_until"].iloc[:-1]) == list(versions["usable_from"].iloc[1:])
        assert pd.isna(versions["usable_until"].iloc[-1])


def test_dividends_current_state_per_corporate_action(pit_builds):
    project = pit_builds.project
    notices = project.query("select * from main_staging.base_jquants__dividends")
    current = project.query("select * from main_staging.stg_jquants__dividends")
    # the simulator's revision of 40085's year-end forecast: 39.5, revised to 40.5 on 2025-08-05
    action = notices[(notices["code"] == "40085") & (notices["status_code"] == "2")]
    assert len(action) == 1
    ca_ref = action["corporate_action_reference_number"].iloc[0]
    chain = notices[notices["corporate_action_reference_number"] == ca_ref].sort_values("published_date")
    assert list(chain["dividend_per_share"]) == [39.5, 40.5]
    row = current[current["corporate_action_reference_number"] == ca_ref].iloc[0]
    assert row["dividend_per_share"] == 40.5 and row["status_code"] == "2" and row["notice_count"] == 2
    assert row["reference_number"] == action["reference_number"].iloc[0]
    assert row["first_available_at"] < row["available_at"]
    # a deletion (StatCode 3) withdraws the action: gone from the current state, kept in history
    withdrawn = scenario.WITHDRAWN_DIVIDEND["CARefNo"]
    assert withdrawn not in set(current["corporate_action_reference_number"])
    deleted = notices[notices["corporate_action_reference_number"] == withdrawn].sort_values("published_date")
    assert list(deleted["status_code"]) == ["1", "3"] and list(deleted["is_deleted"]) == [False, True]
    assert deleted["dividend_per_share_status"].iloc[1] == "not_set"
    # one row per corporate action, every live action of the lake
    live = (
        notices.sort_values(["published_date", "available_at", "reference_number"])
        .groupby("corporate_action_reference_number")
        .last()
    )
    assert set(current["corporate_action_reference_number"]) == set(live.index[~live["is_deleted"]])


def test_div_rate_undetermined_is_null_with_its_status(pit_builds):
    notices = pit_builds.project.query(
        "select * from main_staging.base_jquants__dividends where reference_number = '9000000000199'"
    )
    assert len(notices) == 1
    assert pd.isna(notices["dividend_per_share"].iloc[0])
    assert notices["dividend_per_share_status"].iloc[0] == "undetermined"


def test_forecast_and_decision_resolve_to_the_decided_dividend(pit_builds):
    current = pit_builds.project.query("select * from main_intermediate.int_dividends_current")
    truth = pit_builds.vendor.market.dividends_frame()
    truth = truth[(truth["PubDate"] >= scenario.WINDOW[0]) & (truth["PubDate"] <= scenario.WINDOW[1])]
    decided = truth[(truth["FRCode"] == "1") & (truth["StatCode"] != "3")]
    assert len(decided) > 3
    for notice in decided.itertuples():
        row = current[
            (current["code"] == notice.Code)
            & (current["record_date"].dt.date == dt.date.fromisoformat(notice.RecDate))
            & (current["interim_final_code"] == notice.IFCode)
        ]
        assert len(row) == 1, notice
        assert not row["is_forecast"].iloc[0] and row["dividend_per_share"].iloc[0] == notice.DivRate
    assert current.duplicated(["code", "record_date", "interim_final_code"]).sum() == 0


def test_fin_summary_correction_supersedes_the_original(pit_builds):
    vendor = pit_builds.vendor
    original, corrected = scenario.original_document(vendor), vendor.correction_doc
    project = pit_builds.project
    documents = project.query(
        f"select * from main_staging.stg_jquants__fin_summary where code = '{corrected['Code']}'"
    )
    both = documents[documents["disclosure_number"].isin([original["DiscNo"], corrected["DiscNo"]])]
    assert len(both) == 2, "every document stays in staging"
    current = project.query(
        "select * from main_intermediate.int_fin_summary_current"
        f" where code = '{corrected['Code']}' and document_kind = 'financial_statements'"
        f" and period_end_date = '{corrected['CurPerEn']}'"
    )
    assert len(current) == 1
    assert current["disclosure_number"].iloc[0] == corrected["DiscNo"]
    assert current["net_sales"].iloc[0] == corrected["Sales"] == original["Sales"] + 1e6
    assert current["document_count"].iloc[0] == 2
    # a forecast revision is kept apart from the results of the same fiscal year
    kinds = project.query(
        "select document_kind, count(*) as n from main_intermediate.int_fin_summary_current group by 1"
    )
    assert set(kinds["document_kind"]) == {"financial_statements", "forecast_revision"}


@pytest.mark.parametrize(
    ("model", "key", "column", "factor"),
    [
        ("stg_jquants__margin_interest", scenario.CORRECTED_MARGIN, "long_margin_balance_shares", 2.0),
        ("stg_jquants__trade_breakdown", scenario.CORRECTED_BREAKDOWN, "long_sell_volume_shares", None),
    ],
)
def test_margin_and_breakdown_reloads_resolve_to_the_latest_version(pit_builds, model, key, column, factor):
    day_, code = key
    date_column = "record_date" if "margin" in model else "trade_date"
    old = pit_builds.before[model]
    new = pit_builds.after[model]
    pick = lambda frame: frame[(frame["code"] == code) & (frame[date_column].dt.date == day_)]
    assert len(pick(old)) == 1 and len(pick(new)) == 1
    before, after = pick(old)[column].iloc[0], pick(new)[column].iloc[0]
    assert after == (before * factor if factor else before + 100.0)
    assert len(old) == len(new), "a reload replaces, never adds, rows"
    assert pick(new)["ingested_at"].iloc[0] > pick(old)["ingested_at"].iloc[0]
    # nothing else changed
    others = lambda frame: frame.drop(pick(frame).index).drop(columns=["ingested_at", "dlt_load_id"])
    pd.testing.assert_frame_equal(
        others(old).reset_index(drop=True), others(new).reset_index(drop=True), check_like=True
    )
