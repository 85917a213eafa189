"""Read-only looks into the raw Parquet lake (local folder or S3) with DuckDB."""

from __future__ import annotations

import datetime as dt

import duckdb

from ingest.settings import Settings


def lake_connection(settings: Settings) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that can read the lake (S3 through s3fs when the lake is s3://)."""
    con = duckdb.connect()
    if settings.lake_is_s3:
        import s3fs

        fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": settings.s3_endpoint_url} if settings.s3_endpoint_url else {})
        con.register_filesystem(fs)
    return con


def raw_table_exists(settings: Settings, table: str) -> bool:
    con = lake_connection(settings)
    try:
        return bool(con.execute("select count(*) from glob(?)", [settings.raw_table_glob(table)]).fetchone()[0])
    finally:
        con.close()


def max_raw_date(settings: Settings, table: str = "daily_bars") -> dt.date | None:
    """The latest `date` loaded into a raw table, or None when the table has no file yet."""
    if not raw_table_exists(settings, table):
        return None
    con = lake_connection(settings)
    try:
        return con.execute(
            "select max(date) from read_parquet(?, union_by_name = true)", [settings.raw_table_glob(table)]
        ).fetchone()[0]
    finally:
        con.close()
