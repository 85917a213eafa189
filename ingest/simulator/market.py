"""`Market`: the deterministic synthetic market behind the simulator, and its ground-truth frames.

The whole span 2019-01-04 .. 2027-12-30 is generated once from `seed` and `n_codes`; `start` and
`end` only cut it, so changing `end` never changes an earlier raw value. `end` is the simulator's
"today": nothing after it is served, listings and delistings after it are unknown, and adjusted
prices are as the vendor would publish them on `end` (only splits with ex-date <= end count).

Conventions of the frames: dates are `datetime.date`, codes 5-character `str`, numbers float64
(NaN = NULL), `UL`/`LL`/`HolDiv` strings. Adjusted values are rounded half up to 0.1 with exact
arithmetic: `AdjX = round(X × product of later AdjFactors, 1)`, `AdjVo = round(Vo / product, 1)`.
The scripted special cases (codes and dates) are documented in `ingest.simulator.universe`.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ingest.simulator import calendar as cal
from ingest.simulator.breakdown import BREAKDOWN_FIELDS, breakdown_columns
from ingest.simulator.fiscal import DIVIDEND_FIELDS, SUMMARY_FIELDS, FiscalTables, build_fiscal
from ingest.simulator.prices import PriceTape, generate_prices
from ingest.simulator.rules import scaled_round_tenth
from ingest.simulator.universe import MARKET_NAMES, Universe, build_universe
from ingest.simulator.weekly import INVESTOR_FIELDS, MARGIN_FIELDS, build_investor_types, build_margin

BAR_FIELDS = ("Date", "Code", "O", "H", "L", "C", "UL", "LL", "Vo", "Va",
              "AdjFactor", "AdjO", "AdjH", "AdjL", "AdjC", "AdjVo")  # fmt: skip
MASTER_FIELDS = ("Date", "Code", "CoName", "CoNameEn", "S17", "S17Nm", "S33", "S33Nm",
                 "ScaleCat", "Mkt", "MktNm", "Mrgn", "MrgnNm")  # fmt: skip
TOPIX_FIELDS = ("Date", "O", "H", "L", "C")
Columns = dict[str, np.ndarray]


def today_jst() -> dt.date:
    """Today's date in Tokyo."""
    return dt.datetime.now(ZoneInfo("Asia/Tokyo")).date()


def _as_frame(columns: Columns, fields: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({name: columns[name] for name in fields})


class Market:
    """A deterministic synthetic TSE market (see the module docstring)."""

    def __init__(
        self,
        seed: int = 42,
        n_codes: int = 50,
        start: str | dt.date = "2019-01-04",
        end: str | dt.date | None = None,
    ) -> None:
        self.seed = int(seed)
        self.n_codes = int(n_codes)
        self._days = cal.business_days()
        self._day_objs = self._days.astype(dt.date).astype(object)
        first_day, last_day = self._day_objs[0], self._day_objs[-1]
        self.start = max(cal.to_date(start), first_day)
        self.end = min(
            cal.to_date(end) if end is not None else self._last_business_day(today_jst()), last_day
        )
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        self._i0 = int(np.searchsorted(self._days, np.datetime64(self.start, "D"), side="left"))
        self._i1 = int(np.searchsorted(self._days, np.datetime64(self.end, "D"), side="right"))
        self.universe: Universe = build_universe(self.seed, self.n_codes, self._days)
        outage = int(np.searchsorted(self._days, np.datetime64(cal.OUTAGE_DAY, "D")))
        self.tape: PriceTape = generate_prices(self.seed, self.universe, len(self._days), outage)
        uni = self.universe
        self._visible = np.nonzero((uni.first < self._i1) & (uni.last >= self._i0))[0]
        self._prepare_adjustment()

    # ------------------------------------------------------------------ dates and codes
    def _last_business_day(self, day: dt.date) -> dt.date:
        idx = int(np.searchsorted(self._days, np.datetime64(day, "D"), side="right")) - 1
        return self._day_objs[max(idx, 0)]

    @property
    def day_range(self) -> tuple[int, int]:
        """Indexes [i0, i1) of the span's business days within [start, end]."""
        return self._i0, self._i1

    def day_index(self, day: dt.date, side: str = "left") -> int:
        """searchsorted position of `day` among the span's business days."""
        return int(np.searchsorted(self._days, np.datetime64(day, "D"), side=side))

    def day_at(self, idx: int) -> dt.date:
        """The business day at span index `idx`."""
        return self._day_objs[idx]

    def calendar(self) -> pd.DataFrame:
        """Date, HolDiv for every calendar day 2019-01-01 .. 2027-12-31."""
        return cal.calendar_frame()

    def business_days(self) -> list[dt.date]:
        """Business days within [start, end]."""
        return list(self._day_objs[self._i0 : self._i1])

    @cached_property
    def codes(self) -> list[str]:
        """Every code listed at some point within [start, end], sorted."""
        return [str(c) for c in self.universe.codes[self._visible]]

    def code_index(self, code: str) -> int | None:
        """Column index of a visible code, or None."""
        idx = self.universe.index.get(code)
        return idx if idx is not None and idx in self._visible_set else None

    @cached_property
    def _visible_set(self) -> set[int]:
        return set(self._visible.tolist())

    def visible_code_indexes(self) -> np.ndarray:
        """Column indexes of the visible codes (sorted by code)."""
        return self._visible

    def listings(self) -> pd.DataFrame:
        """Code, ListedDate, DelistedDate (None while listed as of `end`) of every visible code."""
        uni = self.universe
        delisted = [uni.delisted_date[i] for i in self._visible]
        return pd.DataFrame(
            {
                "Code": self.codes,
                "ListedDate": [uni.listed_date[i] for i in self._visible],
                "DelistedDate": [d if d is not None and d <= self.end else None for d in delisted],
            }
        )

    # ------------------------------------------------------------------ splits and adjustment
    def _prepare_adjustment(self) -> None:
        """Sort the splits known at `end` by (code, day) with running products per code.

        A sentinel event (code -1) heads the arrays so every searchsorted position is valid.
        """
        uni = self.universe
        known = uni.ev_day < self._i1
        order = np.lexsort((uni.ev_day[known], uni.ev_code[known]))
        sentinel = np.array([-1], dtype=np.int64)
        one = np.array([1], dtype=np.int64)
        self._ev_code = np.concatenate([sentinel, uni.ev_code[known][order]])
        self._ev_day = np.concatenate([sentinel, uni.ev_day[known][order]])
        self._ev_num = np.concatenate([one, uni.ev_num[known][order]])
        self._ev_den = np.concatenate([one, uni.ev_den[known][order]])
        self._ev_key = np.where(self._ev_code >= 0, self._ev_code * len(self._days) + self._ev_day, -1)
        self._cum_num, self._cum_den = self._ev_num.copy(), self._ev_den.copy()
        self._tot_num = np.ones(len(uni.codes), dtype=np.int64)
        self._tot_den = np.ones(len(uni.codes), dtype=np.int64)
        for k in range(1, len(self._ev_code)):
            c = self._ev_code[k]
            if self._ev_code[k - 1] == c:
                self._cum_num[k] *= self._cum_num[k - 1]
                self._cum_den[k] *= self._cum_den[k - 1]
            self._tot_num[c], self._tot_den[c] = self._cum_num[k], self._cum_den[k]

    def _adjustment(self, tt: np.ndarray, cc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row: AdjFactor, and the product of later factors as an exact fraction (num, den)."""
        pos = np.searchsorted(self._ev_key, cc * len(self._days) + tt, side="right") - 1
        same = self._ev_code[pos] == cc
        pre_num = np.where(same, self._cum_num[pos], 1)
        pre_den = np.where(same, self._cum_den[pos], 1)
        num = self._tot_num[cc] * pre_den
        den = self._tot_den[cc] * pre_num
        g = np.gcd(num, den)
        on_ex = same & (self._ev_day[pos] == tt)
        factor = np.where(on_ex, self._ev_num[pos] / self._ev_den[pos], 1.0)
        return factor, num // g, den // g

    def split_days_after(self, day: int) -> list[tuple[int, int]]:
        """(code index, ex-date index) of the splits known at `end` with ex-date after span index `day`."""
        later = (self._ev_code >= 0) & (self._ev_day > day)
        return list(zip(self._ev_code[later].tolist(), self._ev_day[later].tolist(), strict=True))

    def codes_listed_between(self, lo: int, hi: int) -> np.ndarray:
        """Indexes of visible codes listed on some day of span indexes [lo, hi]."""
        uni = self.universe
        v = self._visible
        return v[(uni.first[v] <= hi) & (uni.last[v] >= lo)]

    def split_events(self) -> pd.DataFrame:
        """Code, Date (ex-date), AdjFactor of every split with ex-date within [start, end]."""
        inside = (self._ev_code >= 0) & (self._ev_day >= self._i0) & (self._ev_day < self._i1)
        frame = pd.DataFrame(
            {
                "Code": [str(self.universe.codes[c]) for c in self._ev_code[inside]],
                "Date": [self._day_objs[d] for d in self._ev_day[inside]],
                "AdjFactor": self._ev_num[inside] / self._ev_den[inside],
            }
        )
        return frame.sort_values(["Date", "Code"], ignore_index=True)

    # ------------------------------------------------------------------ bars
    def bars_columns(self, t_idx: np.ndarray, c_idx: np.ndarray) -> Columns:
        """Bars of the listed (day, code) pairs of t_idx × c_idx, ordered by Date then Code."""
        tt, cc = np.meshgrid(
            np.asarray(t_idx, dtype=np.int64), np.asarray(c_idx, dtype=np.int64), indexing="ij"
        )
        tt, cc = tt.ravel(), cc.ravel()
        keep = self.tape.listed[tt, cc]
        tt, cc = tt[keep], cc[keep]
        tape = self.tape
        raw = {"O": tape.o, "H": tape.h, "L": tape.low, "C": tape.c}
        out: Columns = {"Date": self._day_objs[tt], "Code": self.universe.codes[cc]}
        out.update({k: v[tt, cc] for k, v in raw.items()})
        out["UL"] = np.where(tape.ul[tt, cc], "1", "0").astype(object)
        out["LL"] = np.where(tape.ll[tt, cc], "1", "0").astype(object)
        out["Vo"], out["Va"] = tape.vo[tt, cc], tape.va[tt, cc]
        factor, num, den = self._adjustment(tt, cc)
        out["AdjFactor"] = factor
        for k in raw:
            out[f"Adj{k}"] = scaled_round_tenth(out[k], num, den)
        out["AdjVo"] = scaled_round_tenth(out["Vo"], den, num)
        return out

    def clip_days(self, lo: dt.date | None, hi: dt.date | None) -> np.ndarray:
        """Span indexes of business days within [lo, hi] ∩ [start, end]."""
        i0 = self._i0 if lo is None else max(self._i0, self.day_index(lo, "left"))
        i1 = self._i1 if hi is None else min(self._i1, self.day_index(hi, "right"))
        return np.arange(i0, max(i0, i1))

    def bars_frame(self) -> pd.DataFrame:
        """Ground-truth daily bars: one row per listed (Date, Code) within [start, end]."""
        return _as_frame(self.bars_columns(self.clip_days(None, None), self._visible), BAR_FIELDS)

    # ------------------------------------------------------------------ master
    def master_columns(self, day: dt.date, c_idx: np.ndarray | None = None) -> Columns:
        """The /equities/master snapshot of `day` (codes listed on that day), ordered by Code."""
        uni = self.universe
        c_idx = self._visible if c_idx is None else np.asarray(c_idx, dtype=np.int64)
        if not (self.start <= day <= self.end):
            c_idx = c_idx[:0]
        d = np.datetime64(day, "D")
        on = (self._days[uni.first[c_idx]] <= d) & (self._days[uni.last[c_idx]] >= d)
        c_idx = c_idx[on]
        attrs = uni.attrs.iloc[c_idx]
        mkt = np.array([uni.section_on(int(i), day) for i in c_idx], dtype=object)
        scale = np.where(np.isin(mkt, ["0101", "0111"]), attrs["TopixCat"].to_numpy(), "-")
        out: Columns = {"Date": np.full(len(c_idx), day, dtype=object), "Code": uni.codes[c_idx]}
        for name in ("CoName", "CoNameEn", "S17", "S17Nm", "S33", "S33Nm"):
            out[name] = attrs[name].to_numpy(dtype=object)
        out["ScaleCat"] = scale.astype(object)
        out["Mkt"] = mkt
        out["MktNm"] = np.array([MARKET_NAMES[m] for m in mkt], dtype=object)
        out["Mrgn"] = attrs["Mrgn"].to_numpy(dtype=object)
        out["MrgnNm"] = attrs["MrgnNm"].to_numpy(dtype=object)
        return out

    def master_frame(self, date: str | dt.date | None = None) -> pd.DataFrame:
        """The /equities/master snapshot for `date` (default: `end`)."""
        day = self.end if date is None else cal.to_date(date)
        return _as_frame(self.master_columns(day), MASTER_FIELDS)

    # ------------------------------------------------------------------ TOPIX
    def topix_columns(self, t_idx: np.ndarray) -> Columns:
        """TOPIX O/H/L/C for the given day indexes (the outage day has no row)."""
        t_idx = np.asarray(t_idx, dtype=np.int64)
        t_idx = t_idx[~np.isnan(self.tape.topix[t_idx, 3])]
        values = self.tape.topix[t_idx]
        out: Columns = {"Date": self._day_objs[t_idx]}
        for k, name in enumerate(("O", "H", "L", "C")):
            out[name] = values[:, k]
        return out

    def topix_frame(self) -> pd.DataFrame:
        """Date, O, H, L, C of TOPIX within [start, end]."""
        return _as_frame(self.topix_columns(self.clip_days(None, None)), TOPIX_FIELDS)

    # ------------------------------------------------------------------ phase 2 datasets
    def _in_range(self, days: np.ndarray) -> np.ndarray:
        """Mask of datetime64[D] values within [start, end]."""
        return (days >= np.datetime64(self.start, "D")) & (days <= np.datetime64(self.end, "D"))

    @cached_property
    def _fiscal(self) -> FiscalTables:
        return build_fiscal(self.seed, self.universe, self.tape, self._days)

    @cached_property
    def _investor_types(self) -> pd.DataFrame:
        return build_investor_types(self.seed, self.tape, self._days)

    @cached_property
    def _margin(self) -> pd.DataFrame:
        return build_margin(self.seed, self.universe, self.tape, self._days)

    def investor_types_frame(self) -> pd.DataFrame:
        """Weekly trading by investor type published within [start, end] (revisions are extra rows)."""
        full = self._investor_types
        keep = self._in_range(full["pub"].to_numpy()) & (
            full["st"].to_numpy() >= np.datetime64(self.start, "D")
        )
        return full.loc[keep, list(INVESTOR_FIELDS)].reset_index(drop=True)

    def dividends_frame(self) -> pd.DataFrame:
        """Dividend notices published (`PubDate`) within [start, end]; `DivRate` float, "-" or ""."""
        full = self._fiscal.dividends
        return full.loc[self._in_range(full["pub"].to_numpy()), list(DIVIDEND_FIELDS)].reset_index(drop=True)

    def fin_summary_frame(self) -> pd.DataFrame:
        """Financial summaries disclosed (`DiscDate`) within [start, end], by `DiscNo`; NaN = blank."""
        full = self._fiscal.summary
        return full.loc[self._in_range(full["pub"].to_numpy()), list(SUMMARY_FIELDS)].reset_index(drop=True)

    def margin_frame(self) -> pd.DataFrame:
        """Weekly margin balances with record `Date` >= start and published (Date + 2 business days) <= end."""
        full = self._margin
        keep = (full["rec"].to_numpy() >= np.datetime64(self.start, "D")) & (
            full["pub"].to_numpy() <= np.datetime64(self.end, "D")
        )
        return full.loc[keep, list(MARGIN_FIELDS)].reset_index(drop=True)

    def breakdown_columns(self, t_idx: np.ndarray, c_idx: np.ndarray) -> Columns:
        """Trade breakdown of the listed (day, code) pairs of t_idx × c_idx, ordered by Date then Code."""
        grid = np.meshgrid(
            np.asarray(t_idx, dtype=np.int64), np.asarray(c_idx, dtype=np.int64), indexing="ij"
        )
        tt, cc = grid[0].ravel(), grid[1].ravel()
        keep = self.tape.listed[tt, cc]
        tt, cc = tt[keep], cc[keep]
        out: Columns = {"Date": self._day_objs[tt], "Code": self.universe.codes[cc]}
        out.update(breakdown_columns(self.seed, tt, cc, self.tape.vo[tt, cc], self.tape.va[tt, cc]))
        return out

    def breakdown_frame(self) -> pd.DataFrame:
        """Daily trade breakdown of every listed (Date, Code) within [start, end]."""
        return _as_frame(self.breakdown_columns(self.clip_days(None, None), self._visible), BREAKDOWN_FIELDS)
