"""`orchestrate.py status`: freshness, rows per date, quarantine and the last runs — as text or one HTML page."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from gogooku3.lake import lake_connection
from gogooku3.ops import OpsStore
from ingest.settings import RAW_DATASET, Settings

# The column that dates each raw table (first one present wins).
DATE_COLUMNS = ("date", "pub_date", "disc_date", "en_date")
CHART_DAYS = 120


@dataclass
class DatasetStatus:
    name: str
    latest: dt.date | None
    rows_per_date: list[tuple[dt.date, int]] = field(default_factory=list)


@dataclass
class Status:
    generated_at: dt.datetime
    datasets: list[DatasetStatus]
    quarantine: dict[str, int]
    runs: list[dict]
    ledger_problems: list[dict]


def _raw_tables(settings: Settings, con) -> list[str]:
    root = f"{settings.lake_url.rstrip('/')}/{RAW_DATASET}"
    files = [r[0] for r in con.execute("select file from glob(?)", [f"{root}/*/*.parquet"]).fetchall()]
    return sorted({f.rstrip("/").split("/")[-2] for f in files} - {"ingest_quarantine"})


def _dataset_status(con, glob: str, name: str) -> DatasetStatus:
    columns = [r[0] for r in con.execute(f"describe select * from read_parquet('{glob}', union_by_name = true)").fetchall()]
    date_column = next((c for c in DATE_COLUMNS if c in columns), None)
    if date_column is None:
        return DatasetStatus(name, None)
    rows = con.execute(
        f"""
        select {date_column}::date as d, count(*) as n
        from (
            select distinct * exclude (_dlt_load_id, _dlt_id, _ingested_at)
            from read_parquet('{glob}', union_by_name = true)
        )
        group by 1 order by 1
        """
    ).fetchall()
    return DatasetStatus(name, rows[-1][0] if rows else None, rows[-CHART_DAYS:])


def collect_status(settings: Settings, store: OpsStore | None = None) -> Status:
    store = store or OpsStore()
    con = lake_connection(settings)
    try:
        datasets = [
            _dataset_status(con, settings.raw_table_glob(name), name) for name in _raw_tables(settings, con)
        ]
        quarantine: dict[str, int] = {}
        q_glob = settings.raw_table_glob("ingest_quarantine")
        if con.execute("select count(*) from glob(?)", [q_glob]).fetchone()[0]:
            for reason, n in con.execute(
                f"select reason, count(*) from read_parquet('{q_glob}', union_by_name = true) group by 1 order by 1"
            ).fetchall():
                quarantine[f"ingest: {reason}"] = n
    finally:
        con.close()
    problems = [
        {"dataset": e.dataset, "date": e.partition_date, "status": e.status, "attempts": e.attempts, "reason": e.reason}
        for e in store.ledger()
        if e.status != "loaded"
    ]
    return Status(dt.datetime.now(dt.timezone.utc), datasets, quarantine, store.recent_runs(15), problems)


def render_text(status: Status) -> str:
    lines = ["datasets (latest date loaded):"]
    for d in status.datasets:
        lines.append(f"  {d.name:<24} {d.latest}")
    lines.append("quarantined rows:" if status.quarantine else "quarantined rows: none")
    lines += [f"  {k:<40} {v:>8,}" for k, v in status.quarantine.items()]
    lines.append("partitions not loaded:" if status.ledger_problems else "partitions not loaded: none")
    lines += [f"  {p['dataset']} {p['date']} {p['status']} x{p['attempts']}: {p['reason']}" for p in status.ledger_problems]
    lines.append("last runs:")
    for r in status.runs:
        lines.append(
            f"  #{r['run_id']} {r['command']:<9} {r['target_date'] or '':<10} {r['status']:<8} "
            f"{r['started_at'][:19]} → {(r['ended_at'] or '')[:19]} {r['reason'] or ''}"
        )
    return "\n".join(lines)


def _svg_bars(points: list[tuple[dt.date, int]], width: int = 720, height: int = 90) -> str:
    if not points:
        return "<p>no rows</p>"
    top = max(n for _, n in points) or 1
    bar = width / len(points)
    rects = []
    for i, (day, n) in enumerate(points):
        h = max(1.0, (height - 12) * n / top)
        rects.append(
            f'<rect x="{i * bar:.1f}" y="{height - h:.1f}" width="{max(bar - 1, 1):.1f}" height="{h:.1f}">'
            f"<title>{day}: {n:,} rows</title></rect>"
        )
    return (
        f'<svg width="{width}" height="{height}" role="img" aria-label="rows per date">{"".join(rects)}</svg>'
        f'<div class="axis"><span>{points[0][0]}</span><span>{points[-1][0]}</span></div>'
    )


def render_html(status: Status) -> str:
    today = dt.datetime.now(dt.timezone.utc).date()
    cards = []
    for d in status.datasets:
        age = (today - d.latest).days if d.latest else None
        klass = "ok" if age is not None and age <= 4 else "stale"
        cards.append(
            f'<section><h2>{html.escape(d.name)} <small class="{klass}">latest {d.latest} '
            f'({age if age is not None else "–"} days ago)</small></h2>{_svg_bars(d.rows_per_date)}</section>'
        )
    q_rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v:,}</td></tr>" for k, v in status.quarantine.items())
    p_rows = "".join(
        f"<tr><td>{html.escape(p['dataset'])}</td><td>{p['date']}</td><td>{p['status']}</td><td>{p['attempts']}</td>"
        f"<td>{html.escape(p['reason'] or '')}</td></tr>"
        for p in status.ledger_problems
    )
    r_rows = "".join(
        f"<tr class=\"{html.escape(r['status'])}\"><td>{r['run_id']}</td><td>{html.escape(r['command'])}</td>"
        f"<td>{r['target_date'] or ''}</td><td>{r['status']}</td><td>{r['started_at'][:19]}</td>"
        f"<td>{(r['ended_at'] or '')[:19]}</td><td>{html.escape(r['reason'] or '')}</td></tr>"
        for r in status.runs
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gogooku3 status</title>
<style>
body{{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:900px}}
h1 small,h2 small{{font-weight:normal;color:#666}} .ok{{color:#1a7f37}} .stale{{color:#cf222e}}
svg rect{{fill:#4c78a8}} svg rect:hover{{fill:#f58518}}
.axis{{display:flex;justify-content:space-between;width:720px;color:#666;font-size:12px}}
table{{border-collapse:collapse;margin:.5em 0 1.5em}} td,th{{border-bottom:1px solid #ddd;padding:3px 10px;text-align:left}}
tr.failed td{{color:#cf222e}} tr.running td{{color:#9a6700}}
</style></head><body>
<h1>gogooku3 <small>status at {status.generated_at:%Y-%m-%d %H:%M} UTC</small></h1>
<h2>Freshness and rows per date (last {CHART_DAYS} dates)</h2>
{"".join(cards) or "<p>The lake is empty: run <code>make run</code>.</p>"}
<h2>Quarantined rows</h2>
<table><tr><th>rule</th><th>rows</th></tr>{q_rows or '<tr><td colspan="2">none</td></tr>'}</table>
<h2>Partitions not loaded</h2>
<table><tr><th>dataset</th><th>date</th><th>status</th><th>attempts</th><th>reason</th></tr>
{p_rows or '<tr><td colspan="5">none</td></tr>'}</table>
<h2>Last runs</h2>
<table><tr><th>#</th><th>command</th><th>date</th><th>status</th><th>started (UTC)</th><th>ended</th><th>reason</th></tr>
{r_rows or '<tr><td colspan="7">no runs yet</td></tr>'}</table>
</body></html>
"""
