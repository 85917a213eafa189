"""The investor-flow family (int_features_investor_flow) against an independent pandas reference.

A mini dbt project in a tmp folder holds the real int_investor_types_asof and
int_features_investor_flow (and the feature macros). Its inputs are views over Parquet files this
test writes: `base_jquants__investor_types` (every publication, simulator-like: V2 groups with
Tot = Sell + Buy, Bal = Buy − Sell, published on the 4th business day of the next week at 16:30,
usable from the next business day; the old sections before the 2022-04-04 market restructuring,
the new ones after, `TokyoNagoya` throughout; revisions: a later week-0 revision, revisions of
older weeks, a week revised twice), `int_universe` (each code's section per date: TSE1st → Prime,
Mothers → Growth → Standard inside the incremental days, a TOKYO PRO MARKET code with no section,
a code with missing universe days, a delisted one, a listing in the incremental days) and
`int_prices_adjusted` (code × date, NULL feature_row_index before a code's first trade).

The reference rebuilds, for every section and trade date D, the weekly series known on D (per week
the latest publication with usable_from <= D, read from the publications, not from the model's
intervals), takes the vendor's `<g>Bal` as the net flow, computes each statistic over the last k
weekly rows, and joins each code by its section of the date. Also: warm-up NULLs (never 0), and an
incremental run per day over the last 20 days, each with every source cut at the end of that day,
equals the full refresh on every row up to that day (no look-ahead) and at the end (incremental =
full refresh).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
MACROS = [
    REPO / "macros" / "features" / "feature_manifest.sql",
    REPO / "macros" / "features" / "incremental.sql",
    *sorted((REPO / "macros" / "features" / "manifest").glob("*.sql")),
]
MODELS = [
    REPO / "models" / "intermediate" / "pit" / "int_investor_types_asof.sql",
    REPO / "models" / "intermediate" / "features" / "int_features_investor_flow.sql",
]
TOL = 1e-9
INCREMENTAL_DAYS = 20
RESTRUCTURING = pd.Timestamp("2022-04-04")
GROUPS = ["proprietary", "brokerage", "total", "individuals", "foreigners", "securities_companies",
          "investment_trusts", "business_companies", "other_companies", "insurance_companies", "banks",
          "trust_banks", "other_financial_institutions"]  # fmt: skip
CLIENTS = GROUPS[3:]
CLIENT_SHARES = np.array([0.24, 0.62, 0.006, 0.03, 0.012, 0.004, 0.003, 0.003, 0.07, 0.002])
FLOW_GROUPS = ["foreigners", "individuals", "trust_banks", "investment_trusts", "business_companies"]
OLD_SECTIONS = {"TSE1st": 9.0e9, "TSE2nd": 1.5e8, "TSEMothers": 6.0e8, "TSEJASDAQ": 3.0e8}
NEW_SECTIONS = {"TSEPrime": 1.0e10, "TSEStandard": 4.0e8, "TSEGrowth": 5.0e8}
HOLIDAYS = pd.to_datetime(["2021-05-03", "2021-05-04", "2021-05-05", "2022-03-21", "2023-05-03",
                           "2023-05-04", "2023-05-05", "2023-07-17"])  # fmt: skip
BUSINESS_DAYS = pd.bdate_range("2021-01-04", "2023-09-29").difference(HOLIDAYS)
LAST_DAY = pd.Timestamp("2023-07-31")
TRADE_DAYS = BUSINESS_DAYS[BUSINESS_DAYS <= LAST_DAY]


def expected_columns() -> list[str]:
    cols = [f"flow_{g}_net_ratio" for g in FLOW_GROUPS]
    cols += [f"flow_{g}_net_z{k}" for g in FLOW_GROUPS for k in (13, 52)]
    cols += [f"flow_{g}_buy_share13" for g in FLOW_GROUPS]
    cols += ["flow_foreigners_run13", "flow_individuals_run13"]
    cols += ["flow_individuals_vs_foreigners_ratio", "flow_individuals_vs_foreigners_z13"]
    return cols


FEATURES = expected_columns()


# ---------------------------------------------------------------------------------------------
# simulator-like inputs
# ---------------------------------------------------------------------------------------------


def business_day_after(day: pd.Timestamp, n: int = 1) -> pd.Timestamp:
    return BUSINESS_DAYS[BUSINESS_DAYS.searchsorted(day, side="right") + n - 1]


def week_values(rng: np.random.Generator, total: float, tilts: dict[str, float]) -> dict[str, float]:
    """Sell/Buy/Tot/Bal of the 13 V2 groups (JPY thousands) for one-side total `total`."""
    shares = rng.dirichlet(CLIENT_SHARES * 400)
    values: dict[str, float] = {}
    for k, g in enumerate(CLIENTS):
        side = total * 0.84 * shares[k]
        tilt = tilts.get(g, rng.normal(0.0, 0.05))
        values[f"{g}_sell"] = float(np.round(side * (1 - tilt)))
        values[f"{g}_buy"] = float(np.round(side * (1 + tilt)))
    tilt = rng.normal(0.0, 0.02)
    values["proprietary_sell"] = float(np.round(total * 0.16 * (1 - tilt)))
    values["proprietary_buy"] = float(np.round(total * 0.16 * (1 + tilt)))
    for side in ("sell", "buy"):
        values[f"brokerage_{side}"] = sum(values[f"{g}_{side}"] for g in CLIENTS)
        values[f"total_{side}"] = values[f"proprietary_{side}"] + values[f"brokerage_{side}"]
    out = {}
    for g in GROUPS:
        out[f"{g}_sell_jpy_thousands"] = values[f"{g}_sell"]
        out[f"{g}_buy_jpy_thousands"] = values[f"{g}_buy"]
        out[f"{g}_total_jpy_thousands"] = values[f"{g}_sell"] + values[f"{g}_buy"]
        out[f"{g}_net_buy_jpy_thousands"] = values[f"{g}_buy"] - values[f"{g}_sell"]  # V2 <g>Bal
    return out


def make_publications(seed: int = 7) -> pd.DataFrame:
    """Every publication (original and revisions) published up to LAST_DAY."""
    rng = np.random.default_rng(seed)
    days = BUSINESS_DAYS
    monday = days - pd.to_timedelta(days.day_of_week, unit="D")
    rows = []
    persistent = {}  # AR(1) foreigners' tilt per section: runs longer than 13 weeks occur
    for week_monday in monday.unique()[monday.unique() <= LAST_DAY]:
        in_week = days[monday == week_monday]
        start, end = in_week[0], in_week[-1]
        next_monday = week_monday + pd.Timedelta(days=7)
        published = days[days >= next_monday][3]  # the 4th business day of the next week
        sections = dict(NEW_SECTIONS if start >= RESTRUCTURING else OLD_SECTIONS)
        sections["TokyoNagoya"] = sum(sections.values()) * 1.05
        for section, level in sections.items():
            phi_tilt = 0.9 * persistent.get(section, 0.0) + rng.normal(0.0, 0.02)
            persistent[section] = phi_tilt
            total = level * len(in_week) / 5 * rng.lognormal(0.0, 0.08)
            values = week_values(rng, total, {"foreigners": phi_tilt})
            rows.append({"section": section, "week_start_date": start, "week_end_date": end,
                         "published_date": published, **values})  # fmt: skip
    frame = pd.DataFrame(rows)

    # revisions (since 2023-04-03 in V2): a new row, same section and week, later PubDate
    revisions = []
    scripted = [
        ("TSEPrime", "2023-06-26", 7),  # an older week by then: enters the windows, not w0
        ("TSEGrowth", "2023-07-03", 1),  # revised before the next week is out: replaces w0
        ("TSEStandard", "2023-06-19", 6),  # revised twice, the second inside the incremental days
        ("TSEStandard", "2023-06-19", 13),
        ("TSEPrime", "2023-04-03", 10),
    ]
    for section, week_start, delay in scripted:
        original = frame[
            (frame["section"] == section) & (frame["week_start_date"] == pd.Timestamp(week_start))
        ]
        assert len(original) == 1
        revisions.append((original.index[0], delay))
    recent = frame.index[(frame["week_start_date"] >= pd.Timestamp("2023-04-03")).to_numpy()]
    for index in rng.choice(recent, size=8, replace=False):
        revisions.append((index, int(rng.integers(5, 20))))
    for index, delay in revisions:
        row = frame.loc[index].to_dict()
        total = (row["total_sell_jpy_thousands"] + row["total_buy_jpy_thousands"]) / 2
        row.update(week_values(rng, total * (1 + rng.normal(0.0, 0.004)), {}))
        row["published_date"] = business_day_after(frame.loc[index, "published_date"], delay)
        frame = pd.concat([frame, pd.DataFrame([row])], ignore_index=True)
    frame = frame[frame["published_date"] <= LAST_DAY].reset_index(drop=True)
    assert not frame.duplicated(["section", "week_start_date", "published_date"]).any()
    frame["usable_from"] = [business_day_after(d) for d in frame["published_date"]]
    frame["available_at"] = (frame["published_date"] + pd.Timedelta(hours=16, minutes=30)).dt.tz_localize(
        "Asia/Tokyo"
    )
    frame["ingested_at"] = (frame["published_date"] + pd.Timedelta(hours=12)).dt.tz_localize("UTC")
    frame["ingest_source"] = "rest"
    frame["dlt_load_id"] = frame["published_date"].dt.strftime("%Y%m%d")
    # the columns of base_jquants__investor_types, in its order
    values = [f"{g}_{side}_jpy_thousands" for g in GROUPS for side in ("sell", "buy", "total", "net_buy")]
    keys = ["section", "week_start_date", "week_end_date", "published_date"]
    lineage = ["available_at", "usable_from", "ingested_at", "ingest_source", "dlt_load_id"]
    return frame[keys + values + lineage]


UNIVERSE = {
    # code: [(first day, last day, section or None)], listed on the business days in between
    "10010": [("2021-01-04", "2022-04-01", "TSE1st"), ("2022-04-04", "2023-07-31", "TSEPrime")],
    "10020": [("2021-01-04", "2022-04-01", "TSEMothers"), ("2022-04-04", "2023-07-14", "TSEGrowth"),
              ("2023-07-18", "2023-07-31", "TSEStandard")],  # Growth → Standard in the incremental days
    "10030": [("2021-01-04", "2023-07-31", None)],  # TOKYO PRO MARKET: no section
    "10040": [("2021-09-01", "2022-04-01", "TSEJASDAQ"), ("2022-04-04", "2023-07-31", "TSEStandard")],
    "10050": [("2021-03-01", "2022-04-01", "TSE2nd"), ("2022-04-04", "2022-10-31", "TSEStandard")],
    "130A0": [("2023-07-10", "2023-07-31", "TSEGrowth")],  # listed inside the incremental days
}  # fmt: skip
MISSING_UNIVERSE_DAYS = {"10040": pd.to_datetime(["2022-06-01", "2023-07-20"])}  # no snapshot row
NO_TRADE_START = {"10040": 3}  # NULL feature_row_index before the first trade


def make_universe_and_prices() -> tuple[pd.DataFrame, pd.DataFrame]:
    universe, prices = [], []
    for code, spans in UNIVERSE.items():
        index = 0
        for first, last, section in spans:
            for day in TRADE_DAYS[(TRADE_DAYS >= first) & (TRADE_DAYS <= last)]:
                if day not in MISSING_UNIVERSE_DAYS.get(code, []):
                    universe.append((day, code, section))
                row_index = index - NO_TRADE_START.get(code, 0)
                prices.append((code, day, row_index if row_index >= 0 else None))
                index += 1
    universe = pd.DataFrame(universe, columns=["trade_date", "code", "investor_types_section"])
    prices = pd.DataFrame(prices, columns=["code", "trade_date", "feature_row_index"])
    prices["feature_row_index"] = prices["feature_row_index"].astype("Int64")
    return universe, prices


def cut(sources: dict[str, pd.DataFrame], day: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """Every source as it was at the end of `day`: bars and snapshots up to it, the publications
    made by then (16:30 on their PubDate)."""
    return {
        "publications": sources["publications"][sources["publications"]["published_date"] <= day],
        "universe": sources["universe"][sources["universe"]["trade_date"] <= day],
        "prices": sources["prices"][sources["prices"]["trade_date"] <= day],
    }


# ---------------------------------------------------------------------------------------------
# the independent reference
# ---------------------------------------------------------------------------------------------


def known_series(pubs: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """One section's weekly series known on `day`: per week, its latest publication usable then."""
    usable = pubs[pubs["usable_from"] <= day]
    latest = usable.sort_values("published_date").groupby("week_end_date").tail(1)
    return latest.sort_values("week_end_date").reset_index(drop=True)


def section_statistics(series: pd.DataFrame) -> dict[str, float]:
    if series.empty:
        return {name: np.nan for name in FEATURES} | {"flow_week_end_date": pd.NaT}
    two_sided = series["total_sell_jpy_thousands"] + series["total_buy_jpy_thousands"]
    x = {g: (series[f"{g}_net_buy_jpy_thousands"] / two_sided).to_numpy() for g in FLOW_GROUPS}
    x["individuals_vs_foreigners"] = x["individuals"] - x["foreigners"]
    n = len(series)
    out: dict[str, float] = {"flow_week_end_date": series["week_end_date"].iloc[-1]}

    def zscore(values: np.ndarray, k: int) -> float:
        if n < k:
            return np.nan
        window = values[-k:]
        sd = np.std(window, ddof=1)
        return (window[-1] - window.mean()) / sd if sd > 0 else np.nan

    for g in FLOW_GROUPS:
        out[f"flow_{g}_net_ratio"] = x[g][-1]
        for k in (13, 52):
            out[f"flow_{g}_net_z{k}"] = zscore(x[g], k)
        out[f"flow_{g}_buy_share13"] = float(np.mean(x[g][-13:] > 0)) if n >= 13 else np.nan
    for g in ("foreigners", "individuals"):
        run = np.nan
        if n >= 13:
            last = np.sign(x[g][-1])
            run = 0
            while last != 0 and run < 13 and np.sign(x[g][-1 - run]) == last:
                run += 1
            run *= last
        out[f"flow_{g}_run13"] = run
    out["flow_individuals_vs_foreigners_ratio"] = x["individuals_vs_foreigners"][-1]
    out["flow_individuals_vs_foreigners_z13"] = zscore(x["individuals_vs_foreigners"], 13)
    return out


def reference(sources: dict[str, pd.DataFrame]) -> pd.DataFrame:
    pubs, universe, prices = sources["publications"], sources["universe"], sources["prices"]
    rows = prices[prices["feature_row_index"].notna()][["code", "trade_date"]]
    rows = rows.merge(universe, on=["code", "trade_date"], how="left")
    by_section = {s: g for s, g in pubs.groupby("section")}
    cache: dict[tuple[str, int], dict] = {}
    stats = []
    for section, day in rows[["investor_types_section", "trade_date"]].itertuples(index=False):
        if section is None or pd.isna(section) or section not in by_section:
            stats.append(section_statistics(pd.DataFrame()))
            continue
        pubs_s = by_section[section]
        key = (section, int((pubs_s["usable_from"] <= day).sum()))  # the publications usable then
        if key not in cache:
            cache[key] = section_statistics(known_series(pubs_s, day))
        stats.append(cache[key])
    return pd.concat([rows.reset_index(drop=True), pd.DataFrame(stats)], axis=1)


# ---------------------------------------------------------------------------------------------
# the mini dbt project
# ---------------------------------------------------------------------------------------------


class FlowProject:
    def __init__(self, workdir: Path, lookback: int = 2) -> None:
        self.workdir = workdir
        self.db = workdir / "flow.duckdb"
        models = workdir / "models"
        models.mkdir(parents=True, exist_ok=True)
        (workdir / "dbt_project.yml").write_text(
            textwrap.dedent(
                f"""\
                name: flow_test
                version: "0.1.0"
                profile: flow_test
                model-paths: ["models"]
                macro-paths: ["macros"]
                vars:
                  features_lookback_days: {lookback}
                models:
                  flow_test:
                    +materialized: table
                """
            )
        )
        (workdir / "profiles.yml").write_text(
            f"flow_test:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
            f"      path: '{self.db}'\n      threads: 1\n"
        )
        for macro in MACROS:
            target = workdir / "macros" / macro.relative_to(REPO / "macros")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(macro.read_text())
        for model in MODELS:
            (models / model.name).write_text(model.read_text())
        base = workdir / "publications.parquet"
        (models / "base_jquants__investor_types.sql").write_text(
            "{{ config(materialized='view') }}\n"
            "select * replace (week_start_date::date as week_start_date, week_end_date::date as week_end_date,\n"
            "    published_date::date as published_date, usable_from::date as usable_from)\n"
            f"from read_parquet('{base}')\n"
        )
        (models / "int_universe.sql").write_text(
            "{{ config(materialized='view') }}\n"
            "select trade_date::date as trade_date, code, investor_types_section\n"
            f"from read_parquet('{workdir / 'universe.parquet'}')\n"
        )
        (models / "int_prices_adjusted.sql").write_text(
            "{{ config(materialized='view') }}\n"
            "select code, trade_date::date as trade_date, feature_row_index\n"
            f"from read_parquet('{workdir / 'prices.parquet'}')\n"
        )

    def write_sources(self, sources: dict[str, pd.DataFrame]) -> None:
        sources["publications"].to_parquet(self.workdir / "publications.parquet", index=False)
        universe = sources["universe"].astype({"investor_types_section": "string"})
        universe.to_parquet(self.workdir / "universe.parquet", index=False)
        sources["prices"].to_parquet(self.workdir / "prices.parquet", index=False)

    def run(self, *extra: str) -> None:
        from dbt.cli.main import dbtRunner

        args = ["run", "--project-dir", str(self.workdir), "--profiles-dir", str(self.workdir),
                "--target-path", str(self.workdir / "target"), "--log-path", str(self.workdir / "logs"),
                "--quiet", *extra]  # fmt: skip
        result = dbtRunner().invoke(args)
        assert result.success, (result.exception, [str(r.message) for r in result.result or []])

    def features(self) -> pd.DataFrame:
        import duckdb
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

        with manager._LOCK:  # dbt-duckdb keeps the file open in this process
            if manager._ENV is not None:
                manager._ENV.close()
                manager._ENV = None
        with duckdb.connect(str(self.db), read_only=True) as con:
            frame = con.sql("select * from int_features_investor_flow order by code, trade_date").df()
        frame["trade_date"] = pd.to_datetime(frame["trade_date"])
        frame["flow_week_end_date"] = pd.to_datetime(frame["flow_week_end_date"])
        return frame


# ---------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sources() -> dict[str, pd.DataFrame]:
    universe, prices = make_universe_and_prices()
    return {"publications": make_publications(), "universe": universe, "prices": prices}


@pytest.fixture(scope="module")
def builds(sources, tmp_path_factory):
    """The full refresh on all data; and a build with every source cut 20 trade days earlier,
    then each of the last 20 days added by an incremental run over the sources cut at that day
    (the rows up to that day are kept after each run)."""
    days = TRADE_DAYS[-INCREMENTAL_DAYS:]
    project = FlowProject(tmp_path_factory.mktemp("investor_flow"))
    project.write_sources(cut(sources, TRADE_DAYS[-INCREMENTAL_DAYS - 1]))
    project.run()
    steps = {TRADE_DAYS[-INCREMENTAL_DAYS - 1]: project.features()}
    for day in days:
        project.write_sources(cut(sources, day))
        project.run("--select", "int_investor_types_asof", "int_features_investor_flow")
        steps[day] = project.features()
    incremental = steps[days[-1]]
    project.run("--full-refresh")
    full = project.features()
    return {"full": full, "incremental": incremental, "steps": steps}


def assert_frames_match(actual: pd.DataFrame, expected: pd.DataFrame, label: str, tol: float = TOL) -> None:
    key = ["code", "trade_date"]
    joined = actual.merge(expected, on=key, suffixes=("", "__ref"), how="outer", indicator=True)
    assert (joined["_merge"] == "both").all(), (
        f"{label}: rows differ\n{joined[joined['_merge'] != 'both'].head()}"
    )
    for col in [*FEATURES, "flow_week_end_date"]:
        a, b = joined[col], joined[col + "__ref"]
        mismatched = joined.loc[a.isna() != b.isna(), key]
        assert mismatched.empty, f"{label}: {col} NULL pattern differs at\n{mismatched.head()}"
        if col == "flow_week_end_date":
            assert (a.dropna() == b.dropna()).all(), f"{label}: {col}"
            continue
        diff = np.abs(a.to_numpy(dtype=float) - b.to_numpy(dtype=float))
        diff = np.where(a.isna(), 0.0, diff)
        worst = int(np.argmax(diff))
        assert diff[worst] <= tol, (
            f"{label}: {col} off by {diff[worst]:.3e} at {joined.loc[worst, key].tolist()}"
        )


# ---------------------------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------------------------


def test_columns_follow_the_manifest(builds):
    full = builds["full"]
    extra = ["code", "trade_date", "investor_types_section", "flow_week_end_date", "flow_known_from"]
    assert list(full.columns) == extra + FEATURES
    assert all(name.startswith("flow_") for name in FEATURES)


def test_every_feature_equals_the_pandas_reference(builds, sources):
    full = builds["full"]
    expected = reference(sources)
    assert len(full) == len(expected) == sources["prices"]["feature_row_index"].notna().sum()
    assert_frames_match(full, expected, "full refresh vs reference")
    # the scenario reaches what it is meant to: defined statistics and NULLs of every kind
    for col in FEATURES:
        assert full[col].notna().sum() > 100, col
    assert set(full["flow_foreigners_run13"].dropna().abs()) >= {1, 13}


def test_section_as_of_the_date_and_usable_from(builds, sources):
    full = builds["full"].set_index(["code", "trade_date"])
    pubs = sources["publications"]
    # the code's section of the date: Growth until 2023-07-14, Standard from 2023-07-18
    assert full.loc[("10020", pd.Timestamp("2023-07-14")), "investor_types_section"] == "TSEGrowth"
    assert full.loc[("10020", pd.Timestamp("2023-07-18")), "investor_types_section"] == "TSEStandard"
    # after the restructuring: NULL until the first week of the new sections is usable
    first_prime = pubs.loc[pubs["section"] == "TSEPrime", "usable_from"].min()
    assert first_prime == pd.Timestamp("2022-04-15")
    before = full.loc["10010"].loc[pd.Timestamp("2022-04-04") : first_prime - pd.Timedelta(days=1)]
    assert len(before) == 9 and before[FEATURES].isna().all().all()
    on = full.loc[("10010", first_prime)]
    assert on["flow_week_end_date"] == pd.Timestamp("2022-04-08")
    assert pd.notna(on["flow_foreigners_net_ratio"]) and pd.isna(on["flow_foreigners_net_z13"])
    # the day before a week is usable the row still shows the week before (published the day before)
    week = pubs[(pubs["section"] == "TSEPrime") & (pubs["week_start_date"] == pd.Timestamp("2023-07-10"))]
    usable = week["usable_from"].min()
    previous_day = TRADE_DAYS[TRADE_DAYS.get_loc(usable) - 1]
    assert full.loc[("10010", previous_day), "flow_week_end_date"] == pd.Timestamp("2023-07-07")
    assert full.loc[("10010", usable), "flow_week_end_date"] == pd.Timestamp("2023-07-14")
    # no section (TOKYO PRO MARKET) or no universe row: every feature NULL
    assert full.loc["10030", FEATURES].isna().all().all()
    for day in MISSING_UNIVERSE_DAYS["10040"]:
        assert full.loc[("10040", day), FEATURES].isna().all()


def test_a_revision_counts_from_its_own_usable_from(builds, sources):
    full = builds["full"].set_index(["code", "trade_date"])
    pubs = sources["publications"]
    growth = pubs[(pubs["section"] == "TSEGrowth") & (pubs["week_start_date"] == pd.Timestamp("2023-07-03"))]
    original, revision = growth.sort_values("published_date").itertuples(index=False)
    ratio = lambda row: (
        row.foreigners_net_buy_jpy_thousands / (row.total_sell_jpy_thousands + row.total_buy_jpy_thousands)
    )
    # code 130A0 (Growth): the original week's figures, then the revised ones from the revision's usable_from
    day_before = TRADE_DAYS[TRADE_DAYS.get_loc(revision.usable_from) - 1]
    assert original.usable_from <= day_before
    assert full.loc[("130A0", day_before), "flow_foreigners_net_ratio"] == pytest.approx(
        ratio(original), abs=1e-15
    )
    assert full.loc[("130A0", revision.usable_from), "flow_foreigners_net_ratio"] == pytest.approx(
        ratio(revision), abs=1e-15
    )
    # a revision of an older week never passes for the latest week
    prime = pubs[(pubs["section"] == "TSEPrime") & (pubs["week_start_date"] == pd.Timestamp("2023-06-26"))]
    late = prime.sort_values("published_date").iloc[-1]
    row = full.loc[("10010", late["usable_from"])]
    assert row["flow_week_end_date"] > late["week_end_date"]
    assert row["flow_known_from"] == late["usable_from"]


def test_warm_up_rows_are_null_never_zero(builds, sources):
    """A k-week statistic is NULL while the section's known series has fewer than k weeks, and
    defined (never a 0 placeholder) once it has them."""
    full = builds["full"]
    pubs = sources["publications"]
    # weeks known on a date: the weeks whose first publication is usable by then
    first_usable = {s: np.sort(g.groupby("week_end_date")["usable_from"].min().to_numpy())
                    for s, g in pubs.groupby("section")}  # fmt: skip
    pairs = full[["investor_types_section", "trade_date"]].drop_duplicates()
    pairs["weeks"] = [
        np.searchsorted(first_usable[s], np.datetime64(d), side="right") if isinstance(s, str) else 0
        for s, d in pairs.itertuples(index=False)
    ]
    merged = full.merge(pairs, on=["investor_types_section", "trade_date"], how="left")
    merged["weeks"] = merged["weeks"].fillna(0)
    for k in (1, 13, 52):
        cols = (
            [c for c in FEATURES if c.endswith((f"z{k}", f"share{k}", f"run{k}"))]
            if k > 1
            else [c for c in FEATURES if c.endswith("ratio")]
        )
        warm = merged["weeks"] < k
        assert warm.any() and (~warm).any(), k
        assert merged.loc[warm, cols].isna().all().all(), k
        assert merged.loc[~warm, cols].notna().all().all(), k
    # a code listed inside the incremental days takes its section's full history at once
    listed = full[full["code"] == "130A0"]
    assert listed[FEATURES].notna().all().all()


def test_incremental_day_by_day_with_sources_cut_equals_full_refresh(builds):
    """Each incremental run saw only what was published by the end of its day: its rows up to that
    day equal the full refresh's (no look-ahead), and the final table equals the full refresh."""
    full = builds["full"]
    for day, table in builds["steps"].items():
        assert table["trade_date"].max() == day
        assert_frames_match(table, full[full["trade_date"] <= day], f"sources cut at {day.date()}")
    assert_frames_match(builds["incremental"], full, "incremental vs full refresh")
