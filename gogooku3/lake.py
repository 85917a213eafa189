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


def rows_by_date(settings: Settings, table: str, load_ids: list[str]) -> dict[dt.date, int]:
    """Rows per `date` that the given dlt loads wrote into a raw table (for the partition ledger)."""
    if not load_ids or not raw_table_exists(settings, table):
        return {}
    con = lake_connection(settings)
    try:
        rows = con.execute(
            f"""
            select date::date, count(*)
            from read_parquet(?, union_by_name = true)
            where _dlt_load_id in ({", ".join("?" for _ in load_ids)})
            group by 1
            """,
            [settings.raw_table_glob(table), *load_ids],
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


def business_days_in_lake(settings: Settings, start: dt.date, end: dt.date) -> list[dt.date]:
    """Business days (HolDiv 1 or 2) between start and end per the latest calendar load in the lake."""
    if not raw_table_exists(settings, "trading_calendar"):
        return []
    con = lake_connection(settings)
    try:
        rows = con.execute(
            """
            select date from (
                select date, hol_div,
                    row_number() over (partition by date order by _ingested_at desc) as version
                from read_parquet(?, union_by_name = true)
            )
            where version = 1 and hol_div in ('1', '2') and date between ? and ?
            order by date
            """,
            [settings.raw_table_glob("trading_calendar"), start, end],
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]
