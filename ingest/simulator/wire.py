"""How rows go on the wire: JSON value types as J-Quants sends them, and malformed-row injection.

* NaN → `null`; dates → `"YYYY-MM-DD"`; string fields (codes, `UL`, `LL`, `HolDiv`, …) as strings.
* About 10 % of numeric values are sent as numeric strings (`"1234.5"`), chosen by a hash of
  (dataset, row key, field): the same row always looks the same, whatever the page or the request.
* With the `malformed` fault, a row is corrupted with probability p (hash of the fault seed and the
  row key, so it is deterministic): `"-"` in a number field, `H < L` (swapped), or a negative price.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ingest.simulator.market import Columns

STRING_SHARE = 10  # 1 in STRING_SHARE numeric values goes out as a string
PRICE_FIELDS = ("O", "H", "L", "C")
RULES = ("unparseable_number", "high_below_low", "negative_price")


@dataclass
class Result:
    """Rows of one endpoint's answer, column-wise, with what the encoder needs to know."""

    dataset: str
    columns: Columns
    fields: Sequence[str]
    numeric: Sequence[str]
    key_fields: Sequence[str]
    date_field: str | None = "Date"
    code_field: str | None = "Code"
    corruptible: Sequence[str] = field(default_factory=tuple)
    blank: Any = None  # how a NULL number is sent (J-Quants sends "" in fins datasets)
    unparseable: str = "-"  # the garbage put in a number field by the malformed fault

    def __len__(self) -> int:
        return len(self.columns[self.fields[0]]) if self.fields else 0


def _mix(value: int) -> int:
    """A 32-bit integer hash (murmur3 finaliser)."""
    value &= 0xFFFFFFFF
    value ^= value >> 16
    value = (value * 0x85EBCA6B) & 0xFFFFFFFF
    value ^= value >> 13
    value = (value * 0xC2B2AE35) & 0xFFFFFFFF
    return value ^ (value >> 16)


def _plain(value: Any) -> Any:
    """A numpy / date value as a JSON-ready Python value (NaN → None)."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def _number_text(value: float) -> str:
    return repr(float(value))


def row_hash(seed: int | str, result: Result, raw: dict[str, Any]) -> int:
    """A stable hash of a row's key fields."""
    key = "|".join(str(raw[f]) for f in result.key_fields)
    return zlib.crc32(f"{seed}|{result.dataset}|{key}".encode())


def encode_row(result: Result, i: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(raw, wire) versions of row i: raw holds plain values, wire the values as sent."""
    raw = {f: _plain(result.columns[f][i]) for f in result.fields}
    wire = dict(raw)
    h = row_hash("types", result, raw)
    for k, name in enumerate(result.numeric):
        value = raw[name]
        if value is None:
            wire[name] = result.blank
        if (
            value is not None
            and not isinstance(value, str)
            and _mix(h + 0x9E3779B9 * (k + 1)) % STRING_SHARE == 0
        ):
            wire[name] = _number_text(value)
    return raw, wire


def corrupt_row(
    result: Result, raw: dict[str, Any], wire: dict[str, Any], rate: float, seed: int
) -> dict[str, Any] | None:
    """Maybe corrupt `wire` in place; return the injection record (without endpoint) or None."""
    if rate <= 0 or not (result.corruptible or result.numeric):
        return None
    h = row_hash(seed, result, raw)
    if h / 2**32 >= rate:
        return None
    pick = _mix(h)
    prices = [f for f in PRICE_FIELDS if f in result.corruptible and raw.get(f) is not None]
    rules = ["unparseable_number"]
    if "H" in prices and "L" in prices:
        rules.append("high_below_low")
    if prices:
        rules.append("negative_price")
    rule = rules[pick % len(rules)]
    if rule == "high_below_low":
        high, low = raw["H"], raw["L"]
        wire["H"], wire["L"] = (low, high) if high != low else (high, high + 1.0)
        name = "H"
    elif rule == "negative_price":
        name = prices[(pick >> 8) % len(prices)]
        wire[name] = -abs(raw[name]) if raw[name] else -1.0
    else:
        candidates = list(result.corruptible) or list(result.numeric)
        name = candidates[(pick >> 8) % len(candidates)]
        wire[name] = result.unparseable
    return {
        "dataset": result.dataset,
        "Date": raw.get(result.date_field) if result.date_field else None,
        "Code": raw.get(result.code_field) if result.code_field else None,
        "rule": rule,
        "field": name,
        "value": wire[name],
    }
