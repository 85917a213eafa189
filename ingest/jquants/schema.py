"""The raw lake contract in code: for each dataset, its V2 fields, the snake_case column each one
becomes, the pinned column type, and the parser that enforces the contract's rules.

Adding a dataset = one `DatasetSpec` here + one resource in `source.py`. See docs/lake-contract.md.

A field with `status=True` (the amounts and `PayDate` of `/fins/dividend`) accepts the vendor's
legitimate non-values: a number/date lands in `<column>` with `<column>_status = 'value'`; `"-"`
(undetermined) lands as NULL with `'undetermined'`; `""`, null or a missing field as NULL with
`'not_set'`. Anything else is unparseable and quarantines the row, as for any other field.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from dlt.common.schema.typing import TTableSchemaColumns

Kind = Literal["date", "code", "text", "number"]

QUARANTINE_TABLE = "ingest_quarantine"
INGESTED_AT = "_ingested_at"
SOURCE = "_source"
REST_SOURCE = "rest"
STATUS_VALUE, STATUS_UNDETERMINED, STATUS_NOT_SET = "value", "undetermined", "not_set"

_DLT_TYPE: dict[Kind, str] = {"date": "date", "code": "text", "text": "text", "number": "double"}
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DATE_DASHED = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_COMPACT = re.compile(r"\d{8}")

INGESTED_AT_COLUMN = {
    "data_type": "timestamp",
    "timezone": True,
    "nullable": False,
    "description": "when the row was fetched from the API (UTC)",
}


@dataclass(frozen=True)
class Field:
    """One V2 field: its name in the API, its column in the lake, its kind."""

    source: str
    column: str
    kind: Kind
    required: bool = False
    description: str = ""
    status: bool = False

    @property
    def status_column(self) -> str | None:
        """`<column>_status` for a field that carries one (see the module docstring), else None."""
        return f"{self.column}_status" if self.status else None


@dataclass(frozen=True)
class DatasetSpec:
    """One raw table: the endpoint it comes from and the typed columns it keeps."""

    table: str
    endpoint: str
    fields: tuple[Field, ...]
    description: str = ""
    natural_key: tuple[str, ...] = ()
    """columns identifying one row of one load (staging keeps the latest `_ingested_at` per key)"""

    @property
    def field_names(self) -> frozenset[str]:
        return frozenset(f.source for f in self.fields)

    @property
    def column_names(self) -> list[str]:
        """The typed columns in table order (status columns right after their value column)."""
        names: list[str] = []
        for f in self.fields:
            names.append(f.column)
            if f.status_column:
                names.append(f.status_column)
        return names

    def columns(self) -> TTableSchemaColumns:
        """dlt `columns=` hints pinning every column's type (plus `_ingested_at` and `_source`)."""
        cols: TTableSchemaColumns = {}
        for f in self.fields:
            hint: dict[str, Any] = {"data_type": _DLT_TYPE[f.kind], "nullable": not f.required}
            if f.description:
                hint["description"] = f.description
            cols[f.column] = hint  # type: ignore[assignment]
            if f.status_column:
                cols[f.status_column] = {  # type: ignore[assignment]
                    "data_type": "text",
                    "nullable": False,
                    "description": f"'value', 'undetermined' (sent \"-\") or 'not_set' (sent \"\" or null) for {f.source}",
                }
        cols[INGESTED_AT] = dict(INGESTED_AT_COLUMN)  # type: ignore[assignment]
        cols[SOURCE] = dict(SOURCE_COLUMN)  # type: ignore[assignment]
        return cols


SOURCE_COLUMN = {
    "data_type": "text",
    "nullable": False,
    "description": "how the row reached the lake: 'rest' (the V2 REST API) or 'bulk:<key>' (a bulk CSV file)",
}

QUARANTINE_COLUMNS: TTableSchemaColumns = {
    "dataset": {"data_type": "text", "nullable": False, "description": "raw table the row was meant for"},
    "endpoint": {"data_type": "text", "nullable": False, "description": "V2 path it came from"},
    "reason": {"data_type": "text", "nullable": False, "description": "e.g. unparseable_number:O"},
    "raw_record": {"data_type": "text", "nullable": False, "description": "the JSON row as received"},
    INGESTED_AT: dict(INGESTED_AT_COLUMN),  # type: ignore[dict-item]
    SOURCE: dict(SOURCE_COLUMN),  # type: ignore[dict-item]
}


def _f(
    source: str,
    column: str,
    kind: Kind,
    required: bool = False,
    description: str = "",
    *,
    status: bool = False,
) -> Field:
    return Field(source, column, kind, required, description, status)


TRADING_CALENDAR = DatasetSpec(
    table="trading_calendar",
    natural_key=("date",),
    endpoint="/markets/calendar",
    description="TSE trading calendar (HolDiv: 1 business day, 2 half day, 0 closed, 3 derivatives only)",
    fields=(
        _f("Date", "date", "date", True),
        _f("HolDiv", "hol_div", "text", True, "'0' closed, '1' business day, '2' half day, '3' derivatives"),
    ),
)

EQUITIES_MASTER = DatasetSpec(
    table="equities_master",
    natural_key=("date", "code"),
    endpoint="/equities/master",
    description="Listed issues, one snapshot per business day",
    fields=(
        _f("Date", "date", "date", True, "snapshot date"),
        _f("Code", "code", "code", True, "5-character local code"),
        _f("CoName", "co_name", "text"),
        _f("CoNameEn", "co_name_en", "text"),
        _f("S17", "s17", "text"),
        _f("S17Nm", "s17_nm", "text"),
        _f("S33", "s33", "text"),
        _f("S33Nm", "s33_nm", "text"),
        _f("ScaleCat", "scale_cat", "text"),
        _f("Mkt", "mkt", "text"),
        _f("MktNm", "mkt_nm", "text"),
        _f("Mrgn", "mrgn", "text"),
        _f("MrgnNm", "mrgn_nm", "text"),
        _f("ProdCat", "prod_cat", "text"),
    ),
)

DAILY_BARS = DatasetSpec(
    table="daily_bars",
    natural_key=("date", "code"),
    endpoint="/equities/bars/daily",
    description="Daily bars of every listed issue (raw and vendor-adjusted); OHLCVA all NULL on no-trade days",
    fields=(
        _f("Date", "date", "date", True),
        _f("Code", "code", "code", True, "5-character local code"),
        _f("O", "o", "number"),
        _f("H", "h", "number"),
        _f("L", "l", "number"),
        _f("C", "c", "number"),
        _f("UL", "ul", "text", description="'1' when the price hit the daily limit up"),
        _f("LL", "ll", "text", description="'1' when the price hit the daily limit down"),
        _f("Vo", "vo", "number"),
        _f("Va", "va", "number"),
        _f("AdjFactor", "adj_factor", "number", description="split factor on the ex-date row"),
        _f("AdjO", "adj_o", "number"),
        _f("AdjH", "adj_h", "number"),
        _f("AdjL", "adj_l", "number"),
        _f("AdjC", "adj_c", "number"),
        _f("AdjVo", "adj_vo", "number"),
        _f(
            "ExRT",
            "ex_rt",
            "text",
            description="ex-rights type when sent: 1 split, 2 reverse split, 3 rights",
        ),
    ),
)

TOPIX = DatasetSpec(
    table="topix",
    natural_key=("date",),
    endpoint="/indices/bars/daily/topix",
    description="TOPIX daily bars",
    fields=(
        _f("Date", "date", "date", True),
        _f("O", "o", "number"),
        _f("H", "h", "number"),
        _f("L", "l", "number"),
        _f("C", "c", "number"),
    ),
)


# Long V1-style names some bulk CSV files use for the daily-bars fields (same values, same columns).
DAILY_BARS_LONG_NAMES: dict[str, str] = {
    "Open": "O",
    "High": "H",
    "Low": "L",
    "Close": "C",
    "UpperLimit": "UL",
    "LowerLimit": "LL",
    "Volume": "Vo",
    "TurnoverValue": "Va",
    "AdjustmentFactor": "AdjFactor",
    "AdjustmentOpen": "AdjO",
    "AdjustmentHigh": "AdjH",
    "AdjustmentLow": "AdjL",
    "AdjustmentClose": "AdjC",
    "AdjustmentVolume": "AdjVo",
}

INVESTOR_GROUPS: tuple[tuple[str, str], ...] = (
    ("Prop", "prop"),
    ("Brk", "brk"),
    ("Tot", "tot"),
    ("Ind", "ind"),
    ("Frgn", "frgn"),
    ("SecCo", "sec_co"),
    ("InvTr", "inv_tr"),
    ("BusCo", "bus_co"),
    ("OthCo", "oth_co"),
    ("InsCo", "ins_co"),
    ("Bank", "bank"),
    ("TrstBnk", "trst_bnk"),
    ("OthFin", "oth_fin"),
)
INVESTOR_SIDES: tuple[tuple[str, str], ...] = (
    ("Sell", "sell"),
    ("Buy", "buy"),
    ("Tot", "tot"),
    ("Bal", "bal"),
)

INVESTOR_TYPES = DatasetSpec(
    table="investor_types",
    endpoint="/equities/investor-types",
    natural_key=("section", "st_date", "en_date", "pub_date"),
    description=(
        "Weekly trading by investor type per market section, in JPY 1,000; a revision is a new row "
        "with the same section/st_date/en_date and a later pub_date"
    ),
    fields=(
        _f("PubDate", "pub_date", "date", True, "publication date (16:30 JST)"),
        _f("StDate", "st_date", "date", True, "first day of the week"),
        _f("EnDate", "en_date", "date", True, "last day of the week"),
        _f("Section", "section", "text", True, "market section, e.g. TSEPrime, TSE1st, TokyoNagoya"),
        *(
            _f(f"{g}{side}", f"{gc}_{sc}", "number")
            for g, gc in INVESTOR_GROUPS
            for side, sc in INVESTOR_SIDES
        ),
    ),
)

DIVIDENDS = DatasetSpec(
    table="dividends",
    endpoint="/fins/dividend",
    natural_key=("ref_no",),
    description=(
        "Dividend notices (decided / forecast); every notice is a row: ref_no is the notice, ca_ref_no "
        "the corporate action it creates (stat_code 1), revises (2) or deletes (3)"
    ),
    fields=(
        _f("PubDate", "pub_date", "date", True, "notice date"),
        _f("PubTime", "pub_time", "text", description="notice time 'HH:MM' (JST) as received"),
        _f("Code", "code", "code", True, "5-character local code"),
        _f("RefNo", "ref_no", "text", True, "reference number of this notice"),
        _f("StatCode", "stat_code", "text", description="'1' new, '2' revised, '3' deleted"),
        _f("BoardDate", "board_date", "date", description="board resolution date"),
        _f("IFCode", "if_code", "text", description="'1' interim, '2' year-end"),
        _f("FRCode", "fr_code", "text", description="'1' decided, '2' forecast"),
        _f("IFTerm", "if_term", "text", description="record year-month 'YYYY-MM' as received"),
        _f("DivRate", "div_rate", "number", description="dividend per share (JPY)", status=True),
        _f("RecDate", "rec_date", "date", description="record date"),
        _f("ExDate", "ex_date", "date", description="ex-dividend date"),
        _f("ActRecDate", "act_rec_date", "date", description="actual record date"),
        _f("PayDate", "pay_date", "date", description="payment start date", status=True),
        _f("CARefNo", "ca_ref_no", "text", True, "reference number of the corporate action"),
        _f("DistAmt", "dist_amt", "number", description="cash etc. distributed per share", status=True),
        _f("RetEarn", "ret_earn", "number", description="from retained earnings per share", status=True),
        _f("DeemDiv", "deem_div", "number", description="deemed dividend per share", status=True),
        _f(
            "DeemCapGains",
            "deem_cap_gains",
            "number",
            description="deemed capital gains per share",
            status=True,
        ),
        _f(
            "NetAssetDecRatio",
            "net_asset_dec_ratio",
            "number",
            description="net asset decrease ratio",
            status=True,
        ),
        _f("CommSpecCode", "comm_spec_code", "text", description="commemorative/special code"),
        _f(
            "CommDivRate",
            "comm_div_rate",
            "number",
            description="commemorative dividend per share",
            status=True,
        ),
        _f("SpecDivRate", "spec_div_rate", "number", description="special dividend per share", status=True),
    ),
)

FIN_SUMMARY = DatasetSpec(
    table="fin_summary",
    endpoint="/fins/summary",
    natural_key=("disc_no",),
    description=(
        "Financial results summaries (kessan tanshin) and forecast revisions, one row per document; "
        "sales/op/odp/np are cumulative from the start of the fiscal year"
    ),
    fields=(
        _f("DiscDate", "disc_date", "date", True, "disclosure date"),
        _f("DiscTime", "disc_time", "text"),
        _f("Code", "code", "code", True, "5-character local code"),
        _f("DiscNo", "disc_no", "text", True, "disclosure number, unique per document"),
        _f("DocType", "doc_type", "text"),
        _f("CurPerType", "cur_per_type", "text"),
        _f("CurPerSt", "cur_per_st", "date"),
        _f("CurPerEn", "cur_per_en", "date"),
        _f("CurFYSt", "cur_fy_st", "date"),
        _f("CurFYEn", "cur_fy_en", "date"),
        _f("NxtFYSt", "nxt_fy_st", "date"),
        _f("NxtFYEn", "nxt_fy_en", "date"),
        _f("Sales", "sales", "number"),
        _f("OP", "op", "number"),
        _f("OdP", "odp", "number"),
        _f("NP", "np", "number"),
        _f("EPS", "eps", "number"),
        _f("DEPS", "deps", "number"),
        _f("TA", "ta", "number"),
        _f("Eq", "eq", "number"),
        _f("EqAR", "eq_ar", "number"),
        _f("BPS", "bps", "number"),
        _f("CFO", "cfo", "number"),
        _f("CFI", "cfi", "number"),
        _f("CFF", "cff", "number"),
        _f("CashEq", "cash_eq", "number"),
        _f("Div1Q", "div_1q", "number"),
        _f("Div2Q", "div_2q", "number"),
        _f("Div3Q", "div_3q", "number"),
        _f("DivFY", "div_fy", "number"),
        _f("DivAnn", "div_ann", "number"),
        _f("DivUnit", "div_unit", "number"),
        _f("DivTotalAnn", "div_total_ann", "number"),
        _f("PayoutRatioAnn", "payout_ratio_ann", "number"),
        _f("FDiv1Q", "f_div_1q", "number"),
        _f("FDiv2Q", "f_div_2q", "number"),
        _f("FDiv3Q", "f_div_3q", "number"),
        _f("FDivFY", "f_div_fy", "number"),
        _f("FDivAnn", "f_div_ann", "number"),
        _f("FDivUnit", "f_div_unit", "number"),
        _f("FDivTotalAnn", "f_div_total_ann", "number"),
        _f("FPayoutRatioAnn", "f_payout_ratio_ann", "number"),
        _f("NxFDiv1Q", "nx_f_div_1q", "number"),
        _f("NxFDiv2Q", "nx_f_div_2q", "number"),
        _f("NxFDiv3Q", "nx_f_div_3q", "number"),
        _f("NxFDivFY", "nx_f_div_fy", "number"),
        _f("NxFDivAnn", "nx_f_div_ann", "number"),
        _f("NxFDivUnit", "nx_f_div_unit", "number"),
        _f("NxFPayoutRatioAnn", "nx_f_payout_ratio_ann", "number"),
        _f("FSales2Q", "f_sales_2q", "number"),
        _f("FOP2Q", "f_op_2q", "number"),
        _f("FOdP2Q", "f_odp_2q", "number"),
        _f("FNP2Q", "f_np_2q", "number"),
        _f("FEPS2Q", "f_eps_2q", "number"),
        _f("NxFSales2Q", "nx_f_sales_2q", "number"),
        _f("NxFOP2Q", "nx_f_op_2q", "number"),
        _f("NxFOdP2Q", "nx_f_odp_2q", "number"),
        _f("NxFNp2Q", "nx_f_np_2q", "number"),
        _f("NxFEPS2Q", "nx_f_eps_2q", "number"),
        _f("FSales", "f_sales", "number"),
        _f("FOP", "f_op", "number"),
        _f("FOdP", "f_odp", "number"),
        _f("FNP", "f_np", "number"),
        _f("FEPS", "f_eps", "number"),
        _f("NxFSales", "nx_f_sales", "number"),
        _f("NxFOP", "nx_f_op", "number"),
        _f("NxFOdP", "nx_f_odp", "number"),
        _f("NxFNp", "nx_f_np", "number"),
        _f("NxFEPS", "nx_f_eps", "number"),
        _f("MatChgSub", "mat_chg_sub", "text"),
        _f("SigChgInC", "sig_chg_in_c", "text"),
        _f("ChgByASRev", "chg_by_as_rev", "text"),
        _f("ChgNoASRev", "chg_no_as_rev", "text"),
        _f("ChgAcEst", "chg_ac_est", "text"),
        _f("RetroRst", "retro_rst", "text"),
        _f("ShOutFY", "sh_out_fy", "number"),
        _f("TrShFY", "tr_sh_fy", "number"),
        _f("AvgSh", "avg_sh", "number"),
        _f("NCSales", "nc_sales", "number"),
        _f("NCOP", "nc_op", "number"),
        _f("NCOdP", "nc_odp", "number"),
        _f("NCNP", "nc_np", "number"),
        _f("NCEPS", "nc_eps", "number"),
        _f("NCTA", "nc_ta", "number"),
        _f("NCEq", "nc_eq", "number"),
        _f("NCEqAR", "nc_eq_ar", "number"),
        _f("NCBPS", "nc_bps", "number"),
        _f("FNCSales2Q", "f_nc_sales_2q", "number"),
        _f("FNCOP2Q", "f_nc_op_2q", "number"),
        _f("FNCOdP2Q", "f_nc_odp_2q", "number"),
        _f("FNCNP2Q", "f_nc_np_2q", "number"),
        _f("FNCEPS2Q", "f_nc_eps_2q", "number"),
        _f("NxFNCSales2Q", "nx_f_nc_sales_2q", "number"),
        _f("NxFNCOP2Q", "nx_f_nc_op_2q", "number"),
        _f("NxFNCOdP2Q", "nx_f_nc_odp_2q", "number"),
        _f("NxFNCNP2Q", "nx_f_nc_np_2q", "number"),
        _f("NxFNCEPS2Q", "nx_f_nc_eps_2q", "number"),
        _f("FNCSales", "f_nc_sales", "number"),
        _f("FNCOP", "f_nc_op", "number"),
        _f("FNCOdP", "f_nc_odp", "number"),
        _f("FNCNP", "f_nc_np", "number"),
        _f("FNCEPS", "f_nc_eps", "number"),
        _f("NxFNCSales", "nx_f_nc_sales", "number"),
        _f("NxFNCOP", "nx_f_nc_op", "number"),
        _f("NxFNCOdP", "nx_f_nc_odp", "number"),
        _f("NxFNCNP", "nx_f_nc_np", "number"),
        _f("NxFNCEPS", "nx_f_nc_eps", "number"),
    ),
)

MARGIN_INTEREST = DatasetSpec(
    table="margin_interest",
    endpoint="/markets/margin-interest",
    natural_key=("date", "code"),
    description="Weekly margin trading balances (shares) per code; date is the record date (normally Friday)",
    fields=(
        _f("Date", "date", "date", True, "record date"),
        _f("Code", "code", "code", True, "5-character local code"),
        _f("ShrtVol", "shrt_vol", "number", description="margin sell (short) balance"),
        _f("LongVol", "long_vol", "number", description="margin buy (long) balance"),
        _f("ShrtNegVol", "shrt_neg_vol", "number", description="short balance, negotiable margin"),
        _f("LongNegVol", "long_neg_vol", "number", description="long balance, negotiable margin"),
        _f("ShrtStdVol", "shrt_std_vol", "number", description="short balance, standardized margin"),
        _f("LongStdVol", "long_std_vol", "number", description="long balance, standardized margin"),
        _f("IssType", "iss_type", "text", description="'1' margin issue, '2' loan issue, '3' other"),
    ),
)

BREAKDOWN_KINDS: tuple[tuple[str, str], ...] = (
    ("LongSell", "long_sell"),
    ("ShrtNoMrgn", "shrt_no_mrgn"),
    ("MrgnSellNew", "mrgn_sell_new"),
    ("MrgnSellClose", "mrgn_sell_close"),
    ("LongBuy", "long_buy"),
    ("MrgnBuyNew", "mrgn_buy_new"),
    ("MrgnBuyClose", "mrgn_buy_close"),
)

TRADE_BREAKDOWN = DatasetSpec(
    table="trade_breakdown",
    endpoint="/markets/breakdown",
    natural_key=("date", "code"),
    description="Daily trading value (va, JPY) and volume (vo, shares) by order type per code (Premium plan)",
    fields=(
        _f("Date", "date", "date", True),
        _f("Code", "code", "code", True, "5-character local code"),
        *(_f(f"{k}Va", f"{c}_va", "number") for k, c in BREAKDOWN_KINDS),
        *(_f(f"{k}Vo", f"{c}_vo", "number") for k, c in BREAKDOWN_KINDS),
    ),
)

SPECS: dict[str, DatasetSpec] = {
    s.table: s
    for s in (
        TRADING_CALENDAR,
        EQUITIES_MASTER,
        DAILY_BARS,
        TOPIX,
        INVESTOR_TYPES,
        DIVIDENDS,
        FIN_SUMMARY,
        MARGIN_INTEREST,
        TRADE_BREAKDOWN,
    )
}


class Unparseable(ValueError):
    """A value breaks the contract; `reason` is what goes to the quarantine table."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_number(value: Any, field: str) -> float | None:
    """JSON number or numeric string -> float; null / "" -> None; anything else is unparseable."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise Unparseable(f"unparseable_number:{field}")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise Unparseable(f"unparseable_number:{field}")
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        if _NUMBER.fullmatch(text):
            return float(text)
    raise Unparseable(f"unparseable_number:{field}")


def parse_date(value: Any, field: str) -> dt.date | None:
    """`YYYY-MM-DD` or `YYYYMMDD` -> date; null / "" -> None; anything else is unparseable."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            if _DATE_DASHED.fullmatch(text):
                return dt.date.fromisoformat(text)
            if _DATE_COMPACT.fullmatch(text):
                return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    raise Unparseable(f"unparseable_date:{field}")


def parse_text(value: Any, field: str) -> str | None:
    """Text as received (never stripped or re-cased); an integer becomes its decimal string; "" -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise Unparseable(f"unparseable_text:{field}")


_PARSERS = {"date": parse_date, "code": parse_text, "text": parse_text, "number": parse_number}


def parse_row(spec: DatasetSpec, raw: dict[str, Any]) -> dict[str, Any]:
    """Map one V2 row to the contract's columns (without `_ingested_at`); raise `Unparseable`.

    Fields the contract does not know are left out (the caller counts them).
    """
    row: dict[str, Any] = {}
    for f in spec.fields:
        raw_value = raw.get(f.source)
        if f.status_column:
            value, status = parse_with_status(f, raw_value)
            row[f.column], row[f.status_column] = value, status
            continue
        value = _PARSERS[f.kind](raw_value, f.source)
        if value is None and f.required:
            raise Unparseable(f"missing_field:{f.source}")
        row[f.column] = value
    return row


def parse_with_status(f: Field, value: Any) -> tuple[Any, str]:
    """(value, status) of a field that may legitimately be `"-"` (undetermined) or `""` (not set)."""
    if value is None or value == "":
        return None, STATUS_NOT_SET
    if isinstance(value, str) and value.strip() == "-":
        return None, STATUS_UNDETERMINED
    parsed = _PARSERS[f.kind](value, f.source)
    return parsed, (STATUS_VALUE if parsed is not None else STATUS_NOT_SET)


def quarantine_row(
    spec: DatasetSpec,
    raw: Any,
    reason: str,
    ingested_at: dt.datetime,
    *,
    source: str = REST_SOURCE,
    endpoint: str | None = None,
) -> dict[str, Any]:
    """A row for `ingest_quarantine`: the reason and the row as received (JSON; a CSV row as an object)."""
    return {
        "dataset": spec.table,
        "endpoint": endpoint or spec.endpoint,
        "reason": reason,
        "raw_record": json.dumps(raw, ensure_ascii=False, default=str),
        INGESTED_AT: ingested_at,
        SOURCE: source,
    }
