"""The datasets of issue 3 and the bulk backfill, against a real running simulator.

Each dataset lands equal to the simulator's ground truth; revisions are separate raw rows; the
`DivRate` rule; malformed rows quarantined while the rest loads; plan-gated 403s skip a dataset;
bulk = REST row for row; an interrupted backfill resumed loses nothing; the planned API calls match
the calls made; the API key is never written nor sent to a download URL.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import requests

from ingest.bulk import (
    BULK_GET,
    BULK_LIST,
    BulkDownloader,
    BulkFile,
    estimate_backfill_calls,
    month_of_key,
    plan_backfill,
    planned_calls,
    read_bulk_csv,
    run_backfill,
)
from ingest.jquants.schema import (
    DAILY_BARS,
    DIVIDENDS,
    FIN_SUMMARY,
    INVESTOR_TYPES,
    MARGIN_INTEREST,
    SPECS,
    TRADE_BREAKDOWN,
    DatasetSpec,
    Unparseable,
    parse_row,
)
from ingest.jquants.source import DATASETS, SourceStats, fetch
from ingest.pipeline import make_pipeline, run_ingest
from ingest.settings import Settings
from ingest.simulator import LETTER_CODE, Market, SimulatorServer

API_KEY = "sim-key-93b1d0c4e7a2-DATASETS-NEVER-WRITTEN"
FAST = {"backoff_base_seconds": 0.001, "rate_limit_wait_seconds": 0.005, "seed": 0}
NEW = ["investor_types", "dividends", "fin_summary", "margin_interest", "trade_breakdown"]
# An investor-type revision (TSEGrowth week of 2024-04-30, published 05-10, revised 05-27), an
# undetermined DivRate "-" (2024-05-21), the letter code 130A0 trading.
WINDOW = (dt.date(2024, 5, 7), dt.date(2024, 5, 31))
# Publication days of a revised dividend (StatCode 2) and of a deleted one (StatCode 3, DivRate "").
NOTICE_DAYS = (dt.date(2024, 2, 8), dt.date(2023, 8, 9))
# Nov and Feb are edges (REST); Dec (long V1-style CSV names) and Jan (V2 names) come from bulk files.
BACKFILL = (dt.date(2023, 11, 29), dt.date(2024, 2, 1))
# The datasets the two backfill paths are compared on: bars (bulk or REST) and one of each other
# kind of fetch (range, per day, weekly) cut into month units. Every dataset's calls are checked
# against the plan on the REST-only `lake` run, which makes the same calls as a REST-only backfill.
BACKFILL_DATASETS = ["trading_calendar", "daily_bars", "investor_types", "equities_master", "margin_interest"]
META = {"_ingested_at", "_source", "_dlt_load_id", "_dlt_id"}


# -- fixtures and helpers --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def market() -> Market:
    return Market(seed=42, n_codes=12, end="2024-06-28")


@pytest.fixture(scope="module")
def server(market: Market) -> Iterator[SimulatorServer]:
    with SimulatorServer(market, api_key=API_KEY, page_size=20) as srv:
        yield srv


@pytest.fixture()
def fresh_server(market: Market) -> Iterator[SimulatorServer]:
    with SimulatorServer(market, api_key=API_KEY, page_size=20) as srv:
        yield srv


def make_settings(root: Path) -> Settings:
    return Settings(
        api_key=None,
        base_url="http://127.0.0.1:9/v2",
        plan="light",
        lake_url=str(root / "lake"),
        s3_endpoint_url=None,
        duckdb_path=str(root / "unused.duckdb"),
        clickhouse_url=None,
        clickhouse_path=str(root / "unused-ch"),
        history_start=WINDOW[0].isoformat(),
        pipelines_dir=str(root / "dlt"),
    )


def rows_of(settings: Settings, table: str) -> list[dict[str, Any]]:
    """Every row of a raw table as Python values (dates as `datetime.date`)."""
    glob = settings.raw_table_glob(table)
    if not list(Path(glob).parent.glob("*.parquet")):
        return []
    cursor = duckdb.connect().execute("select * from read_parquet(?, union_by_name = true)", [glob])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def column_types(settings: Settings, table: str) -> dict[str, str]:
    rows = duckdb.connect().execute(
        "describe select * from read_parquet(?)", [settings.raw_table_glob(table)]
    )
    return {name: kind for name, kind, *_ in rows.fetchall()}


def _blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def expected_value(kind: str, value: Any) -> Any:
    """What the contract says a ground-truth value becomes in the lake (independent of the ingest)."""
    if _blank(value):
        return None
    if kind == "date":
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if kind == "number":
        return float(value)
    return str(value)


def expected_rows(spec: DatasetSpec, truth) -> list[dict[str, Any]]:
    out = []
    for record in truth.to_dict("records"):
        row: dict[str, Any] = {}
        for f in spec.fields:
            value = record[f.source]
            if f.status_column:
                if isinstance(value, str) and value == "-":
                    row[f.column], row[f.status_column] = None, "undetermined"
                elif _blank(value):
                    row[f.column], row[f.status_column] = None, "not_set"
                else:
                    row[f.column], row[f.status_column] = expected_value(f.kind, value), "value"
            else:
                row[f.column] = expected_value(f.kind, value)
        out.append(row)
    return out


def key_of(spec: DatasetSpec, row: dict[str, Any]) -> tuple:
    return tuple(row[k] for k in spec.natural_key)


def assert_lake_equals(settings: Settings, spec: DatasetSpec, truth) -> list[dict[str, Any]]:
    """The lake table holds exactly the truth's rows (one version each), every column equal."""
    lake = rows_of(settings, spec.table)
    expected = expected_rows(spec, truth)
    assert expected, f"the window should hold some {spec.table} rows"
    assert len(lake) == len(expected), spec.table
    assert len({key_of(spec, r) for r in lake}) == len(lake), f"{spec.table}: a key twice in one load"
    got = {key_of(spec, r): r for r in lake}
    for row in expected:
        actual = got[key_of(spec, row)]
        for column, value in row.items():
            assert actual[column] == value, (spec.table, column, key_of(spec, row), actual[column], value)
    assert set(lake[0]) == set(spec.column_names) | META
    return lake


def in_window(frame, column: str, window: tuple[dt.date, dt.date]):
    dates = frame[column].map(lambda d: d if isinstance(d, dt.date) else dt.date.fromisoformat(d))
    return frame[(dates >= window[0]) & (dates <= window[1])]


def margin_truth(market: Market, window: tuple[dt.date, dt.date]):
    """Weekly margin rows published (record date + 2 business days) within the window."""
    days = market.business_days()
    index = {d: i for i, d in enumerate(days)}
    frame = market.margin_frame()
    published = frame["Date"].map(lambda r: days[index[r] + 2] if index[r] + 2 < len(days) else dt.date.max)
    return frame[(published >= window[0]) & (published <= window[1])]


def first_calls(log: list[dict[str, Any]]) -> Counter:
    """Request chains (first pages) by endpoint, from the simulator's request log."""
    return Counter(
        r["path"]
        for r in log
        if "pagination_key" not in r["params"] and r["status"] == 200 and not r["path"].startswith("/bulk-")
    )


def assert_no_secret(*roots: Path) -> int:
    checked = 0
    for root in roots:
        for path in Path(root).rglob("*"):
            if path.is_file():
                assert API_KEY.encode() not in path.read_bytes(), f"API key found in {path}"
                checked += 1
    return checked


@pytest.fixture(scope="module")
def lake(tmp_path_factory, server: SimulatorServer) -> dict[str, Any]:
    """One `run_ingest` of WINDOW with the default datasets (all of them)."""
    root = tmp_path_factory.mktemp("datasets")
    settings = make_settings(root)
    server.request_log.clear()
    result = run_ingest(settings, *WINDOW, base_url=server.base_url, api_key=API_KEY, client_kwargs=FAST)
    return {"root": root, "settings": settings, "result": result, "log": list(server.request_log)}


# -- every dataset equals the ground truth ---------------------------------------------------------


def test_run_ingest_takes_every_dataset_by_default(lake):
    result = lake["result"]
    assert result.datasets == list(DATASETS) and set(NEW) <= set(result.datasets)
    assert set(result.rows) == set(DATASETS)
    assert result.quarantined == {} and result.unknown_fields == {} and result.skipped == {}
    calls = first_calls(lake["log"])
    assert calls["/equities/investor-types"] == 1  # every section, one range (paginated)
    assert {r["params"].get("section") for r in lake["log"] if r["path"] == "/equities/investor-types"} == {
        None
    }
    assert sum(1 for r in lake["log"] if r["path"] == "/equities/investor-types") > 1  # it paginated


def test_investor_types_equal_ground_truth(lake, market):
    truth = in_window(market.investor_types_frame(), "PubDate", WINDOW)
    assert_lake_equals(lake["settings"], INVESTOR_TYPES, truth)
    types = column_types(lake["settings"], "investor_types")
    assert types["pub_date"] == "DATE" and types["section"] == "VARCHAR" and types["frgn_bal"] == "DOUBLE"


def test_dividends_equal_ground_truth(lake, market):
    truth = in_window(market.dividends_frame(), "PubDate", WINDOW)
    lake_rows = assert_lake_equals(lake["settings"], DIVIDENDS, truth)
    types = column_types(lake["settings"], "dividends")
    assert types["div_rate"] == "DOUBLE" and types["div_rate_status"] == "VARCHAR"
    assert types["ex_date"] == "DATE" and types["pub_time"] == "VARCHAR" and types["ca_ref_no"] == "VARCHAR"
    assert all(isinstance(r["pub_time"], str) and len(r["pub_time"]) == 5 for r in lake_rows)


def test_fin_summary_equals_ground_truth(lake, market):
    truth = in_window(market.fin_summary_frame(), "DiscDate", WINDOW)
    lake_rows = assert_lake_equals(lake["settings"], FIN_SUMMARY, truth)
    types = column_types(lake["settings"], "fin_summary")
    assert types["disc_date"] == "DATE" and types["disc_no"] == "VARCHAR" and types["sales"] == "DOUBLE"
    assert types["cur_fy_en"] == "DATE" and types["mat_chg_sub"] == "VARCHAR"
    # blanks are NULL (OdP under IFRS / US GAAP), several documents per period are separate rows
    assert any(r["odp"] is None and r["sales"] is not None for r in lake_rows)
    assert any(r["doc_type"] == "EarnForecastRevision" for r in lake_rows) or len(lake_rows) > 1


def test_margin_interest_equals_what_was_published_in_the_window(lake, market):
    truth = margin_truth(market, WINDOW)
    lake_rows = assert_lake_equals(lake["settings"], MARGIN_INTEREST, truth)
    record_dates = sorted({r["date"] for r in lake_rows})
    # one call per weekly record date, on the record date (normally Friday), never per code
    requests_ = [r for r in lake["log"] if r["path"] == "/markets/margin-interest"]
    assert all(set(r["params"]) <= {"date", "pagination_key"} for r in requests_)
    assert sorted(dt.date.fromisoformat(r["params"]["date"]) for r in requests_) == record_dates
    # a week is fetched by the run covering its publication (2 business days later, normally Tuesday)
    assert dt.date(2024, 5, 24) in record_dates and dt.date(2024, 5, 31) not in record_dates


def test_trade_breakdown_equals_ground_truth(lake, market):
    truth = in_window(market.breakdown_frame(), "Date", WINDOW)
    lake_rows = assert_lake_equals(lake["settings"], TRADE_BREAKDOWN, truth)
    assert LETTER_CODE in {r["code"] for r in lake_rows}
    assert column_types(lake["settings"], "trade_breakdown")["code"] == "VARCHAR"


# -- revisions and the DivRate rule ----------------------------------------------------------------


def test_investor_type_revisions_are_separate_raw_rows(lake):
    rows = rows_of(lake["settings"], "investor_types")
    by_week: dict[tuple, list[dt.date]] = {}
    for r in rows:
        by_week.setdefault((r["section"], r["st_date"], r["en_date"]), []).append(r["pub_date"])
    revised = {week: sorted(pubs) for week, pubs in by_week.items() if len(pubs) > 1}
    assert revised, "the window holds revised weeks"
    for (_section, st_date, _en), pubs in revised.items():
        assert st_date >= dt.date(2023, 4, 3) and len(set(pubs)) == len(pubs)


@pytest.fixture(scope="module")
def notices(tmp_path_factory, server: SimulatorServer) -> Settings:
    """`dividends` of the days a notice was revised and one was deleted (two daily runs)."""
    settings = make_settings(tmp_path_factory.mktemp("notices"))
    for day in NOTICE_DAYS:
        run_ingest(settings, day, day, ["dividends"], base_url=server.base_url, api_key=API_KEY)
    return settings


def test_dividend_revisions_and_deletions_are_separate_rows(notices, market):
    frame = market.dividends_frame()
    truth = frame[frame["PubDate"].isin(NOTICE_DAYS)]
    rows = assert_lake_equals(notices, DIVIDENDS, truth)
    revised = [r for r in rows if r["stat_code"] == "2"]
    deleted = [r for r in rows if r["stat_code"] == "3"]
    assert revised and deleted
    for r in revised + deleted:
        assert r["ca_ref_no"] != r["ref_no"]  # points at the notice it changes
        assert r["ca_ref_no"] in set(frame["RefNo"])  # ... published earlier
    assert all(r["div_rate"] is not None and r["div_rate_status"] == "value" for r in revised)
    assert all(r["div_rate"] is None and r["div_rate_status"] == "not_set" for r in deleted)


def test_div_rate_rule(lake):
    rows = rows_of(lake["settings"], "dividends")
    statuses = Counter(r["div_rate_status"] for r in rows)
    assert statuses["value"] and statuses["undetermined"], statuses
    for r in rows:
        assert r["div_rate_status"] in {"value", "undetermined", "not_set"}
        assert (r["div_rate"] is not None) == (r["div_rate_status"] == "value")
        assert r["dist_amt"] is None and r["dist_amt_status"] == "not_set"  # sent as ""
    assert lake["result"].quarantined == {}  # "-" and "" are values, never faults


def test_status_field_parsing():
    base = {"PubDate": "2024-05-21", "Code": "13010", "RefNo": "1", "CARefNo": "1"}
    cases = {12.5: (12.5, "value"), "7.25": (7.25, "value"), 0: (0.0, "value"), "-": (None, "undetermined"),
             " - ": (None, "undetermined"), "": (None, "not_set"), None: (None, "not_set")}  # fmt: skip
    for sent, (value, status) in cases.items():
        row = parse_row(DIVIDENDS, {**base, "DivRate": sent})
        assert (row["div_rate"], row["div_rate_status"]) == (value, status), sent
    assert parse_row(DIVIDENDS, base)["div_rate_status"] == "not_set"  # field absent
    assert parse_row(DIVIDENDS, {**base, "PayDate": "-"})["pay_date_status"] == "undetermined"
    assert parse_row(DIVIDENDS, {**base, "PayDate": "20240620"})["pay_date"] == dt.date(2024, 6, 20)
    for bad, reason in (("#N/A", "unparseable_number:DivRate"), (True, "unparseable_number:DivRate")):
        with pytest.raises(Unparseable, match=reason):
            parse_row(DIVIDENDS, {**base, "DivRate": bad})
    with pytest.raises(Unparseable, match="unparseable_number:Sales"):
        parse_row(FIN_SUMMARY, {"DiscDate": "2024-05-10", "Code": "13010", "DiscNo": "1", "Sales": "-"})
    with pytest.raises(Unparseable, match="missing_field:CARefNo"):
        parse_row(DIVIDENDS, {**base, "CARefNo": ""})


def test_contract_columns_are_explicit_snake_case():
    for spec in SPECS.values():
        names = spec.column_names
        assert len(names) == len(set(names)), spec.table
        assert all(n == n.lower() and " " not in n for n in names), spec.table
        assert set(spec.natural_key) <= set(names)
    assert INVESTOR_TYPES.column_names[4:8] == ["prop_sell", "prop_buy", "prop_tot", "prop_bal"]
    assert {"trst_bnk_bal", "sec_co_tot", "frgn_buy"} <= set(INVESTOR_TYPES.column_names)
    assert FIN_SUMMARY.column_names[:4] == ["disc_date", "disc_time", "code", "disc_no"]
    assert {"odp", "nx_f_np", "f_nc_eps_2q", "sh_out_fy", "tr_sh_fy"} <= set(FIN_SUMMARY.column_names)
    assert len(FIN_SUMMARY.fields) == 107 and len(INVESTOR_TYPES.fields) == 56


# -- faults ----------------------------------------------------------------------------------------


def test_malformed_rows_are_quarantined_with_their_reason_and_the_rest_loads(tmp_path, fresh_server, market):
    fresh_server.set_faults(malformed=0.12, seed=5)
    settings = make_settings(tmp_path)
    window = (dt.date(2024, 5, 13), dt.date(2024, 5, 24))
    result = run_ingest(settings, *window, NEW, base_url=fresh_server.base_url, api_key=API_KEY)
    # (the simulator names the breakdown's dataset "breakdown" in some versions)
    injected = [
        {**r, "dataset": "trade_breakdown" if r["dataset"] == "breakdown" else r["dataset"]}
        for r in fresh_server.injected
    ]
    injected = [r for r in injected if r["dataset"] in NEW]
    assert {r["dataset"] for r in injected} >= {"investor_types", "dividends", "margin_interest"}, injected
    expected = Counter((r["dataset"], f"unparseable_number:{r['field']}") for r in injected)
    quarantine = rows_of(settings, "ingest_quarantine")
    assert Counter((q["dataset"], q["reason"]) for q in quarantine) == expected
    for q in quarantine:
        record = json.loads(q["raw_record"])
        field = q["reason"].split(":", 1)[1]
        assert record[field] in ("-", "#N/A") and q["_source"] == "rest"
        assert q["endpoint"] == SPECS[q["dataset"]].endpoint
    # every other row loaded
    truths = {
        "investor_types": len(in_window(market.investor_types_frame(), "PubDate", window)),
        "dividends": len(in_window(market.dividends_frame(), "PubDate", window)),
        "fin_summary": len(in_window(market.fin_summary_frame(), "DiscDate", window)),
        "margin_interest": len(margin_truth(market, window)),
        "trade_breakdown": len(in_window(market.breakdown_frame(), "Date", window)),
    }
    bad = Counter(r["dataset"] for r in injected)
    for table, n in truths.items():
        assert len(rows_of(settings, table)) == n - bad[table], table
        if n - bad[table]:
            assert result.rows[table] == n - bad[table]
    assert sum(result.quarantined.values()) == len(injected)


def test_a_dataset_outside_the_plan_is_skipped_not_fatal(tmp_path, market):
    class ForbiddenBreakdown(SimulatorServer):
        def handle(self, path, params, headers):
            if path.endswith("/markets/breakdown"):
                self.request_log.append({"path": "/markets/breakdown", "params": dict(params), "status": 403})
                return 403, {"message": "This API is not available on your subscription plan."}, {}
            return super().handle(path, params, headers)

    settings = make_settings(tmp_path)
    with ForbiddenBreakdown(market, api_key=API_KEY) as srv:
        window = (dt.date(2024, 5, 13), dt.date(2024, 5, 17))
        result = run_ingest(settings, *window, base_url=srv.base_url, api_key=API_KEY)
        breakdown_calls = [r for r in srv.request_log if r["path"] == "/markets/breakdown"]
    assert set(result.skipped) == {"trade_breakdown"} and "403" in result.skipped["trade_breakdown"]
    assert len(breakdown_calls) == 1  # stopped after the first 403
    assert result.rows["daily_bars"] > 0 and "trade_breakdown" not in result.rows
    # a core dataset is not skipped: its 403 fails the run
    stats = SourceStats()

    class Client:
        def get_pages(self, endpoint, **params):
            from ingest.jquants.client import JQuantsAuthError

            raise JQuantsAuthError("403", endpoint=endpoint)
            yield  # pragma: no cover

    with pytest.raises(Exception, match="403"):
        list(fetch(Client(), DAILY_BARS, [{"date": "2024-05-13"}], stats))


# -- bulk backfill ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def backfills(tmp_path_factory, market) -> dict[str, Any]:
    """The same range backfilled both ways, each against a fresh server log."""
    out: dict[str, Any] = {}
    for way, use_bulk in (("bulk", True), ("rest", False)):
        root = tmp_path_factory.mktemp(f"backfill-{way}")
        settings = make_settings(root)
        with SimulatorServer(market, api_key=API_KEY, page_size=1000) as srv:
            result = run_backfill(
                settings, *BACKFILL, base_url=srv.base_url, api_key=API_KEY, pipelines_dir=root / "dlt",
                progress=True, use_bulk=use_bulk, client_kwargs=FAST, datasets=BACKFILL_DATASETS,
            )  # fmt: skip
            out[way] = {"root": root, "settings": settings, "result": result, "log": list(srv.request_log)}
    return out


def test_bulk_and_rest_give_identical_rows(backfills, market):
    bulk, rest = backfills["bulk"], backfills["rest"]
    assert len(bulk["result"].bulk_files) == 2 and rest["result"].bulk_files == []
    for table in BACKFILL_DATASETS:
        spec = SPECS[table]
        a = sorted(
            (tuple(r[c] for c in spec.column_names) for r in rows_of(bulk["settings"], table)), key=repr
        )
        b = sorted(
            (tuple(r[c] for c in spec.column_names) for r in rows_of(rest["settings"], table)), key=repr
        )
        assert a and a == b, table
    # the month units cut the weekly margin exactly like one run of the whole range
    margin = {(r["date"], r["code"]) for r in rows_of(bulk["settings"], "margin_interest")}
    assert margin == {
        (r, c) for r, c in zip(*[margin_truth(market, BACKFILL)[k] for k in ("Date", "Code")], strict=True)
    }
    bars = rows_of(bulk["settings"], "daily_bars")
    sources = Counter(r["_source"] for r in bars)
    assert set(sources) == {
        "rest",
        "bulk:equities/bars/daily/2023/equities_bars_daily_202312.csv.gz",
        "bulk:equities/bars/daily/2024/equities_bars_daily_202401.csv.gz",
    }
    truth = market.bars_frame()
    truth = truth[(truth["Date"] >= BACKFILL[0]) & (truth["Date"] <= BACKFILL[1])]
    assert len(bars) == len(truth) == len({(r["date"], r["code"]) for r in bars})
    assert column_types(bulk["settings"], "daily_bars") == column_types(rest["settings"], "daily_bars")


def test_backfill_calls_match_the_plan_both_ways(backfills, market):
    days = market.business_days()
    months = [dt.date(2023, 12, 1), dt.date(2024, 1, 1)]
    for way, bulk_months in (("bulk", months), ("rest", None)):
        log, result = backfills[way]["log"], backfills[way]["result"]
        plan = planned_calls(days, *BACKFILL, BACKFILL_DATASETS, bulk_months=bulk_months)
        assert first_calls(log) == plan, way
        assert result.api_calls == dict(Counter(r["path"] for r in log if not r["path"].startswith("/bulk-")))
    bulk, rest = backfills["bulk"]["result"], backfills["rest"]["result"]
    bar_days = sum(1 for d in days if dt.date(2023, 12, 1) <= d <= dt.date(2024, 1, 31))
    assert rest.api_calls["/equities/bars/daily"] - bulk.api_calls["/equities/bars/daily"] == bar_days
    assert bulk.api_calls[BULK_LIST] == 1 and bulk.api_calls[BULK_GET] == 2 and bulk.downloads == 2


def test_rest_calls_of_every_dataset_match_the_plan(lake, market):
    plan = planned_calls(market.business_days(), *WINDOW)
    assert first_calls(lake["log"]) == plan
    assert set(plan) == {SPECS[d].endpoint for d in DATASETS}


def test_ten_year_estimate_is_documented():
    both = estimate_backfill_calls(dt.date(2015, 12, 1), dt.date(2025, 11, 30))
    rest, bulk = sum(both["rest"].values()), sum(both["bulk"].values())
    assert both["bulk"][BULK_GET] == 120 and both["rest"]["/equities/bars/daily"] > 2400
    assert rest - bulk == both["rest"]["/equities/bars/daily"] - 121
    doc = (Path(__file__).resolve().parent.parent / "docs" / "backfill.md").read_text()
    assert f"{rest:,}" in doc and f"{bulk:,}" in doc


def test_interrupted_backfill_resumes_without_loss(tmp_path, market, backfills):
    settings = make_settings(tmp_path)
    window = BACKFILL

    class Interrupted(Exception):
        pass

    class FlakyDownloader(BulkDownloader):
        def fetch(self, bulk_file: BulkFile) -> bytes:
            if bulk_file.month == dt.date(2024, 1, 1):
                raise Interrupted("power cut while downloading January")
            return super().fetch(bulk_file)

    with SimulatorServer(market, api_key=API_KEY, page_size=1000) as srv:
        common = {
            "base_url": srv.base_url,
            "api_key": API_KEY,
            "pipelines_dir": tmp_path / "dlt",
            "progress": False,
            "datasets": BACKFILL_DATASETS,
        }
        with pytest.raises(Exception, match="power cut"):
            run_backfill(settings, *window, downloader_factory=FlakyDownloader, **common)
        done_before = rows_of(settings, "daily_bars")
        assert done_before and max(r["date"] for r in done_before) < dt.date(2024, 1, 1)
        srv.request_log.clear()
        resumed = run_backfill(settings, *window, **common)
        log = list(srv.request_log)
    assert resumed.units_done_before == 3  # the range unit, November and December
    assert resumed.units_run[0] == "2024-01" and resumed.bulk_files == [
        "equities/bars/daily/2024/equities_bars_daily_202401.csv.gz"
    ]
    assert [r["params"]["key"] for r in log if r["path"] == BULK_GET] == resumed.bulk_files
    # nothing lost, nothing twice: the lake equals the uninterrupted backfill
    for table in BACKFILL_DATASETS:
        spec = SPECS[table]
        got = sorted((tuple(r[c] for c in spec.column_names) for r in rows_of(settings, table)), key=repr)
        want = sorted(
            (tuple(r[c] for c in spec.column_names) for r in rows_of(backfills["bulk"]["settings"], table)),
            key=repr,
        )
        assert got == want, table
    assert not make_pipeline(settings, tmp_path / "dlt").has_pending_data
    # a third run has nothing left to do and makes no data calls
    with SimulatorServer(market, api_key=API_KEY) as srv:
        again = run_backfill(settings, *window, **{**common, "base_url": srv.base_url})
        paths = {r["path"] for r in srv.request_log}
    assert again.units_run == [] and again.units_done_before == again.units_total
    assert paths == {"/markets/calendar", BULK_LIST}


# -- bulk units ------------------------------------------------------------------------------------


def test_bulk_csv_both_spellings_map_to_the_same_rows(server):
    long_names = (
        "Date,Code,Open,High,Low,Close,UpperLimit,LowerLimit,Volume,TurnoverValue,AdjustmentFactor,"
        "AdjustmentOpen,AdjustmentHigh,AdjustmentLow,AdjustmentClose,AdjustmentVolume"
    )
    short_names = "Date,Code,O,H,L,C,UL,LL,Vo,Va,AdjFactor,AdjO,AdjH,AdjL,AdjC,AdjVo"
    body = (
        "2023-12-01,130A0,100.0,110.0,90.0,105.0,0,1,1000.0,105000.0,1.0,100.0,110.0,90.0,105.0,1000.0\n"
        "2023-12-04,13010,,,,,0,0,,,1.0,,,,,\n"
    )
    long, short = long_names + "\n" + body, short_names + "\n" + body
    parsed = []
    for text in (long, short):
        header, rows = read_bulk_csv(gzip.compress(text.encode()))
        assert header[:4] == ["Date", "Code", "O", "H"]
        parsed.append([parse_row(DAILY_BARS, r) for r in rows])
    assert parsed[0] == parsed[1]
    first, no_trade = parsed[0]
    assert first["code"] == "130A0" and first["ul"] == "0" and first["ll"] == "1" and first["c"] == 105.0
    assert (
        all(no_trade[c] is None for c in ("o", "h", "l", "c", "vo", "va")) and no_trade["adj_factor"] == 1.0
    )
    assert month_of_key("equities/bars/daily/2023/equities_bars_daily_202312.csv.gz") == dt.date(2023, 12, 1)
    assert month_of_key("daily_2024-01.csv.gz") == dt.date(2024, 1, 1) and month_of_key("readme.txt") is None


def test_plan_uses_bulk_only_for_whole_complete_months():
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(120)]
    days = [d for d in days if d.weekday() < 5]
    files = {
        dt.date(2024, 1, 1): BulkFile("a_202401", "2024-01-31T08:30:00Z", None, dt.date(2024, 1, 1)),
        dt.date(2024, 2, 1): BulkFile("a_202402", "2024-02-28T08:30:00Z", None, dt.date(2024, 2, 1)),  # stale
        dt.date(2024, 3, 1): BulkFile("a_202403", "2024-03-29T08:30:00Z", None, dt.date(2024, 3, 1)),
    }
    units = plan_backfill(days, dt.date(2024, 1, 1), dt.date(2024, 3, 20), ["daily_bars", "topix"], files)
    assert [(u.name, u.rest_datasets, [f.key for f in u.bulk_files]) for u in units] == [
        ("ranges", ["topix"], []),
        ("2024-01", [], ["a_202401"]),
        ("2024-02", ["daily_bars"], []),  # its file was written before the month's last business day
        ("2024-03", ["daily_bars"], []),  # the range ends mid-month
    ]


def test_the_api_key_is_never_sent_to_the_download_url_nor_written(backfills, lake, server):
    seen: list[dict[str, str]] = []

    class RecordingSession(requests.Session):
        def request(self, method, url, *args, **kwargs):
            response = super().request(method, url, *args, **kwargs)
            seen.append({"url": url, **{k.lower(): v for k, v in response.request.headers.items()}})
            return response

    from ingest.jquants import JQuantsClient

    client = JQuantsClient(server.base_url, API_KEY, rate_per_minute=0)
    downloader = BulkDownloader(client, session=RecordingSession())
    listing = list(client.get(BULK_LIST, endpoint="/equities/bars/daily"))
    key = listing[0]["Key"]
    content = downloader.fetch(
        BulkFile(key, listing[0]["LastModified"], listing[0]["Size"], dt.date(2019, 1, 1))
    )
    assert content[:2] == b"\x1f\x8b" and len(seen) == 1
    assert "x-api-key" not in seen[0] and API_KEY not in json.dumps(seen)
    assert assert_no_secret(backfills["bulk"]["root"], backfills["rest"]["root"], lake["root"]) > 20


def test_expired_download_url_is_signed_again(server):
    from ingest.jquants import JQuantsClient

    class ExpiresOnce(requests.Session):
        calls = 0

        def get(self, url, **kwargs):
            ExpiresOnce.calls += 1
            if ExpiresOnce.calls == 1:
                response = requests.Response()
                response.status_code = 403
                return response
            return super().get(url, **kwargs)

    client = JQuantsClient(server.base_url, API_KEY, rate_per_minute=0)
    row = next(iter(client.get(BULK_LIST, endpoint="/equities/bars/daily")))
    downloader = BulkDownloader(client, session=ExpiresOnce(), backoff_seconds=0)
    assert downloader.fetch(BulkFile(row["Key"], row["LastModified"], row["Size"], dt.date(2019, 1, 1)))
    assert client.stats.calls_by_endpoint()[BULK_GET] == 2 and downloader.downloads == 2


def test_progress_is_a_bar_on_a_terminal_and_log_lines_otherwise(caplog):
    import io
    import logging

    from ingest.bulk import Unit, _Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    unit = Unit("2024-01", dt.date(2024, 1, 1), dt.date(2024, 1, 31), ["equities_master"], [])
    terminal = Terminal()
    bar = _Progress(2, True, stream=terminal)
    bar.step(unit, 1234)
    bar.close()
    assert "backfill" in terminal.getvalue() and "1/2" in terminal.getvalue()
    caplog.set_level(logging.INFO, logger="ingest.bulk")
    plain = _Progress(2, True, stream=io.StringIO())
    plain.step(unit, 1234)
    assert plain.bar is None and "backfill 1/2 2024-01 (rest): 1,234 rows" in caplog.text
