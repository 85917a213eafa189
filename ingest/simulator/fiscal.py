"""Company results (`/fins/summary`) and dividend notices (`/fins/dividend`) of the synthetic market.

Every code gets a fiscal year end month (mostly March), an accounting standard (JP GAAP, IFRS or
US GAAP; `OdP` is blank under IFRS/US GAAP) and a dividend policy. Both tables are generated for the
whole span at once and then cut by publication date, so a later `end` never changes a past row.

`/fins/summary`: one row per quarterly report (1Q, 2Q, 3Q, FY), disclosed 35-50 days after the
period end on a business day, plus `EarnForecastRevision` rows for ~20 % of fiscal years. `Sales`,
`OP`, `OdP`, `NP` are cumulative from the start of the fiscal year. `DiscTime` is mostly
15:00-17:00 (after the close) and sometimes missing (`""`). Numbers that do not apply are `""`.

`/fins/dividend`: per dividend (interim and/or year-end) a forecast notice (`FRCode` 2) on the
previous FY's results day, a decision notice (`FRCode` 1) on the results day after the record date;
~10 % of year-end forecasts are revised (`StatCode` 2, new row, `CARefNo` = the forecast's `RefNo`),
~3 % deleted (`StatCode` 3), ~10 % undetermined (`DivRate` `"-"`). Deleted rows carry `DivRate` `""`.
`ExDate` is 1 business day before the record date (2 before 2019-07-16, the T+2 switch).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ingest.simulator.calendar import roll_business
from ingest.simulator.prices import PriceTape
from ingest.simulator.universe import Universe, child_rng

FIRST_FY_YEAR, LAST_FY_YEAR = 2018, 2029  # fiscal years (by their end year) generated
T2_SWITCH = np.datetime64("2019-07-16", "D")
FY_END_MONTHS = (3, 12, 9, 6, 2)
STANDARDS = ("JP", "IFRS", "US")
QUARTERS = ("1Q", "2Q", "3Q", "FY")
SUMMARY_FIELDS = (
    "DiscDate", "DiscTime", "Code", "DiscNo", "DocType", "CurPerType", "CurPerSt", "CurPerEn",
    "CurFYSt", "CurFYEn", "NxtFYSt", "NxtFYEn", "Sales", "OP", "OdP", "NP", "EPS", "DEPS", "TA", "Eq",
    "EqAR", "BPS", "CFO", "CFI", "CFF", "CashEq", "Div1Q", "Div2Q", "Div3Q", "DivFY", "DivAnn",
    "DivUnit", "DivTotalAnn", "PayoutRatioAnn", "FDiv1Q", "FDiv2Q", "FDiv3Q", "FDivFY", "FDivAnn",
    "FDivUnit", "FDivTotalAnn", "FPayoutRatioAnn", "NxFDiv1Q", "NxFDiv2Q", "NxFDiv3Q", "NxFDivFY",
    "NxFDivAnn", "NxFDivUnit", "NxFPayoutRatioAnn", "FSales2Q", "FOP2Q", "FOdP2Q", "FNP2Q", "FEPS2Q",
    "NxFSales2Q", "NxFOP2Q", "NxFOdP2Q", "NxFNp2Q", "NxFEPS2Q", "FSales", "FOP", "FOdP", "FNP", "FEPS",
    "NxFSales", "NxFOP", "NxFOdP", "NxFNp", "NxFEPS", "MatChgSub", "SigChgInC", "ChgByASRev",
    "ChgNoASRev", "ChgAcEst", "RetroRst", "ShOutFY", "TrShFY", "AvgSh", "NCSales", "NCOP", "NCOdP",
    "NCNP", "NCEPS", "NCTA", "NCEq", "NCEqAR", "NCBPS", "FNCSales2Q", "FNCOP2Q", "FNCOdP2Q", "FNCNP2Q",
    "FNCEPS2Q", "NxFNCSales2Q", "NxFNCOP2Q", "NxFNCOdP2Q", "NxFNCNP2Q", "NxFNCEPS2Q", "FNCSales",
    "FNCOP", "FNCOdP", "FNCNP", "FNCEPS", "NxFNCSales", "NxFNCOP", "NxFNCOdP", "NxFNCNP", "NxFNCEPS",
)  # fmt: skip
SUMMARY_TEXT = {"DiscDate", "DiscTime", "Code", "DiscNo", "DocType", "CurPerType", "CurPerSt", "CurPerEn",
                "CurFYSt", "CurFYEn", "NxtFYSt", "NxtFYEn", "MatChgSub", "SigChgInC", "ChgByASRev",
                "ChgNoASRev", "ChgAcEst", "RetroRst"}  # fmt: skip
SUMMARY_NUMERIC = tuple(f for f in SUMMARY_FIELDS if f not in SUMMARY_TEXT)
DIVIDEND_FIELDS = (
    "PubDate", "PubTime", "Code", "RefNo", "StatCode", "BoardDate", "IFCode", "FRCode", "IFTerm",
    "DivRate", "RecDate", "ExDate", "ActRecDate", "PayDate", "CARefNo", "DistAmt", "RetEarn", "DeemDiv",
    "DeemCapGains", "NetAssetDecRatio", "CommSpecCode", "CommDivRate", "SpecDivRate",
)  # fmt: skip
DIVIDEND_NUMERIC = ("DivRate", "DistAmt", "RetEarn", "DeemDiv", "DeemCapGains", "NetAssetDecRatio",
                    "CommDivRate", "SpecDivRate")  # fmt: skip
DISC_TIMES = ("15:00:00", "15:30:00", "16:00:00", "17:00:00", "13:00:00", "11:30:00", "14:00:00", "")
DISC_TIME_P = (0.34, 0.20, 0.16, 0.06, 0.08, 0.07, 0.05, 0.04)


@dataclass
class FiscalTables:
    """Full-span tables; `pub` is each row's publication day (datetime64[D]) for point-in-time cuts."""

    summary: pd.DataFrame
    dividends: pd.DataFrame


def _month_end(months: np.ndarray) -> np.ndarray:
    """Last calendar day of each datetime64[M]."""
    return (months + 1).astype("datetime64[D]") - 1


def _days_of(column: pd.Series) -> np.ndarray:
    """A date column as datetime64[D]."""
    return column.to_numpy().astype("datetime64[D]")


def _iso(days: np.ndarray) -> np.ndarray:
    """datetime64 values as `YYYY-MM-DD` strings (NaT → "")."""
    text = np.datetime_as_string(np.asarray(days).astype("datetime64[D]"), unit="D").astype(object)
    text[text == "NaT"] = ""
    return text


def _numbered(days: np.ndarray, seq: np.ndarray, width: int) -> np.ndarray:
    """`YYYYMMDD` + a zero-padded 1-based sequence number, e.g. 20240517000001."""
    stamp = np.char.replace(np.datetime_as_string(days.astype("datetime64[D]"), unit="D"), "-", "")
    return np.char.add(stamp, np.char.zfill((seq + 1).astype(str), width)).astype(object)


@dataclass
class _Periods:
    """Quarter grid [N, Y, 4]: ends, disclosure days and cumulative figures."""

    fy_start: np.ndarray  # [N, Y] datetime64[D]
    fy_end: np.ndarray  # [N, Y]
    q_end: np.ndarray  # [N, Y, 4]
    disc: np.ndarray  # [N, Y, 4] business day of disclosure
    sales: np.ndarray  # [N, Y, 4] cumulative
    op: np.ndarray
    np_: np.ndarray
    annual_sales: np.ndarray  # [N, Y]
    annual_op: np.ndarray
    annual_np: np.ndarray


def _periods(rng: np.random.Generator, uni: Universe, tape: PriceTape, days: np.ndarray) -> tuple:
    n, years = len(uni.codes), np.arange(FIRST_FY_YEAR, LAST_FY_YEAR + 1)
    fy_month = rng.choice(FY_END_MONTHS, size=n, p=[0.68, 0.16, 0.06, 0.05, 0.05])
    fy_end_m = (years[None, :] - 1970) * 12 + (fy_month[:, None] - 1)
    fy_end_m = fy_end_m.astype("datetime64[M]")
    fy_end = _month_end(fy_end_m)
    fy_start = (fy_end_m - 11).astype("datetime64[D]")
    q_end = _month_end(fy_end_m[:, :, None] - np.array([9, 6, 3, 0]))
    lag = rng.integers(35, 46, size=q_end.shape) + np.array([0, 0, 0, 6])
    disc = roll_business(q_end + lag)
    cap = np.nanmedian(np.where(tape.listed, tape.c * tape.shares, np.nan), axis=0)
    cap = np.where(np.isfinite(cap), cap, 1e10)
    growth = rng.normal(0.04, 0.08, size=(n, len(years)))
    annual_sales = cap[:, None] * rng.uniform(0.3, 1.5, n)[:, None] * np.exp(np.cumsum(growth, axis=1))
    margin = np.clip(rng.uniform(0.03, 0.14, n)[:, None] + rng.normal(0, 0.03, (n, len(years))), -0.1, 0.35)
    weights = rng.dirichlet(np.full(4, 30.0), size=(n, len(years)))
    cum = np.cumsum(weights, axis=2)
    q_noise = 1 + rng.normal(0, 0.05, size=(n, len(years), 4))
    sales = np.round(annual_sales[:, :, None] * cum / 1e6) * 1e6
    op = np.round(sales * margin[:, :, None] * q_noise / 1e6) * 1e6
    np_ = np.round(op * 0.68 / 1e6) * 1e6
    periods = _Periods(
        fy_start, fy_end, q_end, disc, sales, op, np_, sales[:, :, 3], op[:, :, 3], np_[:, :, 3]
    )
    return periods, years


def _listed_on(uni: Universe, days: np.ndarray, code_idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Whether each code is listed on `when` (a business day within the span)."""
    inside = (when >= days[0]) & (when <= days[-1])
    pos = np.searchsorted(days, when)
    pos = np.clip(pos, 0, len(days) - 1)
    return inside & (pos >= uni.first[code_idx]) & (pos <= uni.last[code_idx]) & (days[pos] == when)


def _shares_at(tape: PriceTape, days: np.ndarray, code_idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    pos = np.clip(np.searchsorted(days, when, side="right") - 1, 0, len(days) - 1)
    return tape.shares[pos, code_idx]


def _dividend_plan(rng: np.random.Generator, uni: Universe, tape: PriceTape, days: np.ndarray, p: _Periods):
    """Per (code, FY): interim and year-end dividend per share (NaN when none)."""
    n, y = p.fy_end.shape
    payer = rng.random(n) < 0.75
    interim = rng.random(n) < 0.7
    yield_ = rng.uniform(0.01, 0.035, n)
    pos = np.clip(np.searchsorted(days, p.fy_start), 0, len(days) - 1)
    price = tape.c[pos, np.arange(n)[:, None]]
    price = pd.DataFrame(price.T).ffill().bfill().to_numpy().T  # a close near each FY start
    price = np.where(np.isfinite(price), price, 1000.0)
    annual = np.maximum(np.round(price * yield_[:, None] * rng.uniform(0.8, 1.2, (n, y)) * 2) / 2, 1.0)
    half = np.where(interim[:, None], np.floor(annual / 2 * 2) / 2, np.nan)
    year_end = np.where(interim[:, None], annual - np.nan_to_num(half), annual)
    none = ~payer[:, None] | np.zeros((n, y), bool)
    return np.where(none, np.nan, half), np.where(none, np.nan, year_end)


def _summary_rows(rng: np.random.Generator, uni: Universe, tape: PriceTape, days: np.ndarray, p: _Periods,
                  standard: np.ndarray, div_half: np.ndarray, div_end: np.ndarray) -> pd.DataFrame:  # fmt: skip
    n, y = p.fy_end.shape
    ci, yi, qi = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(y), np.arange(4), indexing="ij"))
    disc = p.disc[ci, yi, qi]
    keep = _listed_on(uni, days, ci, disc) & (yi + 1 < y)
    ci, yi, qi, disc = ci[keep], yi[keep], qi[keep], disc[keep]
    out = _blank_summary(len(ci))
    fy = qi == 3
    std = standard[ci]
    out["DiscDate"] = disc
    out["DiscTime"] = rng.choice(DISC_TIMES, size=len(ci), p=DISC_TIME_P).astype(object)
    out["Code"] = uni.codes[ci]
    out["DocType"] = np.array([f"{QUARTERS[q]}FinancialStatements_Consolidated_{s}" for q, s in zip(qi, std, strict=True)],
                              dtype=object)  # fmt: skip
    out["CurPerType"] = np.array(QUARTERS, dtype=object)[qi]
    out["CurPerSt"] = _iso(p.fy_start[ci, yi])
    out["CurPerEn"] = _iso(p.q_end[ci, yi, qi])
    out["CurFYSt"], out["CurFYEn"] = _iso(p.fy_start[ci, yi]), _iso(p.fy_end[ci, yi])
    out["NxtFYSt"] = np.where(fy, _iso(p.fy_start[ci, yi + 1]), "").astype(object)
    out["NxtFYEn"] = np.where(fy, _iso(p.fy_end[ci, yi + 1]), "").astype(object)
    sales, op, net = p.sales[ci, yi, qi], p.op[ci, yi, qi], p.np_[ci, yi, qi]
    out["Sales"], out["OP"], out["NP"] = sales, op, net
    out["OdP"] = np.where(std == "JP", np.round(op * 1.04 / 1e6) * 1e6, np.nan)
    shares = _shares_at(tape, days, ci, p.q_end[ci, yi, qi])
    treasury = np.round(shares * rng.uniform(0.0, 0.05, len(ci)) / 100) * 100
    out["ShOutFY"], out["TrShFY"], out["AvgSh"] = shares, treasury, shares - treasury
    out["EPS"] = np.round(net / (shares - treasury), 2)
    assets = np.round(p.annual_sales[ci, yi] * rng.uniform(1.0, 2.0, len(ci)) / 1e6) * 1e6
    equity = np.round(assets * rng.uniform(0.3, 0.6, len(ci)) / 1e6) * 1e6
    out["TA"], out["Eq"] = assets, equity
    out["EqAR"] = np.round(equity / assets, 3)
    out["BPS"] = np.round(equity / (shares - treasury), 2)
    half_year = (qi == 1) | fy
    for name, scale in (("CFO", 0.10), ("CFI", -0.06), ("CFF", -0.03), ("CashEq", 0.15)):
        out[name] = np.where(
            half_year, np.round(sales * scale * rng.uniform(0.5, 1.5, len(ci)) / 1e6) * 1e6, np.nan
        )
    _summary_forecasts(rng, out, p, ci, yi, qi, std)
    _summary_dividends(out, ci, yi, qi, div_half, div_end)
    for name in ("MatChgSub", "ChgByASRev", "ChgNoASRev", "ChgAcEst", "RetroRst"):
        out[name] = np.full(len(ci), "false", dtype=object)
    out["SigChgInC"] = np.where(disc >= np.datetime64("2024-07-22"), "false", "").astype(object)
    return out


def _blank_summary(rows: int) -> pd.DataFrame:
    data = {
        f: (np.full(rows, "", dtype=object) if f in SUMMARY_TEXT else np.full(rows, np.nan))
        for f in SUMMARY_FIELDS
    }
    return pd.DataFrame(data)


def _summary_forecasts(rng, out: pd.DataFrame, p: _Periods, ci, yi, qi, std) -> None:
    """Current-FY forecasts in quarterly reports; next-FY forecasts in FY reports."""
    fy = qi == 3
    err = 1 + rng.normal(0, 0.06, len(ci)) * (1 - qi / 4)
    nxt = np.minimum(yi + 1, p.fy_end.shape[1] - 1)
    target_y = np.where(fy, nxt, yi)
    f_sales = np.round(p.annual_sales[ci, target_y] * err / 1e6) * 1e6
    f_op = np.round(p.annual_op[ci, target_y] * err / 1e6) * 1e6
    f_np = np.round(p.annual_np[ci, target_y] * err / 1e6) * 1e6
    f_odp = np.where(std == "JP", np.round(f_op * 1.04 / 1e6) * 1e6, np.nan)
    f_eps = np.round(f_np / out["AvgSh"].to_numpy(), 2)
    for prefix, mask in (("F", ~fy), ("NxF", fy)):
        out[f"{prefix}Sales"] = np.where(mask, f_sales, np.nan)
        out[f"{prefix}OP"] = np.where(mask, f_op, np.nan)
        out[f"{prefix}OdP"] = np.where(mask, f_odp, np.nan)
        out["FNP" if prefix == "F" else "NxFNp"] = np.where(mask, f_np, np.nan)
        out[f"{prefix}EPS"] = np.where(mask, f_eps, np.nan)
    first_half = (qi == 0) | fy
    out["FSales2Q"] = np.where(qi == 0, np.round(f_sales * 0.5 / 1e6) * 1e6, np.nan)
    out["NxFSales2Q"] = np.where(fy & first_half, np.round(f_sales * 0.5 / 1e6) * 1e6, np.nan)


def _summary_dividends(out: pd.DataFrame, ci, yi, qi, div_half: np.ndarray, div_end: np.ndarray) -> None:
    fy = qi == 3
    half, end = div_half[ci, yi], div_end[ci, yi]
    nxt = np.minimum(yi + 1, div_end.shape[1] - 1)
    out["Div2Q"] = np.where(qi >= 1, np.nan_to_num(half), np.nan)
    out["DivFY"] = np.where(fy, np.nan_to_num(end), np.nan)
    out["DivAnn"] = np.where(fy, np.nan_to_num(half) + np.nan_to_num(end), np.nan)
    out["PayoutRatioAnn"] = np.where(
        fy & (out["EPS"] > 0), np.round(out["DivAnn"] / out["EPS"] * 100, 1), np.nan
    )
    out["FDiv2Q"] = np.where(qi == 0, np.nan_to_num(half), np.nan)
    out["FDivFY"] = np.where(~fy, np.nan_to_num(end), np.nan)
    out["FDivAnn"] = np.where(~fy, np.nan_to_num(half) + np.nan_to_num(end), np.nan)
    n_half, n_end = div_half[ci, nxt], div_end[ci, nxt]
    out["NxFDiv2Q"] = np.where(fy, np.nan_to_num(n_half), np.nan)
    out["NxFDivFY"] = np.where(fy, np.nan_to_num(n_end), np.nan)
    out["NxFDivAnn"] = np.where(fy, np.nan_to_num(n_half) + np.nan_to_num(n_end), np.nan)


def _revision_rows(
    rng: np.random.Generator, uni: Universe, days: np.ndarray, p: _Periods, standard: np.ndarray
) -> pd.DataFrame:
    """EarnForecastRevision rows between the 2Q and 3Q reports of ~20 % of fiscal years."""
    n, y = p.fy_end.shape
    ci, yi = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(y - 1), indexing="ij"))
    pick = rng.random(len(ci)) < 0.2
    ci, yi = ci[pick], yi[pick]
    lo, hi = p.disc[ci, yi, 1], p.disc[ci, yi, 2]
    gap = np.maximum(np.busday_count(lo, hi) - 1, 1)
    when = roll_business(lo, 1 + (rng.random(len(ci)) * gap).astype(int))
    keep = _listed_on(uni, days, ci, when)
    ci, yi, when = ci[keep], yi[keep], when[keep]
    out = _blank_summary(len(ci))
    out["DiscDate"] = when
    out["DiscTime"] = rng.choice(DISC_TIMES, size=len(ci), p=DISC_TIME_P).astype(object)
    out["Code"] = uni.codes[ci]
    out["DocType"] = "EarnForecastRevision"
    out["CurPerType"] = "FY"
    out["CurPerSt"] = out["CurFYSt"] = _iso(p.fy_start[ci, yi])
    out["CurPerEn"] = out["CurFYEn"] = _iso(p.fy_end[ci, yi])
    err = 1 + rng.normal(0, 0.02, len(ci))
    out["FSales"] = np.round(p.annual_sales[ci, yi] * err / 1e6) * 1e6
    out["FOP"] = np.round(p.annual_op[ci, yi] * err / 1e6) * 1e6
    out["FOdP"] = np.where(standard[ci] == "JP", np.round(out["FOP"].to_numpy() * 1.04 / 1e6) * 1e6, np.nan)
    out["FNP"] = np.round(p.annual_np[ci, yi] * err / 1e6) * 1e6
    return out


def _finish_summary(frames: list[pd.DataFrame]) -> pd.DataFrame:
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["DiscDate", "DiscTime", "Code", "DocType"], kind="stable", ignore_index=True)
    seq = out.groupby("DiscDate").cumcount().to_numpy()
    dates = out["DiscDate"].to_numpy().astype("datetime64[D]")
    out["DiscNo"] = _numbered(dates, seq, 6)
    out["pub"] = dates
    out["DiscDate"] = dates.astype(dt.date).astype(object)
    return out


def _ex_date(act: np.ndarray) -> np.ndarray:
    return np.where(act >= T2_SWITCH, roll_business(act, -1), roll_business(act, -2))


def _dividend_rows(rng: np.random.Generator, uni: Universe, days: np.ndarray, p: _Periods, summary: pd.DataFrame,
                   div_half: np.ndarray, div_end: np.ndarray) -> pd.DataFrame:  # fmt: skip
    """All notices: forecasts, decisions, revisions and deletions."""
    y = p.fy_end.shape[1]
    disc_days = summary["pub"].to_numpy().astype("datetime64[D]")
    times = pd.DataFrame(
        {
            "code": summary["Code"].to_numpy(dtype=object),
            "pub": disc_days,
            "time": summary["DiscTime"].to_numpy(dtype=object),
        }
    ).drop_duplicates(["code", "pub"])
    notices = []
    for kind, amounts, q in (("1", div_half, 1), ("2", div_end, 3)):
        ci, yi = np.nonzero(np.isfinite(amounts[:, : y - 1]))
        rec = p.q_end[ci, yi, q]
        forecast_day = np.where(yi > 0, p.disc[ci, np.maximum(yi - 1, 0), 3], np.datetime64("NaT"))
        decide_day = p.disc[ci, yi, q]
        base = {"ci": ci, "yi": yi, "kind": kind, "rec": rec, "amount": amounts[ci, yi]}
        notices.append({**base, "pub": forecast_day, "fr": "2", "stat": "1", "role": "forecast"})
        notices.append({**base, "pub": decide_day, "fr": "1", "stat": "1", "role": "decision"})
    frame = pd.concat([pd.DataFrame(part) for part in notices], ignore_index=True)
    frame = frame[_listed_on(uni, days, frame["ci"].to_numpy(), _days_of(frame["pub"]))].reset_index(
        drop=True
    )
    frame["id"] = np.arange(len(frame))
    frame["target"] = frame["id"]
    is_fc = (frame["role"] == "forecast").to_numpy()
    u = _ensure_every_case(rng.random(len(frame)), is_fc & (frame["kind"] == "2").to_numpy())
    frame["rate"] = np.where(is_fc & (u < 0.10) & (frame["kind"] == "2"), "-", frame["amount"].astype(object))
    extra = [_follow_ups(rng, frame, p, is_fc & (u >= 0.10) & (u < 0.20) & (frame["kind"] == "2"), "2", 1),
             _follow_ups(rng, frame, p, is_fc & (u >= 0.20) & (u < 0.23), "3", 0)]  # fmt: skip
    frame = pd.concat([frame] + extra, ignore_index=True)
    frame = frame[_listed_on(uni, days, frame["ci"].to_numpy(), _days_of(frame["pub"]))]
    return _dividend_fields(frame, uni, times)


def _ensure_every_case(u: np.ndarray, year_end_forecast: np.ndarray) -> np.ndarray:
    """Make sure even a tiny market has an undetermined, a revised and a deleted forecast."""
    idx = np.nonzero(year_end_forecast)[0]
    if len(idx) < 3:
        return u
    for band, (lo, hi) in enumerate(((0.0, 0.10), (0.10, 0.20), (0.20, 0.23))):
        if not ((u[idx] >= lo) & (u[idx] < hi)).any():
            u[idx[(band + 1) * len(idx) // 4]] = (lo + hi) / 2
    return u


def _follow_ups(
    rng, frame: pd.DataFrame, p: _Periods, mask: np.ndarray, stat: str, quarter: int
) -> pd.DataFrame:
    """Revisions (stat 2, on the 2Q results day) or deletions (stat 3, on the 1Q results day)."""
    rows = frame[mask].copy()
    rows["target"] = rows["id"]
    rows["id"] = -1
    rows["stat"] = stat
    rows["pub"] = p.disc[rows["ci"].to_numpy(), rows["yi"].to_numpy(), quarter]
    if stat == "2":
        rows["rate"] = rows["amount"].to_numpy() + np.round(rng.uniform(-2, 4, len(rows)) * 2) / 2
        rows["rate"] = rows["rate"].clip(lower=0.5).astype(object)
    else:
        rows["rate"] = ""
    return rows


def _dividend_fields(frame: pd.DataFrame, uni: Universe, times: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(code=uni.codes[frame["ci"].to_numpy()], pub=_days_of(frame["pub"]))
    frame = frame.merge(times, on=["code", "pub"], how="left")
    found = frame["time"].to_numpy(dtype=object)
    frame["time"] = np.array([t[:5] if isinstance(t, str) and t else "15:00" for t in found], dtype=object)
    frame = frame.sort_values(
        ["pub", "time", "code", "stat", "kind", "role"], kind="stable", ignore_index=True
    )
    pub = _days_of(frame["pub"])
    seq = frame.groupby("pub").cumcount().to_numpy()
    ref = _numbered(pub, seq, 5)
    ids, targets = frame["id"].to_numpy(), frame["target"].to_numpy()
    order = np.argsort(ids, kind="stable")
    ca_ref = ref[order][np.clip(np.searchsorted(ids[order], targets), 0, len(ids) - 1)]
    rec = _days_of(frame["rec"])
    act = roll_business(rec, 0, roll="backward")
    decided = (frame["fr"] == "1").to_numpy()
    pay = roll_business(rec + np.where(frame["kind"] == "1", 70, 88))
    blank = np.full(len(frame), "", dtype=object)
    out = {
        "PubDate": pub.astype(dt.date).astype(object),
        "PubTime": frame["time"].to_numpy(dtype=object),
        "Code": frame["code"].to_numpy(dtype=object),
        "RefNo": ref,
        "StatCode": frame["stat"].to_numpy(dtype=object),
        "BoardDate": _iso(pub),
        "IFCode": frame["kind"].to_numpy(dtype=object),
        "FRCode": frame["fr"].to_numpy(dtype=object),
        "IFTerm": np.array([d[:7] for d in _iso(rec)], dtype=object),
        "DivRate": frame["rate"].to_numpy(dtype=object),
        "RecDate": _iso(rec),
        "ExDate": _iso(_ex_date(act)),
        "ActRecDate": _iso(act),
        "PayDate": np.where(decided, _iso(pay), "").astype(object),
        "CARefNo": ca_ref,
    }
    out.update({name: blank for name in DIVIDEND_FIELDS if name not in out})
    result = pd.DataFrame(out)[list(DIVIDEND_FIELDS)]
    result["DivRate"] = [float(v) if not isinstance(v, str) else v for v in result["DivRate"]]
    result["pub"] = pub
    return result


def build_fiscal(seed: int, uni: Universe, tape: PriceTape, days: np.ndarray) -> FiscalTables:
    """Generate the whole span's fin summaries and dividend notices."""
    rng = child_rng(seed, "fiscal")
    periods, _years = _periods(rng, uni, tape, days)
    standard = rng.choice(STANDARDS, size=len(uni.codes), p=[0.82, 0.14, 0.04])
    div_half, div_end = _dividend_plan(rng, uni, tape, days, periods)
    reports = _summary_rows(rng, uni, tape, days, periods, standard, div_half, div_end)
    revisions = _revision_rows(rng, uni, days, periods, standard)
    summary = _finish_summary([reports, revisions])
    dividends = _dividend_rows(rng, uni, days, periods, summary, div_half, div_end)
    return FiscalTables(summary=summary, dividends=dividends)
