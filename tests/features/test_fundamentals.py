"""The fundamentals family (int_features_fundamentals) against a slow pandas reference written here.

A mini dbt project (test_technical's `MiniProject`) holds the real model and macros;
`int_prices_adjusted` is a view over test_technical's simulator-like feature series (splits, a
reverse split, no-trade days, short-lived codes, a late listing) and `stg_jquants__fin_summary` a
view over documents generated here in the staging shape: quarterly results (1Q, 2Q, 3Q, FY,
cumulative figures) disclosed before or after the close or without a time, corrections of a period
disclosed later (one after the next period's results), earnings and dividend forecast revisions,
full-year EPS ≤ 0, a BPS ≤ 0, a dividend forecast of 0, documents before a code's first bar.
`usable_from` is set here by the staging rule (tested in tests/pit): before the 15:00 close on a
business day → that day; otherwise the next business day.

The reference walks every code × date in Python: the usable documents, the latest one per rule,
the split factors between the disclosure and the date as a plain product of the raw AdjFactors,
the raw close. Tolerance: |Δ| ≤ 1e-9 · max(1, |reference|) (PER runs to a few hundred); NULL
patterns identical.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_technical import REPO, MiniProject, feature_series, make_raw_bars

MODEL_SQL = REPO / "models" / "intermediate" / "features" / "int_features_fundamentals.sql"
FEATURES = [
    "fund_per", "fund_per_forecast", "fund_pbr", "fund_earnings_yield", "fund_dividend_yield",
    "fund_sales_growth_yoy", "fund_operating_profit_growth_yoy", "fund_net_income_growth_yoy",
    "fund_days_since_disclosure",
]  # fmt: skip
INCREMENTAL_DAYS = 10  # the 20010 split (8 days before the end) and the 20070 split inside
CLOSE = "15:00:00"  # the session close before 2024-11-05
JST = pd.Timedelta(hours=9)


# ---------------------------------------------------------------------------------------------
# simulator-like documents (staging shape)
# ---------------------------------------------------------------------------------------------


def business_days(raw: pd.DataFrame) -> pd.DatetimeIndex:
    """The calendar: the bars' dates, then a year of weekdays ahead (published in advance)."""
    days = pd.DatetimeIndex(sorted(raw["trade_date"].unique()))
    return days.append(pd.bdate_range(days[-1] + pd.Timedelta(days=1), periods=260))


def usable_from(disclosed: pd.Timestamp, time: str, days: pd.DatetimeIndex) -> pd.Timestamp:
    same_day = disclosed in days and time != "" and time < CLOSE
    return disclosed if same_day else days[days.searchsorted(disclosed, side="right")]


def make_documents(raw: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = business_days(raw)
    last_day = raw["trade_date"].max()
    rows: list[dict] = []

    def add(code, disclosed, time, doc_type, period_type, period_end, fy_end, **figures):
        rows.append({"code": code, "disclosed_date": disclosed, "disclosed_time_jst": time,
                     "document_type": doc_type, "period_type": period_type, "period_end_date": period_end,
                     "fiscal_year_end_date": fy_end, **figures})  # fmt: skip

    times = ["11:30:00", "14:00:00", "15:00:00", "15:30:00", "16:00:00", ""]
    for code in sorted(raw["code"].unique()):
        shares = float(rng.integers(1, 50) * 1e6)
        annual_sales = float(rng.uniform(5e9, 5e10))
        for fy in (2019, 2020, 2021, 2022):
            fy_end = pd.Timestamp(f"{fy}-03-31")
            next_fy_end = pd.Timestamp(f"{fy + 1}-03-31")
            annual_sales *= float(np.exp(rng.normal(0.05, 0.15)))
            margin = float(rng.normal(0.06, 0.06))
            cum = np.cumsum(rng.dirichlet(np.full(4, 20.0)))
            for q, period_type in enumerate(("1Q", "2Q", "3Q", "FY")):
                period_end = (fy_end - pd.offsets.MonthEnd(9 - 3 * q)) if q < 3 else fy_end
                disclosed = period_end + pd.Timedelta(days=int(rng.integers(30, 46)))
                if disclosed > last_day:
                    continue
                sales = round(annual_sales * cum[q] / 1e6) * 1e6
                op = round(sales * margin * rng.uniform(0.7, 1.3) / 1e6) * 1e6
                net = round(op * 0.68 / 1e6) * 1e6
                figures = {
                    "net_sales": sales, "operating_profit": op, "net_income": net,
                    "earnings_per_share": round(net / shares, 2),
                    "book_value_per_share": round(float(rng.uniform(200, 3000)), 2),
                }  # fmt: skip
                forecast_eps = round(annual_sales * margin * 0.68 * rng.uniform(0.8, 1.2) / shares, 2)
                dps = float(np.round(rng.uniform(0, 60) * 2) / 2) if rng.random() < 0.8 else 0.0
                if period_type == "FY":
                    figures |= {"next_fy_forecast_earnings_per_share": forecast_eps,
                                "next_fy_forecast_dividend_per_share_annual": dps,
                                "next_fiscal_year_end_date": next_fy_end}  # fmt: skip
                else:
                    figures |= {"forecast_earnings_per_share": forecast_eps,
                                "forecast_dividend_per_share_annual": dps}  # fmt: skip
                time = str(rng.choice(times))
                doc = f"{period_type}FinancialStatements_Consolidated_JP"
                add(code, disclosed, time, doc, period_type, period_end, fy_end, **figures)
                if rng.random() < 0.25:  # a correction of the same period, disclosed later
                    corrected = dict(figures)
                    corrected["net_sales"] = sales * 1.02
                    corrected["earnings_per_share"] = round(figures["earnings_per_share"] * 1.1 + 1, 2)
                    corrected["book_value_per_share"] = figures["book_value_per_share"] + 10
                    later = disclosed + pd.Timedelta(days=int(rng.integers(1, 100)))
                    if later <= last_day:
                        add(code, later, str(rng.choice(times)), doc, period_type, period_end, fy_end,
                            **corrected)  # fmt: skip
                if period_type == "2Q" and rng.random() < 0.5:  # forecast revisions
                    when = disclosed + pd.Timedelta(days=int(rng.integers(5, 40)))
                    if when <= last_day:
                        eps = round(forecast_eps * 1.05, 2) if rng.random() < 0.5 else np.nan
                        add(code, when, str(rng.choice(times)), "EarnForecastRevision", "FY", fy_end, fy_end,
                            forecast_earnings_per_share=eps, net_sales=np.nan)  # fmt: skip
                        add(code, when, str(rng.choice(times)), "DividendForecastRevision", "FY", fy_end,
                            fy_end, forecast_dividend_per_share_annual=dps + 5)  # fmt: skip
    docs = pd.DataFrame(rows)

    # the cases every run must hold, on fixed codes
    fy = (docs["period_type"] == "FY") & docs["document_type"].str.contains("FinancialStatements")
    loss = fy & (docs["code"] == "20030")
    docs.loc[loss, "earnings_per_share"] = -np.abs(docs.loc[loss, "earnings_per_share"]) - 5  # EPS < 0
    docs.loc[loss & (docs["period_end_date"] == "2020-03-31"), "earnings_per_share"] = 0.0  # EPS = 0
    docs.loc[loss, ["operating_profit", "net_income"]] = -1e8
    docs.loc[(docs["code"] == "20090") & (docs["period_type"] == "2Q"), "book_value_per_share"] = -12.0
    docs.loc[(docs["code"] == "20070") & (docs["period_type"] == "3Q"), "forecast_earnings_per_share"] = -3.0
    # a correction of an old period disclosed after the next period's results: it must not
    # pass for the latest period (growth, BPS) while it does replace its own period's figures
    old = docs[(docs["code"] == "20010") & fy & (docs["period_end_date"] == "2020-03-31")].iloc[0].to_dict()
    old |= {"disclosed_date": pd.Timestamp("2020-09-15"), "disclosed_time_jst": "13:00:00",
            "earnings_per_share": old["earnings_per_share"] + 7.0, "net_sales": old["net_sales"] * 0.9,
            "book_value_per_share": 1.0}  # fmt: skip
    docs = pd.concat([docs, pd.DataFrame([old])], ignore_index=True)

    for name in ("forecast_earnings_per_share", "next_fy_forecast_earnings_per_share",
                 "forecast_dividend_per_share_annual", "next_fy_forecast_dividend_per_share_annual",
                 "earnings_per_share", "book_value_per_share", "net_sales", "operating_profit",
                 "net_income"):  # fmt: skip
        if name not in docs:
            docs[name] = np.nan
        docs[name] = docs[name].astype(float)
    if "next_fiscal_year_end_date" not in docs:
        docs["next_fiscal_year_end_date"] = pd.NaT
    docs["usable_from"] = [
        usable_from(d, t, days)
        for d, t in zip(docs["disclosed_date"], docs["disclosed_time_jst"], strict=True)
    ]
    clock = pd.to_timedelta(
        docs["disclosed_time_jst"].replace("", "24:00:00").str.replace("24:00:00", "23:59:59.999999")
    )
    docs["available_at"] = (docs["disclosed_date"] + clock - JST).dt.tz_localize("UTC")
    docs = docs.sort_values(["disclosed_date", "available_at", "code"], kind="stable", ignore_index=True)
    docs["disclosure_number"] = [
        f"{d:%Y%m%d}{i:06d}"
        for d, i in zip(docs["disclosed_date"], docs.groupby("disclosed_date").cumcount(), strict=True)
    ]
    return docs


def docs_known_until(docs: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """The documents in the lake at the end of `day` (disclosed on or before it)."""
    return docs[docs["disclosed_date"] <= day].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# the reference
# ---------------------------------------------------------------------------------------------


def _latest(docs: list[dict], *order: str) -> dict | None:
    """The document with the greatest (order…, available_at, disclosure_number), None if none."""
    keys = [*order, "available_at", "disclosure_number"]
    return max(docs, key=lambda doc: tuple(doc[k] for k in keys), default=None)


def _has(doc: dict, column: str) -> bool:
    return not pd.isna(doc[column])


def split_factor(dates: np.ndarray, factors: np.ndarray, since: pd.Timestamp, row: int) -> float:
    """Product of the AdjFactors of the rows after the disclosure date, up to `row`."""
    first = int(np.searchsorted(dates, np.datetime64(since), side="right"))
    return float(np.prod(factors[first : row + 1]))


def per_share(doc: dict | None, column: str, dates: np.ndarray, factors: np.ndarray, row: int) -> float:
    """A per-share figure of a document in the shares of bar `row`."""
    return np.nan if doc is None else doc[column] * split_factor(dates, factors, doc["disclosed_date"], row)


def forecast_candidates(docs: list[dict], figure: str) -> list[dict]:
    """Each document's forecast of `figure` for the latest fiscal year it forecasts."""
    out = []
    for doc in docs:
        if _has(doc, f"next_fy_{figure}"):
            out.append(doc | {"target": doc["next_fiscal_year_end_date"], "value": doc[f"next_fy_{figure}"]})
        elif _has(doc, figure):
            out.append(doc | {"target": doc["fiscal_year_end_date"], "value": doc[figure]})
    return out


def growth(results: list[dict], figure: str) -> float:
    latest = _latest(results, "period_end_date")
    if latest is None or pd.isna(latest[figure]):
        return np.nan
    month = (latest["period_end_date"] - pd.DateOffset(years=1)).to_period("M")
    prior = _latest(
        [
            d
            for d in results
            if d["period_type"] == latest["period_type"] and d["period_end_date"].to_period("M") == month
        ]
    )
    return latest[figure] / prior[figure] - 1 if prior is not None and prior[figure] > 0 else np.nan


def reference(raw: pd.DataFrame, docs: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Every feature for each code × date of the feature series known at the end of `day`."""
    raw = raw[raw["trade_date"] <= day]
    records = docs_known_until(docs, day).to_dict("records")
    out = []
    for code, bars in raw.groupby("code", sort=True):
        bars = bars.sort_values("trade_date").reset_index(drop=True)
        dates = bars["trade_date"].to_numpy()
        factors = bars["adj_factor"].to_numpy(dtype=float)
        closes = bars["close"].to_numpy(dtype=float)
        own = [doc for doc in records if doc["code"] == code]
        for i in range(len(bars)):
            traded = np.nonzero(~np.isnan(closes[: i + 1]))[0]
            if len(traded) == 0:
                continue  # not in the feature series yet
            last = traded[-1]
            d = pd.Timestamp(dates[i])
            price = closes[last] * float(np.prod(factors[last + 1 : i + 1]))  # raw close in D's shares
            usable = [doc for doc in own if doc["usable_from"] <= d]
            results = [doc for doc in usable if "FinancialStatements" in doc["document_type"]]
            scale = (dates, factors, i)
            full_years = [
                doc for doc in results if doc["period_type"] == "FY" and _has(doc, "earnings_per_share")
            ]
            eps = per_share(_latest(full_years, "period_end_date"), "earnings_per_share", *scale)
            with_bps = [doc for doc in results if _has(doc, "book_value_per_share")]
            bps = per_share(_latest(with_bps, "period_end_date"), "book_value_per_share", *scale)
            f_eps, dps = (
                per_share(_latest(forecast_candidates(usable, figure), "target"), "value", *scale)
                for figure in ("forecast_earnings_per_share", "forecast_dividend_per_share_annual")
            )
            out.append(
                {
                    "code": code,
                    "trade_date": d,
                    "fund_per": price / eps if eps > 0 else np.nan,
                    "fund_per_forecast": price / f_eps if f_eps > 0 else np.nan,
                    "fund_pbr": price / bps if bps > 0 else np.nan,
                    "fund_earnings_yield": eps / price,
                    "fund_dividend_yield": dps / price,
                    "fund_sales_growth_yoy": growth(results, "net_sales"),
                    "fund_operating_profit_growth_yoy": growth(results, "operating_profit"),
                    "fund_net_income_growth_yoy": growth(results, "net_income"),
                    "fund_days_since_disclosure": (
                        (d - max(doc["disclosed_date"] for doc in usable)).days if usable else np.nan
                    ),
                }
            )
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------------------------
# the mini dbt project
# ---------------------------------------------------------------------------------------------


class FundamentalsProject(MiniProject):
    def __init__(self, workdir, lookback: int = 2) -> None:
        super().__init__(workdir, lookback)
        models = workdir / "models"
        (models / "int_features_technical.sql").unlink()
        (models / "int_features_fundamentals.sql").write_text(MODEL_SQL.read_text())
        self.documents = workdir / "documents.parquet"
        (models / "stg_jquants__fin_summary.sql").write_text(
            "{{ config(materialized='view') }}\n"
            "select * replace (\n"
            "    disclosed_date::date as disclosed_date, usable_from::date as usable_from,\n"
            "    period_end_date::date as period_end_date, fiscal_year_end_date::date as fiscal_year_end_date,\n"
            "    next_fiscal_year_end_date::date as next_fiscal_year_end_date)\n"
            f"from read_parquet('{self.documents}')\n"
        )

    def write(self, raw: pd.DataFrame, docs: pd.DataFrame, day: pd.Timestamp) -> None:
        series = feature_series(raw, day).merge(
            raw[["code", "trade_date", "adj_factor"]], on=["code", "trade_date"]
        )
        self.write_source(series)
        docs_known_until(docs, day).to_parquet(self.documents, index=False)

    def features(self) -> pd.DataFrame:
        import duckdb
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

        with manager._LOCK:  # dbt-duckdb keeps the file open in this process
            if manager._ENV is not None:
                manager._ENV.close()
                manager._ENV = None
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.sql("select * from int_features_fundamentals order by code, trade_date").df()


@pytest.fixture(scope="module")
def raw_bars() -> pd.DataFrame:
    return make_raw_bars()


@pytest.fixture(scope="module")
def dates(raw_bars) -> list[pd.Timestamp]:
    return sorted(raw_bars["trade_date"].unique())


@pytest.fixture(scope="module")
def documents(raw_bars, dates) -> pd.DataFrame:
    docs = make_documents(raw_bars)
    # on the first incremental day: one disclosure before the close, one after it
    day = pd.Timestamp(dates[-INCREMENTAL_DAYS])
    extra = docs[(docs["code"] == "20090") & (docs["period_type"] == "FY")].iloc[[-1]].copy()
    extra["period_end_date"] = extra["fiscal_year_end_date"] = pd.Timestamp("2021-06-30")
    before = extra.assign(disclosed_date=day, disclosed_time_jst="11:30:00", earnings_per_share=321.0,
                          usable_from=day, available_at=(day + pd.Timedelta(hours=11.5) - JST).tz_localize("UTC"),
                          disclosure_number=f"{day:%Y%m%d}900001")  # fmt: skip
    after = extra.assign(disclosed_date=day, disclosed_time_jst="16:00:00", book_value_per_share=4321.0,
                         usable_from=pd.Timestamp(dates[-INCREMENTAL_DAYS + 1]),
                         available_at=(day + pd.Timedelta(hours=16) - JST).tz_localize("UTC"),
                         disclosure_number=f"{day:%Y%m%d}900002")  # fmt: skip
    return pd.concat([docs, before, after], ignore_index=True)


@pytest.fixture(scope="module")
def builds(raw_bars, dates, documents, tmp_path_factory):
    """A build with every source cut INCREMENTAL_DAYS + 1 days before the end, the last days added
    one at a time with incremental runs, then a full refresh."""
    project = FundamentalsProject(tmp_path_factory.mktemp("fundamentals"))
    cut = pd.Timestamp(dates[-INCREMENTAL_DAYS - 1])
    project.write(raw_bars, documents, cut)
    project.run()
    at_cut = project.features()
    as_of_day = []  # each day's rows as built at the end of that day (every source cut there)
    for day in dates[-INCREMENTAL_DAYS:]:
        project.write(raw_bars, documents, pd.Timestamp(day))
        project.run("--select", "int_features_fundamentals")
        built = project.features()
        as_of_day.append(built[built["trade_date"] == day])
    incremental = project.features()
    project.run("--full-refresh")
    full = project.features()
    return {"at_cut": at_cut, "cut": cut, "incremental": incremental, "full": full,
            "as_of_day": pd.concat(as_of_day, ignore_index=True)}  # fmt: skip


def assert_matches(actual: pd.DataFrame, expected: pd.DataFrame, label: str) -> float:
    key = ["code", "trade_date"]
    assert len(actual) == len(expected), f"{label}: {len(actual)} rows vs {len(expected)}"
    joined = actual.merge(expected, on=key, suffixes=("", "__ref"), validate="one_to_one")
    assert len(joined) == len(expected), label
    worst_all = 0.0
    for col in FEATURES:
        a = joined[col].astype("float64").to_numpy()
        b = joined[col + "__ref"].astype("float64").to_numpy()
        mismatched = joined.loc[np.isnan(a) != np.isnan(b), key + [col, col + "__ref"]]
        assert mismatched.empty, f"{label}: {col} NULL pattern differs at\n{mismatched.head()}"
        assert np.isfinite(a[~np.isnan(a)]).all(), f"{label}: {col} not finite"
        err = np.where(np.isnan(a), 0.0, np.abs(a - b) / np.maximum(1.0, np.abs(np.nan_to_num(b))))
        worst = int(np.argmax(err)) if len(err) else 0
        assert len(err) == 0 or err[worst] <= 1e-9, (
            f"{label}: {col} off by {err[worst]:.3e} at {joined.loc[worst, key].tolist()}"
        )
        worst_all = max(worst_all, float(err.max()) if len(err) else 0.0)
    return worst_all


# ---------------------------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------------------------


def test_every_feature_equals_the_reference(builds, raw_bars, documents, dates):
    full = builds["full"]
    expected = reference(raw_bars, documents, pd.Timestamp(dates[-1]))
    worst = assert_matches(full, expected, "full refresh vs reference")
    print(f"\nfundamentals: {len(full)} rows, worst |Δ| / max(1, |ref|) = {worst:.2e}")
    # the data exercise every rule: values and NULLs in every column
    for col in FEATURES:
        assert full[col].notna().sum() > 100, col
    for col in ("fund_per", "fund_pbr", "fund_per_forecast", "fund_operating_profit_growth_yoy"):
        assert full[col].isna().sum() > 0, col


def last_raw_close(raw: pd.DataFrame, code: str, day: pd.Timestamp) -> float:
    bars = raw[(raw["code"] == code) & (raw["trade_date"] <= day)].dropna(subset=["close"])
    return float(bars.sort_values("trade_date")["close"].iloc[-1])


def test_rules_on_named_cases(builds, raw_bars, dates):
    full = builds["full"].set_index(["code", "trade_date"])
    # a loss (EPS < 0) or EPS = 0: PER NULL, earnings yield negative / zero, never inf
    loss = full.loc["20030"]
    assert loss["fund_per"].isna().all()
    assert (loss["fund_earnings_yield"].dropna() <= 0).all() and loss["fund_earnings_yield"].notna().any()
    # PER does not jump on a split's ex-date (20010, AdjFactor 0.5 on row 150): it moves with the
    # split-adjusted close, i.e. the raw close ÷ 0.5 (the EPS is converted to the new shares)
    series = raw_bars[raw_bars["code"] == "20010"].sort_values("trade_date").reset_index(drop=True)
    before, on = series.loc[149, "trade_date"], series.loc[150, "trade_date"]
    raw_ratio = last_raw_close(raw_bars, "20010", on) / last_raw_close(raw_bars, "20010", before)
    per_ratio = full.loc[("20010", on), "fund_per"] / full.loc[("20010", before), "fund_per"]
    assert per_ratio == pytest.approx(raw_ratio * 2, rel=1e-12)
    # disclosure before the close: usable the same day; after the close: from the next day
    day, next_day = pd.Timestamp(dates[-INCREMENTAL_DAYS]), pd.Timestamp(dates[-INCREMENTAL_DAYS + 1])
    assert full.loc[("20090", day), "fund_days_since_disclosure"] == 0
    assert full.loc[("20090", next_day), "fund_days_since_disclosure"] == (next_day - day).days
    assert full.loc[("20090", day), "fund_per"] == pytest.approx(
        last_raw_close(raw_bars, "20090", day) / 321.0, rel=1e-12
    )
    assert full.loc[("20090", day), "fund_pbr"] != pytest.approx(
        last_raw_close(raw_bars, "20090", day) / 4321.0, rel=1e-6
    )
    assert full.loc[("20090", next_day), "fund_pbr"] == pytest.approx(
        last_raw_close(raw_bars, "20090", next_day) / 4321.0, rel=1e-12
    )


def test_a_correction_counts_only_from_its_usable_from(builds, documents, raw_bars):
    """The old figure holds until the correction is usable; the correction of an old period
    replaces that period's EPS, never the latest period's BPS or growth."""
    full = builds["full"].set_index(["code", "trade_date"])
    correction = documents[(documents["code"] == "20010") & (documents["book_value_per_share"] == 1.0)].iloc[
        0
    ]
    when = correction["usable_from"]
    rows = full.loc["20010"]
    day_before = rows.index[rows.index < when][-1]
    per_before, per_after = rows.loc[day_before, "fund_per"], rows.loc[when, "fund_per"]
    assert not np.isclose(per_before, per_after, rtol=1e-3)  # the corrected FY EPS counts from `when`
    # BPS stays the latest period's (no split near), not the old period's corrected 1.0
    bps_before = last_raw_close(raw_bars, "20010", day_before) / rows.loc[day_before, "fund_pbr"]
    bps_after = last_raw_close(raw_bars, "20010", when) / rows.loc[when, "fund_pbr"]
    assert bps_after == pytest.approx(bps_before, rel=1e-12) and bps_after > 100


def test_incremental_one_day_at_a_time_equals_full_refresh(builds):
    assert_matches(builds["incremental"], builds["full"], "incremental vs full refresh")


def test_no_look_ahead(builds, raw_bars, documents, dates):
    """Every source cut at the end of day D: the features up to D equal the full build's and the
    reference computed from the cut data; so do those of each later day D built at D's end."""
    cut = builds["cut"]
    later = builds["full"]
    later = later[later["trade_date"] <= cut].reset_index(drop=True)
    assert_matches(builds["at_cut"], later, "cut vs full")
    assert_matches(builds["at_cut"], reference(raw_bars, documents, cut), "cut vs reference at the cut")
    # each of the incremental days, as built at its own end (a disclosure after the close on the
    # first of them is in the lake but not usable yet), equals the full build
    later_days = builds["full"][builds["full"]["trade_date"] > cut].reset_index(drop=True)
    assert_matches(builds["as_of_day"], later_days, "each day as of its end vs full")


def test_no_cross_code_leakage(builds, raw_bars, documents, dates, tmp_path_factory):
    project = FundamentalsProject(tmp_path_factory.mktemp("fundamentals_one_code"))
    project.write(raw_bars[raw_bars["code"] == "20010"], documents[documents["code"] == "20010"],
                  pd.Timestamp(dates[-1]))  # fmt: skip
    project.run()
    alone = project.features()
    together = builds["full"]
    assert_matches(alone, together[together["code"] == "20010"].reset_index(drop=True), "one code vs all")
