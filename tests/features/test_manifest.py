"""The feature manifest is the one place features are described: the generated dbt docs agree
with it column for column, and the SQL computes exactly its active features."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location(
        "generate_feature_docs", REPO / "scripts" / "generate_feature_docs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_manifest_entries_are_complete_and_unique():
    manifest = _generator().load_manifest()
    names = [f["name"] for f in manifest]
    assert len(names) == len(set(names))
    for f in manifest:
        assert {"name", "family", "kind", "params", "status", "inputs", "description"} <= set(f), f["name"]
        assert f["status"] in ("active", "deprecated"), f["name"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", f["name"]), f["name"]
        if f["family"] == "labels":
            assert f["name"].startswith("label_"), f["name"]
        else:
            assert not f["name"].startswith("label_"), f["name"]
    technical = [f["name"] for f in manifest if f["family"] == "technical" and f["status"] == "active"]
    assert len(technical) == 21  # the 21 columns of shared/reference/indicators.md


def test_generated_docs_are_in_sync_with_the_manifest():
    generator = _generator()
    stale = [str(p.relative_to(REPO)) for p, text in generator.outputs().items() if p.read_text() != text]
    assert not stale, f"run scripts/generate_feature_docs.py: {stale}"


def test_mart_docs_list_every_active_feature_once():
    generator = _generator()
    manifest = generator.load_manifest()
    mart = yaml.safe_load(generator.MART_YML.read_text())["models"][0]
    documented = [c["name"] for c in mart["columns"]]
    assert len(documented) == len(set(documented))
    for f in manifest:
        if f["family"] in ("technical", "market_relative", "labels"):
            assert (f["name"] in documented) == (f["status"] == "active"), f["name"]
    descriptions = {c["name"]: c["description"] for c in mart["columns"]}
    for f in generator.active(manifest):
        if f["name"] in descriptions:
            assert descriptions[f["name"]] == f["description"]


def test_technical_sql_outputs_exactly_the_active_technical_features(tmp_path):
    """Compile the technical macro with a deprecated feature: only active columns come out."""
    import textwrap

    import duckdb
    from dbt.cli.main import dbtRunner

    manifest_sql = (REPO / "macros" / "features" / "manifest" / "technical.sql").read_text()
    retired = manifest_sql.replace(
        "  - name: mdd_60\n    family: technical\n    kind: max_drawdown\n    params: {window: 60}\n    status: active",
        "  - name: mdd_60\n    family: technical\n    kind: max_drawdown\n    params: {window: 60}\n    status: deprecated",
    )
    assert retired != manifest_sql
    (tmp_path / "macros").mkdir()
    (tmp_path / "models").mkdir()
    for family in (REPO / "macros" / "features" / "manifest").glob("*.sql"):
        (tmp_path / "macros" / family.name).write_text(family.read_text())
    (tmp_path / "macros" / "technical.sql").write_text(retired)  # the manifest's technical family
    (tmp_path / "macros" / "feature_manifest.sql").write_text(
        (REPO / "macros" / "features" / "feature_manifest.sql").read_text()
    )
    (tmp_path / "macros" / "technical_features.sql").write_text(
        (REPO / "macros" / "features" / "technical.sql").read_text()
    )
    (tmp_path / "dbt_project.yml").write_text(
        'name: manifest_test\nversion: "0.1.0"\nprofile: manifest_test\nmodel-paths: ["models"]\n'
        'macro-paths: ["macros"]\n'
    )
    db = tmp_path / "m.duckdb"
    (tmp_path / "profiles.yml").write_text(
        f"manifest_test:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: '{db}'\n"
    )
    (tmp_path / "models" / "technical_on_constant.sql").write_text(
        textwrap.dedent(
            """\
            {{ config(materialized='table') }}
            with prices as (
                select 'A0000' as code, date '2024-01-01' + cast(i as integer) as trade_date, i as n,
                    101.0 as high, 99.0 as low, 100.0 + i % 3 as close, 1000.0 as volume,
                    1.0 as caf, 1.0 as cvaf
                from range(70) as r(i)
            ),
            technical as (
                {{ technical_features_select('prices') }}
            )
            select * from technical
            """
        )
    )
    result = dbtRunner().invoke(["run", "--project-dir", str(tmp_path), "--profiles-dir", str(tmp_path), "--quiet",
                                 "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")])  # fmt: skip
    assert result.success, result.exception
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

    with manager._LOCK:
        if manager._ENV is not None:
            manager._ENV.close()
            manager._ENV = None
    with duckdb.connect(str(db), read_only=True) as con:
        columns = [r[0] for r in con.execute("describe technical_on_constant").fetchall()]
    active = [f["name"] for f in _generator().active(yaml.safe_load(
        re.search(r"# BEGIN FAMILY\n(.*?)# END FAMILY", retired, re.DOTALL).group(1))["features"], "technical")]  # fmt: skip
    assert "mdd_60" not in columns
    assert [c for c in columns if c not in ("code", "trade_date", "feature_row_index", "rsi_avg_gain_14",
                                            "rsi_avg_loss_14")] == active  # fmt: skip
