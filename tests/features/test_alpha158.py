"""Alpha158 (int_features_alpha158) against Qlib's expression engine.

The truth is Qlib's own semantics, obtained two ways:

1. A port of the Qlib operators Alpha158 uses, written here in pandas/numpy from Qlib 0.9.7's
   source (not from our SQL macros): `qlib/data/ops.py` (Rolling: `series.rolling(N,
   min_periods=1).<func>()`; IdxMax/IdxMin: `rolling.apply(lambda x: x.argmax() + 1, raw=True)`;
   Rank: `rolling.rank(pct=True)`; Quantile; Corr: pandas rolling corr masked where either
   rolling std is `np.isclose(…, 0, atol=2e-05)`; Rsquare masked the same way; Greater/Less =
   np.maximum/np.minimum; Gt/Lt = np.greater/np.less) and the Cython running sums of
   `qlib/data/_libs/rolling.pyx` (Slope, Rsquare, Resi), evaluated on the exact expression strings
   of `qlib/contrib/data/loader.py` (Alpha158DL.get_feature_config). The data layer follows
   `scripts/dump_bin.py` (calendar = union of all dates; each instrument reindexed to the calendar
   between its first and last date, missing days NaN) and Qlib's collectors (a day with
   volume <= 0 or NaN is all-NaN; prices × adjustment factor, then divided by the first close,
   volume multiplied by it: `_manual_adj_data`).
2. When pyqlib itself is importable (in this interpreter, or in the one named by the environment
   variable QLIB_PYTHON), the same bars are dumped to a Qlib provider directory in the bin format
   and Qlib's `D.features` computes the 158 fields; the port and our SQL are compared to it.
   pyqlib is not a test dependency: installed with its declared dependencies it pulls ~250
   packages (mlflow, jupyter, lightgbm, cvxpy, gym), and only `--no-deps` plus a handful of small
   packages gives its expression engine. The engine is used without `qlib.init()` (which imports
   mlflow for the experiment recorder): `C.set(...)` + `register_all_ops` +
   `register_all_wrappers`, i.e. init minus the recorder.

Tolerances: SQL vs port (both float64 on the same inputs) |Δ| <= 1e-9·max(1, |x|), identical
NULL/NaN patterns. Real Qlib stores float32 and returns float32: SQL vs Qlib within float32
rounding of inputs and output (see test_sql_matches_real_qlib).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
MODEL_SQL = REPO / "models" / "intermediate" / "features" / "int_features_alpha158.sql"
# generated from the feature manifest (macros/features/manifest/alpha158.sql): docs + enforced contract
MODEL_YML = REPO / "models" / "intermediate" / "features" / "_features__alpha158.yml"
UNIT_TESTS_YML = REPO / "models" / "intermediate" / "features" / "_features__alpha158_unit_tests.yml"
GENERIC_TESTS = [REPO / "macros" / "generic_tests" / f"{name}.sql"
                 for name in ("expect_unique_combination", "expect_columns_not_null")]  # the YAML's data tests
FEATURE_MACROS = [
    *sorted((REPO / "macros" / "features").glob("alpha158*.sql")),
    REPO / "macros" / "features" / "feature_manifest.sql",
    REPO / "macros" / "features" / "incremental.sql",
]
MANIFEST_DIR = REPO / "macros" / "features" / "manifest"
WINDOWS = [5, 10, 20, 30, 60]

# ---------------------------------------------------------------------------------------------
# Alpha158: Qlib's expression strings and names, as Alpha158DL.get_feature_config builds them for
# the Alpha158 handler (kbar; price windows [0] of OPEN, HIGH, LOW, VWAP; rolling defaults).
# ---------------------------------------------------------------------------------------------


def alpha158_config() -> tuple[list[str], list[str]]:
    fields = [
        "($close-$open)/$open",
        "($high-$low)/$open",
        "($close-$open)/($high-$low+1e-12)",
        "($high-Greater($open, $close))/$open",
        "($high-Greater($open, $close))/($high-$low+1e-12)",
        "(Less($open, $close)-$low)/$open",
        "(Less($open, $close)-$low)/($high-$low+1e-12)",
        "(2*$close-$high-$low)/$open",
        "(2*$close-$high-$low)/($high-$low+1e-12)",
    ]
    names = ["KMID", "KLEN", "KMID2", "KUP", "KUP2", "KLOW", "KLOW2", "KSFT", "KSFT2"]
    for field in ["open", "high", "low", "vwap"]:
        fields.append(f"${field}/$close")
        names.append(f"{field.upper()}0")
    rolling = [
        ("ROC", "Ref($close, {d})/$close"),
        ("MA", "Mean($close, {d})/$close"),
        ("STD", "Std($close, {d})/$close"),
        ("BETA", "Slope($close, {d})/$close"),
        ("RSQR", "Rsquare($close, {d})"),
        ("RESI", "Resi($close, {d})/$close"),
        ("MAX", "Max($high, {d})/$close"),
        ("MIN", "Min($low, {d})/$close"),
        ("QTLU", "Quantile($close, {d}, 0.8)/$close"),
        ("QTLD", "Quantile($close, {d}, 0.2)/$close"),
        ("RANK", "Rank($close, {d})"),
        ("RSV", "($close-Min($low, {d}))/(Max($high, {d})-Min($low, {d})+1e-12)"),
        ("IMAX", "IdxMax($high, {d})/{d}"),
        ("IMIN", "IdxMin($low, {d})/{d}"),
        ("IMXD", "(IdxMax($high, {d})-IdxMin($low, {d}))/{d}"),
        ("CORR", "Corr($close, Log($volume+1), {d})"),
        ("CORD", "Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), {d})"),
        ("CNTP", "Mean($close>Ref($close, 1), {d})"),
        ("CNTN", "Mean($close<Ref($close, 1), {d})"),
        ("CNTD", "Mean($close>Ref($close, 1), {d})-Mean($close<Ref($close, 1), {d})"),
        ("SUMP", "Sum(Greater($close-Ref($close, 1), 0), {d})/(Sum(Abs($close-Ref($close, 1)), {d})+1e-12)"),
        ("SUMN", "Sum(Greater(Ref($close, 1)-$close, 0), {d})/(Sum(Abs($close-Ref($close, 1)), {d})+1e-12)"),
        (
            "SUMD",
            (
                "(Sum(Greater($close-Ref($close, 1), 0), {d})-Sum(Greater(Ref($close, 1)-$close, 0), {d}))"
                "/(Sum(Abs($close-Ref($close, 1)), {d})+1e-12)"
            ),
        ),
        ("VMA", "Mean($volume, {d})/($volume+1e-12)"),
        ("VSTD", "Std($volume, {d})/($volume+1e-12)"),
        (
            "WVMA",
            "Std(Abs($close/Ref($close, 1)-1)*$volume, {d})/(Mean(Abs($close/Ref($close, 1)-1)*$volume, {d})+1e-12)",
        ),
        (
            "VSUMP",
            "Sum(Greater($volume-Ref($volume, 1), 0), {d})/(Sum(Abs($volume-Ref($volume, 1)), {d})+1e-12)",
        ),
        (
            "VSUMN",
            "Sum(Greater(Ref($volume, 1)-$volume, 0), {d})/(Sum(Abs($volume-Ref($volume, 1)), {d})+1e-12)",
        ),
        (
            "VSUMD",
            (
                "(Sum(Greater($volume-Ref($volume, 1), 0), {d})-Sum(Greater(Ref($volume, 1)-$volume, 0), {d}))"
                "/(Sum(Abs($volume-Ref($volume, 1)), {d})+1e-12)"
            ),
        ),
    ]
    for name, template in rolling:
        for d in WINDOWS:
            fields.append(template.format(d=d))
            names.append(f"{name}{d}")
    return fields, names


def sql_column(qlib_name: str) -> str:
    return "a158_" + qlib_name.lower()


# ---------------------------------------------------------------------------------------------
# Simulator-like raw bars: splits and a reverse split, no-trade days (NULL bars, a market-wide
# outage day), leading no-trade rows, missing bar rows, flat runs (ties, zero std), a zero-volume
# day, short-lived codes (1, 3 and 65 rows) and a late listing.
# ---------------------------------------------------------------------------------------------

BAR_COLUMNS = ["code", "trade_date", "open", "high", "low", "close", "volume", "turnover_value", "adj_factor"]


def make_bars(seed: int = 7, n_days: int = 260) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2020-06-01", periods=n_days)
    outage = pd.Timestamp("2020-10-01")
    specs = {
        # code: (first row, last row exclusive, no-trade probability, flat-run probability)
        "10010": (0, n_days, 0.03, 0.0),
        "10020": (40, n_days, 0.02, 0.0),
        "10030": (0, n_days, 0.30, 0.5),
        "10040": (100, 103, 0.0, 0.0),
        "10050": (150, 151, 0.0, 0.0),
        "10060": (20, 85, 0.05, 0.1),
        "10070": (0, n_days, 0.02, 0.0),
        "10080": (0, n_days, 0.02, 0.2),
        "130A0": (5, n_days, 0.05, 0.0),
    }
    frames = []
    for code, (first, last, p_no_trade, p_flat) in specs.items():
        n = last - first
        price = float(np.exp(rng.uniform(np.log(80), np.log(30000))))
        closes, opens, highs, lows, volumes, turnovers = [], [], [], [], [], []
        flat_left = 0
        for _ in range(n):
            if flat_left == 0 and rng.random() < p_flat * 0.1:
                flat_left = int(rng.integers(3, 25))
            if flat_left > 0:
                flat_left -= 1
                o = h = low = c = round(price, 1)
            else:
                o = round(price * (1 + rng.normal(0, 0.01)), 1)
                c = round(price * np.exp(rng.normal(0, 0.02)), 1)
                h = round(max(o, c) * (1 + abs(rng.normal(0, 0.01))), 1)
                low = round(min(o, c) * (1 - abs(rng.normal(0, 0.01))), 1)
                price = c
            v = float(rng.integers(100, 2_000_000) // 100 * 100)
            vwap = round(float(rng.uniform(low, h)), 1) if h > low else c
            opens.append(o)
            highs.append(h)
            lows.append(low)
            closes.append(c)
            volumes.append(v)
            turnovers.append(round(vwap * v))
        frame = pd.DataFrame(
            {
                "code": code,
                "trade_date": dates[first:last],
                "open": opens,
                "high": highs,
                "low": lows,
                "close": closes,
                "volume": volumes,
                "turnover_value": turnovers,
                "adj_factor": 1.0,
            }
        )
        no_trade = rng.random(n) < p_no_trade
        no_trade |= frame["trade_date"].eq(outage).to_numpy()
        frame.loc[no_trade, ["open", "high", "low", "close", "volume", "turnover_value"]] = np.nan
        frames.append(frame)
    bars = pd.concat(frames, ignore_index=True)

    def at(code: str, row: int) -> pd.Index:
        return bars.index[bars["code"] == code][row : row + 1]

    # splits: the factor sits on the ex-date row; from it on raw prices scale by the factor
    # (a 1->2 split, factor 0.5, halves the price and doubles the volume)
    for code, row, factor in [
        ("10010", 90, 0.5),
        ("10010", 180, 5.0),
        ("10020", 30, 0.25),
        ("10070", 120, 0.1),
    ]:
        idx = bars.index[bars["code"] == code][row:]
        bars.loc[idx[0], "adj_factor"] = factor
        bars.loc[idx, ["open", "high", "low", "close"]] = (
            bars.loc[idx, ["open", "high", "low", "close"]] * factor
        ).round(1)
        bars.loc[idx, "volume"] = (bars.loc[idx, "volume"] / factor).round()
    # a factor on the first traded row applies to rows before it only
    bars.loc[at("130A0", 0), "adj_factor"] = 0.5
    # leading no-trade rows before the first trade
    bars.loc[
        bars.index[bars["code"] == "10020"][:2], ["open", "high", "low", "close", "volume", "turnover_value"]
    ] = np.nan
    # a traded day with zero volume (Qlib's collectors make it NaN)
    bars.loc[at("10080", 50), ["volume", "turnover_value"]] = 0.0
    # missing bar rows (no row at all): dump_bin reindexes them to NaN days
    bars = bars.drop(bars.index[bars["code"] == "10070"][[30, 31, 77]])
    return bars[BAR_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Qlib's data layer (dump_bin + collectors' normalisation), from the raw bars.
# ---------------------------------------------------------------------------------------------


def qlib_series(bars: pd.DataFrame) -> tuple[pd.DatetimeIndex, dict[str, pd.DataFrame]]:
    calendar = pd.DatetimeIndex(sorted(bars["trade_date"].unique()))
    out = {}
    for code, frame in bars.groupby("code", sort=True):
        frame = frame.set_index("trade_date").sort_index()
        # volume <= 0 or NaN: all-NaN day (Qlib's collectors); so is a missing/non-positive price
        valid = (frame[["open", "high", "low", "close", "volume"]] > 0).all(axis=1)
        if not valid.any():
            continue
        first = valid.idxmax()
        frame = frame.loc[first:]
        valid = valid.loc[first:]
        factor = frame["adj_factor"].fillna(1.0).copy()
        factor.iloc[0] = 1.0
        forward = factor.cumprod()
        scale = frame["close"].iloc[0] * forward
        series = pd.DataFrame(index=frame.index)
        for field in ["open", "high", "low", "close"]:
            series[field] = frame[field] / scale
        series["vwap"] = frame["turnover_value"] / frame["volume"] / scale
        series["volume"] = frame["volume"] * scale
        series.loc[~valid, :] = np.nan
        span = calendar[(calendar >= frame.index.min()) & (calendar <= frame.index.max())]
        out[code] = series.reindex(span)
    return calendar, out


# ---------------------------------------------------------------------------------------------
# Port of the Qlib operators (qlib/data/ops.py, qlib/data/_libs/rolling.pyx).
# ---------------------------------------------------------------------------------------------


def _cython_rolling(values: np.ndarray, window: int, kind: str) -> np.ndarray:
    """rolling.pyx Slope/Resi/Rsquare: running sums over a deque pre-filled with NaN; x is the
    position in the window (newest = window); NaN values are skipped."""
    barv = [np.nan] * window
    na_count = window
    i_sum = x_sum = x2_sum = y_sum = y2_sum = xy_sum = 0.0
    out = np.empty(len(values))
    with np.errstate(divide="ignore", invalid="ignore"):
        for t, val in enumerate(values.astype(float)):
            barv.append(val)
            xy_sum = xy_sum - y_sum
            x2_sum = x2_sum + i_sum - 2 * x_sum
            x_sum = x_sum - i_sum
            front = barv.pop(0)
            if not np.isnan(front):
                i_sum -= 1
                y_sum -= front
                y2_sum -= front * front
            else:
                na_count -= 1
            if np.isnan(val):
                na_count += 1
            else:
                i_sum += 1
                x_sum += window
                x2_sum += window * window
                y_sum += val
                y2_sum += val * val
                xy_sum += window * val
            n = window - na_count
            num = np.float64(n * xy_sum - x_sum * y_sum)
            den_x = np.float64(n * x2_sum - x_sum * x_sum)
            if kind == "slope":
                out[t] = num / den_x
            elif kind == "resi":
                slope = num / den_x
                x_mean = np.float64(x_sum) / n if n else np.nan
                y_mean = np.float64(y_sum) / n if n else np.nan
                out[t] = val - (slope * window + (y_mean - slope * x_mean))
            else:
                r = num / np.sqrt(den_x * np.float64(n * y2_sum - y_sum * y_sum))
                out[t] = r * r
    return out


def _near_zero_std(series: pd.Series, window: int) -> np.ndarray:
    return np.isclose(series.rolling(window, min_periods=1).std(), 0, atol=2e-05)


class _Ops:
    """The operators Alpha158 uses, on pandas Series (one instrument)."""

    @staticmethod
    def Ref(s, n):
        return s.shift(n)

    @staticmethod
    def Mean(s, n):
        return s.rolling(n, min_periods=1).mean()

    @staticmethod
    def Sum(s, n):
        return s.rolling(n, min_periods=1).sum()

    @staticmethod
    def Std(s, n):
        return s.rolling(n, min_periods=1).std()

    @staticmethod
    def Max(s, n):
        return s.rolling(n, min_periods=1).max()

    @staticmethod
    def Min(s, n):
        return s.rolling(n, min_periods=1).min()

    @staticmethod
    def Quantile(s, n, q):
        return s.rolling(n, min_periods=1).quantile(q)

    @staticmethod
    def Rank(s, n):
        return s.rolling(n, min_periods=1).rank(pct=True)

    @staticmethod
    def IdxMax(s, n):
        return s.rolling(n, min_periods=1).apply(lambda x: x.argmax() + 1, raw=True)

    @staticmethod
    def IdxMin(s, n):
        return s.rolling(n, min_periods=1).apply(lambda x: x.argmin() + 1, raw=True)

    @staticmethod
    def Slope(s, n):
        return pd.Series(_cython_rolling(s.to_numpy(), n, "slope"), index=s.index)

    @staticmethod
    def Resi(s, n):
        return pd.Series(_cython_rolling(s.to_numpy(), n, "resi"), index=s.index)

    @staticmethod
    def Rsquare(s, n):
        out = pd.Series(_cython_rolling(s.to_numpy(), n, "rsquare"), index=s.index)
        out.loc[_near_zero_std(s, n)] = np.nan
        return out

    @staticmethod
    def Corr(left, right, n):
        out = left.rolling(n, min_periods=1).corr(right)
        out.loc[_near_zero_std(left, n) | _near_zero_std(right, n)] = np.nan
        return out

    @staticmethod
    def Greater(a, b):
        return np.maximum(a, b)

    @staticmethod
    def Less(a, b):
        return np.minimum(a, b)

    @staticmethod
    def Abs(s):
        return np.abs(s)

    @staticmethod
    def Log(s):
        return np.log(s)


def port_features(series: dict[str, pd.DataFrame]) -> pd.DataFrame:
    fields, names = alpha158_config()
    namespace = {name: getattr(_Ops, name) for name in dir(_Ops) if not name.startswith("_")}
    compiled = [compile(re.sub(r"\$(\w+)", r'bars["\1"]', field), field, "eval") for field in fields]
    frames = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for code, bars in series.items():
            values = {}
            for name, code_obj in zip(names, compiled, strict=True):
                # the fixed expression strings of alpha158_config, with $field -> bars["field"]
                result = eval(code_obj, {**namespace, "bars": bars})
                values[name] = pd.Series(result, index=bars.index).astype(float)
            frame = pd.DataFrame(values, index=bars.index)
            frame.insert(0, "code", code)
            frames.append(frame.rename_axis("trade_date").reset_index())
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Our SQL: the real model file and macros in a throwaway dbt project whose int_prices_adjusted
# is the bars above.
# ---------------------------------------------------------------------------------------------


class Alpha158Project:
    """The real int_features_alpha158 (model file, macros, feature manifest and its generated YAML)
    in a throwaway dbt project whose int_prices_adjusted is a view over `bars.parquet`, and
    int_trading_calendar (the contract's relationship test) a view over its dates."""

    def __init__(self, workdir: Path, manifest_sql: str | None = None, with_yaml: bool = True) -> None:
        self.workdir = workdir
        self.bars_path = workdir / "bars.parquet"
        self.db_path = workdir / "alpha158.duckdb"
        models, macros = workdir / "models", workdir / "macros"
        models.mkdir(parents=True, exist_ok=True)
        (macros / "manifest").mkdir(parents=True, exist_ok=True)
        (workdir / "dbt_project.yml").write_text(
            textwrap.dedent(
                """\
                name: alpha158_test
                version: "0.1.0"
                profile: alpha158_test
                model-paths: ["models"]
                macro-paths: ["macros"]
                vars:
                  features_lookback_days: 2
                  alpha158_codes_per_chunk: 4  # a full refresh in 3 chunks of codes
                models:
                  alpha158_test:
                    +materialized: table
                """
            )
        )
        (workdir / "profiles.yml").write_text(
            f"alpha158_test:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
            f"      path: '{self.db_path}'\n      threads: 1\n"
        )
        for macro in [*FEATURE_MACROS, *GENERIC_TESTS]:
            (macros / macro.name).write_text(macro.read_text())
        for family in MANIFEST_DIR.glob("*.sql"):
            (macros / "manifest" / family.name).write_text(family.read_text())
        if manifest_sql is not None:
            (macros / "manifest" / "alpha158.sql").write_text(manifest_sql)
        (models / "int_prices_adjusted.sql").write_text(
            "{{ config(materialized='view') }}\n"
            "select code, trade_date::date as trade_date, open, high, low, close, volume, turnover_value, adj_factor\n"
            f"from read_parquet('{self.bars_path}')\n"
        )
        (models / "int_trading_calendar.sql").write_text(
            "{{ config(materialized='view') }}\n"
            "select distinct trade_date as calendar_date from {{ ref('int_prices_adjusted') }}\n"
        )
        (models / "int_features_alpha158.sql").write_text(MODEL_SQL.read_text())
        if with_yaml:
            # the model's generated YAML (contract, data tests) and its unit test run in `dbt build`
            (models / MODEL_YML.name).write_text(MODEL_YML.read_text())
            (models / UNIT_TESTS_YML.name).write_text(UNIT_TESTS_YML.read_text())

    def write_bars(self, bars: pd.DataFrame) -> None:
        bars.to_parquet(self.bars_path, index=False)

    def build(self, *extra: str, command: str = "build") -> None:
        from dbt.cli.main import dbtRunner

        result = dbtRunner().invoke(
            [command, "--project-dir", str(self.workdir), "--profiles-dir", str(self.workdir),
             "--target-path", str(self.workdir / "target"), "--log-path", str(self.workdir / "logs"),
             "--quiet", *extra]
        )  # fmt: skip
        assert result.success, (
            result.exception,
            [
                str(r.node.name) + ": " + str(r.message)
                for r in result.result or []
                if r.status not in ("success", "pass")
            ],
        )

    def query(self, sql: str) -> pd.DataFrame:
        import duckdb
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

        with manager._LOCK:  # dbt-duckdb keeps the file open in this process
            if manager._ENV is not None:
                manager._ENV.close()
                manager._ENV = None
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            return con.sql(sql).df()


def build_sql_features(
    bars: pd.DataFrame, workdir: Path, qlib_bars: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Build int_features_alpha158 on `bars`; with `qlib_bars` (Qlib series: code, trade_date,
    series_row_index, open, high, low, close, vwap, volume) also run the feature macro directly on
    them (to feed it exactly the float32 values a Qlib provider holds)."""
    project = Alpha158Project(workdir)
    project.write_bars(bars)
    if qlib_bars is not None:
        qlib_bars_path = workdir / "qlib_bars.parquet"
        qlib_bars.to_parquet(qlib_bars_path, index=False)
        (workdir / "models" / "alpha158_on_qlib_bars.sql").write_text(
            "with qlib_bars as (\n"
            "    select code, trade_date::date as trade_date, series_row_index,\n"
            "        open, high, low, close, vwap, volume\n"
            f"    from read_parquet('{qlib_bars_path}')\n"
            ")\n"
            "{{ alpha158_select_features('qlib_bars') }}\n"
        )
    project.build()
    features = project.query("select * from int_features_alpha158 order by code, trade_date")
    on_qlib_bars = None
    if qlib_bars is not None:
        on_qlib_bars = project.query("select * from alpha158_on_qlib_bars order by code, trade_date")
    return features, on_qlib_bars


# ---------------------------------------------------------------------------------------------
# Real Qlib (optional): bin-format provider + D.features.
# ---------------------------------------------------------------------------------------------

QLIB_SCRIPT = r"""
import sys
import numpy as np
import pandas as pd
from qlib.config import C
from qlib.data.cache import H

provider, fields_file, out_file = sys.argv[1:4]
H.clear()
C.set("client", provider_uri=provider, region="cn", kernels=1, expression_cache=None, dataset_cache=None)
from qlib.data.ops import register_all_ops
from qlib.data.data import register_all_wrappers
register_all_ops(C)
register_all_wrappers(C)
C._registered = True
from qlib.data import D

fields = pd.read_json(fields_file)
frame = D.features(D.instruments("all"), list(fields["field"]), freq="day")
frame.columns = list(fields["name"])
frame.reset_index().to_parquet(out_file)
"""


def write_qlib_provider(calendar: pd.DatetimeIndex, series: dict[str, pd.DataFrame], root: Path) -> None:
    """scripts/dump_bin.py format: calendars/day.txt, instruments/all.txt (code, start, end; tab
    separated), features/<code>/<field>.day.bin = float32 little-endian [start index, values…]."""
    (root / "calendars").mkdir(parents=True, exist_ok=True)
    (root / "instruments").mkdir(exist_ok=True)
    (root / "calendars" / "day.txt").write_text("".join(f"{d:%Y-%m-%d}\n" for d in calendar))
    lines = []
    for code, frame in series.items():
        start = calendar.get_loc(frame.index[0])
        folder = root / "features" / code.lower()
        folder.mkdir(parents=True, exist_ok=True)
        for field in ["open", "high", "low", "close", "vwap", "volume"]:
            np.hstack([start, frame[field].to_numpy()]).astype("<f").tofile(folder / f"{field}.day.bin")
        lines.append(f"{code.upper()}\t{frame.index[0]:%Y-%m-%d}\t{frame.index[-1]:%Y-%m-%d}\n")
    (root / "instruments" / "all.txt").write_text("".join(lines))


def as_stored_by_qlib(series: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The values a Qlib provider holds: float32 (dump_bin writes '<f')."""
    return {code: frame.astype(np.float32).astype(np.float64) for code, frame in series.items()}


def series_frame(series: dict[str, pd.DataFrame]) -> pd.DataFrame:
    frames = []
    for code, frame in series.items():
        frame = frame.rename_axis("trade_date").reset_index()
        frame.insert(0, "code", code)
        frame.insert(2, "series_row_index", np.arange(len(frame)))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def qlib_python() -> str | None:
    explicit = os.environ.get("QLIB_PYTHON")
    if explicit:
        return explicit
    try:
        import qlib.data.ops  # noqa: F401
    except ImportError:
        return None
    return sys.executable


def run_real_qlib(calendar, series, workdir: Path, python: str) -> pd.DataFrame:
    provider = workdir / "qlib_provider"
    write_qlib_provider(calendar, series, provider)
    fields, names = alpha158_config()
    fields_file = workdir / "fields.json"
    pd.DataFrame({"field": fields, "name": names}).to_json(fields_file)
    script = workdir / "qlib_features.py"
    script.write_text(QLIB_SCRIPT)
    out = workdir / "qlib_features.parquet"
    subprocess.run(
        [python, str(script), str(provider), str(fields_file), str(out)],
        check=True,
        capture_output=True,
        cwd=workdir,
        timeout=300,
    )
    frame = pd.read_parquet(out).rename(columns={"instrument": "code", "datetime": "trade_date"})
    return frame


# ---------------------------------------------------------------------------------------------
# Fixtures and tests
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bars() -> pd.DataFrame:
    return make_bars()


@pytest.fixture(scope="module")
def truth(bars):
    calendar, series = qlib_series(bars)
    return calendar, series, port_features(series)


@pytest.fixture(scope="module")
def sql_features(bars, tmp_path_factory) -> pd.DataFrame:
    return build_sql_features(bars, tmp_path_factory.mktemp("alpha158_dbt"))[0]


def aligned(expected: pd.DataFrame, actual: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    keys = ["code", "trade_date"]
    expected = expected.assign(trade_date=pd.to_datetime(expected["trade_date"])).set_index(keys).sort_index()
    actual = actual.assign(trade_date=pd.to_datetime(actual["trade_date"])).set_index(keys).sort_index()
    return expected, actual


# SQL vs the float64 port: |Δ| <= atol + rtol·|x|. Two families carry Qlib's own floating-point
# residue, which the SQL (exact per window) does not have:
# - rolling std (pandas' online variance): where all values of a window are equal, pandas mostly
#   returns exactly 0 but can leave ~√ε·|x| ≈ 1e-8 relative residue; SQL returns 0;
# - Slope/Rsquare/Resi (rolling.pyx keeps running sums over the whole history, never re-summed):
#   R² of near-flat windows drifts by up to a few 1e-8 on these histories.
PORT_TOLERANCE = {
    "default": (1e-9, 1e-9),
    "STD": (1e-9, 1e-7),
    "VSTD": (1e-9, 1e-7),
    "WVMA": (1e-9, 1e-7),
    "RSQR": (1e-9, 1e-6),
}


def tolerance(name: str, table: dict[str, tuple[float, float]]) -> tuple[float, float]:
    return table.get(name.rstrip("0123456789"), table["default"])


def compare(
    expected: pd.DataFrame, actual: pd.DataFrame, table: dict[str, tuple[float, float]]
) -> pd.DataFrame:
    """One row per Qlib feature: NaN-pattern mismatches, value mismatches, max abs/rel error."""
    _, names = alpha158_config()
    rows = []
    for name in names:
        rtol, atol = tolerance(name, table)
        e = expected[name].to_numpy(dtype=float)
        a = actual[sql_column(name)].to_numpy(dtype=float)
        e_nan = ~np.isfinite(e)
        a_nan = np.isnan(a)
        both = ~e_nan & ~a_nan
        diff = np.abs(e[both] - a[both])
        bad = diff > atol + rtol * np.abs(e[both])
        rows.append(
            {
                "feature": name,
                "nan_mismatch": int((e_nan != a_nan).sum()),
                "value_mismatch": int(bad.sum()),
                "max_abs": float(diff.max()) if diff.size else 0.0,
                "max_rel": float((diff / np.maximum(np.abs(e[both]), 1e-300)).max()) if diff.size else 0.0,
                "n_values": int(both.sum()),
            }
        )
    return pd.DataFrame(rows).set_index("feature")


def test_column_names_are_qlib_names(sql_features):
    _, names = alpha158_config()
    assert len(names) == 158 and len(set(names)) == 158
    expected = ["code", "trade_date", "a158_series_row_index"] + [sql_column(n) for n in names]
    assert list(sql_features.columns) == expected


def test_rows_are_each_codes_qlib_span(truth, sql_features):
    _, _, port = truth
    expected, actual = aligned(port, sql_features)
    assert list(expected.index) == list(actual.index)
    # the missing bar rows of 10070 are NaN days inside its span; 10020 starts at its first trade
    assert actual.loc["10070"].shape[0] == expected.loc["10070"].shape[0]
    first_10020 = actual.loc["10020"].index.min()
    assert first_10020 == pd.Timestamp("2020-07-29")


def test_sql_matches_qlib_port(truth, sql_features):
    _, _, port = truth
    expected, actual = aligned(port, sql_features)
    report = compare(expected, actual, PORT_TOLERANCE)
    failing = report[(report["nan_mismatch"] > 0) | (report["value_mismatch"] > 0)]
    assert failing.empty, f"\n{failing.to_string()}"
    # every feature is exercised with real values
    assert (report["n_values"] > 100).all(), report[report["n_values"] <= 100]


def test_point_in_time_and_no_cross_code_leakage(bars, sql_features, tmp_path):
    """Built from the bars known at the end of 2020-12-01 (10010's 5.0 reverse split comes
    later) and without the other codes, these codes' rows up to that date are the same.
    10010 has a bar row on every day, so the calendar (the dates present) is unchanged."""
    cut = pd.Timestamp("2020-12-01")
    kept = ["10010", "10030", "10070", "130A0"]
    subset = bars[(bars["trade_date"] <= cut) & bars["code"].isin(kept)]
    assert (bars.loc[bars["code"] == "10010", "adj_factor"] == 5.0).any()
    assert bars.loc[(bars["code"] == "10010") & (bars["adj_factor"] == 5.0), "trade_date"].min() > cut
    before, _ = build_sql_features(subset, tmp_path / "cut")
    full = sql_features[
        (pd.to_datetime(sql_features["trade_date"]) <= cut) & sql_features["code"].isin(kept)
    ].reset_index(drop=True)
    # same rows, same NULLs; values equal up to the last bits DuckDB's windowed aggregates may
    # change when the partition grows (segment-tree summation order)
    pd.testing.assert_frame_equal(
        before.reset_index(drop=True), full, check_exact=False, rtol=1e-12, atol=1e-12, check_dtype=False
    )


# Real Qlib vs our macro fed the same float32 bars Qlib stores: |Δ| <= tol·(1 + |x|).
# Qlib returns float32 (one rounding: ~6e-8), and evaluates element-wise operators in float32:
# Log($volume+1) and $close/Ref($close,1) inside Corr (CORR, CORD: ~1e-5), and
# Abs($close/Ref($close,1)-1) (WVMA: the return's float32 cancellation, ~1e-4 of WVMA).
QLIB_TOLERANCE = {
    "default": (1.2e-7, 1.2e-7),
    "CORR": (2e-5, 2e-5),
    "CORD": (2e-5, 2e-5),
    "WVMA": (1e-4, 1e-4),
}


@pytest.mark.skipif(qlib_python() is None, reason="pyqlib not importable here and QLIB_PYTHON not set")
def test_sql_matches_real_qlib(bars, truth, tmp_path):
    calendar, series, _ = truth
    stored = as_stored_by_qlib(series)
    qlib_frame = run_real_qlib(calendar, stored, tmp_path, qlib_python())
    _, on_stored = build_sql_features(bars, tmp_path / "dbt", series_frame(stored))
    expected, actual = aligned(qlib_frame, on_stored)
    assert list(expected.index) == list(actual.index)
    # WVMA over a window where the price never moved is 0 / (0 + 1e-12) = 0; Qlib returns
    # pandas' rolling-std residue divided by 1e-12 there (up to ~1e13): documented, not compared.
    for d in WINDOWS:
        flat = actual[f"a158_wvma{d}"] == 0
        expected.loc[flat, f"WVMA{d}"] = np.where(expected.loc[flat, f"WVMA{d}"].notna(), 0.0, np.nan)
    report = compare(expected, actual, QLIB_TOLERANCE)
    print(report.sort_values("max_abs").to_string())
    failing = report[(report["nan_mismatch"] > 0) | (report["value_mismatch"] > 0)]
    assert failing.empty, f"\n{failing.to_string()}"


# ---------------------------------------------------------------------------------------------
# The feature manifest decides which columns exist; incremental runs = full refresh
# ---------------------------------------------------------------------------------------------


def test_a_deprecated_manifest_entry_is_not_computed(bars, tmp_path):
    """Retiring a column is one line of the manifest (`status: deprecated`): it leaves the model."""
    manifest_sql = (MANIFEST_DIR / "alpha158.sql").read_text()
    retired = manifest_sql
    for name, kind, window in [("a158_roc60", "ROC", 60), ("a158_kmid", "kbar", None)]:
        params = "{}" if window is None else f"{{window: {window}}}"
        entry = (
            f"  - name: {name}\n    family: alpha158\n    kind: {kind}\n    params: {params}\n    status: "
        )
        assert retired.count(entry + "active") == 1, name
        retired = retired.replace(entry + "active", entry + "deprecated")
    project = Alpha158Project(tmp_path, manifest_sql=retired, with_yaml=False)
    project.write_bars(bars[bars["code"].isin(["10010", "10040"])])
    project.build()
    columns = list(project.query("select * from int_features_alpha158 limit 0").columns)
    _, names = alpha158_config()
    expected = ["code", "trade_date", "a158_series_row_index"] + [
        sql_column(n) for n in names if n not in ("ROC60", "KMID")
    ]
    assert columns == expected


def incremental_bars() -> pd.DataFrame:
    """make_bars on a shorter history, with a split and a reverse split, a missing bar row and a
    listing inside the last days (the days the incremental runs add)."""
    bars = make_bars(seed=13)
    dates = sorted(bars["trade_date"].unique())
    for code, date, factor in [("10070", dates[-4], 0.5), ("10010", dates[-2], 5.0)]:
        later = (bars["code"] == code) & (bars["trade_date"] >= date)
        bars.loc[(bars["code"] == code) & (bars["trade_date"] == date), "adj_factor"] = factor
        bars.loc[later, ["open", "high", "low", "close"]] = (
            bars.loc[later, ["open", "high", "low", "close"]] * factor
        ).round(1)
        bars.loc[later, "volume"] = (bars.loc[later, "volume"] / factor).round()
    # a code without a bar row on the third-last day (a NaN day of its Qlib series)
    bars = bars.drop(bars.index[(bars["code"] == "10080") & (bars["trade_date"] == dates[-3])])
    # a listing four days before the end
    late = bars[bars["code"] == "10010"].tail(4).assign(code="140A0")
    return pd.concat([bars, late], ignore_index=True)


N_INCREMENTAL_DAYS = 6


def test_incremental_runs_equal_a_full_refresh(tmp_path):
    """Built up to N days before the end, then the last N days added one at a time (incremental,
    features_lookback_days = 2) = a full refresh on all bars, to 1e-9 with the same NULLs."""
    bars = incremental_bars()
    dates = sorted(bars["trade_date"].unique())
    full = Alpha158Project(tmp_path / "full")
    full.write_bars(bars)
    full.build()
    expected = full.query("select * from int_features_alpha158 order by code, trade_date")

    stepwise = Alpha158Project(tmp_path / "stepwise")
    for i, day in enumerate(dates[-N_INCREMENTAL_DAYS - 1 :]):
        stepwise.write_bars(bars[bars["trade_date"] <= day])
        stepwise.build(*(["--full-refresh"] if i == 0 else []), command="run")
    actual = stepwise.query("select * from int_features_alpha158 order by code, trade_date")

    assert len(actual) == len(expected) > 0
    assert (
        (
            actual[["code", "trade_date", "a158_series_row_index"]]
            == expected[["code", "trade_date", "a158_series_row_index"]]
        )
        .all()
        .all()
    )
    value_columns = [c for c in expected.columns if c.startswith("a158_")]
    a = actual[value_columns].to_numpy(dtype=float)
    e = expected[value_columns].to_numpy(dtype=float)
    assert (np.isnan(a) == np.isnan(e)).all(), [
        c for c, bad in zip(value_columns, (np.isnan(a) != np.isnan(e)).any(axis=0), strict=True) if bad
    ]
    diff = np.abs(a - e)[~np.isnan(e)]
    assert diff.max() <= 1e-9, diff.max()
    # the incremental days hold values (the late listing included)
    assert actual["trade_date"].max() == dates[-1]
    assert (actual["code"] == "140A0").sum() == 4
