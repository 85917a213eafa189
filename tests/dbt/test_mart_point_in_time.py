"""ml_features as a whole, every family at once, built by the real project from lakes the real
ingest wrote from the bundled simulator:

- no look-ahead: a lake fetched up to the end of day D (the simulator's "today" = D: nothing
  published after D exists yet) and a lake fetched 30 business days later give the same features
  for every row up to D. Between them 40010 splits (ex-date 2025-03-27: the vendor re-adjusts its
  whole history), weekly investor-type rows are revised, disclosures and dividends arrive. Only the
  `label_*` columns (which look forward by definition) and `adj_close` (the fully adjusted close as
  known at build time) may differ.
- no cross-code leakage: removing half of the codes from every per-code dataset of the later lake
  leaves the remaining codes' features unchanged (cross-sectional ranks and z-scores, which are
  across the universe by definition, excepted).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from dbt_harness import DbtProject, environment

SEED = 42
N_CODES = 10
START = dt.date(2024, 11, 1)
CUT = dt.date(2025, 3, 14)  # day D: a Friday, before 40010's split (2025-03-27)
LATER = dt.date(2025, 4, 25)
KEY = "mart-pit-simulator-key"
BUILD = ("build", "--select", "+ml_features", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
KEEP = ("40010", "40020", "40030", "130A0", "40060")

FORWARD_LOOKING = ("adj_close",)


def _ingest(workdir: Path, end: dt.date) -> DbtProject:
    simulator = pytest.importorskip("ingest.simulator")
    pipeline = pytest.importorskip("ingest.pipeline")
    from ingest.settings import get_settings

    project = DbtProject(workdir=workdir, lake_url=str(workdir / "lake"))
    env = {**project.env(), "DLT_PIPELINES_DIR": str(workdir / "dlt"), "GOGOOKU3_NO_DOTENV": "1"}
    market = simulator.Market(seed=SEED, n_codes=N_CODES, start=START, end=end)
    with environment(env), simulator.SimulatorServer(market, api_key=KEY) as server:
        pipeline.run_ingest(get_settings(), START, end, base_url=server.base_url, api_key=KEY)
    return project


def _features(project: DbtProject) -> pd.DataFrame:
    frame = project.query("select * from main_marts.ml_features order by code, trade_date")
    return frame.set_index(["code", "trade_date"])


def _comparable(frame: pd.DataFrame, exclude_prefixes: tuple[str, ...]) -> list[str]:
    return [
        c for c in frame.columns
        if c not in FORWARD_LOOKING and not c.startswith(("label_", *exclude_prefixes))
    ]  # fmt: skip


def _assert_equal_frames(left: pd.DataFrame, right: pd.DataFrame, columns: list[str]) -> None:
    assert list(left.index) == list(right.index)
    mismatched = {}
    for column in columns:
        a, b = left[column].to_numpy(dtype=float), right[column].to_numpy(dtype=float)
        same_null = np.isnan(a) == np.isnan(b)
        close = np.isclose(a, b, rtol=1e-9, atol=1e-9) | (np.isnan(a) & np.isnan(b))
        if not (same_null.all() and close.all()):
            bad = ~(same_null & close)
            mismatched[column] = list(zip(left.index[bad][:3], a[bad][:3], b[bad][:3], strict=True))
    assert not mismatched, mismatched


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    root = tmp_path_factory.mktemp("mart_pit")
    at_cut = _ingest(root / "cut", CUT)
    at_cut.dbt(*BUILD)
    later = _ingest(root / "later", LATER)
    later.dbt(*BUILD)

    # the later lake without half of the codes: every Parquet file with a Code column is filtered
    subset = DbtProject(workdir=root / "subset", lake_url=str(root / "subset" / "lake"))
    shutil.copytree(root / "later" / "lake", root / "subset" / "lake")
    removed = 0
    for path in (root / "subset" / "lake").rglob("*.parquet"):
        table = pq.read_table(path)
        if "code" not in table.column_names and "Code" not in table.column_names:
            continue
        column = "code" if "code" in table.column_names else "Code"
        codes = table.column(column).to_pylist()
        keep = [c in KEEP for c in codes]
        removed += len(codes) - sum(keep)
        pq.write_table(table.filter(keep), path)
    assert removed > 0, "no per-code Parquet found in the lake"
    subset.dbt(*BUILD)
    return {"cut": _features(at_cut), "later": _features(later), "subset": _features(subset)}


def test_features_up_to_the_cut_day_do_not_change_when_later_data_arrives(builds):
    cut, later = builds["cut"], builds["later"]
    assert cut.index.get_level_values("trade_date").max() == pd.Timestamp(CUT)
    known = later[later.index.get_level_values("trade_date") <= pd.Timestamp(CUT)]
    assert len(known) == len(cut) > 500
    columns = _comparable(cut, ())
    assert len(columns) > 30
    _assert_equal_frames(cut, known, columns)


def test_the_later_lake_really_holds_later_facts(builds):
    """The comparison above is not vacuous: the split and later rows are there."""
    later = builds["later"]
    assert later.index.get_level_values("trade_date").max() == pd.Timestamp(LATER)
    split_code = later.xs("40010", level="code")
    before = split_code[split_code.index <= pd.Timestamp(CUT)]
    assert (before["adj_close"] < before["close"] * 0.75).all()  # re-adjusted for the 1→2 split
    # the labels of the last rows before the cut look past it: unknown at the cut, known later
    last_day = builds["cut"].xs(pd.Timestamp(CUT), level="trade_date")
    assert last_day["label_ret_1d"].isna().all()
    later_day = later.xs(pd.Timestamp(CUT), level="trade_date")
    assert later_day["label_ret_1d"].notna().sum() >= 5


def test_a_codes_features_do_not_depend_on_other_codes(builds):
    later, subset = builds["later"], builds["subset"]
    assert set(subset.index.get_level_values("code")) == set(KEEP)
    kept = later[later.index.get_level_values("code").isin(KEEP)]
    _assert_equal_frames(kept, subset, _comparable(subset, ("cs_rank_", "cs_z_")))
