"""The scheduler driving real cycles against the simulator: a day the API fails for stays local."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

import orchestrate
from gogooku3.ops import OpsStore
from gogooku3.schedule import JST, DailyScheduler, ScheduleConfig
from ingest.settings import get_settings
from ingest.simulator import Market

HISTORY = (dt.date(2024, 8, 1), dt.date(2024, 10, 25))
DAYS = [dt.date(2024, 10, 28), dt.date(2024, 10, 29), dt.date(2024, 10, 30)]
BAD = DAYS[0]
KEY = "schedule-key-51c2"


@pytest.fixture(scope="module")
def world(tmp_path_factory, simulated_world):
    root = tmp_path_factory.mktemp("schedule")
    market = Market(seed=5, n_codes=8, end=DAYS[-1])
    retry_fast = {"JQUANTS_MAX_ATTEMPTS": "2", "JQUANTS_BACKOFF_SECONDS": "0.01"}
    with simulated_world(root, market, KEY, env=retry_fast) as server:
        settings = get_settings()
        orchestrate.run_cycle(settings, target=HISTORY[1], start=HISTORY[0])
        yield settings, market, server


def test_a_day_answering_500_retries_later_days_proceed_and_it_fills_on_recovery(world):
    settings, market, server = world
    store = OpsStore()

    def business_days(start, end):
        return [d for d in market.business_days() if start <= d <= end]

    config = ScheduleConfig(first_date=DAYS[0], retry_backoff_minutes=30, max_attempts=3)
    scheduler = DailyScheduler(
        store, business_days, lambda day: orchestrate.scheduled_cycle(settings, day), config
    )

    server.fail_date_ranges = False  # the day's own requests fail; range calls (calendar, TOPIX) do not
    server.fail_dates = {BAD.isoformat(): 500}
    outcome = scheduler.tick(dt.datetime(2024, 10, 30, 19, 0, tzinfo=JST))
    assert outcome.failed == [BAD] and outcome.loaded == DAYS[1:]
    assert store.partition("daily_cycle", BAD).status == "failed"
    assert "500" in store.partition("daily_cycle", BAD).reason

    still_down = scheduler.tick(dt.datetime(2024, 10, 30, 19, 35, tzinfo=JST))  # after the 30 min backoff
    assert still_down.failed == [BAD] and still_down.loaded == []

    server.fail_dates = {}
    recovered = scheduler.tick(dt.datetime(2024, 10, 30, 21, 0, tzinfo=JST))
    assert recovered.loaded == [BAD]
    entry = store.partition("daily_cycle", BAD)
    assert entry.status == "loaded" and entry.attempts == 3

    con = duckdb.connect(settings.duckdb_path, read_only=True)
    per_day = dict(
        con.execute(
            "select trade_date, count(*) from main_marts.ml_features where trade_date >= ? group by 1",
            [DAYS[0]],
        ).fetchall()
    )
    con.close()
    assert set(per_day) == set(DAYS)
    assert per_day[BAD] == len(market.master_frame(BAD))
