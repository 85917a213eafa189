"""Bulk and REST give identical staging rows: the same range backfilled both ways by the real
`run_backfill` (whole months from the bulk CSV files, or everything through REST), read by the real
staging model (the view of the point-in-time builds, queried over each lake in turn)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pit_scenario as scenario
import pytest
from dbt_harness import environment

# February 2025 is a whole month (bulk file); the edges of January and March come through REST.
BACKFILL = (dt.date(2025, 1, 29), dt.date(2025, 3, 4))
DATASETS = ["trading_calendar", "daily_bars"]
LINEAGE = ["ingest_source", "ingested_at", "dlt_load_id"]


@pytest.fixture(scope="module")
def staged_both_ways(tmp_path_factory, pit_builds) -> dict[str, pd.DataFrame]:
    from ingest.bulk import run_backfill
    from ingest.settings import get_settings
    from ingest.simulator import Market, SimulatorServer

    root = tmp_path_factory.mktemp("pit_bulk_rest")
    market = Market(seed=scenario.SEED, n_codes=scenario.N_CODES, start=scenario.SERVED_FROM, end=BACKFILL[1])
    results = {}
    for way, use_bulk in (("bulk", True), ("rest", False)):
        env = {
            "LAKE_URL": str(root / way),
            "DLT_PIPELINES_DIR": str(root / f"dlt-{way}"),
            "GOGOOKU3_NO_DOTENV": "1",
            "DUCKDB_PATH": str(root / "unused.duckdb"),
        }
        with environment(env), SimulatorServer(market, api_key=scenario.API_KEY) as server:
            results[way] = run_backfill(
                get_settings(), *BACKFILL, base_url=server.base_url, api_key=scenario.API_KEY,
                progress=False, use_bulk=use_bulk, datasets=DATASETS,
            )  # fmt: skip
    assert len(results["bulk"].bulk_files) == 1 and not results["rest"].bulk_files

    # The staging model of the point-in-time builds is a view over their lake folder: put each
    # backfilled lake in that folder in turn and read the view (no other dbt build needed), then
    # put the scenario's lake back.
    project = pit_builds.project
    lake = Path(project.lake_url)
    held = lake.with_name(lake.name + "-held")
    lake.rename(held)
    staged = {}
    try:
        for way in ("bulk", "rest"):
            shutil.copytree(root / way, lake)
            staged[way] = project.query(
                "select * from main_staging.stg_jquants__daily_bars order by code, trade_date"
            )
            shutil.rmtree(lake)
    finally:
        if lake.exists():
            shutil.rmtree(lake)
        held.rename(lake)
    staged["truth"] = market.bars_frame()
    return staged


def test_bulk_and_rest_give_identical_staging_rows(staged_both_ways):
    bulk, rest = staged_both_ways["bulk"], staged_both_ways["rest"]
    truth = staged_both_ways["truth"]
    truth = truth[(truth["Date"] >= BACKFILL[0]) & (truth["Date"] <= BACKFILL[1])]
    assert len(bulk) == len(rest) == len(truth) > 0
    sources = Counter(s.split(":")[0] for s in bulk["ingest_source"])
    assert set(sources) == {"bulk", "rest"}, "February from the bulk file, the edges through REST"
    assert set(rest["ingest_source"]) == {"rest"}
    pd.testing.assert_frame_equal(bulk.drop(columns=LINEAGE), rest.drop(columns=LINEAGE), check_exact=True)
    assert scenario.LETTER_CODE in set(bulk["code"])
    feb = bulk[bulk["trade_date"].dt.month == 2]
    assert feb["ingest_source"].str.startswith("bulk:").all()
