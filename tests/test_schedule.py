"""The daily schedule with a fake clock: business days only, catch-up, local failures, polling."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest

from gogooku3.ops import LockBusy, OpsStore, cycle_lock
from gogooku3.schedule import JST, DailyScheduler, NotPublishedYet, ScheduleConfig, build_apscheduler
from orchestrate import is_probably_business_day


def tse_business_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if is_probably_business_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


class FakeCycle:
    def __init__(self, fail: dict[dt.date, int] | None = None, unpublished_until: dt.datetime | None = None):
        self.calls: list[tuple[dt.date, dt.datetime]] = []
        self.fail = dict(fail or {})
        self.unpublished_until = unpublished_until
        self.now: dt.datetime | None = None

    def __call__(self, day: dt.date) -> dict:
        self.calls.append((day, self.now))
        if self.unpublished_until and self.now < self.unpublished_until:
            raise NotPublishedYet("0 bars for the day")
        if self.fail.get(day, 0) > 0:
            self.fail[day] -= 1
            raise RuntimeError("HTTP 500 from the API")
        return {"daily_bars": 100}


def run_clock(scheduler: DailyScheduler, cycle: FakeCycle, start: dt.datetime, end: dt.datetime, step_minutes=60):
    now = start
    while now <= end:
        cycle.now = now
        scheduler.tick(now)
        now += dt.timedelta(minutes=step_minutes)


@pytest.fixture()
def store(tmp_path):
    return OpsStore(tmp_path / "ops.sqlite")


@pytest.fixture()
def lock(tmp_path):
    return lambda: cycle_lock(tmp_path / "cycle.lock")


def test_a_month_with_holidays_cycles_exactly_on_business_days(store, lock):
    first = dt.date(2026, 12, 14)
    cycle = FakeCycle()
    scheduler = DailyScheduler(store, tse_business_days, cycle, ScheduleConfig(first_date=first), lock=lock)
    run_clock(scheduler, cycle, dt.datetime(2026, 12, 14, 0, 0, tzinfo=JST), dt.datetime(2027, 1, 15, 23, 0, tzinfo=JST))

    days = [d for d, _ in cycle.calls]
    expected = tse_business_days(first, dt.date(2027, 1, 15))
    assert days == expected  # once each, in order
    assert dt.date(2026, 12, 31) not in days and dt.date(2027, 1, 4) in days
    assert dt.date(2027, 1, 11) not in days  # Coming of Age Day
    for day, when in cycle.calls:
        assert when.date() == day and when.time() >= dt.time(18, 30)  # the same evening, after publication


def test_catch_up_after_downtime_runs_missed_days_in_order(store, lock):
    cycle = FakeCycle()
    scheduler = DailyScheduler(store, tse_business_days, cycle, ScheduleConfig(first_date=dt.date(2026, 11, 16)), lock=lock)
    cycle.now = dt.datetime(2026, 11, 16, 19, 0, tzinfo=JST)
    scheduler.tick(cycle.now)
    cycle.now = dt.datetime(2026, 11, 25, 20, 0, tzinfo=JST)  # down for a week
    outcome = scheduler.tick(cycle.now)
    assert outcome.loaded == [dt.date(2026, 11, d) for d in (17, 18, 19, 20, 24, 25)]  # 23rd is a holiday


def test_a_failed_day_retries_with_backoff_while_later_days_run(store, lock):
    bad = dt.date(2026, 11, 18)
    cycle = FakeCycle(fail={bad: 3})
    config = ScheduleConfig(first_date=dt.date(2026, 11, 17), retry_backoff_minutes=60, max_attempts=2)
    scheduler = DailyScheduler(store, tse_business_days, cycle, config, lock=lock)
    run_clock(scheduler, cycle, dt.datetime(2026, 11, 17, 18, 0, tzinfo=JST), dt.datetime(2026, 11, 19, 20, 0, tzinfo=JST), 15)
    attempts = [when for day, when in cycle.calls if day == bad]
    assert len(attempts) == 4  # 3 failures then success
    gaps = [(b - a).total_seconds() / 60 for a, b in zip(attempts, attempts[1:])]
    assert gaps == sorted(gaps) and gaps[0] >= 60  # exponential backoff
    assert store.partition("daily_cycle", dt.date(2026, 11, 19)).status == "loaded"
    assert store.partition("daily_cycle", bad).status == "loaded" and store.partition("daily_cycle", bad).attempts == 4
    assert scheduler.failed_dates() == []


def test_exhausted_retries_are_reported_failed(store, lock):
    bad = dt.date(2026, 11, 18)
    cycle = FakeCycle(fail={bad: 100})
    config = ScheduleConfig(first_date=bad, retry_backoff_minutes=15, max_attempts=3)
    scheduler = DailyScheduler(store, tse_business_days, cycle, config, lock=lock)
    run_clock(scheduler, cycle, dt.datetime(2026, 11, 18, 18, 0, tzinfo=JST), dt.datetime(2026, 11, 19, 23, 0, tzinfo=JST), 15)
    assert scheduler.failed_dates() == [bad]
    entry = store.partition("daily_cycle", bad)
    assert "HTTP 500" in entry.reason
    assert store.partition("daily_cycle", dt.date(2026, 11, 19)).status == "loaded"


def test_unpublished_day_is_polled_not_recorded_done(store, lock):
    day = dt.date(2026, 11, 20)
    cycle = FakeCycle(unpublished_until=dt.datetime(2026, 11, 20, 21, 0, tzinfo=JST))
    scheduler = DailyScheduler(store, tse_business_days, cycle, ScheduleConfig(first_date=day), lock=lock)
    run_clock(scheduler, cycle, dt.datetime(2026, 11, 20, 18, 0, tzinfo=JST), dt.datetime(2026, 11, 20, 22, 0, tzinfo=JST), 15)
    polls = [when for d, when in cycle.calls if d == day]
    assert len(polls) == 11  # 18:30 … 20:45 waiting (10 polls), 21:00 loaded
    assert store.partition("daily_cycle", day).status == "loaded"


def _hold_lock(path, ready, release):
    with cycle_lock(path):
        ready.set()
        release.wait(10)


def _child_try(path, result):
    try:
        with cycle_lock(path):
            result.put("acquired")
    except LockBusy:
        result.put("busy")


def _try_lock_in_child(path):
    ctx = multiprocessing.get_context("spawn")
    result = ctx.Queue()
    child = ctx.Process(target=_child_try, args=(path, result))
    child.start()
    outcome = result.get(timeout=30)
    child.join()
    if outcome == "busy":
        raise LockBusy("held by the parent")


def test_lock_excludes_a_second_cycle_and_dies_with_its_holder(tmp_path):
    path = tmp_path / "cycle.lock"
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(path, ready, release))
    holder.start()
    assert ready.wait(20)
    with pytest.raises(LockBusy):
        with cycle_lock(path):
            pass
    holder.kill()  # kill -9 while holding the lock
    holder.join()
    with cycle_lock(path):  # the kernel released it: no stale lock
        pass


def test_busy_tick_does_nothing_while_another_process_cycles(store, tmp_path):
    path = tmp_path / "cycle.lock"
    cycle = FakeCycle()
    scheduler = DailyScheduler(store, tse_business_days, cycle, ScheduleConfig(first_date=dt.date(2026, 11, 20)),
                               lock=lambda: cycle_lock(path))
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(path, ready, release))
    holder.start()
    try:
        assert ready.wait(20)
        outcome = scheduler.tick(dt.datetime(2026, 11, 20, 19, 0, tzinfo=JST))
    finally:
        release.set()
        holder.join()
    assert outcome.skipped_busy and cycle.calls == []
    assert scheduler.tick(dt.datetime(2026, 11, 20, 19, 15, tzinfo=JST)).loaded == [dt.date(2026, 11, 20)]


def test_lock_is_reentrant_in_one_process(tmp_path):
    path = tmp_path / "cycle.lock"
    with cycle_lock(path):
        with cycle_lock(path):  # the scheduler's tick holds it around run_cycle, which takes it too
            pass
        with pytest.raises(LockBusy):
            _try_lock_in_child(path)


def test_apscheduler_job_fires_every_poll_in_jst_one_at_a_time():
    scheduler = build_apscheduler(lambda: None, ScheduleConfig(poll_minutes=15))
    job = scheduler.get_jobs()[0]
    assert job.max_instances == 1 and job.coalesce is True
    fire = job.trigger.get_next_fire_time(None, dt.datetime(2026, 11, 25, 18, 31, tzinfo=JST))
    assert fire == dt.datetime(2026, 11, 25, 18, 45, tzinfo=JST)
