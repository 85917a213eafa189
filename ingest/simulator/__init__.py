"""A bundled J-Quants API V2 simulator: a deterministic synthetic TSE market behind a real HTTP server.

    from ingest.simulator import Market, SimulatorServer

    market = Market(seed=42, n_codes=50, start="2019-01-04", end=None)
    with SimulatorServer(market, api_key="k", page_size=1000) as server:
        ...  # point the client at server.base_url

`Market` holds the ground truth (`bars_frame()`, `master_frame(date)`, `topix_frame()`, …);
`SimulatorServer` serves it the way V2 does (auth, pagination, 400/403/429/500, mixed JSON types)
with optional fault injection. Scripted special cases (splits, IPOs, delistings, letter codes,
no-trade days, limit days) sit on fixed codes listed in `ingest.simulator.universe`.
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
