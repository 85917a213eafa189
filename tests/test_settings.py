"""Configuration: defaults, one-line errors naming the variable, secrets never shown."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

import orchestrate
from ingest.settings import SettingsError, get_settings


def test_defaults_need_nothing_set():
    s = get_settings()
    assert s.use_simulator and s.api_key is None
    assert s.lake_url.endswith("data/lake") and not s.lake_is_s3
    assert s.duckdb_path.endswith("data/gogooku3.duckdb")
    assert s.clickhouse_url is None
    assert s.raw_table_glob("daily_bars").endswith("data/lake/jquants_raw/daily_bars/*.parquet")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("JQUANTS_BASE_URL", "ftp://example"),
        ("JQUANTS_PLAN", "platinum"),
        ("LAKE_URL", "gs://bucket/x"),
        ("LAKE_URL", "s3://ab"),
        ("CLICKHOUSE_URL", "tcp://host:9000"),
    ],
)
def test_bad_setting_names_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        get_settings()


def test_s3_lake_needs_credentials(monkeypatch):
    monkeypatch.setenv("LAKE_URL", "s3://gogooku3/lake")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    with pytest.raises(SettingsError, match="AWS_ACCESS_KEY_ID"):
        get_settings()


def test_cli_reports_a_bad_setting_in_one_line(monkeypatch, capsys):
    monkeypatch.setenv("JQUANTS_PLAN", "gold")
    assert orchestrate.main(["status"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "JQUANTS_PLAN" in err[0]


def test_api_key_is_not_in_repr(monkeypatch):
    monkeypatch.setenv("JQUANTS_API_KEY", "sekret-key-123456")
    s = get_settings()
    assert not s.use_simulator
    assert "sekret-key-123456" not in repr(s)


def test_log_filter_redacts_secrets(caplog):
    logger = logging.getLogger("gogooku3.test")
    handler_filter = orchestrate.SecretRedactingFilter(["sekret-key-123456"])
    record = logger.makeRecord("x", logging.INFO, __file__, 1, "calling with key %s", ("sekret-key-123456",), None)
    handler_filter.filter(record)
    assert record.getMessage() == "calling with key ***"


@pytest.mark.parametrize(
    ("now_jst", "expected"),
    [
        (dt.datetime(2026, 11, 25, 17, 0), dt.date(2026, 11, 25)),  # after 16:30 on a business day
        (dt.datetime(2026, 11, 25, 9, 0), dt.date(2026, 11, 24)),  # before publication
        (dt.datetime(2026, 11, 24, 9, 0), dt.date(2026, 11, 20)),  # Mon 23rd is Labour Thanksgiving
        (dt.datetime(2027, 1, 4, 10, 0), dt.date(2026, 12, 30)),  # Dec 31 – Jan 3 closed
    ],
)
def test_default_target_date_is_latest_published_business_day(now_jst, expected):
    assert orchestrate.default_target_date(now_jst.replace(tzinfo=orchestrate.JST)) == expected
