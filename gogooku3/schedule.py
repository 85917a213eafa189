"""The daily schedule: a sensor-like tick that runs one cycle per TSE business day.

Every tick (APScheduler, every `poll_minutes`, JST) asks which business days are *due* — their data is
published (after `cycle_time` JST that day), they are not loaded yet, and they are not waiting out a
retry backoff — and runs a cycle for each, oldest first:

- a day whose data is not published yet (the API answers empty or partial) is recorded `waiting`
  and polled again on the next tick; it is never recorded as done;
- a day whose cycle fails is recorded `failed` with its reason and retried with exponential backoff
  (capped at `max_backoff_minutes`); after `max_attempts` it is reported as failed (status, metrics)
  but still retried; later days still run ("failures stay local to their partition");
- after downtime every missed business day is caught up in order;
- non-business days (from the TSE calendar, never from weekdays) are never due.

The business-day source and the cycle are injected, so the logic is tested with a fake clock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from gogooku3.ops import LockBusy, OpsStore, cycle_lock

JST = ZoneInfo("Asia/Tokyo")
CYCLE_DATASET = "daily_cycle"
log = logging.getLogger(__name__)


class NotPublishedYet(RuntimeError):
    """The API has no (or only partial) data for the day yet: poll again later."""


@dataclass(frozen=True)
class ScheduleConfig:
    cycle_time: dt.time = dt.time(18, 30)  # after bars/TOPIX 16:30, master 17:30, breakdown/fins 18:00
    poll_minutes: int = 15
    max_attempts: int = 5
    retry_backoff_minutes: float = 15.0
    max_backoff_minutes: float = 240.0
    first_date: dt.date | None = None  # catch-up never goes before this (default: last loaded day)


@dataclass
class TickOutcome:
    ran: list[dt.date]
    loaded: list[dt.date]
    waiting: list[dt.date]
    failed: list[dt.date]
    skipped_busy: bool = False


class DailyScheduler:
    def __init__(
        self,
        store: OpsStore,
        business_days: Callable[[dt.date, dt.date], Iterable[dt.date]],
        cycle: Callable[[dt.date], dict | None],
        config: ScheduleConfig | None = None,
        lock: Callable[[], object] = cycle_lock,
    ):
        self.store = store
        self.business_days = business_days
        self.cycle = cycle
        self.config = config or ScheduleConfig()
        self.lock = lock

    def published_cutoff(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.config.cycle_time, tzinfo=JST)

    def _start_date(self, today: dt.date) -> dt.date:
        loaded = [e.partition_date for e in self.store.ledger(CYCLE_DATASET) if e.status == "loaded"]
        if self.config.first_date is not None:
            return self.config.first_date
        if loaded:
            return max(loaded) + dt.timedelta(days=1)
        return today  # a fresh install starts with today; history comes from `backfill`

    def due_dates(self, now: dt.datetime) -> list[dt.date]:
        now = now.astimezone(JST)
        today = now.date()
        entries = {e.partition_date: e for e in self.store.ledger(CYCLE_DATASET)}
        earliest = min([self._start_date(today)] + [d for d, e in entries.items() if e.status != "loaded"])
        due = []
        for day in sorted(self.business_days(earliest, today)):
            if self.published_cutoff(day) > now:
                continue
            entry = entries.get(day)
            if entry is None:
                due.append(day)
            elif entry.status == "loaded":
                continue
            elif entry.next_retry_at is None or entry.next_retry_at <= now:
                due.append(day)
        return due

    def _backoff(self, attempts: int) -> dt.timedelta:
        minutes = self.config.retry_backoff_minutes * 2 ** max(attempts - 1, 0)
        return dt.timedelta(minutes=min(minutes, self.config.max_backoff_minutes))

    def tick(self, now: dt.datetime | None = None) -> TickOutcome:
        now = (now or dt.datetime.now(JST)).astimezone(JST)
        outcome = TickOutcome(ran=[], loaded=[], waiting=[], failed=[])
        try:
            with self.lock():
                for day in self.due_dates(now):
                    outcome.ran.append(day)
                    if not self._run_day(day, now, outcome):
                        break
        except LockBusy:
            log.warning("a cycle is already running: this tick does nothing")
            outcome.skipped_busy = True
        return outcome

    def _run_day(self, day: dt.date, now: dt.datetime, outcome: TickOutcome) -> bool:
        """Run one day; return False when later days cannot be due either (data not published)."""
        try:
            rows = self.cycle(day) or {}
        except NotPublishedYet as exc:
            poll = now + dt.timedelta(minutes=self.config.poll_minutes)
            self.store.record_partition(CYCLE_DATASET, day, "waiting", reason=str(exc), next_retry_at=poll,
                                        count_attempt=False)
            outcome.waiting.append(day)
            log.info("%s: not published yet (%s); polling again at %s", day, exc, poll.isoformat())
            return False
        except Exception as exc:  # noqa: BLE001 - any failure stays local to its partition
            previous = self.store.partition(CYCLE_DATASET, day)
            attempts = (previous.attempts if previous else 0) + 1
            retry_at = now + self._backoff(attempts)
            self.store.record_partition(CYCLE_DATASET, day, "failed", reason=f"{type(exc).__name__}: {exc}",
                                        next_retry_at=retry_at)
            outcome.failed.append(day)
            level = logging.ERROR if attempts >= self.config.max_attempts else logging.WARNING
            log.log(level, "%s: cycle failed (attempt %d/%d): %s; retry at %s", day, attempts,
                    self.config.max_attempts, exc, retry_at.isoformat())
            return True
        self.store.record_partition(CYCLE_DATASET, day, "loaded", rows=int(sum(rows.values())) if rows else None)
        outcome.loaded.append(day)
        return True

    def failed_dates(self) -> list[dt.date]:
        """Dates that exhausted `max_attempts` (reported as failed; still retried)."""
        return [
            e.partition_date
            for e in self.store.ledger(CYCLE_DATASET)
            if e.status == "failed" and e.attempts >= self.config.max_attempts
        ]


def build_apscheduler(tick: Callable[[], object], config: ScheduleConfig):
    """A BlockingScheduler that ticks every `poll_minutes` (JST), one tick at a time."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    scheduler = BlockingScheduler(timezone=JST)
    scheduler.add_job(
        tick,
        CronTrigger(minute=f"*/{config.poll_minutes}", timezone=JST),
        id="gogooku3-daily-cycle",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=config.poll_minutes * 60,
    )
    return scheduler
