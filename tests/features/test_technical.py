"""The technical family (int_features_technical) against TA-Lib, pandas and slow numpy references.

A mini dbt project in a tmp folder holds the real model and macros; its `int_prices_adjusted` is a
view over a Parquet file that this test writes from simulator-like raw bars (splits and a reverse
split, no-trade days with NULL bars, a market-wide outage day, short-lived codes, a late listing,
flat runs). The adjusted, forward-filled feature series is computed here in pandas, independently
of the project's SQL, as of a cut-off day (only the splits known then).

References (never generated from the macros):
* TA-Lib for SMA, RSI, ATR, BBANDS %B, STOCHF %K, WILLR, OBV;
* pandas ewm(adjust=False) for EMA 12/26 and the MACD signal;
* numpy (sliding windows, literal definitions) for returns, rvol, max drawdown, volume ratio,
  z-score.
Level columns are stored in the scale of their own date: compared after × cumulative_adj_factor
(OBV ÷ the volume factor) with the references computed on the fully adjusted series.

Tolerances: ratio columns |Δ| ≤ 1e-9; price-level columns |Δ| ≤ 1e-9 · max(1, |close|) (TA-Lib's
own running-sum SMA drifts ~3e-14 of the price); NULL patterns identical on every row.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

talib = pytest.importorskip("talib")

REPO = Path(__file__).resolve().parents[2]
MODEL_SQL = REPO / "models" / "intermediate" / "features" / "int_features_technical.sql"
MACROS = [
    REPO / "macros" / "features" / "feature_manifest.sql",
    REPO / "macros" / "features" / "technical.sql",
    REPO / "macros" / "features" / "incremental.sql",
    *sorted((REPO / "macros" / "features" / "manifest").glob("*.sql")),
]

LEVEL = ["sma_5", "sma_20", "sma_60", "ema_12", "ema_26", "macd", "macd_signal", "macd_hist", "atr_14"]
RATIO = [
    "ret_1d", "ret_5d", "ret_20d", "rsi_14", "bb_pctb_20", "rvol_20", "mdd_60", "vol_ratio_20",
    "stoch_k_14", "willr_14", "zscore_20",
]  # fmt: skip
ALL = LEVEL + RATIO + ["obv"]
N_DAYS = 320
INCREMENTAL_DAYS = 20


# ---------------------------------------------------------------------------------------------
# simulator-like raw bars
# ---------------------------------------------------------------------------------------------


def make_raw_bars(seed: int = 11, n_days: int = N_DAYS) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2020-06-01", periods=n_days)
    outage = pd.Timestamp("2020-10-01")
    specs = {
        # code: first row, last row (exclusive), no-trade probability, flat-run probability,
        # split rows {row: factor}
        "20010": (0, n_days, 0.03, 0.0, {150: 0.5, n_days - 8: 0.5}),  # a split in the last 20 days
        "20020": (30, n_days, 0.02, 0.0, {200: 5.0}),  # reverse split
        "20030": (0, n_days, 0.25, 0.6, {}),  # illiquid, flat runs
        "20040": (100, 108, 0.0, 0.0, {}),  # 8 rows: shorter than most windows
        "20050": (250, 251, 0.0, 0.0, {}),  # 1 row
        "20060": (10, 70, 0.05, 0.1, {40: 0.25}),  # 60 rows, delisted
        "20070": (0, n_days, 0.02, 0.0, {n_days - 3: 1 / 3}),
        "130A0": (n_days - 15, n_days, 0.0, 0.0, {}),  # listed inside the incremental days
        "20090": (0, n_days, 0.01, 0.0, {}),
    }
    frames = []
    for code, (first, last, p_no_trade, p_flat, splits) in specs.items():
        price = float(np.exp(rng.uniform(np.log(80), np.log(30000))))
        rows, flat_left = [], 0
        for i in range(first, last):
            if i in splits:
                price /= splits[i]
            if flat_left == 0 and rng.random() < p_flat * 0.1:
                flat_left = int(rng.integers(3, 30))
            if flat_left > 0:
                flat_left -= 1
                o = h = lo = c = round(price, 1)
            else:
                o = round(price * (1 + rng.normal(0, 0.01)), 1)
                c = round(price * np.exp(rng.normal(0, 0.02)), 1)
                h = round(max(o, c) * (1 + abs(rng.normal(0, 0.01))), 1)
                lo = round(min(o, c) * (1 - abs(rng.normal(0, 0.01))), 1)
                price = c
            v = float(rng.integers(1, 20_000) * 100)
            rows.append((code, dates[i], o, h, lo, c, v, splits.get(i, 1.0)))
        frame = pd.DataFrame(
            rows, columns=["code", "trade_date", "open", "high", "low", "close", "volume", "adj_factor"]
        )
        no_trade = (rng.random(len(frame)) < p_no_trade) | frame["trade_date"].eq(outage).to_numpy()
        no_trade[0] = code == "20090"  # one code starts with a no-trade row
        frame.loc[no_trade, ["open", "high", "low", "close", "volume"]] = np.nan
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def feature_series(raw: pd.DataFrame, known_until: pd.Timestamp) -> pd.DataFrame:
    """What int_prices_adjusted serves as known at the end of `known_until`: split-adjusted with
    the factors known then, forward-filled from each code's first trade (no-trade day: last
    close, volume 0), row index from the first trade."""
    out = []
    for code, bars in raw[raw["trade_date"] <= known_until].groupby("code", sort=True):
        bars = bars.sort_values("trade_date").reset_index(drop=True)
        later = bars["adj_factor"].to_numpy()[::-1].cumprod()[::-1]  # product from this row on
        caf = np.append(later[1:], 1.0)  # product of the factors strictly after the row
        traded = bars["close"].notna().to_numpy()
        adj_close = pd.Series(bars["close"].to_numpy() * caf).ffill().to_numpy()
        started = np.cumsum(traded) > 0
        frame = pd.DataFrame(
            {
                "code": code,
                "trade_date": bars["trade_date"],
                "feature_row_index": np.where(started, np.cumsum(started) - 1, -1),
                "feature_high": np.where(traded, bars["high"].to_numpy() * caf, adj_close),
                "feature_low": np.where(traded, bars["low"].to_numpy() * caf, adj_close),
                "feature_close": adj_close,
                "feature_volume": np.where(traded, bars["volume"].to_numpy() / caf, 0.0),
                "cumulative_adj_factor": caf,
                "cumulative_volume_adj_factor": caf,
            }
        )
        out.append(frame[started])
    series = pd.concat(out, ignore_index=True)
    series["feature_row_index"] = series["feature_row_index"].astype("int64")
    return series


# ---------------------------------------------------------------------------------------------
# references
# ---------------------------------------------------------------------------------------------


def _windows(x: np.ndarray, n: int, fn) -> np.ndarray:
    """fn over each full window of n rows (rows t-n+1..t), NaN before; fn gets an (m, n) array."""
    out = np.full(len(x), np.nan)
    if len(x) >= n:
        out[n - 1 :] = fn(np.lib.stride_tricks.sliding_window_view(x, n))
    return out


def _std_exact_zero(w: np.ndarray, ddof: int) -> np.ndarray:
    """Two-pass std, exactly 0 on a constant window (the contract's "NULL if s = 0")."""
    return np.where(w.max(axis=1) == w.min(axis=1), 0.0, np.std(w, axis=1, ddof=ddof))


def reference_one_code(s: pd.DataFrame) -> pd.DataFrame:
    h, lo, c, v = (
        s[k].to_numpy(dtype=float) for k in ("feature_high", "feature_low", "feature_close", "feature_volume")
    )
    n = len(c)
    f: dict[str, np.ndarray] = {}
    for k in (1, 5, 20):
        r = np.full(n, np.nan)
        r[k:] = np.log(c[k:] / c[:-k]) if n > k else r[k:]
        f[f"ret_{k}d"] = r
    for w in (5, 20, 60):
        f[f"sma_{w}"] = talib.SMA(c, w)
    f["ema_12"] = pd.Series(c).ewm(span=12, adjust=False).mean().to_numpy()
    f["ema_26"] = pd.Series(c).ewm(span=26, adjust=False).mean().to_numpy()
    f["macd"] = f["ema_12"] - f["ema_26"]
    f["macd_signal"] = pd.Series(f["macd"]).ewm(span=9, adjust=False).mean().to_numpy()
    f["macd_hist"] = f["macd"] - f["macd_signal"]
    f["rsi_14"] = talib.RSI(c, 14)
    f["atr_14"] = talib.ATR(h, lo, c, 14)
    up, _, low_band = talib.BBANDS(c, 20, 2.0, 2.0, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        f["bb_pctb_20"] = np.where(up - low_band > 0, (c - low_band) / (up - low_band), np.nan)
    rv = np.full(n, np.nan)
    rv[1:] = _windows(f["ret_1d"][1:], 20, lambda w: np.std(w, axis=1, ddof=1) * np.sqrt(252))
    f["rvol_20"] = rv
    f["mdd_60"] = _windows(c, 60, lambda w: (w / np.maximum.accumulate(w, axis=1)).min(axis=1) - 1)
    vm = _windows(v, 20, lambda w: w.mean(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        f["vol_ratio_20"] = np.where(vm > 0, v / vm, np.nan)
    f["stoch_k_14"] = talib.STOCHF(h, lo, c, 14, 1, 0)[0]
    f["willr_14"] = talib.WILLR(h, lo, c, 14)
    f["obv"] = talib.OBV(c, v)
    mean20 = _windows(c, 20, lambda w: w.mean(axis=1))
    sd20 = _windows(c, 20, lambda w: _std_exact_zero(w, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        f["zscore_20"] = np.where(sd20 > 0, (c - mean20) / sd20, np.nan)
    out = pd.DataFrame(f)
    out.insert(0, "trade_date", s["trade_date"].to_numpy())
    out.insert(0, "code", s["code"].to_numpy())
    return out


def reference(series: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([reference_one_code(g) for _, g in series.groupby("code", sort=True)], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# the mini dbt project
# ---------------------------------------------------------------------------------------------


class MiniProject:
    def __init__(self, workdir: Path, lookback: int = 2) -> None:
        self.workdir = workdir
        self.source = workdir / "series.parquet"
        self.db = workdir / "technical.duckdb"
        (workdir / "models").mkdir(parents=True, exist_ok=True)
        (workdir / "macros").mkdir(exist_ok=True)
        (workdir / "dbt_project.yml").write_text(
            textwrap.dedent(
                f"""\
                name: technical_test
                version: "0.1.0"
                profile: technical_test
                model-paths: ["models"]
                macro-paths: ["macros"]
                vars:
                  features_lookback_days: {lookback}
                models:
                  technical_test:
                    +materialized: table
                """
            )
        )
        (workdir / "profiles.yml").write_text(
            f"technical_test:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
            f"      path: '{self.db}'\n      threads: 1\n"
        )
        for macro in MACROS:
            target = workdir / "macros" / macro.relative_to(REPO / "macros")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(macro.read_text())
        (workdir / "models" / "int_prices_adjusted.sql").write_text(
            "{{ config(materialized='view') }}\n"
            "select * replace (trade_date::date as trade_date)\n"
            f"from read_parquet('{self.source}')\n"
        )
        (workdir / "models" / "int_features_technical.sql").write_text(MODEL_SQL.read_text())

    def write_source(self, series: pd.DataFrame) -> None:
        series.to_parquet(self.source, index=False)

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
            return con.sql("select * from int_features_technical order by code, trade_date").df()


# ---------------------------------------------------------------------------------------------
# fixtures: the builds the tests share
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw_bars() -> pd.DataFrame:
    return make_raw_bars()


@pytest.fixture(scope="module")
def dates(raw_bars) -> list[pd.Timestamp]:
    return sorted(raw_bars["trade_date"].unique())


@pytest.fixture(scope="module")
def full_build(raw_bars, dates, tmp_path_factory):
    """Full refresh on all bars; and the first build of the incremental run (cut 20 days earlier),
    then the last 20 days added one at a time with incremental runs."""
    project = MiniProject(tmp_path_factory.mktemp("technical_incremental"))
    cut = dates[-INCREMENTAL_DAYS - 1]
    project.write_source(feature_series(raw_bars, cut))
    project.run()
    at_cut = project.features()
    for day in dates[-INCREMENTAL_DAYS:]:
        project.write_source(feature_series(raw_bars, day))
        project.run("--select", "int_features_technical")
    incremental = project.features()
    project.run("--full-refresh")
    full = project.features()
    series = feature_series(raw_bars, dates[-1])
    return {"full": full, "incremental": incremental, "at_cut": at_cut, "cut": cut, "series": series,
            "project": project}  # fmt: skip


def to_full_scale(features: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """Own-date scale → the fully adjusted scale of `series` (what the references see)."""
    merged = features.merge(
        series[
            ["code", "trade_date", "feature_close", "cumulative_adj_factor", "cumulative_volume_adj_factor"]
        ],
        on=["code", "trade_date"],
        validate="one_to_one",
    )
    for col in LEVEL:
        merged[col] = merged[col] * merged["cumulative_adj_factor"]
    merged["obv"] = merged["obv"] / merged["cumulative_volume_adj_factor"]
    return merged


def assert_matches(actual: pd.DataFrame, expected: pd.DataFrame, columns: list[str], label: str) -> None:
    key = ["code", "trade_date"]
    joined = actual.merge(expected, on=key, suffixes=("", "__ref"), validate="one_to_one")
    assert len(joined) == len(expected) == len(actual), label
    scale = np.maximum(1.0, joined["feature_close"].abs().to_numpy()) if "feature_close" in joined else 1.0
    for col in columns:
        a = joined[col].to_numpy(dtype=float)
        b = joined[col + "__ref"].to_numpy(dtype=float)
        null_a, null_b = np.isnan(a), np.isnan(b)
        mismatched = joined.loc[null_a != null_b, key]
        assert mismatched.empty, f"{label}: {col} NULL pattern differs at\n{mismatched.head()}"
        tol = 1e-9 * (scale if col in LEVEL or col == "obv" else 1.0)
        err = np.where(null_a, 0.0, np.abs(a - b) - tol)
        worst = int(np.argmax(err))
        assert err[worst] <= 0, (
            f"{label}: {col} off by {abs(a[worst] - b[worst]):.3e} at {joined.loc[worst, key].tolist()}"
        )


# ---------------------------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------------------------


def test_every_column_equals_its_reference(full_build):
    """TA-Lib / pandas / numpy within 1e-9 on every row, warm-up included (NULL patterns equal)."""
    series = full_build["series"]
    actual = to_full_scale(full_build["full"], series)
    assert_matches(actual, reference(series), ALL, "full refresh vs references")


def test_warm_up_rows_are_null_never_zero(full_build):
    features = full_build["full"]
    defined_from = {
        "ret_1d": 1, "ret_5d": 5, "ret_20d": 20, "sma_5": 4, "sma_20": 19, "sma_60": 59, "rsi_14": 14,
        "atr_14": 14, "bb_pctb_20": 19, "rvol_20": 20, "mdd_60": 59, "vol_ratio_20": 19,
        "stoch_k_14": 13, "willr_14": 13, "zscore_20": 19, "ema_12": 0, "obv": 0, "macd_signal": 0,
    }  # fmt: skip
    for col, first in defined_from.items():
        warm = features["feature_row_index"] < first
        assert features.loc[warm, col].isna().all(), col
    short = features[features["code"] == "20040"]  # 8 rows
    assert len(short) == 8
    assert short[["sma_20", "sma_60", "mdd_60", "rsi_14", "rvol_20", "zscore_20"]].isna().all().all()


def test_incremental_one_day_at_a_time_equals_full_refresh(full_build):
    """20 incremental runs (a split and a 1→3 split among those days, a listing) = full refresh."""
    full, incremental = full_build["full"], full_build["incremental"]
    assert len(full) == len(incremental)
    series = full_build["series"]
    assert_matches(
        to_full_scale(incremental, series),
        to_full_scale(full, series),
        ALL + ["rsi_avg_gain_14"],
        "incremental",
    )


def test_no_look_ahead(full_build):
    """Features of every day up to the cut are the same built with data cut there (splits after
    it unknown) as built with everything (level columns in their own date's scale)."""
    cut = full_build["cut"]
    at_cut = full_build["at_cut"]
    later = full_build["full"]
    later = later[later["trade_date"] <= cut].reset_index(drop=True)
    assert len(at_cut) == len(later)
    closes = full_build["series"][["code", "trade_date", "feature_close"]]
    assert_matches(at_cut.merge(closes, on=["code", "trade_date"]), later, ALL, "cut vs full")


def test_no_cross_code_leakage(full_build, raw_bars, dates, tmp_path_factory):
    project = MiniProject(tmp_path_factory.mktemp("technical_one_code"))
    one = raw_bars[raw_bars["code"] == "20010"]
    project.write_source(feature_series(one, dates[-1]))
    project.run()
    alone = project.features()
    together = full_build["full"]
    together = together[together["code"] == "20010"].reset_index(drop=True)
    closes = full_build["series"][["code", "trade_date", "feature_close"]]
    assert_matches(alone.merge(closes, on=["code", "trade_date"]), together, ALL, "one code vs all")
