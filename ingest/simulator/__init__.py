"""A bundled J-Quants API V2 simulator: a deterministic synthetic TSE market behind a real HTTP server.

    from ingest.simulator import Market, SimulatorServer

    market = Market(seed=42, n_codes=50, start="2019-01-04", end=None)
    with SimulatorServer(market, api_key="k", page_size=1000) as server:
        ...  # point the client at server.base_url

`Market` holds the ground truth, point in time as of its `end`: `calendar()`, `bars_frame()`,
`master_frame(date)`, `topix_frame()`, `split_events()`, `listings()`, `investor_types_frame()`,
`dividends_frame()`, `fin_summary_frame()`, `margin_frame()`, `breakdown_frame()`.
`SimulatorServer` serves it the way V2 does (auth, pagination, 400/403/429/500, mixed JSON types)
with optional fault injection, on `/equities/master`, `/equities/bars/daily`, `/markets/calendar`,
`/indices/bars/daily/topix`, `/equities/investor-types`, `/fins/dividend`, `/fins/summary`,
`/markets/margin-interest`, `/markets/breakdown`, `/bulk/list` and `/bulk/get` (signed download
URLs of monthly gzip CSV files). Scripted special cases (splits, IPOs, delistings, letter codes,
no-trade days, limit days) sit on fixed codes listed in `ingest.simulator.universe`; each dataset's
conventions are in the docstring of its module (`fiscal`, `weekly`, `breakdown`, `bulk`).
Run `python -m ingest.simulator --help` to serve one from the command line.
"""

from ingest.simulator.market import Market
from ingest.simulator.server import SimulatorServer
from ingest.simulator.universe import (
    DELIST_CODE,
    ILLIQUID_CODE,
    IPO_CODE,
    LATE_DELIST_CODE,
    LATE_IPO_CODE,
    LETTER_CODE,
    LIMIT_CODE,
    PREFERRED_CODE,
    PREFERRED_COMMON_CODE,
    REVERSE_SPLIT_CODE,
    SPECIAL_CODES,
    SPLIT_CODE,
)

__all__ = [
    "DELIST_CODE",
    "ILLIQUID_CODE",
    "IPO_CODE",
    "LATE_DELIST_CODE",
    "LATE_IPO_CODE",
    "LETTER_CODE",
    "LIMIT_CODE",
    "PREFERRED_CODE",
    "PREFERRED_COMMON_CODE",
    "REVERSE_SPLIT_CODE",
    "SPECIAL_CODES",
    "SPLIT_CODE",
    "Market",
    "SimulatorServer",
]
