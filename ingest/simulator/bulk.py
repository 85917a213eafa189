"""Bulk CSV files of daily bars: `/bulk/list`, `/bulk/get` and the signed download URL.

One gzip CSV per calendar month of [start, end] (the current month is partial), every listed code,
ordered by Date then Code, adjusted values as known at `end` — the same numbers as
`Market.bars_frame()`. NULL is an empty field; `Code` is the 5-character code as text.

Column names: files for months up to `V1_NAMES_UNTIL` (2023-12) use the long V1-style names
(`Open, High, Low, Close, UpperLimit, LowerLimit, Volume, TurnoverValue, AdjustmentFactor,
AdjustmentOpen, AdjustmentHigh, AdjustmentLow, AdjustmentClose, AdjustmentVolume`); later files use
the V2 names (`O, H, …, AdjVo`). `LastModified` is the month's last business day (17:30 JST) or, if
later, the ex-date of a later split that rewrote the file's adjusted columns (files are corrected in
place). `Size` is the exact byte size of the gzip file.

Download URLs are `<origin>/bulk-download/<key>?Expires=<unix time>&Signature=<hex>`, signed with
a per-server secret and valid `bulk_url_ttl` seconds; no API key is needed to download.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import io
import secrets
import threading
import time
from urllib.parse import quote

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from ingest.simulator.market import BAR_FIELDS, Market

BULK_ENDPOINTS = ("/equities/bars/daily",)
DOWNLOAD_PATH = "/bulk-download/"
V1_NAMES_UNTIL = np.datetime64("2023-12", "M")
V1_NAMES = {
    "O": "Open", "H": "High", "L": "Low", "C": "Close", "UL": "UpperLimit", "LL": "LowerLimit",
    "Vo": "Volume", "Va": "TurnoverValue", "AdjFactor": "AdjustmentFactor", "AdjO": "AdjustmentOpen",
    "AdjH": "AdjustmentHigh", "AdjL": "AdjustmentLow", "AdjC": "AdjustmentClose",
    "AdjVo": "AdjustmentVolume",
}  # fmt: skip


def month_key(month: np.datetime64) -> str:
    """The bulk key of a month's daily-bars file."""
    text = str(month).replace("-", "")
    return f"equities/bars/daily/{text[:4]}/equities_bars_daily_{text}.csv.gz"


class BulkStore:
    """The monthly files of one market, built lazily and cached."""

    def __init__(self, market: Market) -> None:
        self.market = market
        self._files: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.secret = secrets.token_hex(16)
        days = np.array(market.business_days(), dtype="datetime64[D]")
        months = days.astype("datetime64[M]")
        self._months = {month_key(m): m for m in np.unique(months)}
        self._day_index = {m: np.nonzero(months == m)[0] + market.day_range[0] for m in np.unique(months)}

    def keys(self) -> list[str]:
        """Every file key, oldest month first."""
        return list(self._months)

    def __contains__(self, key: object) -> bool:
        return key in self._months

    def content(self, key: str) -> bytes:
        """The gzip CSV bytes of `key` (KeyError if unknown)."""
        month = self._months[key]
        with self._lock:
            if key not in self._files:
                self._files[key] = self._build(month)
            return self._files[key]

    def _build(self, month: np.datetime64) -> bytes:
        columns = self.market.bars_columns(self._day_index[month], self.market.visible_code_indexes())
        names = V1_NAMES if month <= V1_NAMES_UNTIL else {}
        arrays = {}
        for field in BAR_FIELDS:
            values = columns[field]
            if field == "Date":
                values = np.array(values, dtype="datetime64[D]")
            elif values.dtype == object:
                values = values.astype(str)
            arrays[names.get(field, field)] = pa.array(values, from_pandas=True)
        buffer = io.BytesIO()
        pa_csv.write_csv(pa.table(arrays), buffer, pa_csv.WriteOptions(quoting_style="needed"))
        return gzip.compress(buffer.getvalue(), compresslevel=5, mtime=0)

    def last_modified(self, key: str) -> str:
        """ISO-8601 UTC time the file was last (re)written."""
        month = self._months[key]
        idx = self._day_index[month]
        written = idx[-1]
        later = self.market.split_days_after(int(idx[-1]))
        if later:
            codes = set(self.market.codes_listed_between(int(idx[0]), int(idx[-1])).tolist())
            touching = [d for c, d in later if c in codes]
            written = max([written, *touching])
        return f"{self.market.day_at(int(written)).isoformat()}T08:30:00Z"

    def listing(self) -> list[dict]:
        """`/bulk/list` rows."""
        return [
            {"Key": k, "LastModified": self.last_modified(k), "Size": len(self.content(k))}
            for k in self._months
        ]

    def sign(self, key: str, origin: str, ttl: float) -> str:
        """A download URL for `key` valid for `ttl` seconds."""
        expires = int(time.time() + ttl)
        return (
            f"{origin}{DOWNLOAD_PATH}{quote(key)}?Expires={expires}&Signature={self._signature(key, expires)}"
        )

    def _signature(self, key: str, expires: int) -> str:
        return hmac.new(self.secret.encode(), f"{key}|{expires}".encode(), hashlib.sha256).hexdigest()

    def verify(self, key: str, expires: str, signature: str) -> str | None:
        """None when the signed URL is valid now, else the reason it is not."""
        try:
            when = int(expires)
        except (TypeError, ValueError):
            return "Malformed Expires"
        if not hmac.compare_digest(self._signature(key, when), signature or ""):
            return "SignatureDoesNotMatch"
        if time.time() > when:
            return "Request has expired"
        if key not in self._months:
            return "NoSuchKey"
        return None
