"""Shared builds of the point-in-time tests: the real simulator, the real ingest, real dbt.

One lake (tests/pit/pit_scenario.py) and three builds of it, shared by every test of the folder:
`before` (built after the history loads, before the vendor's corrections), `after` (the default
build once the corrections are loaded) and `as_known` (built after the corrections too, with
`as_known_at` = a moment between the history loads and the corrections). dbt invocations cost
seconds each on a shared machine, so these are session fixtures.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dbt"))

import pit_scenario as scenario
from dbt_harness import DbtProject, environment

# The nodes these tests read: every point-in-time model, the staging models, and the features.
SELECT = (
    "--select", "staging", "+models/intermediate/pit", "+ml_features",
    # only the tests of these nodes, not tests that also read nodes outside the selection
    "--indirect-selection", "cautious",
)  # fmt: skip
TABLES = ("--select", "+models/intermediate/pit", "+ml_features")
OUR_NODES = (
    "--select", "models/intermediate/pit", "models/staging/jquants/base", "stg_jquants__investor_types",
    "stg_jquants__dividends", "stg_jquants__fin_summary", "stg_jquants__margin_interest",
    "stg_jquants__trade_breakdown", "--indirect-selection", "cautious",
)  # fmt: skip
NO_TESTS = ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
SNAPSHOT_TABLES = {
    "ml_features": "main_marts.ml_features",
    "int_features_technical": "main_intermediate.int_features_technical",
    "int_prices_total_return": "main_intermediate.int_prices_total_return",
    "stg_jquants__daily_bars": "main_staging.stg_jquants__daily_bars",
    "stg_jquants__dividends": "main_staging.stg_jquants__dividends",
    "stg_jquants__margin_interest": "main_staging.stg_jquants__margin_interest",
    "stg_jquants__trade_breakdown": "main_staging.stg_jquants__trade_breakdown",
}
KEYS = {
    "stg_jquants__dividends": ["corporate_action_reference_number"],
    "stg_jquants__margin_interest": ["code", "record_date"],
}


def snapshot(project: DbtProject) -> dict[str, pd.DataFrame]:
    out = {}
    for name, relation in SNAPSHOT_TABLES.items():
        keys = ", ".join(KEYS.get(name, ["code", "trade_date"]))
        out[name] = project.query(f"select * from {relation} order by {keys}")
    return out


@dataclass
class PitBuilds:
    project: DbtProject  # holds the `after` build
    vendor: scenario.Vendor  # corrected
    truth_before: pd.DataFrame  # ground-truth bars served before the correction
    truth_after: pd.DataFrame  # and after
    as_known_at: str
    before: dict[str, pd.DataFrame]
    after_build: object
    after: dict[str, pd.DataFrame]
    as_known: dict[str, pd.DataFrame]
    as_known_project: DbtProject
    seconds: dict[str, float]


@pytest.fixture(scope="session")
def pit_builds(tmp_path_factory: pytest.TempPathFactory) -> PitBuilds:
    from ingest.pipeline import run_ingest
    from ingest.settings import get_settings
    from ingest.simulator import SimulatorServer

    seconds: dict[str, float] = {}
    clock = time.monotonic()

    def lap(name: str) -> None:
        nonlocal clock
        seconds[name] = round(time.monotonic() - clock, 1)
        clock = time.monotonic()

    workdir = tmp_path_factory.mktemp("pit")
    for name in ("default", "as_known"):
        (workdir / name).mkdir()
    project = DbtProject(workdir=workdir / "default", lake_url=str(workdir / "lake"))
    ingest_env = {**project.env(), "DLT_PIPELINES_DIR": str(workdir / "dlt"), "GOGOOKU3_NO_DOTENV": "1"}
    vendor = scenario.make_vendor()

    def ingest(window: tuple[dt.date, dt.date], datasets: list[str] | None = None) -> None:
        with environment(ingest_env), SimulatorServer(vendor.market, api_key=scenario.API_KEY) as server:
            result = run_ingest(
                get_settings(), *window, datasets, base_url=server.base_url, api_key=scenario.API_KEY
            )
        assert not result.quarantined and not result.skipped, result

    ingest(scenario.PRE_WINDOW, ["trading_calendar", "fin_summary", "dividends"])
    everything_but_breakdown = [
        "trading_calendar", "equities_master", "daily_bars", "topix", "investor_types", "dividends",
        "fin_summary", "margin_interest",
    ]  # fmt: skip
    ingest(scenario.WINDOW, everything_but_breakdown)
    ingest(scenario.BREAKDOWN_WINDOW, ["trade_breakdown"])
    truth_before = vendor.market.bars_frame()
    lap("ingest history")

    project.dbt("build", *SELECT, *NO_TESTS)
    before = snapshot(project)
    lap("build before the corrections")

    time.sleep(1.0)
    as_known_at = dt.datetime.now(dt.UTC).isoformat()
    time.sleep(1.0)
    vendor.corrected = True
    ingest(scenario.CORRECTION_WINDOW, scenario.CORRECTION_DATASETS)
    truth_after = vendor.market.bars_frame()
    lap("ingest corrections")

    # staging models are views (they read the lake when queried): only the tables are rebuilt
    project.dbt("build", *TABLES, *NO_TESTS, "--full-refresh")
    after = snapshot(project)
    after_build = project.dbt("test", *OUR_NODES)
    lap("build after the corrections, and the data tests of the point-in-time models")

    as_known_project = DbtProject(workdir=workdir / "as_known", lake_url=str(workdir / "lake"))
    as_known_project.dbt("build", *SELECT, *NO_TESTS, dbt_vars={"as_known_at": as_known_at})
    as_known = snapshot(as_known_project)
    lap("build as known before the corrections")

    return PitBuilds(
        project=project,
        vendor=vendor,
        truth_before=truth_before,
        truth_after=truth_after,
        as_known_at=as_known_at,
        before=before,
        after_build=after_build,
        after=after,
        as_known=as_known,
        as_known_project=as_known_project,
        seconds=seconds,
    )
