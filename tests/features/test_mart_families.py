"""ml_features: labels, market-relative (vs TOPIX) and cross-sectional columns against independent
pandas implementations written here; the technical columns arrive unchanged from
int_features_technical.

A mini dbt project holds the real int_features_technical, int_features_market_relative and
ml_features (and the feature macros); int_prices_adjusted, stg_jquants__topix and
int_trading_calendar are views over Parquet written here (test_technical's simulator-like bars).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from test_technical import REPO, MiniProject, feature_series, make_raw_bars

TOL = 1e-9
MART_ROWS_PER_CHUNK = 400
CROSS_SECTIONAL = ["ret_1d", "ret_5d", "ret_20d", "rsi_14", "rvol_20", "mdd_60", "vol_ratio_20", "zscore_20",
                   "excess_ret_topix_20"]  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    raw = make_raw_bars(seed=5)
    dates = sorted(raw["trade_date"].unique())
    series = feature_series(raw, dates[-1])
    series["close"] = series["feature_close"] / series["cumulative_adj_factor"]
    series["adj_close"] = series["feature_close"]
    series["adj_factor"] = 1.0
    # the raw bar columns int_features_alpha158 reads (NULL on a no-trade day)
    series = series.merge(
        raw[["code", "trade_date", "open", "high", "low", "volume"]], on=["code", "trade_date"], how="left"
    )
    series["turnover_value"] = series["close"] * series["volume"]
    rng = np.random.default_rng(3)
    topix = pd.DataFrame(
        {"trade_date": dates, "close": 1800 * np.exp(np.cumsum(rng.normal(0, 0.01, len(dates))))}
    )
    topix.loc[len(topix) // 2, "close"] = np.nan  # a missing TOPIX close: forward-filled
    calendar = pd.DataFrame(
        {"calendar_date": dates, "is_business_day": True, "business_day_index": range(len(dates))}
    )

    project = MiniProject(tmp_path_factory.mktemp("mart_families"))
    models = project.workdir / "models"
    project.write_source(series)
    topix_path, calendar_path = project.workdir / "topix.parquet", project.workdir / "calendar.parquet"
    topix.to_parquet(topix_path, index=False)
    calendar.to_parquet(calendar_path, index=False)
    (models / "stg_jquants__topix.sql").write_text(
        "{{ config(materialized='view') }}\n"
        f"select trade_date::date as trade_date, close from read_parquet('{topix_path}')\n"
    )
    (models / "int_trading_calendar.sql").write_text(
        "{{ config(materialized='view') }}\n"
        f"select calendar_date::date as calendar_date, is_business_day, business_day_index "
        f"from read_parquet('{calendar_path}')\n"
    )
    for name in ("int_features_market_relative.sql", "int_features_margin.sql", "int_features_alpha158.sql",
                 "int_features_cross_sectional.sql"):
        (models / name).write_text((REPO / "models" / "intermediate" / "features" / name).read_text())
    for macro in (REPO / "macros" / "features").glob("alpha158*.sql"):
        (project.workdir / "macros" / macro.name).write_text(macro.read_text())
    # int_features_margin's weekly margin and daily breakdown: empty here (its columns all NULL)
    values = ", ".join(f"null::double as {c}" for c in ("long_sell_value_jpy", "short_sell_excluding_margin_value_jpy",
        "margin_sell_new_value_jpy", "margin_sell_close_value_jpy", "long_buy_value_jpy", "margin_buy_new_value_jpy",
        "margin_buy_close_value_jpy", "long_margin_balance_shares", "short_margin_balance_shares"))  # fmt: skip
    for name, key_date in (
        ("stg_jquants__margin_interest", "record_date"),
        ("stg_jquants__trade_breakdown", "trade_date"),
    ):
        (models / f"{name}.sql").write_text(
            f"select null::varchar as code, null::date as {key_date}, null::date as usable_from, {values} where false\n"
        )
    # int_features_fundamentals, its fin summaries empty here (its columns all NULL)
    (models / "int_features_fundamentals.sql").write_text(
        (REPO / "models" / "intermediate" / "features" / "int_features_fundamentals.sql").read_text()
    )
    (models / "stg_jquants__fin_summary.sql").write_text(
        "select null::varchar as code, null::varchar as disclosure_number, null::varchar as document_type, "
        "null::varchar as period_type, null::timestamptz as available_at, "
        + ", ".join(f"null::date as {c}" for c in ("disclosed_date", "usable_from", "period_end_date",
            "fiscal_year_end_date", "next_fiscal_year_end_date"))
        + ", " + ", ".join(f"null::double as {c}" for c in ("earnings_per_share", "book_value_per_share",
            "net_sales", "operating_profit", "net_income", "forecast_earnings_per_share",
            "next_fy_forecast_earnings_per_share", "forecast_dividend_per_share_annual",
            "next_fy_forecast_dividend_per_share_annual"))
        + " where false\n"
    )  # fmt: skip
    # int_features_investor_flow (real model) over no weekly statistics and no sections: its columns
    # all NULL here (tests/features/test_investor_flow.py checks its values)
    (models / "int_features_investor_flow.sql").write_text(
        (REPO / "models" / "intermediate" / "features" / "int_features_investor_flow.sql").read_text()
    )
    flows = ", ".join(f"null::double as {group}_{side}_jpy_thousands" for side in ("sell", "buy") for group in (
        "total", "foreigners", "individuals", "trust_banks", "investment_trusts", "business_companies"))  # fmt: skip
    (models / "int_investor_types_asof.sql").write_text(
        "select null::varchar as section, null::date as week_end_date, null::date as usable_from, "
        f"null::date as usable_until, {flows} where false\n"
    )
    (models / "int_universe.sql").write_text(
        "select null::date as trade_date, null::varchar as code, null::varchar as investor_types_section where false\n"
    )
    (models / "ml_features.sql").write_text((REPO / "models" / "marts" / "ml_features.sql").read_text())
    (project.workdir / "macros" / "ml_features.sql").write_text((REPO / "macros" / "marts" / "ml_features.sql").read_text())
    # the mart's full refresh in chunks of codes and the newest dates a chunk of their own (the
    # post-hook inserts all but the first): every comparison below then covers the chunk
    # boundaries (labels reading the later rows of the code, past the tail's first date;
    # cross-sectional values per date across every chunk's codes)
    rows_with_close = int(series["feature_close"].notna().sum())
    assert rows_with_close > 3 * MART_ROWS_PER_CHUNK
    project.run("--vars", f"{{ml_features_rows_per_chunk: {MART_ROWS_PER_CHUNK}}}")
    # the post-hook's statements (dbt's debug log: their first family CTE's filter): chunks of
    # codes (the model's statement the first), then the newest dates of every code
    log = (project.workdir / "logs" / "dbt.log").read_text()
    chunks = re.findall(r"insert into \S+ml_features\S* by name.*?where\s+true([^\n]*)", log, re.S)
    assert len(chunks) >= 3 and all("code >=" in c and "trade_date <" in c for c in chunks[:-1]), chunks
    assert "trade_date >=" in chunks[-1] and "code" not in chunks[-1], chunks

    import duckdb

    project.features()  # releases dbt-duckdb's handle on the file
    with duckdb.connect(str(project.db), read_only=True) as con:
        mart = con.sql("select * from ml_features order by code, trade_date").df()
        technical = con.sql("select * from int_features_technical order by code, trade_date").df()
        alpha158 = con.sql("select * from int_features_alpha158 order by code, trade_date").df()
    return {"mart": mart, "technical": technical, "alpha158": alpha158, "series": series, "topix": topix}


def expected_market_and_labels(series: pd.DataFrame, topix: pd.DataFrame) -> pd.DataFrame:
    t = topix.assign(topix_close=topix["close"].ffill())[["trade_date", "topix_close"]]
    t["m"] = np.log(t["topix_close"] / t["topix_close"].shift(1))
    out = []
    for _, g in series.groupby("code", sort=True):
        g = g.merge(t, on="trade_date", how="left").reset_index(drop=True)
        c = g["feature_close"]
        r = np.log(c / c.shift(1))
        rows = pd.DataFrame({"code": g["code"], "trade_date": g["trade_date"]})
        n = np.arange(len(g))
        for w in (20, 60):
            cov = r.rolling(w).cov(g["m"], ddof=1)
            var_m = g["m"].rolling(w).var(ddof=1)
            var_r = r.rolling(w).var(ddof=1)
            rows[f"beta_topix_{w}"] = np.where((n >= w) & (var_m > 0), cov / var_m, np.nan)
            rows[f"corr_topix_{w}"] = np.where(
                (n >= w) & (var_m > 0) & (var_r > 0), cov / np.sqrt(var_m * var_r), np.nan
            )
            rows[f"excess_ret_topix_{w}"] = np.where(
                n >= w, np.log(c / c.shift(w)) - np.log(g["topix_close"] / g["topix_close"].shift(w)), np.nan
            )
        for k in (1, 5, 20):
            rows[f"label_ret_{k}d"] = np.log(c.shift(-k) / c)
        out.append(rows)
    return pd.concat(out, ignore_index=True)


def assert_close(actual: pd.Series, expected: pd.Series, name: str, tol: float = TOL) -> None:
    a, b = actual.to_numpy(dtype=float), expected.to_numpy(dtype=float)
    assert (np.isnan(a) == np.isnan(b)).all(), f"{name}: NULL pattern differs"
    diff = np.abs(a - b)[~np.isnan(a)]
    assert diff.size == 0 or diff.max() <= tol, f"{name}: max |Δ| {diff.max():.3e}"


def test_labels_and_market_relative_equal_pandas(built):
    mart = built["mart"]
    expected = expected_market_and_labels(built["series"], built["topix"])
    assert len(mart) == len(expected)
    joined = mart.merge(expected, on=["code", "trade_date"], suffixes=("", "__ref"), validate="one_to_one")
    for col in [c for c in expected.columns if c not in ("code", "trade_date")]:
        # pandas' rolling cov/var are running sums (TA-Lib-like drift); 1e-9 still holds here
        assert_close(joined[col], joined[col + "__ref"], col)


def test_labels_are_future_returns_and_no_feature_uses_them(built):
    mart = built["mart"]
    last_rows = mart.groupby("code").tail(1)
    assert last_rows["label_ret_1d"].isna().all()
    labels = [c for c in mart.columns if c.startswith("label_")]
    assert labels == ["label_ret_1d", "label_ret_5d", "label_ret_20d"]
    # the technical columns of the mart are int_features_technical's, unchanged by the labels
    technical = built["technical"]
    for col in ("ret_1d", "sma_20", "rsi_14", "macd_signal", "mdd_60", "obv"):
        assert_close(mart[col], technical[col], col, tol=0.0)


def test_cross_sectional_rank_and_zscore_equal_pandas(built):
    mart = built["mart"]
    by_date = mart.groupby("trade_date")
    for col in CROSS_SECTIONAL:
        counts = by_date[col].transform("count")
        rank = (by_date[col].rank(method="min") - 1) / (counts - 1).where(counts > 1)
        z = (mart[col] - by_date[col].transform("mean")) / by_date[col].transform("std").where(
            lambda s: s > 0
        )
        assert_close(mart[f"cs_rank_{col}"], rank, f"cs_rank_{col}")
        assert_close(mart[f"cs_z_{col}"], z.where(mart[col].notna()), f"cs_z_{col}")


def test_alpha158_columns_arrive_unchanged(built):
    """All 158 active a158_* columns of the manifest, joined from int_features_alpha158 on (code,
    trade_date); its rows are a subset of the mart's (a code's Qlib span starts at its first trade)."""
    mart, alpha158 = built["mart"], built["alpha158"]
    columns = [c for c in mart.columns if c.startswith("a158_")]
    assert len(columns) == 158 and columns == [
        c for c in alpha158.columns if c.startswith("a158_") and c != "a158_series_row_index"
    ]
    joined = mart.merge(alpha158, on=["code", "trade_date"], how="left", suffixes=("", "__model"))
    assert alpha158["a158_ma5"].notna().sum() > 1000
    for col in columns:
        assert_close(joined[col], joined[col + "__model"], col, tol=0.0)
