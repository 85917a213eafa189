"""Shared set-up of the dbt tests: real dbt (in-process `dbtRunner`) on real DuckDB files built
from real Parquet lakes under tmp paths.

dbt invocations cost seconds each, so the builds are session fixtures that the tests share:
`fixture_builds` plays the daily cycle on the pyarrow fixture lake (tests/dbt/fixture_lake.py):
a first build on the loads fetched up to a cut-off day, an incremental build after the later loads
are appended, a re-run, and a full refresh of the mart, keeping a snapshot of each step. `simulator_builds` does the
same on a lake written by the real ingest from the bundled J-Quants simulator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import fixture_lake
import pandas as pd
import pytest
import simulated_lake as sim
from dbt_harness import NO_UNIT_TESTS, SKELETON, DbtProject, environment
from fixture_lake import CUT_DAY


@dataclass
class FixtureBuilds:
    """What each step of the fixture-lake cycle produced."""

    project: DbtProject
    market: fixture_lake.Market
    first_build: object
    first_features: pd.DataFrame
    first_bars: pd.DataFrame
    incremental_build: object
    incremental_features: pd.DataFrame
    counts_after_incremental: dict[str, int]
    rerun_build: object
    counts_after_rerun: dict[str, int]
    full_refresh_features: pd.DataFrame


def mart_snapshot(project: DbtProject) -> pd.DataFrame:
    return project.query("select * from main_marts.ml_features order by code, trade_date")


@pytest.fixture(scope="session")
def fixture_builds(tmp_path_factory: pytest.TempPathFactory) -> FixtureBuilds:
    workdir = tmp_path_factory.mktemp("dbt_fixture_lake")
    lake = workdir / "lake"
    project = DbtProject(workdir=workdir, lake_url=str(lake))

    market = fixture_lake.write_lake(lake, fetched_until=CUT_DAY)
    first = project.dbt("build")  # the whole project, unit tests included
    first_features = mart_snapshot(project)
    first_bars = project.query("select * from main_staging.stg_jquants__daily_bars order by code, trade_date")

    fixture_lake.write_lake(lake, fetched_after=CUT_DAY)  # the daily loads since, appended
    incremental = project.dbt("build", *SKELETON, *NO_UNIT_TESTS)
    incremental_features = mart_snapshot(project)
    counts_incremental = project.row_counts()

    rerun = project.dbt("build", *SKELETON, *NO_UNIT_TESTS)
    counts_rerun = project.row_counts()

    project.dbt("run", "--select", "ml_features", "--full-refresh")
    full_refresh_features = mart_snapshot(project)
    return FixtureBuilds(
        project=project,
        market=market,
        first_build=first,
        first_features=first_features,
        first_bars=first_bars,
        incremental_build=incremental,
        incremental_features=incremental_features,
        counts_after_incremental=counts_incremental,
        rerun_build=rerun,
        counts_after_rerun=counts_rerun,
        full_refresh_features=full_refresh_features,
    )


# --------------------------------------------------------------------------- the real ingest
@dataclass
class SimulatorBuilds:
    project: DbtProject
    market: object  # ingest.simulator.Market as known at sim.SIMULATOR_SECOND_END
    first_features: pd.DataFrame
    incremental_build: object
    incremental_features: pd.DataFrame
    full_refresh_features: pd.DataFrame


@pytest.fixture(scope="session")
def simulator_builds(tmp_path_factory: pytest.TempPathFactory) -> SimulatorBuilds:
    simulator = pytest.importorskip("ingest.simulator")
    pipeline = pytest.importorskip("ingest.pipeline")
    from ingest.settings import get_settings

    workdir = tmp_path_factory.mktemp("dbt_simulator_lake")
    project = DbtProject(workdir=workdir, lake_url=str(workdir / "lake"))
    ingest_env = {**project.env(), "DLT_PIPELINES_DIR": str(workdir / "dlt"), "GOGOOKU3_NO_DOTENV": "1"}

    def ingest(end: dt.date, start: dt.date):
        market = simulator.Market(
            seed=sim.SIMULATOR_SEED, n_codes=sim.SIMULATOR_CODES, start=sim.SIMULATOR_START, end=end
        )
        with environment(ingest_env), simulator.SimulatorServer(market, api_key=sim.SIMULATOR_KEY) as server:
            pipeline.run_ingest(
                get_settings(), start, end, base_url=server.base_url, api_key=sim.SIMULATOR_KEY
            )
        return market

    ingest(sim.SIMULATOR_FIRST_END, sim.SIMULATOR_START)
    project.dbt("build", *SKELETON, *NO_UNIT_TESTS)
    first_features = mart_snapshot(project)

    market = ingest(sim.SIMULATOR_SECOND_END, sim.SIMULATOR_FIRST_END - dt.timedelta(days=7))
    incremental = project.dbt("build", *SKELETON, *NO_UNIT_TESTS)
    incremental_features = mart_snapshot(project)

    project.dbt("run", "--select", "ml_features", "--full-refresh")
    return SimulatorBuilds(
        project=project,
        market=market,
        first_features=first_features,
        incremental_build=incremental,
        incremental_features=incremental_features,
        full_refresh_features=mart_snapshot(project),
    )
