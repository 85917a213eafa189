"""Prometheus metrics served over HTTP, and the status page built from a real lake and run store."""

from __future__ import annotations

import datetime as dt
import urllib.request
from types import SimpleNamespace

import pytest

from gogooku3 import metrics
from gogooku3.ops import OpsStore
from gogooku3.status import collect_status, render_html, render_text
from ingest.pipeline import run_ingest
from ingest.settings import get_settings
from ingest.simulator import Market, SimulatorServer
from tests.conftest import free_port


def test_metrics_endpoint_serves_cycle_metrics():
    result = SimpleNamespace(
        steps={"ingest": 3.2, "dbt build": 12.0, "publish": 0.8},
        ingest=SimpleNamespace(
            rows={"daily_bars": 1200}, api_statuses={"/equities/bars/daily": {"200": 40, "500": 2}},
            quarantined={"unparseable_number:O": 3},
        ),
        published={"ml_features": 1100},
        ok=True,
    )
    metrics.observe_cycle(result)
    metrics.set_freshness({"daily_bars": dt.date(2026, 11, 24)}, dt.date(2026, 11, 25))
    port = free_port()
    server, thread = metrics.serve(port, addr="127.0.0.1")
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    finally:
        server.shutdown()
    assert 'gogooku3_api_fetches_total{endpoint="/equities/bars/daily",status="500"} 2.0' in body
    assert 'gogooku3_rows{step="publish",table="ml_features"} 1100.0' in body
    assert 'gogooku3_data_freshness_days{dataset="daily_bars"} 1.0' in body
    assert 'gogooku3_quarantined_rows{rule="unparseable_number:O"} 3.0' in body
    assert "gogooku3_step_duration_seconds_count" in body and "gogooku3_last_success_timestamp_seconds" in body


@pytest.fixture()
def lake_with_a_gap(tmp_path, monkeypatch):
    monkeypatch.setenv("LAKE_URL", str(tmp_path / "lake"))
    settings = get_settings()
    market = Market(seed=3, n_codes=6, end=dt.date(2024, 7, 31))
    with SimulatorServer(market, api_key="k") as server:
        server.set_faults(malformed=0.1, seed=5)
        for lo, hi in (("2024-07-01", "2024-07-10"), ("2024-07-16", "2024-07-31")):  # 11–15 July missing
            run_ingest(settings, lo, hi, ["trading_calendar", "daily_bars"], base_url=server.base_url, api_key="k",
                       pipelines_dir=tmp_path / "dlt")
    store = OpsStore(tmp_path / "ops.sqlite")
    run_id = store.start_run("run", dt.date(2024, 7, 31))
    store.end_run(run_id, "failed", {}, "dbt build failed (expect_ohlc_consistent)")
    store.record_partition("daily_cycle", dt.date(2024, 7, 12), "failed", reason="HTTP 500")
    return settings, store


def test_status_shows_freshness_gaps_quarantine_and_runs(lake_with_a_gap):
    settings, store = lake_with_a_gap
    status = collect_status(settings, store)
    bars = next(d for d in status.datasets if d.name == "daily_bars")
    assert bars.latest == dt.date(2024, 7, 31)
    dates = [d for d, _ in bars.rows_per_date]
    assert dt.date(2024, 7, 12) not in dates and dt.date(2024, 7, 16) in dates  # the gap is visible
    assert status.quarantine and all(k.startswith("ingest: ") for k in status.quarantine)
    text = render_text(status)
    assert "daily_bars" in text and "HTTP 500" in text and "expect_ohlc_consistent" in text
    page = render_html(status)
    assert page.startswith("<!doctype html>") and page.count("<svg") >= 2
    assert "2024-07-12" in page and "failed" in page
