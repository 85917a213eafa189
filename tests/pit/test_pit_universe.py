"""int_universe (the master snapshot of each date, no survivorship) and a letter code through every
layer."""

from __future__ import annotations

import datetime as dt

import duckdb
import pit_scenario as scenario


def test_the_universe_of_each_date_is_that_dates_master_snapshot(pit_builds):
    market = pit_builds.vendor.market
    universe = pit_builds.project.query("select * from main_intermediate.int_universe")
    universe["day"] = universe["trade_date"].dt.date
    days = [d for d in market.business_days() if scenario.WINDOW[0] <= d <= scenario.WINDOW[1]]
    assert sorted(universe["day"].unique()) == days
    for day in days[::5] + [scenario.LAST_LISTED_DAY, days[-1]]:
        truth = market.master_frame(day)
        ours = universe[universe["day"] == day].sort_values("code")
        assert list(ours["code"]) == sorted(truth["Code"]), day
        expected = dict(zip(truth["Code"], zip(truth["Mkt"], truth["S33"], strict=True), strict=True))
        got = dict(
            zip(ours["code"], zip(ours["market_code"], ours["sector33_code"], strict=True), strict=True)
        )
        assert got == expected, day
    assert universe["has_bar"].all()


def test_a_code_delisted_mid_range_is_listed_up_to_its_last_day_and_absent_after(pit_builds):
    universe = pit_builds.project.query(
        "select trade_date, is_listed_next_business_day from main_intermediate.int_universe"
        f" where code = '{scenario.DELISTED_CODE}' order by trade_date"
    )
    days = list(universe["trade_date"].dt.date)
    assert days[0] == scenario.WINDOW[0]
    assert days[-1] == scenario.LAST_LISTED_DAY < scenario.WINDOW[1]
    all_days = pit_builds.project.query(
        "select distinct trade_date from main_intermediate.int_universe order by 1"
    )["trade_date"].dt.date
    assert days == [d for d in all_days if d <= scenario.LAST_LISTED_DAY], "every day up to the last"
    assert list(universe["is_listed_next_business_day"].iloc[-2:]) == [True, False]
    # the code kept trading up to that day and its features stop there too
    features = pit_builds.project.query(
        f"select max(trade_date) as last from main_marts.ml_features where code = '{scenario.DELISTED_CODE}'"
    )
    assert features["last"].iloc[0].date() == scenario.LAST_LISTED_DAY
    # today's list would not have it: survivorship would have dropped it from every date
    assert scenario.DELISTED_CODE not in set(
        pit_builds.vendor.market.master_frame(scenario.WINDOW[1])["Code"]
    )


def test_the_section_is_taken_as_of_each_date(pit_builds):
    universe = pit_builds.project.query("select * from main_intermediate.int_universe")
    sections = {
        "0111": "TSEPrime", "0112": "TSEStandard", "0113": "TSEGrowth", "0101": "TSE1st",
        "0102": "TSE2nd", "0104": "TSEMothers", "0106": "TSEJASDAQ", "0107": "TSEJASDAQ",
    }  # fmt: skip
    assert (universe["investor_types_section"] == universe["market_code"].map(sections)).all()
    flows = pit_builds.project.query("select distinct section from main_intermediate.int_investor_types_asof")
    assert set(universe["investor_types_section"]) <= set(flows["section"])


LETTER_TABLES = {
    "main_staging.stg_jquants__daily_bars": "code",
    "main_staging.stg_jquants__equities_master": "code",
    "main_staging.stg_jquants__trade_breakdown": "code",
    "main_staging.stg_jquants__fin_summary": "code",
    "main_staging.stg_jquants__dividends": "code",
    "main_staging.base_jquants__dividends": "code",
    "main_intermediate.int_universe": "code",
    "main_intermediate.int_prices_adjusted": "code",
    "main_intermediate.int_prices_total_return": "code",
    "main_intermediate.int_dividends_current": "code",
    "main_intermediate.int_fin_summary_current": "code",
    "main_intermediate.int_features_technical": "code",
    "main_marts.ml_features": "code",
}


def test_a_letter_code_flows_through_every_layer_as_a_string(pit_builds):
    project = pit_builds.project
    code = scenario.LETTER_CODE
    lake = pit_builds.project.lake_url
    for table in ("daily_bars", "equities_master", "dividends", "fin_summary", "trade_breakdown"):
        kind, count = (
            duckdb.connect()
            .execute(
                f"select typeof(code), count(*) from read_parquet('{lake}/jquants_raw/{table}/*.parquet')"
                " where code = ? group by 1",
                [code],
            )
            .fetchone()
        )
        assert kind == "VARCHAR" and count > 0, table
    types = project.query(
        "select table_schema || '.' || table_name as relation, data_type from information_schema.columns"
        " where column_name = 'code'"
    )
    types = dict(zip(types["relation"], types["data_type"], strict=True))
    for relation, column in LETTER_TABLES.items():
        assert types[relation] == "VARCHAR", relation
        rows = project.query(f"select {column} from {relation} where {column} = '{code}'")
        assert len(rows) > 0, relation
        assert {type(v) for v in rows[column]} == {str} and set(rows[column]) == {code}, relation
    # and it trades: features exist from its first bar in the window on
    first = project.query(
        f"select min(trade_date) as d from main_marts.ml_features where code = '{code}' and ret_1d is not null"
    )
    assert first["d"].iloc[0].date() <= scenario.WINDOW[0] + dt.timedelta(days=7)
