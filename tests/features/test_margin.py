"""The margin family (int_features_margin) against an independent pandas implementation.

A mini dbt project in a tmp folder holds the real model and the feature macros; its inputs
`int_prices_adjusted`, `stg_jquants__margin_interest` and `stg_jquants__trade_breakdown` are views
over Parquet files this test writes from simulator-like data (ingest/simulator conventions: weekly
record date = the last business day of a week with ≥ 3 business days, published 2 business days
later at 16:30 JST and so usable from the next business day; breakdown sides adding up to the day's
value, zeros on a no-trade day), each cut as known at the end of a day D.

The scenario holds a split whose ex-date falls between a record date and the trade dates that use
it, a split between two record weeks, a reverse split, a week with short balance 0 and one with
long balance 0, a code whose margin data skips a week, the New Year week without a record, a code
with no breakdown row on some traded days, a code without margin data, a late listing and a code
listed inside the incremental days.

The reference works in raw shares: it converts a balance of record date R to the share scale of the
trade date d with the raw split factors of the bars in (R, d] (never the model's cumulative
factors), looks the usable week up row by row, and averages windows with explicit loops.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
MODEL_SQL = REPO / "models" / "intermediate" / "features" / "int_features_margin.sql"
MACROS = [
    REPO / "macros" / "features" / "feature_manifest.sql",
    REPO / "macros" / "features" / "incremental.sql",
    *sorted((REPO / "macros" / "features" / "manifest").glob("*.sql")),
]
WEEKLY = [
    "margin_long_short_ratio", "margin_long_short_ratio_chg_1w", "margin_long_balance_chg_1w",
    "margin_short_balance_chg_1w", "margin_long_balance_to_volume_20", "margin_short_balance_to_volume_20",
]  # fmt: skip
DAILY = ["short_sell_share", "short_sell_share_avg_20", "margin_trade_share", "margin_trade_share_avg_20",
         "margin_new_net_share"]  # fmt: skip
ALL = WEEKLY + DAILY
SELL = ["long_sell_value_jpy", "short_sell_excluding_margin_value_jpy", "margin_sell_new_value_jpy",
        "margin_sell_close_value_jpy"]  # fmt: skip
BUY = ["long_buy_value_jpy", "margin_buy_new_value_jpy", "margin_buy_close_value_jpy"]
TOL = 1e-9
INCREMENTAL_DAYS = 20
MAX_AGE = pd.Timedelta(days=35)  # var margin_week_max_age_days
# TSE closed Dec 31 - Jan 3: the week of 2024-12-30 has 1 business day, so no margin record
HOLIDAYS = pd.to_datetime(["2024-12-31", "2025-01-01", "2025-01-02", "2025-01-03"])


# ---------------------------------------------------------------------------------------------
# simulator-like data
# ---------------------------------------------------------------------------------------------


def business_days(start: str, periods: int) -> pd.DatetimeIndex:
    days = pd.bdate_range(start, periods=periods + len(HOLIDAYS))
    return days[~days.isin(HOLIDAYS)][:periods]


def make_market(seed: int = 7) -> dict:
    """Raw bars (with split factors), weekly margin rows and daily breakdown rows."""
    rng = np.random.default_rng(seed)
    calendar = business_days("2024-10-01", 140)  # reaches past the data (published a year ahead)
    days = calendar[:122]  # the cut (20 days before the end) is a Tuesday: a week published, not usable
    n = len(days)
    fridays = [i for i, d in enumerate(days) if d.weekday() == 4]
    week_of = pd.Series(calendar, index=calendar).map(lambda d: d.isocalendar()[:2])
    # the last business day of each week (from the calendar) -> the week's business days
    record_weeks = {group.index[-1]: len(group) for _, group in week_of.groupby(week_of, sort=False)}
    split_monday = fridays[3] + 1  # ex-date the Monday after a record Friday, before its usable_from
    late_split = next(i for i in range(n - INCREMENTAL_DAYS + 3, n) if days[i].weekday() == 0)
    mid_week_split = fridays[8] - 2  # a Wednesday: between two record dates
    specs = {
        # code: first row, last row (exclusive), no-trade probability, splits {row: factor}
        "30010": (0, n, 0.04, {split_monday: 0.5, late_split: 0.5}),
        "30020": (0, n, 0.02, {mid_week_split: 5.0}),  # reverse split between two weeks
        "30030": (0, n, 0.05, {}),  # no breakdown row on some traded days
        "30040": (n - 45, n, 0.0, {}),  # listed late
        "30050": (0, n, 0.03, {}),  # no margin data
        "30060": (0, n, 0.02, {}),  # margin skips a week; a week with long balance 0
        "130A0": (n - 12, n, 0.0, {}),  # listed inside the incremental days (< 20 rows)
        "30070": (0, n, 0.02, {}),  # margin stops: its last week gets > 35 days old in the incremental days
    }
    margin_stop = max(f for f in fridays if f <= n - 40)
    bars, margin, breakdown = [], [], []
    for code, (first, last, p_no_trade, splits) in specs.items():
        price = float(np.exp(rng.uniform(np.log(200), np.log(20000))))
        long_level, short_level = float(rng.integers(50, 500) * 1000), float(rng.integers(5, 100) * 1000)
        volume_scale = 1.0
        for i in range(first, last):
            if i in splits:  # factor 0.5 = a 2-for-1 split: half the price, twice the shares
                price *= splits[i]
                volume_scale /= splits[i]
                long_level /= splits[i]
                short_level /= splits[i]
            traded = rng.random() >= p_no_trade and not (code == "30010" and i == first)
            close = round(price * np.exp(rng.normal(0, 0.02)), 1) if traded else np.nan
            volume = float(rng.integers(1, 5_000) * 100) * volume_scale if traded else np.nan
            price = close if traded else price
            bars.append((code, days[i], close, volume, splits.get(i, 1.0)))
            # breakdown: sides adding up to the day's value, zeros on a no-trade day
            if code != "30030" or rng.random() >= 0.2:
                value = round(close * volume) if traded else 0.0
                sell = rng.dirichlet([6, 2, 1, 1]) * value
                buy = rng.dirichlet([8, 1, 1]) * value
                if code == "30020" and i == first + 30 and traded:
                    sell = np.array([value, 0.0, 0.0, 0.0])  # no short, no margin selling
                breakdown.append((code, days[i], *sell.round(), *buy.round()))
            # weekly margin on the last business day of a week with >= 3 business days
            if code in ("30050", "130A0") or record_weeks.get(days[i], 0) < 3:
                continue
            if code == "30060" and i == fridays[6]:
                continue  # no record this week for this code
            if code == "30030" and fridays[10] <= i <= fridays[15]:
                continue  # six weeks without a record: stale, then no week-on-week change
            if code == "30070" and i > margin_stop:
                continue
            long_level *= float(np.exp(rng.normal(0, 0.15)))
            short_level *= float(np.exp(rng.normal(0, 0.3)))
            long_bal, short_bal = round(long_level, -2), round(short_level, -2)
            if code == "30020" and i in (fridays[5], fridays[12]):
                short_bal = 0.0
            if code == "30060" and i == fridays[9]:
                long_bal = 0.0
            margin.append((code, days[i], long_bal, short_bal))
    bars = pd.DataFrame(bars, columns=["code", "trade_date", "close", "volume", "adj_factor"])
    margin = pd.DataFrame(margin, columns=["code", "record_date", "long_margin_balance_shares",
                                           "short_margin_balance_shares"])  # fmt: skip
    cal_pos = {d: i for i, d in enumerate(calendar)}
    margin["published_date"] = [calendar[cal_pos[d] + 2] for d in margin["record_date"]]  # 16:30 JST
    margin["usable_from"] = [calendar[cal_pos[d] + 3] for d in margin["record_date"]]  # after the close
    breakdown = pd.DataFrame(breakdown, columns=["code", "trade_date", *SELL, *BUY])
    breakdown["usable_from"] = breakdown["trade_date"]  # a record of the session (18:00 JST)
    return {"bars": bars, "margin": margin, "breakdown": breakdown, "days": list(days)}


def known_at(market: dict, day: pd.Timestamp, codes: list[str] | None = None) -> dict:
    """Every source cut at the end of `day` (and to `codes`)."""

    def keep(frame: pd.DataFrame) -> pd.Series:
        return frame["code"].isin(codes) if codes is not None else pd.Series(True, index=frame.index)

    bars = market["bars"]
    margin = market["margin"]
    breakdown = market["breakdown"]
    return {
        "bars": bars[(bars["trade_date"] <= day) & keep(bars)].reset_index(drop=True),
        "margin": margin[(margin["published_date"] <= day) & keep(margin)].reset_index(drop=True),
        "breakdown": breakdown[(breakdown["trade_date"] <= day) & keep(breakdown)].reset_index(drop=True),
    }


def prices_adjusted(bars: pd.DataFrame) -> pd.DataFrame:
    """What int_prices_adjusted serves for these bars: factors known then, volume ÷ the product of
    the later factors, the feature series from the first trade."""
    out = []
    for _, b in bars.sort_values(["code", "trade_date"]).groupby("code", sort=True):
        factors = b["adj_factor"].to_numpy()
        cvaf = np.append(factors[::-1].cumprod()[::-1][1:], 1.0)
        traded = b["close"].notna().to_numpy()
        started = np.cumsum(traded) > 0
        out.append(
            pd.DataFrame(
                {
                    "code": b["code"].to_numpy(),
                    "trade_date": b["trade_date"].to_numpy(),
                    "feature_row_index": pd.array(np.where(started, np.cumsum(started) - 1, None), "Int64"),
                    "feature_volume": np.where(
                        started, np.where(traded, b["volume"].to_numpy() / cvaf, 0.0), np.nan
                    ),
                    "adj_factor": factors,
                    "cumulative_volume_adj_factor": cvaf,
                }
            )
        )
    return pd.concat(out, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# the reference
# ---------------------------------------------------------------------------------------------


def _ratio(num: float, den: float) -> float:
    return num / den if den != 0 and not np.isnan(den) else np.nan


def reference(data: dict) -> pd.DataFrame:
    bars, margin, breakdown = data["bars"], data["margin"], data["breakdown"]
    out = []
    for code, b in bars.sort_values(["code", "trade_date"]).groupby("code", sort=True):
        b = b.reset_index(drop=True)
        dates = list(b["trade_date"])
        factors = list(b["adj_factor"])

        def split_between(a: pd.Timestamp, z: pd.Timestamp, dates=dates, factors=factors) -> float:
            """Product of the raw split factors of the code's bars in (a, z]."""
            return float(np.prod([f for d, f in zip(dates, factors, strict=True) if a < d <= z]))

        weeks = margin[margin["code"] == code].sort_values("record_date").reset_index(drop=True)
        days_bd = breakdown[breakdown["code"] == code].set_index("trade_date")
        traded = b["close"].notna().to_numpy()
        first = int(np.argmax(traded)) if traded.any() else len(b)
        shares: dict[str, list[float]] = {"short_sell": [], "margin_trade": [], "margin_new_net": []}
        for i in range(first, len(b)):
            d = dates[i]
            t = i - first
            row: dict = {"code": code, "trade_date": d, "feature_row_index": t}
            # the weekly columns: the latest week usable on d, compared with the code's previous week
            usable = weeks.index[weeks["usable_from"] <= d]
            if len(usable) and weeks.loc[usable[-1], "record_date"] >= d - MAX_AGE:
                w = usable[-1]
                rec = weeks.loc[w]
                long_, short = rec["long_margin_balance_shares"], rec["short_margin_balance_shares"]
                ratio = _ratio(long_, short)
                row["margin_record_date"] = rec["record_date"]
                row["margin_long_short_ratio"] = ratio
                if w > 0 and weeks.loc[w - 1, "record_date"] >= rec["record_date"] - MAX_AGE:
                    prev = weeks.loc[w - 1]
                    between = split_between(prev["record_date"], rec["record_date"])
                    row["margin_long_short_ratio_chg_1w"] = ratio - _ratio(
                        prev["long_margin_balance_shares"], prev["short_margin_balance_shares"]
                    )
                    for side, now in (("long", long_), ("short", short)):
                        before = prev[f"{side}_margin_balance_shares"] / between  # in R's share scale
                        row[f"margin_{side}_balance_chg_1w"] = _ratio(now, before) - 1
                if t >= 19:
                    # adjusted volume of rows t-19..t in d's share scale (0 on a no-trade day)
                    vols = [
                        (b.loc[s, "volume"] / split_between(dates[s], d)) if traded[s] else 0.0
                        for s in range(i - 19, i + 1)
                    ]
                    mean_volume = sum(vols) / 20
                    to_d = split_between(rec["record_date"], d)
                    row["margin_long_balance_to_volume_20"] = _ratio(long_ / to_d, mean_volume)
                    row["margin_short_balance_to_volume_20"] = _ratio(short / to_d, mean_volume)
            # the daily breakdown of d
            if d in days_bd.index:
                r = days_bd.loc[d]
                sell, buy = sum(r[c] for c in SELL), sum(r[c] for c in BUY)
                shares["short_sell"].append(
                    _ratio(r["short_sell_excluding_margin_value_jpy"] + r["margin_sell_new_value_jpy"], sell)
                )
                margin_value = (r["margin_sell_new_value_jpy"] + r["margin_sell_close_value_jpy"]
                                + r["margin_buy_new_value_jpy"] + r["margin_buy_close_value_jpy"])  # fmt: skip
                shares["margin_trade"].append(_ratio(margin_value, sell + buy))
                shares["margin_new_net"].append(
                    _ratio(r["margin_buy_new_value_jpy"] - r["margin_sell_new_value_jpy"], sell)
                )
            else:
                for values in shares.values():
                    values.append(np.nan)
            row["short_sell_share"] = shares["short_sell"][-1]
            row["margin_trade_share"] = shares["margin_trade"][-1]
            row["margin_new_net_share"] = shares["margin_new_net"][-1]
            for name in ("short_sell", "margin_trade"):
                window = [x for x in shares[name][-20:] if not np.isnan(x)]
                if t >= 19 and window:
                    row[f"{name}_share_avg_20"] = sum(window) / len(window)
            out.append(row)
    frame = pd.DataFrame(out)
    for col in ALL:
        if col not in frame:
            frame[col] = np.nan
    return frame.astype({col: float for col in ALL})


# ---------------------------------------------------------------------------------------------
# the mini dbt project
# ---------------------------------------------------------------------------------------------


class MiniProject:
    def __init__(self, workdir: Path, lookback: int = 2) -> None:
        self.workdir = workdir
        self.db = workdir / "margin.duckdb"
        (workdir / "models").mkdir(parents=True, exist_ok=True)
        (workdir / "macros").mkdir(exist_ok=True)
        (workdir / "dbt_project.yml").write_text(
            textwrap.dedent(
                f"""\
                name: margin_test
                version: "0.1.0"
                profile: margin_test
                model-paths: ["models"]
                macro-paths: ["macros"]
                vars:
                  features_lookback_days: {lookback}
                  margin_week_max_age_days: {MAX_AGE.days}
                models:
                  margin_test:
                    +materialized: view
                """
            )
        )
        (workdir / "profiles.yml").write_text(
            f"margin_test:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
            f"      path: '{self.db}'\n      threads: 1\n"
        )
        for macro in MACROS:
            target = workdir / "macros" / macro.relative_to(REPO / "macros")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(macro.read_text())
        for name, dates in (
            ("int_prices_adjusted", ["trade_date"]),
            ("stg_jquants__margin_interest", ["record_date", "usable_from"]),
            ("stg_jquants__trade_breakdown", ["trade_date", "usable_from"]),
        ):
            casts = ", ".join(f"{c}::date as {c}" for c in dates)
            (workdir / "models" / f"{name}.sql").write_text(
                f"select * replace ({casts}) from read_parquet('{workdir / name}.parquet')\n"
            )
        (workdir / "models" / "int_features_margin.sql").write_text(MODEL_SQL.read_text())

    def write_sources(self, data: dict) -> None:
        prices_adjusted(data["bars"]).to_parquet(self.workdir / "int_prices_adjusted.parquet", index=False)
        margin = data["margin"].drop(columns="published_date")
        margin.to_parquet(self.workdir / "stg_jquants__margin_interest.parquet", index=False)
        data["breakdown"].to_parquet(self.workdir / "stg_jquants__trade_breakdown.parquet", index=False)

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
            frame = con.sql("select * from int_features_margin order by code, trade_date").df()
        frame["trade_date"] = pd.to_datetime(frame["trade_date"])
        frame["margin_record_date"] = pd.to_datetime(frame["margin_record_date"])
        return frame


# ---------------------------------------------------------------------------------------------
# fixtures: the builds the tests share
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def market() -> dict:
    return make_market()


@pytest.fixture(scope="module")
def builds(market, tmp_path_factory) -> dict:
    """The build as known at the cut (20 days before the end), then the last 20 days added one at
    a time with incremental runs, then a full refresh on everything."""
    days = market["days"]
    cut = days[-INCREMENTAL_DAYS - 1]
    project = MiniProject(tmp_path_factory.mktemp("margin_incremental"))
    project.write_sources(known_at(market, cut))
    project.run()
    at_cut = project.features()
    for day in days[-INCREMENTAL_DAYS:]:
        project.write_sources(known_at(market, day))
        project.run("--select", "int_features_margin")
    incremental = project.features()
    project.run("--full-refresh", "--select", "int_features_margin")
    full = project.features()
    return {"cut": cut, "at_cut": at_cut, "incremental": incremental, "full": full}


def assert_matches(actual: pd.DataFrame, expected: pd.DataFrame, label: str, tol: float = TOL) -> None:
    key = ["code", "trade_date"]
    assert len(actual) == len(expected), f"{label}: {len(actual)} rows vs {len(expected)}"
    joined = actual.merge(expected, on=key, suffixes=("", "__ref"), validate="one_to_one")
    assert len(joined) == len(expected), label
    for col in ["feature_row_index", "margin_record_date"]:
        a, b = joined[col], joined[col + "__ref"]
        assert ((a == b) | (a.isna() & b.isna())).all(), f"{label}: {col} differs"
    for col in ALL:
        a = joined[col].to_numpy(dtype=float)
        b = joined[col + "__ref"].to_numpy(dtype=float)
        null_a, null_b = np.isnan(a), np.isnan(b)
        mismatched = joined.loc[null_a != null_b, key]
        assert mismatched.empty, f"{label}: {col} NULL pattern differs at\n{mismatched.head()}"
        err = np.where(null_a, 0.0, np.abs(a - b))
        assert err.max(initial=0.0) <= tol, f"{label}: {col} off by {err.max():.3e}"


# ---------------------------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------------------------


def test_scenario_covers_the_edge_cases(market):
    margin, bars = market["margin"], market["bars"]
    assert (margin["short_margin_balance_shares"] == 0).any()
    assert (margin["long_margin_balance_shares"] == 0).any()
    # a split ex-date strictly between a record date and the week's usable_from
    splits = bars[bars["adj_factor"] != 1]
    assert any(
        (
            (margin["code"] == s.code)
            & (margin["record_date"] < s.trade_date)
            & (margin["usable_from"] > s.trade_date)
        ).any()
        for s in splits.itertuples()
    )
    assert not (
        (margin["record_date"] > pd.Timestamp("2024-12-27"))
        & (margin["record_date"] < pd.Timestamp("2025-01-06"))
    ).any()


def test_every_column_equals_the_reference(market, builds):
    """Full refresh vs pandas within 1e-9 on every row, NULL patterns equal."""
    full = builds["full"]
    expected = reference(known_at(market, market["days"][-1]))
    assert_matches(full, expected, "full refresh vs reference")
    # the features are exercised: values present, a NULL ratio for the short-0 weeks
    assert full["margin_long_short_ratio"].notna().sum() > 300
    assert full["short_sell_share_avg_20"].notna().sum() > 300
    assert full.loc[full["code"] == "30050", WEEKLY].isna().all().all()
    zero_short = market["margin"].query("short_margin_balance_shares == 0")["record_date"]
    rows_on_zero = full[(full["code"] == "30020") & full["margin_record_date"].isin(zero_short)]
    assert len(rows_on_zero) > 0 and rows_on_zero["margin_long_short_ratio"].isna().all()


def test_as_of_usable_from(market, builds):
    """A week reaches a row from its usable_from on (the 3rd business day after the record date),
    never on its record date or publication date."""
    full = builds["full"]
    margin = market["margin"]
    joined = full.dropna(subset=["margin_record_date"]).merge(
        margin,
        left_on=["code", "margin_record_date"],
        right_on=["code", "record_date"],
        validate="many_to_one",
    )
    assert (joined["usable_from"] <= joined["trade_date"]).all()
    first_rows = joined.groupby(["code", "record_date"])["trade_date"].min().reset_index()
    first_rows = first_rows.merge(margin, on=["code", "record_date"])
    assert (first_rows["trade_date"] == first_rows["usable_from"]).all()


def test_stale_weeks_and_long_gaps_are_null(market, builds):
    """A week older than 35 days reaches no row (the code the vendor stops reporting: inside the
    incremental days too), and the first week after a six-week gap has no week-on-week change."""
    margin = market["margin"]
    for label in ("full", "incremental"):
        frame = builds[label]
        stopped = frame[frame["code"] == "30070"]
        last_week = margin.loc[margin["code"] == "30070", "record_date"].max()
        stale = stopped["trade_date"] > last_week + MAX_AGE
        assert stale.sum() > 5 and (stopped.loc[stale, "trade_date"] >= market["days"][-INCREMENTAL_DAYS]).any()
        assert stopped.loc[stale, WEEKLY].isna().all().all() and stopped.loc[stale, "margin_record_date"].isna().all()
        assert stopped.loc[~stale & stopped["margin_record_date"].notna(), "margin_long_short_ratio"].notna().any()
        gap = frame[frame["code"] == "30030"]
        weeks = margin.loc[margin["code"] == "30030", "record_date"].sort_values()
        after_gap = weeks[weeks.diff() > MAX_AGE].iloc[0]
        rows = gap[gap["margin_record_date"] == after_gap]
        assert len(rows) > 0 and rows["margin_long_balance_chg_1w"].isna().all()
        assert rows["margin_long_short_ratio"].notna().all()
        assert gap["margin_long_balance_chg_1w"].notna().sum() > 30


def test_warm_up_rows_are_null_never_zero(builds):
    full = builds["full"]
    warm = full["feature_row_index"] < 19
    for col in ("margin_long_balance_to_volume_20", "margin_short_balance_to_volume_20",
                "short_sell_share_avg_20", "margin_trade_share_avg_20"):  # fmt: skip
        assert full.loc[warm, col].isna().all(), col
        assert full.loc[~warm, col].notna().any(), col
    short = full[full["code"] == "130A0"]
    assert 0 < len(short) < 20
    assert short[["short_sell_share_avg_20", "margin_trade_share_avg_20"]].isna().all().all()
    assert short["short_sell_share"].notna().any()


def test_incremental_one_day_at_a_time_equals_full_refresh(builds):
    """20 incremental runs (a split among those days, a listing, margin weeks becoming usable)
    = full refresh."""
    assert_matches(builds["incremental"], builds["full"], "incremental vs full refresh")


def test_no_look_ahead(market, builds):
    """Built with every source cut at the end of the cut day (a week published that day, usable
    the next, is in the data), the features of every day up to it equal the full build's."""
    cut = builds["cut"]
    cut_data = known_at(market, cut)
    assert (cut_data["margin"]["usable_from"] > cut).any(), "a published, not yet usable week"
    at_cut = builds["at_cut"]
    full = builds["full"]
    assert_matches(at_cut, full[full["trade_date"] <= cut].reset_index(drop=True), "cut vs full")
    assert_matches(at_cut, reference(cut_data), "cut vs reference at the cut")


def test_no_cross_code_leakage(market, builds, tmp_path_factory):
    project = MiniProject(tmp_path_factory.mktemp("margin_one_code"))
    project.write_sources(known_at(market, market["days"][-1], codes=["30010"]))
    project.run()
    alone = project.features()
    together = builds["full"]
    assert_matches(alone, together[together["code"] == "30010"].reset_index(drop=True), "one code vs all")
