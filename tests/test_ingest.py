"""The J-Quants V2 ingest (client, dlt source, pipeline) against a real running simulator.

Everything is local: the simulator listens on 127.0.0.1, the lake is a tmp folder (or a moto S3
server), and the markets are tiny. Pacing is off against loopback; retry waits are milliseconds.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingest.jquants import JQuantsAuthError, JQuantsClient, JQuantsError, JQuantsRequestError
from ingest.jquants.client import TokenBucket
from ingest.jquants.schema import (
    DAILY_BARS,
    EQUITIES_MASTER,
    TOPIX,
    TRADING_CALENDAR,
    Unparseable,
    parse_date,
    parse_number,
    parse_row,
    parse_text,
)
from ingest.jquants.source import jquants_source
from ingest.pipeline import IngestResult, main, make_client, make_pipeline, run_ingest
from ingest.settings import Settings
from ingest.simulator import LETTER_CODE, REVERSE_SPLIT_CODE, Market, SimulatorServer

API_KEY = "sim-key-7c1e93fa5b2d4e60-NEVER-WRITTEN"
AWS_SECRET = "aws-secret-4b8f0d2e91c7-NEVER-WRITTEN"

# Includes the 5→1 reverse split of 40020 (ex 2020-07-29, AdjFactor 5) and the 2020-10-01 outage.
WINDOW = (dt.date(2020, 7, 27), dt.date(2020, 10, 2))
# Includes the listing of the letter code 130A0 (2024-02-13).
LETTER_WINDOW = (dt.date(2024, 2, 9), dt.date(2024, 2, 16))
SHORT_WINDOW = (dt.date(2020, 9, 14), dt.date(2020, 9, 25))  # has the 9/21-22 holidays
FAST_RETRIES = {"backoff_base_seconds": 0.001, "rate_limit_wait_seconds": 0.005, "seed": 0}
# The walking-skeleton datasets; the others are tested in test_ingest_datasets.py.
SKELETON = ["trading_calendar", "equities_master", "daily_bars", "topix"]

BAR_COLUMNS = {f.source: f.column for f in DAILY_BARS.fields if f.source != "ExRT"}
MASTER_COLUMNS = {f.source: f.column for f in EQUITIES_MASTER.fields if f.source != "ProdCat"}
TOPIX_COLUMNS = {f.source: f.column for f in TOPIX.fields}
CALENDAR_COLUMNS = {f.source: f.column for f in TRADING_CALENDAR.fields}


# -- fixtures and helpers --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def market() -> Market:
    return Market(seed=42, n_codes=12, end="2024-06-28")


@pytest.fixture()
def server(market: Market) -> Iterator[SimulatorServer]:
    with SimulatorServer(market, api_key=API_KEY, page_size=50) as srv:
        yield srv


def make_settings(root: Path, lake_url: str | None = None, s3_endpoint_url: str | None = None) -> Settings:
    return Settings(
        api_key=None,
        base_url="http://127.0.0.1:9/v2",
        plan="light",
        lake_url=lake_url or str(root / "lake"),
        s3_endpoint_url=s3_endpoint_url,
        duckdb_path=str(root / "unused.duckdb"),
        clickhouse_url=None,
        clickhouse_path=str(root / "unused-ch"),
        history_start=WINDOW[0].isoformat(),
        pipelines_dir=str(root / "dlt"),
    )


def ingest(
    settings: Settings, server: SimulatorServer, window: tuple[dt.date, dt.date], **kwargs
) -> IngestResult:
    kwargs.setdefault("datasets", SKELETON)
    return run_ingest(
        settings,
        *window,
        base_url=server.base_url,
        api_key=kwargs.pop("api_key", API_KEY),
        client_kwargs={**FAST_RETRIES, **kwargs.pop("client_kwargs", {})},
        **kwargs,
    )


def read_table(settings: Settings, table: str, con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    con = con or duckdb.connect()
    query = con.execute(
        "select * from read_parquet(?, union_by_name = true)", [settings.raw_table_glob(table)]
    )
    return query.to_arrow_table().to_pandas()


def in_window(frame: pd.DataFrame, window: tuple[dt.date, dt.date]) -> pd.DataFrame:
    return frame[(frame["Date"] >= window[0]) & (frame["Date"] <= window[1])]


def business_days(market: Market, window: tuple[dt.date, dt.date]) -> list[dt.date]:
    return [d for d in market.business_days() if window[0] <= d <= window[1]]


def as_lake(truth: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Ground truth renamed to the lake's columns, sorted by key, NaN as None."""
    frame = truth[list(columns)].rename(columns=columns)
    keys = [k for k in ("date", "code") if k in frame.columns]
    return frame.sort_values(keys).reset_index(drop=True)


def assert_same(lake: pd.DataFrame, truth: pd.DataFrame) -> None:
    keys = [k for k in ("date", "code") if k in truth.columns]
    got = lake[list(truth.columns)].sort_values(keys).reset_index(drop=True)
    got["date"] = [d.date() if isinstance(d, pd.Timestamp) else d for d in got["date"]]
    assert len(got) == len(truth)
    for column in truth.columns:
        left, right = got[column].tolist(), truth[column].tolist()
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            a_null = a is None or (isinstance(a, float) and math.isnan(a))
            b_null = b is None or (isinstance(b, float) and math.isnan(b))
            assert a_null == b_null and (a_null or a == b), (column, i, a, b, truth.iloc[i].to_dict())


def assert_no_secret(*roots: Path | str, text: str = "", secrets: tuple[str, ...] = (API_KEY,)) -> int:
    """No secret in any file under `roots`, nor in `text`. Returns how many files were checked."""
    checked = 0
    for root in roots:
        for path in Path(root).rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                for secret in secrets:
                    assert secret.encode() not in data, f"secret found in {path}"
                checked += 1
    for secret in secrets:
        assert secret not in text
    return checked


class LogCapture(logging.Handler):
    """Every log record of every logger, formatted with its traceback, at DEBUG."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture(scope="module")
def full_run(tmp_path_factory, market) -> Iterator[dict]:
    """One ingest of WINDOW with small pages, every log line captured at DEBUG."""
    root = tmp_path_factory.mktemp("full")
    settings = make_settings(root)
    capture = LogCapture()
    root_logger = logging.getLogger()
    old_level = root_logger.level
    root_logger.addHandler(capture)
    root_logger.setLevel(logging.DEBUG)
    try:
        with SimulatorServer(market, api_key=API_KEY, page_size=5) as srv:
            result = ingest(settings, srv, WINDOW)
            log = list(srv.request_log)
    finally:
        root_logger.removeHandler(capture)
        root_logger.setLevel(old_level)
    yield {"root": root, "settings": settings, "result": result, "log": log, "logs": capture}


# -- against the simulator: correctness ------------------------------------------------------------


def test_lake_equals_ground_truth(full_run, market):
    settings, result = full_run["settings"], full_run["result"]
    days = business_days(market, WINDOW)
    bars_truth = in_window(market.bars_frame(), WINDOW)
    master_truth = pd.concat([market.master_frame(d) for d in days], ignore_index=True)
    calendar_truth = in_window(market.calendar(), WINDOW)
    topix_truth = in_window(market.topix_frame(), WINDOW)

    assert_same(read_table(settings, "daily_bars"), as_lake(bars_truth, BAR_COLUMNS))
    assert_same(read_table(settings, "equities_master"), as_lake(master_truth, MASTER_COLUMNS))
    assert_same(read_table(settings, "trading_calendar"), as_lake(calendar_truth, CALENDAR_COLUMNS))
    assert_same(read_table(settings, "topix"), as_lake(topix_truth, TOPIX_COLUMNS))
    assert result.rows == {
        "daily_bars": len(bars_truth),
        "equities_master": len(master_truth),
        "trading_calendar": len(calendar_truth),
        "topix": len(topix_truth),
    }
    assert result.quarantined == {} and result.unknown_fields == {}
    assert len(result.load_ids) == 1

    con = duckdb.connect()
    split = con.execute(
        "select adj_factor from read_parquet(?) where code = ? and date = date '2020-07-29'",
        [settings.raw_table_glob("daily_bars"), REVERSE_SPLIT_CODE],
    ).fetchone()
    assert split == (5.0,)
    outage = con.execute(
        "select count(*), count(o), count(h), count(l), count(c), count(vo), count(va) "
        "from read_parquet(?) where date = date '2020-10-01'",
        [settings.raw_table_glob("daily_bars")],
    ).fetchone()
    assert outage[0] > 0 and outage[1:] == (0, 0, 0, 0, 0, 0)
    hol_div = con.execute(
        "select hol_div from read_parquet(?) where date = date '2020-10-01'",
        [settings.raw_table_glob("trading_calendar")],
    ).fetchone()
    assert hol_div == ("1",)


def test_column_types_are_pinned(full_run):
    settings = full_run["settings"]
    con = duckdb.connect()

    def types(table: str) -> dict[str, str]:
        rows = con.execute(
            "describe select * from read_parquet(?)", [settings.raw_table_glob(table)]
        ).fetchall()
        return {name: kind for name, kind, *_ in rows}

    bars = types("daily_bars")
    assert bars["date"] == "DATE" and bars["code"] == "VARCHAR" and bars["ul"] == "VARCHAR"
    assert all(bars[c] == "DOUBLE" for c in ("o", "h", "l", "c", "vo", "va", "adj_factor", "adj_vo"))
    assert bars["ex_rt"] == "VARCHAR"
    assert bars["_ingested_at"] == "TIMESTAMP WITH TIME ZONE"
    assert {"_dlt_load_id", "_dlt_id"} <= set(bars)
    assert list(bars)[:17] == [c for c in DAILY_BARS.columns()][:17]
    master = types("equities_master")
    assert master["date"] == "DATE" and all(
        master[f.column] == "VARCHAR" for f in EQUITIES_MASTER.fields if f.kind != "date"
    )
    assert types("trading_calendar")["hol_div"] == "VARCHAR"
    assert types("topix")["c"] == "DOUBLE"
    ingested = con.execute(
        "select min(_ingested_at), max(_ingested_at) from read_parquet(?)",
        [settings.raw_table_glob("daily_bars")],
    ).fetchone()
    assert ingested[0].tzinfo is not None
    assert ingested[1] <= dt.datetime.now(dt.UTC)


def test_pagination_follows_pagination_key(full_run):
    log = full_run["log"]
    paged = [r for r in log if "pagination_key" in r["params"]]
    assert {r["path"] for r in paged} >= {
        "/equities/bars/daily",
        "/markets/calendar",
        "/indices/bars/daily/topix",
    }
    # a continuation repeats the identical query: same parameters besides pagination_key
    firsts = {
        (r["path"], tuple(sorted(r["params"].items()))) for r in log if "pagination_key" not in r["params"]
    }
    for r in paged:
        query = tuple(sorted((k, v) for k, v in r["params"].items() if k != "pagination_key"))
        assert (r["path"], query) in firsts
    assert all(r["status"] == 200 for r in log)


def test_one_bars_request_chain_per_business_day(full_run, market):
    log, result = full_run["log"], full_run["result"]
    assert log[0]["path"] == "/markets/calendar"
    # three weeks before the window place the weekly margin record dates; only the window is loaded
    assert log[0]["params"] == {
        "from": (WINDOW[0] - dt.timedelta(days=21)).isoformat(),
        "to": WINDOW[1].isoformat(),
    }
    days = [d.isoformat() for d in business_days(market, WINDOW)]
    assert "2020-10-01" in days and "2020-09-21" not in days and "2020-08-01" not in days
    for path in ("/equities/bars/daily", "/equities/master"):
        requests = [r for r in log if r["path"] == path]
        assert all(set(r["params"]) <= {"date", "pagination_key"} for r in requests)  # never per code
        chains = [r["params"]["date"] for r in requests if "pagination_key" not in r["params"]]
        assert chains == days  # one chain per business day, in order, none on weekends/holidays
    topix_firsts = [
        r for r in log if r["path"] == "/indices/bars/daily/topix" and "pagination_key" not in r["params"]
    ]
    assert len(topix_firsts) == 1
    assert result.api_calls == {p: sum(1 for r in log if r["path"] == p) for p in {r["path"] for r in log}}


def test_numbers_as_strings_are_parsed(server, market):
    client = JQuantsClient(server.base_url, API_KEY, rate_per_minute=0)
    rows = list(client.get("/equities/bars/daily", date="2020-08-03"))
    as_text = [(r["Code"], k) for r in rows for k in ("O", "C", "Vo", "AdjC") if isinstance(r[k], str)]
    assert as_text, "the simulator should send some numbers as strings"
    parsed = {r["Code"]: parse_row(DAILY_BARS, r) for r in rows}
    truth = market.bars_frame()
    truth = truth[truth["Date"] == dt.date(2020, 8, 3)].set_index("Code")
    for code, field in as_text:
        assert parsed[code][BAR_COLUMNS[field]] == truth.loc[code, field]


def test_rerun_appends_a_version_and_letter_code_stays_text(tmp_path, server, market):
    settings = make_settings(tmp_path)
    first = ingest(settings, server, LETTER_WINDOW)
    second = ingest(settings, server, LETTER_WINDOW)
    truth = in_window(market.bars_frame(), LETTER_WINDOW)
    assert first.rows["daily_bars"] == second.rows["daily_bars"] == len(truth)

    con = duckdb.connect()
    glob = settings.raw_table_glob("daily_bars")
    total, versions, keys = con.execute(
        "select count(*), count(distinct _dlt_load_id), count(distinct (date, code)) from read_parquet(?)",
        [glob],
    ).fetchone()
    assert (total, versions, keys) == (2 * len(truth), 2, len(truth))
    latest = con.execute(
        """
        select date, code, count(*) over (partition by date, code) as n, _dlt_load_id
        from read_parquet(?)
        qualify row_number() over (partition by date, code order by _ingested_at desc) = 1
        """,
        [glob],
    ).df()
    assert len(latest) == len(truth) and not latest.duplicated(["date", "code"]).any()
    assert set(latest["_dlt_load_id"]) == set(second.load_ids)

    letter = con.execute(
        "select code, typeof(code) from read_parquet(?) where code = ? limit 1", [glob, LETTER_CODE]
    )
    assert letter.fetchone() == (LETTER_CODE, "VARCHAR")
    master_codes = set(read_table(settings, "equities_master")["code"])
    assert LETTER_CODE in master_codes and all(isinstance(c, str) and len(c) == 5 for c in master_codes)


# -- against the simulator: faults -----------------------------------------------------------------


def test_429_and_500_are_retried_and_the_result_is_complete(tmp_path, server, market):
    server.set_faults(http_500=0.15, http_429=0.15, seed=3)
    settings = make_settings(tmp_path)
    result = ingest(settings, server, SHORT_WINDOW)
    statuses = [r["status"] for r in server.request_log]
    assert 429 in statuses and 500 in statuses
    assert result.rows["daily_bars"] == len(in_window(market.bars_frame(), SHORT_WINDOW))
    assert len(read_table(settings, "daily_bars")) == result.rows["daily_bars"]
    merged = {s for counts in result.api_statuses.values() for s in counts}
    assert {"200", "429", "500"} <= merged


def test_persistent_500_raises_a_clear_error(tmp_path, server):
    server.fail_dates["2020-09-16"] = 500
    settings = make_settings(tmp_path)
    with pytest.raises(JQuantsError) as err:
        ingest(settings, server, SHORT_WINDOW, client_kwargs={"max_attempts": 3})
    message = str(err.value)
    # the calendar call (from/to covers the failing date) is the first to fail
    assert err.value.endpoint == "/markets/calendar" and err.value.status == 500
    assert message.startswith("GET /markets/calendar params={'from': '2020-08-24', 'to': '2020-09-25'}")
    assert [r["status"] for r in server.request_log] == [500, 500, 500]
    assert "last status: 500" in message and "3 attempts" in message
    assert API_KEY not in message and API_KEY not in repr(err.value.__dict__)
    # once the server recovers, a rerun of the same range is complete
    server.fail_dates.clear()
    result = ingest(settings, server, SHORT_WINDOW)
    assert len(read_table(settings, "daily_bars")) == result.rows["daily_bars"] > 0


def test_403_raises_auth_error_without_retrying(tmp_path, server, caplog):
    caplog.set_level(logging.DEBUG)
    settings = make_settings(tmp_path)
    with pytest.raises(JQuantsAuthError) as err:
        ingest(settings, server, SHORT_WINDOW, api_key="wrong-" + API_KEY)
    assert len(server.request_log) == 1 and server.request_log[0]["status"] == 403
    assert "JQUANTS_API_KEY" in str(err.value)
    assert_no_secret(tmp_path, text=caplog.text + str(err.value), secrets=(API_KEY, "wrong-" + API_KEY))


def test_400_carries_the_server_message(server):
    client = JQuantsClient(server.base_url, API_KEY, rate_per_minute=0)
    with pytest.raises(JQuantsRequestError, match="requires at least 1 parameter"):
        list(client.get("/equities/bars/daily"))
    assert client.stats.requests == {"/equities/bars/daily": {"400": 1}}


def test_malformed_rows_are_quarantined_and_the_rest_loads(tmp_path, server, market):
    server.set_faults(malformed=0.08, seed=11)
    settings = make_settings(tmp_path)
    result = ingest(settings, server, SHORT_WINDOW)
    unparseable = [r for r in server.injected if r["rule"] == "unparseable_number"]
    assert unparseable, "the fault should have produced '-' values"

    quarantine = read_table(settings, "ingest_quarantine")
    expected = sorted((r["dataset"], r["endpoint"], f"unparseable_number:{r['field']}") for r in unparseable)
    assert (
        sorted(zip(quarantine["dataset"], quarantine["endpoint"], quarantine["reason"], strict=True))
        == expected
    )
    for raw in quarantine["raw_record"]:
        record = json.loads(raw)
        assert "-" in record.values() and "Date" in record
    assert set(quarantine.columns) == {
        "dataset",
        "endpoint",
        "reason",
        "raw_record",
        "_ingested_at",
        "_source",
        "_dlt_load_id",
        "_dlt_id",
    }

    bad_bars = {(r["Date"], r["Code"]) for r in unparseable if r["dataset"] == "daily_bars"}
    bars = read_table(settings, "daily_bars")
    truth = in_window(market.bars_frame(), SHORT_WINDOW)
    assert len(bars) == len(truth) - len(bad_bars)
    assert not {(d.isoformat(), c) for d, c in zip(bars["date"], bars["code"], strict=True)} & bad_bars
    # semantic faults (high < low, negative prices) are dbt's to catch: they load as sent
    assert result.quarantined == dict(Counter(reason for _, _, reason in expected))
    assert result.rows["ingest_quarantine"] == len(expected)


def test_interrupted_run_is_loaded_by_the_next_run(tmp_path, server, market):
    settings = make_settings(tmp_path)
    early = (dt.date(2020, 9, 1), dt.date(2020, 9, 4))
    # a run that died after normalize (before load) ...
    pipeline = make_pipeline(settings)
    client = make_client(settings, server.base_url, API_KEY)
    pipeline.extract(jquants_source(client, *early, datasets=SKELETON), loader_file_format="parquet")
    pipeline.normalize()
    # ... and one that died right after extract
    pipeline.extract(jquants_source(client, *SHORT_WINDOW, datasets=["topix"]), loader_file_format="parquet")
    assert pipeline.has_pending_data
    assert not (Path(settings.lake_url) / "jquants_raw" / "daily_bars").exists()

    result = ingest(settings, server, LETTER_WINDOW, datasets="daily_bars")
    assert len(result.pending_load_ids) == 2 and not make_pipeline(settings).has_pending_data
    bars = read_table(settings, "daily_bars")
    truth = pd.concat([in_window(market.bars_frame(), w) for w in (early, LETTER_WINDOW)])
    assert len(bars) == len(truth)
    topix_truth = pd.concat([in_window(market.topix_frame(), w) for w in (early, SHORT_WINDOW)])
    assert len(read_table(settings, "topix")) == len(topix_truth)


def test_chunked_run_loads_each_window(tmp_path, server, market):
    settings = make_settings(tmp_path)
    result = ingest(settings, server, SHORT_WINDOW, chunk_days=5, datasets=["daily_bars", "trading_calendar"])
    assert len(result.load_ids) == 3
    assert result.rows["daily_bars"] == len(in_window(market.bars_frame(), SHORT_WINDOW))
    assert len(read_table(settings, "trading_calendar")) == 12


def test_cli(tmp_path, server, monkeypatch, capsys):
    monkeypatch.setenv("JQUANTS_API_KEY", API_KEY)
    monkeypatch.setenv("JQUANTS_BASE_URL", server.base_url)
    monkeypatch.setenv("LAKE_URL", str(tmp_path / "lake"))
    monkeypatch.setenv("DLT_PIPELINES_DIR", str(tmp_path / "dlt"))
    assert main(["--from", "2020-09-14", "--to", "2020-09-18", "--datasets", "topix,trading_calendar"]) == 0
    out = capsys.readouterr().out
    assert "topix" in out and "daily_bars" not in out and API_KEY not in out
    assert main(["--from", "2020-09-14", "--to", "2020-09-18", "--datasets", "bogus"]) == 2
    assert_no_secret(tmp_path)


# -- secrets -------------------------------------------------------------------------------------


def test_api_key_is_never_written_or_logged(full_run):
    checked = assert_no_secret(full_run["root"], text=full_run["logs"].text)
    assert checked > 10
    assert any("/equities/bars/daily" in line for line in full_run["logs"].lines)  # logging was on
    client = JQuantsClient("http://127.0.0.1:9/v2", API_KEY)
    assert API_KEY not in repr(client) and API_KEY not in str(client) and API_KEY not in repr(vars(client))
    with pytest.raises(TypeError):
        __import__("pickle").dumps(client)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def s3_endpoint(monkeypatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing-key-id")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    port = _free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    moto.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        moto.stop()


def test_s3_lake_on_a_real_s3_server(tmp_path, server, market, s3_endpoint, caplog):
    import s3fs

    caplog.set_level(logging.DEBUG)
    fs = s3fs.S3FileSystem(endpoint_url=s3_endpoint)
    fs.mkdir("gogooku3-lake")
    settings = make_settings(tmp_path, lake_url="s3://gogooku3-lake/prod", s3_endpoint_url=s3_endpoint)
    result = ingest(settings, server, SHORT_WINDOW)

    keys = fs.find("gogooku3-lake/prod/jquants_raw")
    assert any(
        k.startswith("gogooku3-lake/prod/jquants_raw/daily_bars/") and k.endswith(".parquet") for k in keys
    )
    con = duckdb.connect()
    con.register_filesystem(s3fs.S3FileSystem(endpoint_url=s3_endpoint))
    bars = read_table(settings, "daily_bars", con)
    assert_same(bars, as_lake(in_window(market.bars_frame(), SHORT_WINDOW), BAR_COLUMNS))
    assert result.rows["daily_bars"] == len(bars)

    for key in keys:
        data = fs.cat_file(key)
        assert API_KEY.encode() not in data and AWS_SECRET.encode() not in data, key
    assert_no_secret(tmp_path, text=caplog.text, secrets=(API_KEY, AWS_SECRET))
    assert not os.path.exists(tmp_path / "lake")


# -- units -----------------------------------------------------------------------------------------


def test_parse_rules():
    assert parse_number(12, "O") == 12.0 and parse_number("1234.5", "O") == 1234.5
    assert parse_number(" -3e2 ", "O") == -300.0
    assert parse_number(None, "O") is None and parse_number("", "O") is None
    for bad in ("-", "1,234", "nan", "Infinity", True, [1], float("nan")):
        with pytest.raises(Unparseable, match="unparseable_number:O"):
            parse_number(bad, "O")
    assert parse_date("2024-06-03", "Date") == parse_date("20240603", "Date") == dt.date(2024, 6, 3)
    for bad in ("2024-02-30", "2024/06/03", "3 June", 20240603):
        with pytest.raises(Unparseable, match="unparseable_date:Date"):
            parse_date(bad, "Date")
    assert parse_text("130A0", "Code") == "130A0" and parse_text("0111", "Mkt") == "0111"
    assert parse_text(1, "HolDiv") == "1" and parse_text("", "S17") is None
    with pytest.raises(Unparseable, match="missing_field:Code"):
        parse_row(DAILY_BARS, {"Date": "2024-06-03", "Code": ""})
    row = parse_row(DAILY_BARS, {"Date": "20240603", "Code": "130A0", "O": "10", "ExRT": "1", "MO": 9})
    assert row["code"] == "130A0" and row["o"] == 10.0 and row["ex_rt"] == "1" and "MO" not in row


def test_token_bucket_paces_to_the_rate():
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    bucket = TokenBucket(60, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        bucket.acquire()
    assert now[0] == pytest.approx(4.0)  # the first is free, then one a second
    now[0] += 10  # idle time does not build a burst beyond one token
    bucket.acquire()
    bucket.acquire()
    assert now[0] == pytest.approx(15.0)


def test_client_pacing_defaults_to_the_plan():
    assert JQuantsClient("https://api.jquants.com/v2", "k", plan="free").rate_per_minute == 5
    assert JQuantsClient("https://api.jquants.com/v2", "k", plan="premium").rate_per_minute == 500
    assert JQuantsClient("https://api.jquants.com/v2", "k", rate_per_minute=0).rate_per_minute is None
    client = JQuantsClient("https://api.jquants.com/v2", "k", plan="premium")
    assert client._bucket_for("/fins/summary").rate_per_second == 1.0
    assert client._bucket_for("/equities/bars/daily").rate_per_second == pytest.approx(500 / 60)
    settings = make_settings(Path("/nonexistent"))
    assert make_client(settings, "http://127.0.0.1:1/v2", "k").rate_per_minute is None  # local simulator
    assert make_client(settings, "https://api.jquants.com/v2", "k").rate_per_minute == 60
