"""The `prod` target: the same models read the lake from S3 (a real S3-protocol server, moto)
through dbt-duckdb's fsspec `filesystems:` with s3fs; credentials come from the environment only."""

from __future__ import annotations

from pathlib import Path

import fixture_lake
import s3fs
from dbt_harness import DbtProject

BUCKET = "gogooku3-dbt-tests"
ACCESS_KEY = "dbt-test-access-key-3b1f"
SECRET_KEY = "dbt-test-secret-key-8c2e9a"


def load_id(day) -> str:
    return f"{fixture_lake.fetched_at(day).timestamp():.6f}"


def test_staging_reads_the_lake_from_s3(fixture_builds, moto_s3, tmp_path):
    credentials = {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    fs = s3fs.S3FileSystem(key=ACCESS_KEY, secret=SECRET_KEY, client_kwargs={"endpoint_url": moto_s3})
    fs.mkdir(BUCKET)
    # the calendar load and the history load of the fixture lake (a few files keep this fast)
    local = Path(fixture_builds.project.lake_url) / "jquants_raw"
    loads = (load_id(fixture_lake.CALENDAR_FETCHED), load_id(fixture_lake.BACKFILL_FETCHED))
    uploaded = [p for p in local.rglob("*.parquet") if p.name.startswith(loads)]
    for path in uploaded:
        fs.put_file(str(path), f"{BUCKET}/lake/jquants_raw/{path.parent.name}/{path.name}")
    assert {p.parent.name for p in uploaded} == {"daily_bars", "equities_master", "topix", "trading_calendar"}

    remote = DbtProject(
        workdir=tmp_path,
        lake_url=f"s3://{BUCKET}/lake",
        target="prod",
        extra_env={"S3_ENDPOINT_URL": moto_s3, **credentials},
        filesystems=[fs],
    )
    remote.dbt("build", "--select", "+staging")  # staging and what it reads (the session-hours seed)
    counts = remote.query(
        "select (select count(*) from main_staging.stg_jquants__daily_bars) as bars,"
        " (select max(trade_date) from main_staging.stg_jquants__daily_bars) as last_day,"
        " (select count(*) from main_staging.stg_jquants__trading_calendar) as calendar_days"
    ).iloc[0]
    history = [d for d in fixture_lake.Market.business_days() if d <= fixture_lake.BACKFILL_FETCHED]
    assert counts["bars"] == len(history) * len(fixture_lake.CODES)
    assert counts["last_day"].date() == fixture_lake.BACKFILL_FETCHED
    assert counts["calendar_days"] == len(fixture_lake.calendar_dates())

    # no credential in the profile, the compiled SQL or any artifact
    written = [p for p in (tmp_path / "target").rglob("*") if p.is_file()]
    assert written
    for path in [*written, Path(__file__).resolve().parents[2] / "profiles" / "profiles.yml"]:
        text = path.read_bytes()
        assert SECRET_KEY.encode() not in text and ACCESS_KEY.encode() not in text, path
