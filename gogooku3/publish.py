"""Publish dbt marts from DuckDB to ClickHouse (embedded chDB by default, a server by URL).

Publication is atomic and idempotent: each table is written in full to `<table>__staging`, then
swapped in with `EXCHANGE TABLES` (a reader sees the old table or the new one, never half of it), and
publishing the same DuckDB state twice leaves the same rows.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import duckdb
import pyarrow as pa

from ingest.settings import Settings

log = logging.getLogger(__name__)

PUBLISHED_MARTS = ("ml_features",)
CLICKHOUSE_DATABASE = "gogooku3"
ORDER_KEYS = ("code", "trade_date")
BATCH_ROWS = 250_000  # rows per Arrow batch streamed from DuckDB to ClickHouse

_chdb_clients: dict[str, object] = {}


@dataclass
class PublishResult:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def clickhouse_client(settings: Settings):
    """A clickhouse-connect client: a server when CLICKHOUSE_URL is set, else embedded chDB.

    chDB allows one embedded engine per process, so the client for a path is cached.
    """
    import clickhouse_connect

    if settings.clickhouse_url:
        url = urlparse(settings.clickhouse_url)
        return clickhouse_connect.get_client(
            host=url.hostname,
            port=url.port or (8443 if url.scheme == "https" else 8123),
            username=url.username or "default",
            password=url.password or "",
            secure=url.scheme == "https",
        )
    path = settings.clickhouse_path
    if path not in _chdb_clients:
        _chdb_clients[path] = clickhouse_connect.get_client(interface="chdb", path=path)
    return _chdb_clients[path]


def clickhouse_database(settings: Settings) -> str:
    if settings.clickhouse_url:
        name = urlparse(settings.clickhouse_url).path.strip("/")
        if name:
            return name
    return CLICKHOUSE_DATABASE


def _clickhouse_type(arrow_type: pa.DataType, nullable: bool) -> str:
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        base = "String"
    elif pa.types.is_date(arrow_type):
        base = "Date32"
    elif pa.types.is_timestamp(arrow_type):
        base = f"DateTime64(6, '{arrow_type.tz or 'UTC'}')"
    elif pa.types.is_boolean(arrow_type):
        base = "Bool"
    elif pa.types.is_integer(arrow_type):
        base = "Int64"
    elif pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        base = "Float64"
    else:
        raise TypeError(f"no ClickHouse type for Arrow type {arrow_type}")
    return f"Nullable({base})" if nullable else base


def _create_table_sql(table: str, schema: pa.Schema) -> str:
    columns = ",\n    ".join(
        f"`{f.name}` {_clickhouse_type(f.type, nullable=f.name not in ORDER_KEYS)}" for f in schema
    )
    order = ", ".join(k for k in ORDER_KEYS if k in schema.names) or "tuple()"
    return f"CREATE TABLE {table} (\n    {columns}\n) ENGINE = MergeTree ORDER BY ({order})"


def _normalise_batch(batch: pa.RecordBatch, schema: pa.Schema) -> pa.Table:
    """Cast decimals to float64 (DuckDB sums can come out as DECIMAL)."""
    table = pa.Table.from_batches([batch])
    return table.cast(schema) if table.schema != schema else table


def _target_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema(
        [pa.field(f.name, pa.float64()) if pa.types.is_decimal(f.type) else f for f in schema]
    )


def find_relation(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The schema-qualified DuckDB relation of a dbt model (its schema depends on the target)."""
    rows = con.execute(
        "select table_schema from information_schema.tables where table_name = ? order by table_schema",
        [name],
    ).fetchall()
    if not rows:
        raise LookupError(f"model {name!r} is not built in DuckDB: run `dbt build` first")
    marts = [r[0] for r in rows if r[0].endswith("marts")]
    schema = marts[0] if marts else rows[0][0]
    return f'"{schema}"."{name}"'


def publish_marts(
    settings: Settings,
    tables: tuple[str, ...] = PUBLISHED_MARTS,
    database: str | None = None,
    batch_rows: int = BATCH_ROWS,
) -> PublishResult:
    """Copy each mart from DuckDB (read-only) to ClickHouse and swap it in atomically."""
    started = time.monotonic()
    client = clickhouse_client(settings)
    database = database or clickhouse_database(settings)
    client.command(f"CREATE DATABASE IF NOT EXISTS {database}")
    result = PublishResult()
    # the same memory cap as the dbt profile; no ORDER BY: ClickHouse sorts each inserted block by
    # the MergeTree key itself, and a sort of the whole wide mart here would hold it in memory
    con = duckdb.connect(
        settings.duckdb_path,
        read_only=True,
        config={"memory_limit": os.environ.get("DUCKDB_MEMORY_LIMIT", "3GB"), "preserve_insertion_order": False},
    )
    try:
        for name in tables:
            relation = find_relation(con, name)
            reader = con.execute(f"select * from {relation}").to_arrow_reader(batch_rows)
            schema = _target_schema(reader.schema)
            final, staging = f"{database}.{name}", f"{database}.{name}__staging"
            client.command(f"DROP TABLE IF EXISTS {staging}")
            client.command(_create_table_sql(staging, schema))
            rows = 0
            for batch in reader:
                if batch.num_rows:
                    client.insert_arrow(staging, _normalise_batch(batch, schema))
                    rows += batch.num_rows
            if int(client.command(f"EXISTS TABLE {final}")):
                client.command(f"EXCHANGE TABLES {staging} AND {final}")
                client.command(f"DROP TABLE {staging}")
            else:
                client.command(f"RENAME TABLE {staging} TO {final}")
            result.rows[name] = rows
            log.info("published %s: %d rows", final, rows)
    finally:
        con.close()
    result.seconds = time.monotonic() - started
    return result


def published_counts(
    settings: Settings, tables: tuple[str, ...] = PUBLISHED_MARTS, database: str | None = None
) -> dict[str, int]:
    """Row counts of the published tables (absent tables count as 0)."""
    client = clickhouse_client(settings)
    database = database or clickhouse_database(settings)
    counts = {}
    for name in tables:
        if int(client.command(f"EXISTS TABLE {database}.{name}")):
            counts[name] = int(client.command(f"SELECT count() FROM {database}.{name}"))
        else:
            counts[name] = 0
    return counts
