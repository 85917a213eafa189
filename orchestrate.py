"""gogooku3 driver: ingest → dbt build → publish, once (`run`) or on the TSE schedule.

    python orchestrate.py run [--date D] [--from D]   one daily cycle (default: the latest published day)
    python orchestrate.py backfill --from D --to D    a long range, then a full rebuild and publish
    python orchestrate.py schedule                    forever: a cycle per TSE business day after publication
    python orchestrate.py publish                     publish the marts to ClickHouse
    python orchestrate.py status [--html FILE]        freshness, rows per date, quarantine, last runs

With no JQUANTS_API_KEY the cycle runs against the bundled J-Quants V2 simulator, started on a free
local port for the duration of the run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import os
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
# A long range is loaded window by window: a crash keeps the windows already loaded.
INGEST_CHUNK_DAYS = int(os.environ.get("INGEST_CHUNK_DAYS", "31"))

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
        malformed = float(os.environ.get("SIMULATOR_MALFORMED", "0") or 0)
        if malformed:  # demo of the quarantine: that share of served rows is malformed
            server.set_faults(malformed=malformed, seed=SIMULATOR_SEED)
        log.info("no JQUANTS_API_KEY: using the bundled simulator at %s (%d codes)", server.base_url, codes)
        yield server.base_url, key, True


def client_options() -> dict:
    """Retry/pacing knobs of the API client from the environment (defaults suit production)."""
    import os

    options: dict = {}
    for name, key, cast in (
        ("JQUANTS_MAX_ATTEMPTS", "max_attempts", int),
        ("JQUANTS_BACKOFF_SECONDS", "backoff_base_seconds", float),
        ("JQUANTS_RATE_LIMIT_WAIT_SECONDS", "rate_limit_wait_seconds", float),
    ):
        value = os.environ.get(name)
        if value:
            try:
                options[key] = cast(value)
            except ValueError as exc:
                raise SettingsError(f"{name} must be a number, got {value!r}") from exc
    return options


def ingest_range(settings: Settings, target: dt.date, start: dt.date | None) -> tuple[dt.date, dt.date]:
    """From the last loaded day (minus a lookback for vendor corrections), or the history start."""
    from gogooku3.lake import max_raw_date

    if start is not None:
        return start, target
    last = max_raw_date(settings)
    if last is None:
        return dt.date.fromisoformat(settings.history_start), target
    return min(last - dt.timedelta(days=INGEST_LOOKBACK_DAYS), target), target


def recompute_vars(requested_start: dt.date | None, start: dt.date, target: dt.date) -> dict | None:
    """The --vars of a cycle's `dbt build`: `recompute_from` only when the caller chose the start.

    The default ingest range re-fetches INGEST_LOOKBACK_DAYS (7) calendar days before the last
    loaded date, and every incremental model already recomputes at least that much on its own
    (features_lookback_days = 5 business days before its last date, which is never later than the
    last loaded date; int_daily_bars_checked / int_prices_adjusted follow what was fetched): the
    daily cycle and a catch-up after downtime need no var. A changed --vars makes dbt re-parse the
    whole project (1-2 minutes at full scale), so the var is passed only for an explicit --from
    earlier than the target (a day filled late, a backfill).
    """
    if requested_start is not None and start < target:
        return {"recompute_from": start.isoformat()}
    return None


@dataclass
class CycleResult:
    target_date: dt.date
    start_date: dt.date
    ok: bool = False
    steps: dict[str, float] = field(default_factory=dict)
    ingest: object | None = None
    dbt: object | None = None
    published: dict[str, int] = field(default_factory=dict)
    quarantine: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    run_id: int | None = None

    def rows(self) -> dict[str, int]:
        rows = {f"ingest.{k}": v for k, v in (getattr(self.ingest, "rows", {}) or {}).items()}
        rows.update({f"publish.{k}": v for k, v in self.published.items()})
        return rows


def check_published(settings: Settings, target: dt.date, ingest) -> None:
    """Raise NotPublishedYet when the target business day came back empty or partial."""
    from gogooku3.lake import business_days_in_lake, rows_by_date
    from gogooku3.schedule import NotPublishedYet

    if target not in business_days_in_lake(settings, target - dt.timedelta(days=10), target):
        return  # not a business day per the API calendar: nothing to wait for
    per_date = rows_by_date(settings, "daily_bars", list(getattr(ingest, "load_ids", [])))
    today = per_date.get(target, 0)
    earlier = [n for d, n in per_date.items() if d < target]
    if today == 0 or (earlier and today < 0.5 * earlier[-1]):
        raise NotPublishedYet(f"{today} bars for {target} (previous day {earlier[-1] if earlier else 'n/a'})")


def record_ledger(store, settings: Settings, ingest, start: dt.date, end: dt.date) -> None:
    """One ledger row per dataset × date this ingest loaded."""
    from gogooku3.lake import rows_by_date

    load_ids = list(getattr(ingest, "load_ids", []))
    for table in (getattr(ingest, "rows", {}) or {}):
        if table == "ingest_quarantine":
            continue
        try:
            per_date = rows_by_date(settings, table, load_ids)
        except Exception:  # noqa: BLE001 - a table without a `date` column has no per-date ledger
            continue
        for day, n in per_date.items():
            if start <= day <= end:
                store.record_partition(table, day, "loaded", rows=n)


def quarantine_counts(settings: Settings) -> dict[str, int]:
    """Quarantined rows per stage/dataset/rule, from the build's `int_quarantine_summary`."""
    import duckdb

    from gogooku3.publish import find_relation

    try:
        con = duckdb.connect(settings.duckdb_path, read_only=True)
    except duckdb.Error:
        return {}
    try:
        relation = find_relation(con, "int_quarantine_summary")
        rows = con.execute(
            f"select quarantine_stage, dataset, rule, sum(quarantined_rows) from {relation} group by all order by all"
        ).fetchall()
    except (LookupError, duckdb.Error):
        return {}
    finally:
        con.close()
    return {f"{stage}: {dataset} {rule}": int(n) for stage, dataset, rule, n in rows}


class DbtBuildFailed(RuntimeError):
    """`dbt build` reported an error-severity failure; nothing was published."""


def run_cycle(
    settings: Settings,
    target: dt.date | None = None,
    start: dt.date | None = None,
    *,
    require_published: bool = False,
    full_refresh: bool = False,
    backfill: bool = False,
) -> CycleResult:
    """One daily cycle: ingest [start, target] → dbt build → publish + analyst snapshot.

    Publication (ClickHouse and the analyst snapshot) happens only after a `dbt build` with no
    error-severity failure; otherwise the published state stays as it was. Holds the cycle lock.
    """
    from gogooku3 import metrics
    from gogooku3.dbt import run_dbt
    from gogooku3.ops import OpsStore, cycle_lock
    from gogooku3.publish import publish_marts
    from gogooku3.snapshot import publish_snapshot
    from ingest.pipeline import run_backfill, run_ingest

    target = target or default_target_date()
    requested_start = start
    start, target = ingest_range(settings, target, start)
    result = CycleResult(target_date=target, start_date=start)
    store = OpsStore()
    with cycle_lock():
        result.run_id = store.start_run("run", target)
        try:
            t0 = time.monotonic()
            with api_endpoint(settings, target) as (base_url, api_key, _):
                log.info("%s %s … %s", "backfill" if backfill else "ingest", start, target)
                if backfill:  # whole months of bars from the bulk files, resumable, with progress
                    result.ingest = run_backfill(
                        settings, start, target, base_url=base_url, api_key=api_key,
                        pipelines_dir=settings.pipelines_dir, client_kwargs=client_options(),
                    )
                else:
                    result.ingest = run_ingest(
                        settings, start, target, base_url=base_url, api_key=api_key,
                        pipelines_dir=settings.pipelines_dir, client_kwargs=client_options(),
                        chunk_days=INGEST_CHUNK_DAYS,
                    )
            result.steps["ingest"] = time.monotonic() - t0
            record_ledger(store, settings, result.ingest, start, target)
            if require_published:
                check_published(settings, target, result.ingest)

            t0 = time.monotonic()
            # unit tests check the models' SQL on fixed inputs, not the day's data: the test suite
            # runs them (tests/dbt builds the whole project), a cycle builds and tests the data
            args = ["build", "--exclude-resource-type", "unit_test"]
            if full_refresh:
                args.append("--full-refresh")
            dbt_vars = recompute_vars(requested_start, start, target)
            result.dbt = run_dbt(settings, args, dbt_vars=dbt_vars)
            result.steps["dbt build"] = time.monotonic() - t0
            result.quarantine = quarantine_counts(settings)
            if not result.dbt.success:
                failed = ", ".join(result.dbt.failed) or (result.dbt.error or "unknown error")
                raise DbtBuildFailed(f"dbt build failed ({failed}); published marts left unchanged")

            t0 = time.monotonic()
            result.published = publish_marts(settings).rows
            publish_snapshot(settings)
            result.steps["publish"] = time.monotonic() - t0
            result.ok = True
        except Exception as exc:
            result.error = f"{type(exc).__name__}: {exc}"
            store.end_run(result.run_id, "failed", result.rows(), result.error)
            metrics.observe_cycle(result)
            exc.cycle_result = result  # type: ignore[attr-defined] - lets the CLI print the summary
            raise
        store.end_run(result.run_id, "success", result.rows())
        metrics.observe_cycle(result)
    return result


def format_summary(result: CycleResult) -> str:
    lines = [
        "",
        "=" * 64,
        f" gogooku3 cycle for {result.target_date} (ingested {result.start_date} … {result.target_date})",
        "=" * 64,
    ]
    ingest = result.ingest
    if ingest is not None:
        lines.append(" rows ingested (raw, this run):")
        for table, n in sorted(getattr(ingest, "rows", {}).items()):
            lines.append(f"   {table:<28}{n:>12,}")
        calls = sum((getattr(ingest, "api_calls", {}) or {}).values())
        lines.append(f" API calls: {calls:,}")
    if result.quarantine:
        lines.append(" quarantined rows (all loads so far), per rule:")
        for rule, n in result.quarantine.items():
            lines.append(f"   {rule:<46}{n:>8,}")
    elif ingest is not None and getattr(ingest, "quarantined", None):
        lines.append(" quarantined at ingest (this run):")
        for reason, n in sorted(ingest.quarantined.items()):
            lines.append(f"   {reason:<46}{n:>8,}")
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
    from gogooku3.ops import LockBusy

    try:
        result = run_cycle(settings, target=args.date, start=args.start, full_refresh=args.full_refresh)
    except LockBusy as exc:
        print(f"not started: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:  # the summary says what failed; the traceback is in the log
        log.debug("cycle failed", exc_info=True)
        partial = getattr(exc, "cycle_result", None)
        if partial is not None:
            print(format_summary(partial))
        print(f"cycle FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(format_summary(result))
    return 0


def cmd_backfill(settings: Settings, args: argparse.Namespace) -> int:
    """Ingest a long range window by window (progress shown), then one dbt build and publish."""
    from gogooku3.ops import LockBusy

    try:
        result = run_cycle(settings, target=args.end, start=args.start, full_refresh=True, backfill=True)
    except LockBusy as exc:
        print(f"not started: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:
        print(f"backfill FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(format_summary(result))
    return 0


def api_business_days(settings: Settings):
    """Business days from the J-Quants calendar (the simulator's when no key is set)."""

    def business_days(start: dt.date, end: dt.date) -> list[dt.date]:
        from ingest.pipeline import make_client

        with api_endpoint(settings, end) as (base_url, api_key, _):
            client = make_client(settings, base_url, api_key)
            rows = client.get("/markets/calendar", **{"from": start.isoformat(), "to": end.isoformat()})
            return sorted(
                dt.date.fromisoformat(str(r["Date"])[:10]) for r in rows if str(r.get("HolDiv")) in ("1", "2")
            )

    return business_days


def scheduled_cycle(settings: Settings, day: dt.date) -> dict[str, int]:
    """The scheduler's cycle for one business day: that day only, so that a day the API fails for
    never blocks the others ("failures stay local to their partition")."""
    return run_cycle(settings, target=day, start=day, require_published=True).rows()


def cmd_schedule(settings: Settings, args: argparse.Namespace) -> int:
    """Run forever: a tick every poll interval; a cycle per business day after its publication."""
    import os

    from gogooku3 import metrics
    from gogooku3.ops import OpsStore
    from gogooku3.schedule import DailyScheduler, ScheduleConfig, build_apscheduler

    config = ScheduleConfig(
        cycle_time=dt.time.fromisoformat(os.environ.get("CYCLE_TIME_JST", "18:30")),
        poll_minutes=int(os.environ.get("POLL_MINUTES", "15")),
        max_attempts=int(os.environ.get("MAX_ATTEMPTS", "5")),
    )
    scheduler = DailyScheduler(
        OpsStore(),
        api_business_days(settings),
        lambda day: scheduled_cycle(settings, day),
        config,
    )
    port = int(os.environ.get("METRICS_PORT", "9108"))
    metrics.serve(port)
    log.info("metrics on :%d; ticking every %d min (JST), cycles after %s JST", port, config.poll_minutes,
             config.cycle_time)
    scheduler.tick()  # catch up at start, then on the schedule
    build_apscheduler(scheduler.tick, config).start()
    return 0


def cmd_publish(settings: Settings, args: argparse.Namespace) -> int:
    from gogooku3.publish import publish_marts

    res = publish_marts(settings)
    for table, n in res.rows.items():
        print(f"published {table}: {n:,} rows in {res.seconds:.1f}s")
    return 0


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    from gogooku3.status import collect_status, render_html, render_text

    status = collect_status(settings)
    if args.html:
        from pathlib import Path

        Path(args.html).parent.mkdir(parents=True, exist_ok=True)
        Path(args.html).write_text(render_html(status), encoding="utf-8")
        print(f"wrote {args.html}")
    else:
        print(render_text(status))
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
    run.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
    run.set_defaults(func=cmd_run)
    backfill = sub.add_parser("backfill", help="ingest a date range, then rebuild and publish")
    backfill.add_argument("--from", dest="start", type=_date, required=True)
    backfill.add_argument("--to", dest="end", type=_date, required=True)
    backfill.set_defaults(func=cmd_backfill)
    sub.add_parser("schedule", help="run a cycle every TSE business day (forever)").set_defaults(func=cmd_schedule)
    sub.add_parser("publish", help="publish the marts to ClickHouse").set_defaults(func=cmd_publish)
    status = sub.add_parser("status", help="freshness, rows per date, quarantine, last runs")
    status.add_argument("--html", metavar="FILE", help="write a static HTML page instead of text")
    status.set_defaults(func=cmd_status)
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
