"""orchestrate.recompute_vars: the daily cycle passes no --vars (a changed var re-parses dbt's project)."""

import datetime as dt

import orchestrate

D = dt.date


def test_the_default_ingest_range_passes_no_var():
    # `run` without --from: start = the last loaded date minus the 7-day re-fetch, covered by the
    # models' own lookback
    assert orchestrate.recompute_vars(None, D(2026, 11, 17), D(2026, 11, 24)) is None


def test_a_scheduled_day_passes_no_var():
    assert orchestrate.recompute_vars(D(2026, 11, 24), D(2026, 11, 24), D(2026, 11, 24)) is None


def test_an_explicit_earlier_start_recomputes_from_it():
    assert orchestrate.recompute_vars(D(2026, 10, 1), D(2026, 10, 1), D(2026, 11, 24)) == {
        "recompute_from": "2026-10-01"
    }
