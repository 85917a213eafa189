"""J-Quants API V2 ingestion: the HTTP client, the lake contract in code, and the dlt source."""

from ingest.jquants.client import (
    JQuantsAuthError,
    JQuantsClient,
    JQuantsError,
    JQuantsRequestError,
)
from ingest.jquants.source import DATASETS, SourceStats, jquants_source

__all__ = [
    "DATASETS",
    "JQuantsAuthError",
    "JQuantsClient",
    "JQuantsError",
    "JQuantsRequestError",
    "SourceStats",
    "jquants_source",
]
