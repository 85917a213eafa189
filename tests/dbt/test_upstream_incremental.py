"""The incremental upstream tables equal their full rebuild, after daily loads that bring a split.

The real ingest from the bundled simulator (tests/dbt/simulated_lake.py) writes a history load,
then two later loads that each re-fetch a week (new versions of stored bars) and add new days: the
first brings 40020's reverse split (2025-07-30, a factor on a new row that changes the code's
whole history) and 147A0's listing, the second only new days. After each load the upstream models
are built incrementally (int_daily_bars_checked, int_prices_adjusted; int_universe,
int_daily_bars_quarantine and int_daily_bars_validated read them); then a --full-refresh of the same
models must give identical tables.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import simulated_lake as sim
from dbt_harness import DbtProject, environment

SELECT = ("--select", "+int_prices_adjusted", "+int_universe", "+int_daily_bars_quarantine")
NO_TESTS = ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
SPLIT_LOAD_END = dt.date(2025, 7, 31)  # after 40020's reverse split on 2025-07-30
TABLES = {
    "int_daily_bars_checked": ("main_intermediate", ["code", "trade_date"]),
    "int_daily_bars_quarantine": ("main_intermediate", ["code", "trade_date"]),
    "int_daily_bars_validated": ("main_intermediate", ["code", "trade_date"]),
    "int_prices_adjusted": ("main_intermediate", ["code", "trade_date"]),
    "int_universe": ("main_intermediate", ["trade_date", "code"]),
}


def tables(project: DbtProject) -> dict[str, pd.DataFrame]:
    return {
        name: project.query(f"select * from {schema}.{name} order by {', '.join(keys)}")
        for name, (schema, keys) in TABLES.items()
    }


@pytest.fixture(scope="module")
def upstream_builds(tmp_path_factory: pytest.TempPathFactory):
    simulator = pytest.importorskip("ingest.simulator")
    pipeline = pytest.importorskip("ingest.pipeline")
    from ingest.settings import get_settings

    workdir = tmp_path_factory.mktemp("upstream_incremental")
    project = DbtProject(workdir=workdir, lake_url=str(workdir / "lake"))
    ingest_env = {**project.env(), "DLT_PIPELINES_DIR": str(workdir / "dlt"), "GOGOOKU3_NO_DOTENV": "1"}

    def ingest(start: dt.date, end: dt.date) -> None:
        market = simulator.Market(
            seed=sim.SIMULATOR_SEED, n_codes=sim.SIMULATOR_CODES, start=sim.SIMULATOR_START, end=end
        )
        with environment(ingest_env), simulator.SimulatorServer(market, api_key=sim.SIMULATOR_KEY) as server:
            pipeline.run_ingest(
                get_settings(), start, end, base_url=server.base_url, api_key=sim.SIMULATOR_KEY
            )

    ingest(sim.SIMULATOR_START, sim.SIMULATOR_FIRST_END)
    project.dbt("build", *SELECT, *NO_TESTS)
    before_split = tables(project)
    ingest(sim.SIMULATOR_FIRST_END - dt.timedelta(days=7), SPLIT_LOAD_END)
    project.dbt("build", *SELECT, *NO_TESTS)
    ingest(SPLIT_LOAD_END - dt.timedelta(days=7), sim.SIMULATOR_SECOND_END)
    project.dbt("build", *SELECT, *NO_TESTS)
    incremental = tables(project)
    project.dbt("build", *SELECT, *NO_TESTS, "--full-refresh")
    return before_split, incremental, tables(project)


def test_the_loads_bring_a_split_that_rescales_a_code_history(upstream_builds):
    before_split, incremental, _ = upstream_builds
    prices = incremental["int_prices_adjusted"]
    split = prices[(prices["code"] == "40020") & (prices["adj_factor"] != 1)]
    assert dt.date(2025, 7, 30) in set(pd.to_datetime(split["trade_date"]).dt.date)
    old = before_split["int_prices_adjusted"]
    first_day = old[old["code"] == "40020"]["trade_date"].min()

    def factor(frame: pd.DataFrame) -> float:
        row = frame[(frame["code"] == "40020") & (frame["trade_date"] == first_day)]
        return row["cumulative_adj_factor"].item()

    assert factor(old) != factor(prices)  # the split reached back to the code's first row


@pytest.mark.parametrize("name", list(TABLES))
def test_incremental_upstream_equals_full_rebuild(upstream_builds, name):
    _, incremental, full = upstream_builds
    assert len(incremental[name]) == len(full[name])
    pd.testing.assert_frame_equal(
        incremental[name].reset_index(drop=True), full[name].reset_index(drop=True), check_exact=True
    )
