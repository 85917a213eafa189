"""Publishing marts from DuckDB to embedded ClickHouse (chDB): read-back, idempotence, atomicity."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from gogooku3 import publish
from ingest.settings import get_settings


def _write_mart(path, n_days: int, value_offset: float = 0.0) -> int:
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists main_marts")
    con.execute(
        """
        create or replace table main_marts.ml_features as
        select
            code,
            date '2024-01-04' + d::integer as trade_date,
            d * 1.5 + ? as sma_5,
            case when d % 7 = 0 then null else ln(1 + d) end as ret_1d,
            (sum(d) over (partition by code order by d))::decimal(18, 2) as cum_decimal,
            d % 2 = 0 as is_even
        from (values ('130A0'), ('72030'), ('99840')) as codes(code), range(?) as r(d)
        """,
        [value_offset, n_days],
    )
    n = con.execute("select count(*) from main_marts.ml_features").fetchone()[0]
    con.close()
    return n


@pytest.fixture()
def settings(tmp_path, monkeypatch):
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "marts.duckdb"))
    return get_settings()


def test_publish_reads_back_the_same_rows(settings, tmp_path):
    n = _write_mart(settings.duckdb_path, 40)
    res = publish.publish_marts(settings, database="t_readback")
    assert res.rows == {"ml_features": n}
    client = publish.clickhouse_client(settings)
    df = client.query_df("select * from t_readback.ml_features order by code, trade_date")
    assert len(df) == n == 120
    assert sorted(df["code"].unique()) == ["130A0", "72030", "99840"]  # letter code kept as a string
    row = df[(df.code == "130A0") & (df.trade_date == dt.datetime(2024, 1, 5))].iloc[0]
    assert row.sma_5 == pytest.approx(1.5)
    assert df["ret_1d"].isna().sum() == 3 * len(range(0, 40, 7))  # NULLs survive
    assert df["cum_decimal"].max() == pytest.approx(sum(range(40)))  # DECIMAL published as Float64


def test_publish_twice_is_idempotent(settings):
    n = _write_mart(settings.duckdb_path, 30)
    publish.publish_marts(settings, database="t_idem")
    publish.publish_marts(settings, database="t_idem")
    assert publish.published_counts(settings, database="t_idem") == {"ml_features": n}
    client = publish.clickhouse_client(settings)
    tables = {r[0] for r in client.query("show tables from t_idem").result_rows}
    assert tables == {"ml_features"}  # no staging table left behind


def test_failed_publish_leaves_previous_table_untouched(settings, monkeypatch):
    n_old = _write_mart(settings.duckdb_path, 20)
    publish.publish_marts(settings, database="t_atomic")
    _write_mart(settings.duckdb_path, 50, value_offset=1000.0)

    calls = {"n": 0}
    real = publish._normalise_batch

    def fail_on_second_batch(batch, schema):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("connection lost mid-publish")
        return real(batch, schema)

    monkeypatch.setattr(publish, "_normalise_batch", fail_on_second_batch)
    with pytest.raises(RuntimeError, match="mid-publish"):
        publish.publish_marts(settings, database="t_atomic", batch_rows=10)
    client = publish.clickhouse_client(settings)
    assert publish.published_counts(settings, database="t_atomic") == {"ml_features": n_old}
    assert float(client.command("select max(sma_5) from t_atomic.ml_features")) == pytest.approx(19 * 1.5)

    monkeypatch.setattr(publish, "_normalise_batch", real)
    publish.publish_marts(settings, database="t_atomic", batch_rows=10)
    assert publish.published_counts(settings, database="t_atomic") == {"ml_features": 150}


def test_publish_without_a_build_names_the_missing_model(settings):
    duckdb.connect(settings.duckdb_path).close()
    with pytest.raises(LookupError, match="ml_features"):
        publish.publish_marts(settings, database="t_missing")
