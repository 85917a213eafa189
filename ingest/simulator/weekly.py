"""Weekly datasets: trading by investor type (`/equities/investor-types`) and margin balances
(`/markets/margin-interest`), generated for the whole span and cut by publication date.

Investor types: one row per week (Mon-Fri, `StDate`/`EnDate` = its first/last business day) and
`Section`, in ¥1,000 units, published (`PubDate`) on the 4th business day counted from the next
Monday. Sections are `TSE1st, TSE2nd, TSEMothers, TSEJASDAQ` for weeks before 2022-04-04, then
`TSEPrime, TSEStandard, TSEGrowth`; `TokyoNagoya` (the whole market) is present in every week.
Levels are realistic market-wide values driven by the synthetic universe's weekly turnover. For each
of the 13 groups `<g>Sell/<g>Buy/<g>Tot/<g>Bal` hold with `Tot = Sell + Buy`, `Bal = Buy - Sell`;
`Brk` is the sum of the ten client groups and `Tot` (group) = `Prop + Brk`. From weeks starting
2023-04-03 about 5 % of rows are revised later: a new row, same Section/StDate/EnDate, later PubDate.

Margin interest: per week with at least 3 business days, `Date` = the week's last business day
(normally Friday), for codes listed that day whose margin type (`Mrgn`) is 1 or 2 (`IssType`);
published 2 business days later (normally Tuesday). `ShrtVol = ShrtNegVol + ShrtStdVol` and
`LongVol = LongNegVol + LongStdVol`, in shares (multiples of 100).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ingest.simulator.calendar import MARKET_RESTRUCTURING, roll_business
from ingest.simulator.prices import PriceTape
from ingest.simulator.universe import Universe, child_rng

GROUPS = ("Prop", "Brk", "Tot", "Ind", "Frgn", "SecCo", "InvTr", "BusCo", "OthCo", "InsCo", "Bank",
          "TrstBnk", "OthFin")  # fmt: skip
CLIENT_GROUPS = GROUPS[3:]
CLIENT_SHARES = np.array([0.24, 0.62, 0.006, 0.03, 0.012, 0.004, 0.003, 0.003, 0.07, 0.002])
INVESTOR_FIELDS = ("PubDate", "StDate", "EnDate", "Section") + tuple(
    f"{g}{side}" for g in GROUPS for side in ("Sell", "Buy", "Tot", "Bal")
)
INVESTOR_NUMERIC = INVESTOR_FIELDS[4:]
OLD_SECTIONS = {"TSE1st": 9.0e9, "TSE2nd": 1.5e8, "TSEMothers": 6.0e8, "TSEJASDAQ": 3.0e8}
NEW_SECTIONS = {"TSEPrime": 1.0e10, "TSEStandard": 4.0e8, "TSEGrowth": 5.0e8}
WHOLE_MARKET = "TokyoNagoya"
SECTIONS = (*OLD_SECTIONS, *NEW_SECTIONS, WHOLE_MARKET)
REVISIONS_FROM = np.datetime64("2023-04-03", "D")
MARGIN_FIELDS = ("Date", "Code", "ShrtVol", "LongVol", "ShrtNegVol", "LongNegVol", "ShrtStdVol", "LongStdVol",
                 "IssType")  # fmt: skip
MARGIN_NUMERIC = MARGIN_FIELDS[2:-1]


def weeks(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(week id per business day, first and last day index, Monday) of each Mon-Fri week."""
    days = days.astype("datetime64[D]")
    monday = days - (days.view("int64") - 4) % 7  # 1970-01-05 was a Monday
    mondays, week_id = np.unique(monday, return_inverse=True)
    starts = np.searchsorted(week_id, np.arange(len(mondays)), side="left")
    ends = np.searchsorted(week_id, np.arange(len(mondays)), side="right") - 1
    return week_id, starts, ends, mondays


def _weekly_activity(tape: PriceTape, week_id: np.ndarray) -> np.ndarray:
    """The universe's weekly turnover relative to its average (>= 0.2)."""
    daily = np.nansum(tape.va, axis=1)
    weekly = np.bincount(week_id, weights=daily)
    return np.maximum(weekly / max(weekly.mean(), 1.0), 0.2)


def _group_values(rng: np.random.Generator, total: np.ndarray) -> dict[str, np.ndarray]:
    """Sell/Buy per group (¥1,000) for one-side totals `total`, consistent Brk/Tot aggregates."""
    rows = len(total)
    shares = rng.dirichlet(CLIENT_SHARES * 400, size=rows)
    brk_side = total * 0.84
    values: dict[str, np.ndarray] = {}
    for k, g in enumerate(CLIENT_GROUPS):
        side = brk_side * shares[:, k]
        tilt = rng.normal(0.0, 0.05, rows)
        values[f"{g}Sell"] = np.round(side * (1 - tilt))
        values[f"{g}Buy"] = np.round(side * (1 + tilt))
    tilt = rng.normal(0.0, 0.02, rows)
    values["PropSell"] = np.round(total * 0.16 * (1 - tilt))
    values["PropBuy"] = np.round(total * 0.16 * (1 + tilt))
    for side in ("Sell", "Buy"):
        values[f"Brk{side}"] = sum(values[f"{g}{side}"] for g in CLIENT_GROUPS)
        values[f"Tot{side}"] = values[f"Prop{side}"] + values[f"Brk{side}"]
    for g in GROUPS:
        values[f"{g}Tot"] = values[f"{g}Sell"] + values[f"{g}Buy"]
        values[f"{g}Bal"] = values[f"{g}Buy"] - values[f"{g}Sell"]
    return values


def build_investor_types(seed: int, tape: PriceTape, days: np.ndarray) -> pd.DataFrame:
    """Every investor-types row of the span (including revisions), with `pub` (datetime64[D])."""
    rng = child_rng(seed, "investor_types")
    week_id, starts, ends, mondays = weeks(days)
    activity = _weekly_activity(tape, week_id)
    parts = []
    for w, (lo, hi) in enumerate(zip(starts, ends, strict=True)):
        new = days[lo] >= np.datetime64(MARKET_RESTRUCTURING, "D")
        levels = dict(NEW_SECTIONS if new else OLD_SECTIONS)
        levels[WHOLE_MARKET] = sum(levels.values()) * 1.05
        n_days = hi - lo + 1
        for section, level in levels.items():
            parts.append((w, days[lo], days[hi], section, level * n_days / 5 * activity[w]))
    frame = pd.DataFrame(parts, columns=["week", "StDate", "EnDate", "Section", "level"])
    frame["pub"] = roll_business(mondays[frame["week"].to_numpy()] + 7, 3)
    frame["total"] = frame["level"].to_numpy() * rng.lognormal(0.0, 0.08, len(frame))
    values = pd.DataFrame(_group_values(rng, frame["total"].to_numpy()))
    frame = pd.concat([frame, values], axis=1)
    return _with_revisions(rng, frame)


def _with_revisions(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    start = frame["StDate"].to_numpy().astype("datetime64[D]")
    revised = frame[(start >= REVISIONS_FROM) & (rng.random(len(frame)) < 0.05)].copy()
    revised["pub"] = roll_business(
        revised["pub"].to_numpy().astype("datetime64[D]"), rng.integers(5, 20, len(revised))
    )
    base = revised["total"].to_numpy() * (1 + rng.normal(0.0, 0.004, len(revised)))
    values = pd.DataFrame(_group_values(rng, base), index=revised.index)
    revised[list(values.columns)] = values
    out = pd.concat([frame, revised], ignore_index=True)
    out["pub"] = out["pub"].to_numpy().astype("datetime64[D]")
    out = out.sort_values(["pub", "StDate", "Section"], kind="stable", ignore_index=True)
    out["st"] = out["StDate"].to_numpy().astype("datetime64[D]")
    for name in ("StDate", "EnDate"):
        out[name] = out[name].to_numpy().astype("datetime64[D]").astype(dt.date).astype(object)
    out["PubDate"] = out["pub"].to_numpy().astype("datetime64[D]").astype(dt.date).astype(object)
    return out.drop(columns=["week", "level", "total"])


def build_margin(seed: int, uni: Universe, tape: PriceTape, days: np.ndarray) -> pd.DataFrame:
    """Every weekly margin balance of the span, with `pub` (datetime64[D])."""
    rng = child_rng(seed, "margin")
    _week_id, starts, ends, _mondays = weeks(days)
    ends = ends[(ends - starts + 1) >= 3]
    n = len(uni.codes)
    mrgn = uni.attrs["Mrgn"].to_numpy()
    eligible = np.isin(mrgn, ["1", "2"])
    turnover = np.nanmedian(np.where(tape.listed, tape.vo / tape.shares, np.nan), axis=0)
    turnover = np.where(np.isfinite(turnover), turnover, 0.001)
    long_days = rng.uniform(2.0, 12.0, n)
    short_ratio = np.where(mrgn == "2", rng.uniform(0.1, 0.6, n), rng.uniform(0.0, 0.1, n))
    std_share = rng.uniform(0.7, 0.95, n)
    level = np.zeros(n)
    parts: list[tuple[np.ndarray, ...]] = []
    for t in ends:
        level = 0.85 * level + 0.15 * rng.normal(0.0, 0.5, n)
        long_vol = tape.shares[t] * turnover * long_days * np.exp(level)
        short_vol = long_vol * short_ratio * np.exp(rng.normal(0.0, 0.2, n))
        idx = np.nonzero(tape.listed[t] & eligible)[0]
        parts.append((np.full(len(idx), t), idx, short_vol[idx], long_vol[idx], std_share[idx]))
    columns = [np.concatenate([p[k] for p in parts]) for k in range(5)] if parts else [np.array([])] * 5
    return _margin_frame(*columns, uni=uni, days=days)


def _hundreds(x: np.ndarray) -> np.ndarray:
    return np.round(x / 100.0) * 100.0


def _margin_frame(
    t: np.ndarray,
    c: np.ndarray,
    short: np.ndarray,
    long_: np.ndarray,
    std: np.ndarray,
    *,
    uni: Universe,
    days: np.ndarray,
) -> pd.DataFrame:
    t, c = t.astype(np.int64), c.astype(np.int64)
    short, long_ = _hundreds(short), _hundreds(long_)
    short_std, long_std = _hundreds(short * std), _hundreds(long_ * std)
    record = days[t]
    return pd.DataFrame(
        {
            "Date": record.astype(dt.date).astype(object),
            "Code": uni.codes[c],
            "ShrtVol": short,
            "LongVol": long_,
            "ShrtNegVol": short - short_std,
            "LongNegVol": long_ - long_std,
            "ShrtStdVol": short_std,
            "LongStdVol": long_std,
            "IssType": uni.attrs["Mrgn"].to_numpy(dtype=object)[c],
            "pub": roll_business(record, 2),
            "rec": record,
        }
    )
