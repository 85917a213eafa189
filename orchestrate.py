"""gogooku3 driver: ingest → dbt build → publish, once (`run`) or on the TSE schedule.

    python orchestrate.py run [--date D] [--from D]   one daily cycle (default: the latest published day)
    python orchestrate.py publish                     publish the marts to ClickHouse
    python orchestrate.py status                      what is in the lake, DuckDB and ClickHouse

With no JQUANTS_API_KEY the cycle runs against the bundled J-Quants V2 simulator, started on a free
local port for the duration of the run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import secrets
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ingest.settings import Settings, SettingsError, get_settings

JST = ZoneInfo("Asia/Tokyo")
BARS_PUBLISHED_AT = dt.time(16, 30)  # daily bars / TOPIX are published ~16:30 JST
INGEST_LOOKBACK_DAYS = 7  # calendar days re-fetched before the last loaded date (vendor corrections)
SIMULATOR_SEED = 42

log = logging.getLogger("gogooku3")


class SecretRedactingFilter(logging.Filter):
    """Replace any configured secret value that reaches a log record with ***."""

    def __init__(self, secret_values: list[str]):
        super().__init__()
        self.secret_values = [s for s in secret_values if s and len(s) >= 4]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret_values:
            message = record.getMessage()
            if any(s in message for s in self.secret_values):
                for s in self.secret_values:
                    message = message.replace(s, "***")
                record.msg, record.args = message, ()
        return True


def configure_logging(settings: Settings | None = None, level: int = logging.INFO) -> None:
    import os

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    secret_values = [os.environ.get(n, "") for n in ("JQUANTS_API_KEY", "AWS_SECRET_ACCESS_KEY")]
    if settings is not None and settings.api_key:
        secret_values.append(settings.api_key)
    handler.addFilter(SecretRedactingFilter(secret_values))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("dlt", "urllib3", "botocore", "s3fs", "aiobotocore", "clickhouse_connect"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def is_probably_business_day(day: dt.date) -> bool:
    """Weekday, not a national holiday, not Dec 31 – Jan 3 (a first guess; the API calendar decides)."""
    import jpholiday

    if day.weekday() >= 5 or jpholiday.is_holiday(day):
        return False
    return not ((day.month == 12 and day.day == 31) or (day.month == 1 and day.day <= 3))


def default_target_date(now: dt.datetime | None = None) -> dt.date:
    """The latest business day whose daily bars are already published (16:30 JST)."""
    now = (now or dt.datetime.now(JST)).astimezone(JST)
    day = now.date() if now.time() >= BARS_PUBLISHED_AT else now.date() - dt.timedelta(days=1)
    while not is_probably_business_day(day):
        day -= dt.timedelta(days=1)
    return day


@contextlib.contextmanager
def api_endpoint(settings: Settings, end: dt.date) -> Iterator[tuple[str, str, bool]]:
    """(base_url, api_key, is_simulator): the real API when a key is set, else the bundled simulator."""
    if not settings.use_simulator:
        yield settings.base_url, settings.api_key, False
        return
    import os

    from ingest.simulator import Market, SimulatorServer

    codes = int(os.environ.get("SIMULATOR_CODES", "50"))
    market = Market(seed=SIMULATOR_SEED, n_codes=codes, end=end)
    key = secrets.token_hex(16)
    with SimulatorServer(market, api_key=key) as server:
        log.info("no JQUANTS_API_KEY: using the bundled simulator at %s (%d codes)", server.base_url, codes)
        yield server.base_url, key, True


def ingest_range(settings: Settings, target: dt.date, start: dt.date | None) -> tuple[dt.date, dt.date]:
    """From the last loaded day (minus a lookback for vendor corrections), or the history start."""
    from gogooku3.lake import max_raw_date

    if start is not None:
        return start, target
    last = max_raw_date(settings)
    if last is None:
        return dt.date.fromisoformat(settings.history_start), target
    return min(last - dt.timedelta(days=INGEST_LOOKBACK_DAYS), target), target


@dataclass
class CycleResult:
    target_date: dt.date
    start_date: dt.date
    ok: bool = False
    steps: dict[str, float] = field(default_factory=dict)
    ingest: object | None = None
    dbt: object | None = None
    published: dict[str, int] = field(default_factory=dict)
    error: str | None = None


def run_cycle(settings: Settings, target: dt.date | None = None, start: dt.date | None = None) -> CycleResult:
    """One daily cycle: ingest [start, target] → dbt build → publish (only after a clean build)."""
    from gogooku3.dbt import run_dbt
    from gogooku3.publish import publish_marts
    from ingest.pipeline import run_ingest

    target = target or default_target_date()
    start, target = ingest_range(settings, target, start)
    result = CycleResult(target_date=target, start_date=start)

    t0 = time.monotonic()
    with api_endpoint(settings, target) as (base_url, api_key, _):
        log.info("ingest %s … %s", start, target)
        result.ingest = run_ingest(settings, start, target, base_url=base_url, api_key=api_key)
    result.steps["ingest"] = time.monotonic() - t0

    t0 = time.monotonic()
    result.dbt = run_dbt(settings, ["build"])
    result.steps["dbt build"] = time.monotonic() - t0
    if not result.dbt.success:
        failed = ", ".join(result.dbt.failed) or (result.dbt.error or "unknown error")
        result.error = f"dbt build failed ({failed}); nothing was published"
        return result

    t0 = time.monotonic()
    result.published = publish_marts(settings).rows
    result.steps["publish"] = time.monotonic() - t0
    result.ok = True
    return result


def format_summary(result: CycleResult) -> str:
    lines = [
        "",
        "=" * 64,
        f" gogooku3 daily cycle for {result.target_date} (ingested {result.start_date} … {result.target_date})",
        "=" * 64,
    ]
    ingest = result.ingest
    if ingest is not None:
        lines.append(" rows ingested (raw, this run):")
        for table, n in sorted(getattr(ingest, "rows", {}).items()):
            lines.append(f"   {table:<28}{n:>12,}")
        quarantined = getattr(ingest, "quarantined", {}) or {}
        if quarantined:
            lines.append(" quarantined at ingest:")
            for reason, n in sorted(quarantined.items()):
                lines.append(f"   {reason:<28}{n:>12,}")
        calls = sum((getattr(ingest, "api_calls", {}) or {}).values())
        lines.append(f" API calls: {calls:,}")
    dbt = result.dbt
    if dbt is not None:
        lines.append(
            f" dbt build: {dbt.models_built} models built, {dbt.tests_passed} tests passed, "
            f"{dbt.tests_failed} failed, {len(dbt.warned)} warned"
        )
        if dbt.failed:
            lines.append(f"   failed: {', '.join(dbt.failed)}")
    if result.published:
        lines.append(" rows published to ClickHouse:")
        for table, n in result.published.items():
            lines.append(f"   {table:<28}{n:>12,}")
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in result.steps.items())
    lines.append(f" time: {sum(result.steps.values()):.1f}s ({steps})")
    lines.append(f" status: {'OK' if result.ok else 'FAILED: ' + (result.error or '')}")
    lines.append("=" * 64)
    return "\n".join(lines)


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    result = run_cycle(settings, target=args.date, start=args.start)
    print(format_summary(result))
    return 0 if result.ok else 1


def cmd_publish(settings: Settings, args: argparse.Namespace) -> int:
    from gogooku3.publish import publish_marts

    res = publish_marts(settings)
    for table, n in res.rows.items():
        print(f"published {table}: {n:,} rows in {res.seconds:.1f}s")
    return 0


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    from gogooku3.lake import max_raw_date
    from gogooku3.publish import published_counts

    for table in ("daily_bars", "equities_master", "trading_calendar", "topix"):
        print(f"lake {table:<20} latest date: {max_raw_date(settings, table)}")
    for table, n in published_counts(settings).items():
        print(f"clickhouse {table:<14} rows: {n:,}")
    return 0


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.replace("/", "-")) if "-" in value or "/" in value else (
            dt.datetime.strptime(value, "%Y%m%d").date()
        )
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="orchestrate.py", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="one daily cycle: ingest → dbt build → publish")
    run.add_argument("--date", type=_date, default=None, help="the trading date to bring in (default: latest published)")
    run.add_argument("--from", dest="start", type=_date, default=None, help="ingest from this date (default: incremental)")
    run.set_defaults(func=cmd_run)
    sub.add_parser("publish", help="publish the marts to ClickHouse").set_defaults(func=cmd_publish)
    sub.add_parser("status", help="latest dates in the lake, rows in ClickHouse").set_defaults(func=cmd_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    return args.func(settings, args)


if __name__ == "__main__":
    sys.exit(main())
