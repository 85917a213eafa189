"""The point-in-time scenario the tests in tests/pit build: the bundled simulator, the real ingest
(`ingest.pipeline.run_ingest`, `run_backfill`) and a few scripted extra rows served by the
simulator through the real API path (never written to the lake by hand).

Loads, in order (each one `run_ingest`, its rows stamped with the real fetch time):

1. `PRE_WINDOW`: calendar, fin summaries and dividends around the 2024-11-05 change of closing
   time, with disclosures at 15:10 on 2024-10-31 (after that day's 15:00 close) and on 2024-11-05
   (before the new 15:30 close), and a dividend notice without a time.
2. `WINDOW` (every dataset but the trade breakdown) and `BREAKDOWN_WINDOW` (the breakdown): the
   history. Holds 40010's 1→2 split (ex 2025-03-27) with a scripted 20-yen dividend ex 2025-03-28
   (same month), a scripted 15-yen dividend of 40010 ex 2025-06-27, the simulator's own dividend
   revision (40085) and investor-type revisions, a scripted corrected results document, and the
   delisting of 40050 after 2025-09-26.
   — `as_known_at` is taken here —
3. `CORRECTION_WINDOW`, re-fetched from a market whose vendor corrected some rows: 130A0's bar of
   `CORRECTED_BAR_DAY`, a weekly margin balance, a trade breakdown row, and a deletion notice
   (StatCode 3) withdrawing the 15-yen dividend.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ingest.simulator import Market

SEED = 42
N_CODES = 12
SERVED_FROM = dt.date(2024, 9, 2)
PRE_WINDOW = (dt.date(2024, 10, 28), dt.date(2024, 11, 8))
WINDOW = (dt.date(2025, 2, 17), dt.date(2025, 10, 10))
BREAKDOWN_WINDOW = (dt.date(2025, 6, 2), dt.date(2025, 6, 6))
CORRECTION_WINDOW = (dt.date(2025, 6, 2), dt.date(2025, 6, 6))
CORRECTION_DATASETS = ["daily_bars", "dividends", "margin_interest", "trade_breakdown"]
API_KEY = "pit-tests-simulator-key"

LETTER_CODE = "130A0"
SPLIT_CODE = "40010"
SPLIT_EX_DATE = dt.date(2025, 3, 27)
DELISTED_CODE = "40050"
LAST_LISTED_DAY = dt.date(2025, 9, 26)

CORRECTED_BAR_DAY = dt.date(2025, 6, 3)
CORRECTED_BAR_SCALE = 1.03
CORRECTED_MARGIN = (dt.date(2025, 5, 30), "40070")  # published Tuesday 2025-06-03
CORRECTED_BREAKDOWN = (dt.date(2025, 6, 5), LETTER_CODE)

# Scripted dividend notices (V2 fields). KEPT goes ex in the split's month; WITHDRAWN is deleted
# by DELETION, which the vendor only serves after the correction.
KEPT_DIVIDEND = {
    "PubDate": dt.date(2025, 2, 18), "PubTime": "14:00", "Code": SPLIT_CODE, "RefNo": "9000000000001",
    "StatCode": "1", "IFCode": "2", "FRCode": "2", "IFTerm": "2025-03", "DivRate": 20.0,
    "RecDate": "2025-03-31", "ExDate": "2025-03-28", "ActRecDate": "2025-03-31", "PayDate": "",
    "CARefNo": "9000000000001",
}  # fmt: skip
WITHDRAWN_DIVIDEND = {
    "PubDate": dt.date(2025, 4, 14), "PubTime": "11:00", "Code": SPLIT_CODE, "RefNo": "9000000000002",
    "StatCode": "1", "IFCode": "1", "FRCode": "2", "IFTerm": "2025-06", "DivRate": 15.0,
    "RecDate": "2025-06-30", "ExDate": "2025-06-27", "ActRecDate": "2025-06-30", "PayDate": "",
    "CARefNo": "9000000000002",
}  # fmt: skip
DELETION = {
    **WITHDRAWN_DIVIDEND, "PubDate": dt.date(2025, 6, 4), "PubTime": "12:00", "RefNo": "9000000000003",
    "StatCode": "3", "DivRate": "",
}  # fmt: skip
# Around the change of closing time: the same 15:10 on both sides of it, and no time at all.
DISCLOSURE_CODE = "40070"
AT_1510 = (dt.date(2024, 10, 31), dt.date(2024, 11, 5))
NO_TIME_DAY = dt.date(2024, 11, 1)  # a Friday; Monday 2024-11-04 is a holiday
PRE_WINDOW_DIVIDENDS = [
    {
        "PubDate": day, "PubTime": "15:10", "Code": DISCLOSURE_CODE, "RefNo": f"90000000001{k}",
        "StatCode": "1", "IFCode": "2", "FRCode": "2", "IFTerm": "2025-03", "DivRate": 10.0 + k,
        "RecDate": "2025-03-31", "ExDate": "2025-03-28", "ActRecDate": "2025-03-31", "PayDate": "",
        "CARefNo": f"90000000001{k}",
    }
    for k, day in enumerate(AT_1510)
] + [
    {
        "PubDate": NO_TIME_DAY, "PubTime": "", "Code": DISCLOSURE_CODE, "RefNo": "9000000000199",
        "StatCode": "1", "IFCode": "1", "FRCode": "2", "IFTerm": "2025-09", "DivRate": "-",
        "RecDate": "2025-09-30", "ExDate": "2025-09-29", "ActRecDate": "2025-09-30", "PayDate": "",
        "CARefNo": "9000000000199",
    }
]  # fmt: skip
PRE_WINDOW_SUMMARIES = [
    {
        "DiscDate": day, "DiscTime": "15:10:00", "Code": DISCLOSURE_CODE, "DiscNo": f"90000000000{k}",
        "DocType": "EarnForecastRevision", "CurPerType": "FY", "CurPerSt": "2024-04-01",
        "CurPerEn": "2025-03-31", "CurFYSt": "2024-04-01", "CurFYEn": "2025-03-31", "FSales": 1.0e9 + k,
    }
    for k, day in enumerate(AT_1510)
]  # fmt: skip
CORRECTION_DOC_NO = "900000000009"


def _with_rows(frame: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    extra = pd.DataFrame([{name: row.get(name, "") for name in frame.columns} for row in rows])
    for name in frame.columns:  # numbers the document does not carry are blank (NaN), as generated
        if frame[name].dtype.kind == "f" and name in extra:
            extra[name] = pd.to_numeric(extra[name].replace("", np.nan))
    return pd.concat([frame, extra], ignore_index=True)


@dataclass
class Vendor:
    """What the simulated vendor serves: the bundled market plus the scripted rows, before or after
    its corrections."""

    market: Market
    corrected: bool = False
    correction_doc: dict = field(default_factory=dict)

    def install(self) -> None:
        """Route the market's frames through this vendor (the server calls these methods)."""
        market, vendor = self.market, self
        dividends, summaries = market.dividends_frame, market.fin_summary_frame
        margin, breakdown = market.margin_frame, market.breakdown_columns
        bars = market.bars_columns

        def dividends_frame() -> pd.DataFrame:
            rows = [KEPT_DIVIDEND, WITHDRAWN_DIVIDEND, *PRE_WINDOW_DIVIDENDS]
            return _with_rows(dividends(), rows + ([DELETION] if vendor.corrected else []))

        def fin_summary_frame() -> pd.DataFrame:
            return _with_rows(summaries(), [*PRE_WINDOW_SUMMARIES, vendor.correction_doc])

        def margin_frame() -> pd.DataFrame:
            frame = margin()
            if vendor.corrected:
                day, code = CORRECTED_MARGIN
                hit = (frame["Date"] == day) & (frame["Code"] == code)
                assert hit.sum() == 1
                for name in ("LongVol", "LongNegVol", "LongStdVol"):
                    frame.loc[hit, name] = frame.loc[hit, name] * 2
            return frame

        def breakdown_columns(t_idx, c_idx):
            out = breakdown(t_idx, c_idx)
            if vendor.corrected:
                day, code = CORRECTED_BREAKDOWN
                hit = (out["Date"] == day) & (out["Code"] == code)
                out["LongSellVo"] = np.where(hit, out["LongSellVo"] + 100.0, out["LongSellVo"])
                out["ShrtNoMrgnVo"] = np.where(hit, out["ShrtNoMrgnVo"] - 100.0, out["ShrtNoMrgnVo"])
            return out

        def bars_columns(t_idx, c_idx):
            out = bars(t_idx, c_idx)
            if vendor.corrected:
                hit = (out["Date"] == CORRECTED_BAR_DAY) & (out["Code"] == LETTER_CODE)
                for name in ("O", "H", "L", "C", "AdjO", "AdjH", "AdjL", "AdjC"):
                    out[name] = np.where(hit, np.round(out[name] * CORRECTED_BAR_SCALE, 1), out[name])
            return out

        market.dividends_frame = dividends_frame
        market.fin_summary_frame = fin_summary_frame
        market.margin_frame = margin_frame
        market.breakdown_columns = breakdown_columns
        market.bars_columns = bars_columns


def make_vendor() -> Vendor:
    market = Market(seed=SEED, n_codes=N_CODES, start=SERVED_FROM, end=WINDOW[1])
    # A corrected results document: 40070's first results document of the window re-disclosed
    # three business days later with other figures (its own DiscNo), as a correction would be.
    summaries = market.fin_summary_frame()
    results = summaries[
        (summaries["Code"] == DISCLOSURE_CODE)
        & summaries["DocType"].str.contains("FinancialStatements")
        & (summaries["DiscDate"] >= dt.date(2025, 4, 1))
    ].iloc[0]
    days = market.business_days()
    doc = results.to_dict()
    doc.update(
        DiscDate=days[days.index(results["DiscDate"]) + 3],
        DiscTime="16:00:00",
        DiscNo=CORRECTION_DOC_NO,
        Sales=results["Sales"] + 1.0e6,
        OP=results["OP"] + 1.0e6,
    )
    vendor = Vendor(market=market, correction_doc=doc)
    vendor.install()
    return vendor


def original_document(vendor: Vendor) -> dict:
    """The results document the scripted correction supersedes."""
    doc = vendor.correction_doc
    summaries = vendor.market.fin_summary_frame()
    same = summaries[
        (summaries["Code"] == doc["Code"])
        & (summaries["DocType"] == doc["DocType"])
        & (summaries["CurPerEn"] == doc["CurPerEn"])
        & (summaries["DiscNo"] != doc["DiscNo"])
    ]
    assert len(same) == 1
    return same.iloc[0].to_dict()
