"""Serve a simulated J-Quants API V2 until Ctrl-C: `python -m ingest.simulator --port 8765`."""

from __future__ import annotations

import argparse
import threading

from ingest.simulator.market import Market
from ingest.simulator.server import SimulatorServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m ingest.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--codes", type=int, default=50, help="number of codes in the universe")
    parser.add_argument("--start", default="2019-01-04")
    parser.add_argument("--end", default=None, help="the simulator's 'today' (default: last business day)")
    parser.add_argument("--api-key", default="k")
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=None, help="requests per minute before 429")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Build the market, serve it, block until interrupted."""
    args = parse_args(argv)
    market = Market(seed=args.seed, n_codes=args.codes, start=args.start, end=args.end)
    server = SimulatorServer(
        market,
        api_key=args.api_key,
        page_size=args.page_size,
        rate_per_minute=args.rate,
        host=args.host,
        port=args.port,
    ).start()
    print(
        f"J-Quants V2 simulator: {server.base_url} ({len(market.codes)} codes, "
        f"{market.start}..{market.end}); Ctrl-C to stop",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
