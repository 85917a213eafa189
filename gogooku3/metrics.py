"""Prometheus metrics of the daily cycle (served by `orchestrate.py schedule` on METRICS_PORT)."""

from __future__ import annotations

import datetime as dt

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

REGISTRY = CollectorRegistry()

FETCHES = Counter(
    "gogooku3_api_fetches_total", "J-Quants API requests by dataset (endpoint) and HTTP status",
    ["endpoint", "status"], registry=REGISTRY,
)
ROWS = Gauge("gogooku3_rows", "Rows handled by the last cycle, per step and table", ["step", "table"], registry=REGISTRY)
STEP_SECONDS = Histogram(
    "gogooku3_step_duration_seconds", "Duration of each cycle step", ["step"], registry=REGISTRY,
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600),
)
FRESHNESS_DAYS = Gauge(
    "gogooku3_data_freshness_days", "Days between now (JST) and the latest date loaded, per dataset",
    ["dataset"], registry=REGISTRY,
)
LAST_SUCCESS = Gauge("gogooku3_last_success_timestamp_seconds", "Unix time of the last successful cycle",
                     registry=REGISTRY)
CYCLE_FAILURES = Counter("gogooku3_cycle_failures_total", "Failed cycles", registry=REGISTRY)
QUARANTINED = Gauge("gogooku3_quarantined_rows", "Rows quarantined by the last cycle, per rule", ["rule"],
                    registry=REGISTRY)


def serve(port: int, addr: str = "0.0.0.0"):
    """Serve /metrics; returns the (server, thread) pair so tests can stop it."""
    return start_http_server(port, addr=addr, registry=REGISTRY)


def observe_cycle(result) -> None:
    """Record a CycleResult (duck-typed: steps, ingest, dbt, published, ok)."""
    for step, seconds in result.steps.items():
        STEP_SECONDS.labels(step=step).observe(seconds)
    ingest = result.ingest
    if ingest is not None:
        for table, n in (getattr(ingest, "rows", {}) or {}).items():
            ROWS.labels(step="ingest", table=table).set(n)
        for endpoint, by_status in (getattr(ingest, "api_statuses", {}) or {}).items():
            for status, n in by_status.items():
                FETCHES.labels(endpoint=endpoint, status=str(status)).inc(n)
        for rule, n in (getattr(ingest, "quarantined", {}) or {}).items():
            QUARANTINED.labels(rule=rule).set(n)
    for table, n in (result.published or {}).items():
        ROWS.labels(step="publish", table=table).set(n)
    if result.ok:
        LAST_SUCCESS.set(dt.datetime.now(dt.timezone.utc).timestamp())
    else:
        CYCLE_FAILURES.inc()


def set_freshness(latest_by_dataset: dict[str, dt.date | None], today: dt.date) -> None:
    for dataset, latest in latest_by_dataset.items():
        if latest is not None:
            FRESHNESS_DAYS.labels(dataset=dataset).set((today - latest).days)
