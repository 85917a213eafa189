"""The raw lake contract in code: for each dataset, its V2 fields, the snake_case column each one
becomes, the pinned column type, and the parser that enforces the contract's rules.

Adding a dataset = one `DatasetSpec` here + one resource in `source.py`. See docs/lake-contract.md.
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


@dataclass(frozen=True)
class DatasetSpec:
    """One raw table: the endpoint it comes from and the typed columns it keeps."""

    table: str
    endpoint: str
    fields: tuple[Field, ...]
    description: str = ""

    @property
    def field_names(self) -> frozenset[str]:
        return frozenset(f.source for f in self.fields)

    def columns(self) -> TTableSchemaColumns:
        """dlt `columns=` hints pinning every column's type (plus `_ingested_at`)."""
        cols: TTableSchemaColumns = {}
        for f in self.fields:
            hint: dict[str, Any] = {"data_type": _DLT_TYPE[f.kind], "nullable": not f.required}
            if f.description:
                hint["description"] = f.description
            cols[f.column] = hint  # type: ignore[assignment]
        cols[INGESTED_AT] = dict(INGESTED_AT_COLUMN)  # type: ignore[assignment]
        return cols


QUARANTINE_COLUMNS: TTableSchemaColumns = {
    "dataset": {"data_type": "text", "nullable": False, "description": "raw table the row was meant for"},
    "endpoint": {"data_type": "text", "nullable": False, "description": "V2 path it came from"},
    "reason": {"data_type": "text", "nullable": False, "description": "e.g. unparseable_number:O"},
    "raw_record": {"data_type": "text", "nullable": False, "description": "the JSON row as received"},
    INGESTED_AT: dict(INGESTED_AT_COLUMN),  # type: ignore[dict-item]
}


def _f(source: str, column: str, kind: Kind, required: bool = False, description: str = "") -> Field:
    return Field(source, column, kind, required, description)


TRADING_CALENDAR = DatasetSpec(
    table="trading_calendar",
    endpoint="/markets/calendar",
    description="TSE trading calendar (HolDiv: 1 business day, 2 half day, 0 closed, 3 derivatives only)",
    fields=(
        _f("Date", "date", "date", True),
        _f("HolDiv", "hol_div", "text", True, "'0' closed, '1' business day, '2' half day, '3' derivatives"),
    ),
)

EQUITIES_MASTER = DatasetSpec(
    table="equities_master",
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

SPECS: dict[str, DatasetSpec] = {s.table: s for s in (TRADING_CALENDAR, EQUITIES_MASTER, DAILY_BARS, TOPIX)}


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
        value = _PARSERS[f.kind](raw.get(f.source), f.source)
        if value is None and f.required:
            raise Unparseable(f"missing_field:{f.source}")
        row[f.column] = value
    return row


def quarantine_row(spec: DatasetSpec, raw: Any, reason: str, ingested_at: dt.datetime) -> dict[str, Any]:
    """A row for `ingest_quarantine`: the reason and the JSON row as received."""
    return {
        "dataset": spec.table,
        "endpoint": spec.endpoint,
        "reason": reason,
        "raw_record": json.dumps(raw, ensure_ascii=False, default=str),
        INGESTED_AT: ingested_at,
    }
