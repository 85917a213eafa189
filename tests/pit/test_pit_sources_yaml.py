"""The source declarations of the issue-3 raw tables match the lake contract in code
(`ingest/jquants/schema.py`): same columns, same order, same types. `source_or_empty` builds the
typed empty relation of a table the lake does not have yet from these declarations."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ingest.jquants.schema import SPECS

SOURCES = Path(__file__).resolve().parents[2] / "models" / "staging" / "jquants" / "_jquants__sources.yml"
TYPES = {"date": "date", "code": "varchar", "text": "varchar", "number": "double"}
LINEAGE = [
    ("_ingested_at", "timestamp with time zone"),
    ("_source", "varchar"),
    ("_dlt_load_id", "varchar"),
    ("_dlt_id", "varchar"),
]


def declared() -> dict[str, list[tuple[str, str]]]:
    tables = yaml.safe_load(SOURCES.read_text())["sources"][0]["tables"]
    return {t["name"]: [(c["name"], c.get("data_type")) for c in t.get("columns", [])] for t in tables}


@pytest.mark.parametrize(
    "table", ["investor_types", "dividends", "fin_summary", "margin_interest", "trade_breakdown"]
)
def test_source_columns_are_the_lake_contract(table):
    spec = SPECS[table]
    expected = []
    for field in spec.fields:
        expected.append((field.column, TYPES[field.kind]))
        if field.status_column:
            expected.append((field.status_column, "varchar"))
    assert declared()[table] == expected + LINEAGE
