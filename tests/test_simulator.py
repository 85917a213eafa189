"""The bundled J-Quants V2 simulator: real HTTP against a started server over a tiny market."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import pytest

from ingest.simulator import (
    DELIST_CODE,
    ILLIQUID_CODE,
    IPO_CODE,
    LETTER_CODE,
    LIMIT_CODE,
    PREFERRED_CODE,
    PREFERRED_COMMON_CODE,
    REVERSE_SPLIT_CODE,
    SPLIT_CODE,
    Market,
    SimulatorServer,
)

ROOT = Path(__file__).resolve().parent.parent
END = "2026-11-20"
NUMERIC_BAR_FIELDS = ["O", "H", "L", "C", "Vo", "Va", "AdjFactor", "AdjO", "AdjH", "AdjL", "AdjC", "AdjVo"]
# The TSE daily price limit table, transcribed independently of the simulator: base below -> width.
TSE_LIMITS = [(100, 30), (200, 50), (500, 80), (700, 100), (1_000, 150), (1_500, 300), (2_000, 400),
              (3_000, 500), (5_000, 700), (7_000, 1_000), (10_000, 1_500), (15_000, 3_000),
              (20_000, 4_000), (30_000, 5_000), (50_000, 7_000), (70_000, 10_000)]  # fmt: skip


def tse_limit(base: float) -> float:
    return next(width for below, width in TSE_LIMITS if base < below)


@pytest.fixture(scope="module")
def market() -> Market:
    return Market(seed=7, n_codes=12, end=END)


@pytest.fixture(scope="module")
def bars(market: Market) -> pd.DataFrame:
    return market.bars_frame()


@pytest.fixture(scope="module")
def server(market: Market):
    with SimulatorServer(market, api_key="secret", page_size=4) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _no_faults(server: SimulatorServer):
    server.set_faults()
    server.fail_dates.clear()
    yield
    server.set_faults()
    server.fail_dates.clear()


def call(srv: SimulatorServer, path: str, key: str | None = "secret", **params: str):
    """GET one page: (status, parsed body, headers)."""
    url = srv.base_url + path + ("?" + urlencode(params) if params else "")
    request = urllib.request.Request(url, headers={"x-api-key": key} if key is not None else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), dict(err.headers)


def fetch_all(srv: SimulatorServer, path: str, **params: str) -> list[dict]:
    """Follow pagination_key to the end; every page must be a 200."""
    rows: list[dict] = []
    query = dict(params)
    while True:
        status, body, _ = call(srv, path, **query)
        assert status == 200, body
        rows += body["data"]
        if "pagination_key" not in body:
            return rows
        query = {**params, "pagination_key": body["pagination_key"]}


def number(value) -> float:
    return np.nan if value is None else float(value)


def as_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for name in NUMERIC_BAR_FIELDS:
        if name in frame:
            frame[name] = frame[name].map(number).astype(float)
    return frame


def truth_for(bars: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    return bars[bars["Date"] == day].reset_index(drop=True)


def assert_rows_match(served: pd.DataFrame, truth: pd.DataFrame) -> None:
    assert list(served["Code"]) == list(truth["Code"])
    for name in NUMERIC_BAR_FIELDS:
        np.testing.assert_array_equal(served[name].to_numpy(), truth[name].to_numpy(), err_msg=name)
    assert list(served["UL"]) == list(truth["UL"]) and list(served["LL"]) == list(truth["LL"])


# ---------------------------------------------------------------- transport
def test_auth_failures_are_403(server: SimulatorServer) -> None:
    for key in (None, "wrong"):
        status, body, _ = call(server, "/equities/bars/daily", key=key, date="2024-06-03")
        assert status == 403 and body["message"]
    status, body, _ = call(server, "/no/such/endpoint")
    assert status == 403 and body["message"]
    status, _, _ = call(server, "/../v1/prices/daily_quotes")
    assert status == 403


def test_pagination_walks_every_row_of_a_date(server: SimulatorServer, bars: pd.DataFrame) -> None:
    day = dt.date(2024, 6, 3)
    status, first, _ = call(server, "/equities/bars/daily", date="2024-06-03")
    assert status == 200 and len(first["data"]) == 4 and "pagination_key" in first
    served = as_frame(fetch_all(server, "/equities/bars/daily", date="2024-06-03"))
    truth = truth_for(bars, day)
    assert len(served) == len(truth) > 4
    assert_rows_match(served, truth)
    assert set(served.columns) == set(bars.columns)


def test_empty_result_is_200_with_empty_data(server: SimulatorServer) -> None:
    status, body, _ = call(server, "/equities/bars/daily", date="2024-06-08")  # a Saturday
    assert (status, body) == (200, {"data": []})
    status, body, _ = call(server, "/equities/bars/daily", code="99990")
    assert (status, body) == (200, {"data": []})


def test_bad_requests_are_400(server: SimulatorServer) -> None:
    assert call(server, "/equities/bars/daily")[0] == 400
    assert call(server, "/equities/bars/daily", **{"from": "2024-06-03"})[0] == 400
    for bad in ("2024-02-30", "20240230", "2024-13-01", "June 3", "2024/06/03"):
        status, body, _ = call(server, "/equities/bars/daily", date=bad)
        assert status == 400 and body["message"], bad
    assert call(server, "/markets/calendar", hol_div="9")[0] == 400
    assert call(server, "/equities/bars/daily", code="12")[0] == 400


def test_pagination_key_of_another_query_is_400(server: SimulatorServer) -> None:
    _, body, _ = call(server, "/equities/bars/daily", date="2024-06-03")
    key = body["pagination_key"]
    assert call(server, "/equities/bars/daily", date="2024-06-03", pagination_key=key)[0] == 200
    assert call(server, "/equities/bars/daily", date="2024-06-04", pagination_key=key)[0] == 400
    assert call(server, "/equities/master", date="2024-06-03", pagination_key=key)[0] == 400
    assert call(server, "/equities/bars/daily", date="2024-06-03", pagination_key="garbage")[0] == 400


def test_rate_limit_answers_429_without_retry_after(market: Market) -> None:
    with SimulatorServer(market, api_key="k", rate_per_minute=3) as srv:
        statuses = [call(srv, "/markets/calendar", key="k", **{"from": "2024-01-01", "to": "2024-01-05"})
                    for _ in range(5)]  # fmt: skip
    assert [s for s, _, _ in statuses] == [200, 200, 200, 429, 429]
    _, body, headers = statuses[3]
    assert body["message"] and "Retry-After" not in headers


def test_both_date_formats(server: SimulatorServer) -> None:
    dashed = fetch_all(server, "/equities/bars/daily", date="2024-06-03")
    compact = fetch_all(server, "/equities/bars/daily", date="20240603")
    assert dashed == compact and dashed
    ranged = fetch_all(
        server, "/equities/bars/daily", code=SPLIT_CODE, **{"from": "20240603", "to": "2024-06-07"}
    )
    assert [r["Date"] for r in ranged] == [f"2024-06-0{d}" for d in range(3, 8)]


def test_fault_injection_500_429_and_slow(server: SimulatorServer) -> None:
    server.set_faults(http_500=1.0)
    assert call(server, "/indices/bars/daily/topix")[0] == 500
    server.set_faults(http_429=1.0)
    status, _, headers = call(server, "/indices/bars/daily/topix")
    assert status == 429 and "Retry-After" not in headers
    server.set_faults(slow=1.0, slow_seconds=0.3)
    started = time.monotonic()
    assert call(server, "/indices/bars/daily/topix", **{"from": "2024-06-03", "to": "2024-06-03"})[0] == 200
    assert time.monotonic() - started >= 0.3
    server.set_faults(http_500=0.5, seed=1)
    statuses = {call(server, "/indices/bars/daily/topix", **{"from": "2024-06-03"})[0] for _ in range(20)}
    assert statuses == {200, 500}


def test_fail_dates_cover_date_and_ranges(server: SimulatorServer) -> None:
    server.fail_dates["2024-06-04"] = 500
    assert call(server, "/equities/bars/daily", date="2024-06-04")[0] == 500
    assert call(server, "/equities/bars/daily", date="2024-06-03")[0] == 200
    code_range = {"code": SPLIT_CODE, "from": "2024-06-01", "to": "2024-06-30"}
    assert call(server, "/equities/bars/daily", **code_range)[0] == 500
    assert call(server, "/indices/bars/daily/topix", **{"from": "2024-07-01"})[0] == 200


def test_forbidden_endpoints_answer_403(server: SimulatorServer) -> None:
    server.forbidden_endpoints.add("/markets/breakdown")
    try:
        status, body, _ = call(server, "/markets/breakdown", date="2024-06-03")
        assert status == 403 and "plan" in body["message"]
        assert call(server, "/markets/calendar", **{"from": "2024-06-03", "to": "2024-06-03"})[0] == 200
    finally:
        server.forbidden_endpoints.clear()


def test_request_log_records_path_params_status(server: SimulatorServer) -> None:
    before = len(server.request_log)
    call(server, "/equities/master", date="2024-06-03", code=SPLIT_CODE)
    call(server, "/equities/master", key="wrong")
    log = server.request_log[before:]
    assert log[0] == {
        "path": "/equities/master",
        "params": {"date": "2024-06-03", "code": SPLIT_CODE},
        "status": 200,
    }
    assert log[1]["status"] == 403 and "secret" not in json.dumps(log)


def test_gzip_when_asked(server: SimulatorServer) -> None:
    url = server.base_url + "/markets/calendar"
    request = urllib.request.Request(url, headers={"x-api-key": "secret", "Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        body = json.loads(gzip.decompress(response.read()))
    assert body["data"][0] == {"Date": "2019-01-01", "HolDiv": "0"}


# ---------------------------------------------------------------- codes
def test_four_char_code_returns_the_common_stock(server: SimulatorServer, market: Market) -> None:
    assert PREFERRED_CODE in market.codes and PREFERRED_COMMON_CODE in market.codes
    rows = fetch_all(server, "/equities/bars/daily", code=PREFERRED_COMMON_CODE[:4], date="2024-06-03")
    assert [r["Code"] for r in rows] == [PREFERRED_COMMON_CODE]
    rows = fetch_all(server, "/equities/bars/daily", code=PREFERRED_CODE, date="2024-06-03")
    assert [r["Code"] for r in rows] == [PREFERRED_CODE]
    master = fetch_all(server, "/equities/master", code=PREFERRED_COMMON_CODE[:4], date="2024-06-03")
    assert [r["Code"] for r in master] == [PREFERRED_COMMON_CODE]


def test_letter_code_is_a_string(server: SimulatorServer, market: Market) -> None:
    assert LETTER_CODE in market.codes and all(isinstance(c, str) and len(c) == 5 for c in market.codes)
    for code in (LETTER_CODE, LETTER_CODE[:4]):
        rows = fetch_all(
            server, "/equities/bars/daily", code=code, **{"from": "2024-06-03", "to": "2024-06-05"}
        )
        assert [r["Code"] for r in rows] == [LETTER_CODE] * 3
    master = fetch_all(server, "/equities/master", date="2024-06-03")
    assert LETTER_CODE in [r["Code"] for r in master]


# ---------------------------------------------------------------- calendar and outage
def test_outage_day_is_a_business_day_with_all_null_bars(server: SimulatorServer, market: Market) -> None:
    outage = dt.date(2020, 10, 1)
    calendar = fetch_all(server, "/markets/calendar", **{"from": "2020-10-01", "to": "2020-10-01"})
    assert calendar == [{"Date": "2020-10-01", "HolDiv": "1"}]
    assert outage in market.business_days()
    rows = fetch_all(server, "/equities/bars/daily", date="2020-10-01")
    assert len(rows) >= 8
    for row in rows:
        assert all(row[k] is None for k in ("O", "H", "L", "C", "Vo", "Va", "AdjO", "AdjC", "AdjVo"))
        assert number(row["AdjFactor"]) == 1.0
    topix = fetch_all(server, "/indices/bars/daily/topix", **{"from": "2020-09-30", "to": "2020-10-02"})
    assert [r["Date"] for r in topix] == ["2020-09-30", "2020-10-02"]


def test_year_end_break_and_holidays_are_closed(market: Market) -> None:
    calendar = market.calendar()
    first, last = calendar["Date"].iloc[0], calendar["Date"].iloc[-1]
    assert (first, last) == (dt.date(2019, 1, 1), dt.date(2027, 12, 31))
    assert len(calendar) == (dt.date(2027, 12, 31) - dt.date(2019, 1, 1)).days + 1
    div = dict(zip(calendar["Date"], calendar["HolDiv"], strict=True))
    for year in range(2019, 2028):
        for day in (dt.date(year, 1, 1), dt.date(year, 1, 2), dt.date(year, 1, 3), dt.date(year, 12, 31)):
            assert div[day] == "0", day
    # derivatives holiday trading since 2024-09-23
    assert div[dt.date(2026, 5, 5)] == "3" and div[dt.date(2021, 5, 5)] == "0"
    assert div[dt.date(2024, 6, 8)] == "0" and div[dt.date(2024, 6, 3)] == "1"
    assert set(calendar["HolDiv"]) <= {"0", "1", "3"}
    business = {d for d, h in div.items() if h == "1" and market.start <= d <= market.end}
    assert business == set(market.business_days())


def test_calendar_filter_and_served_horizon(server: SimulatorServer, market: Market) -> None:
    rows = fetch_all(server, "/markets/calendar", hol_div="1", **{"from": "20240101", "to": "20240110"})
    assert [r["Date"] for r in rows] == ["2024-01-04", "2024-01-05", "2024-01-09", "2024-01-10"]
    last = fetch_all(server, "/markets/calendar", **{"from": f"{market.end.year + 1}-12-30"})
    assert last[-1]["Date"] == f"{market.end.year + 1}-12-31"


def test_data_stops_at_end(server: SimulatorServer, market: Market) -> None:
    assert market.end == dt.date.fromisoformat(END)
    rows = fetch_all(server, "/equities/bars/daily", code=SPLIT_CODE, **{"from": "2026-11-01"})
    assert rows[-1]["Date"] == END
    assert fetch_all(server, "/equities/bars/daily", date="2026-11-24") == []
    assert fetch_all(server, "/equities/master", date="2026-11-24") == []
    assert fetch_all(server, "/equities/master")[0]["Date"] == END


# ---------------------------------------------------------------- prices
def test_bars_are_consistent(bars: pd.DataFrame) -> None:
    traded = bars.dropna(subset=["C"])
    assert (traded["L"] <= traded[["O", "C"]].min(axis=1)).all()
    assert (traded[["O", "C"]].max(axis=1) <= traded["H"]).all()
    assert (traded["Vo"] > 0).all() and (traded["Vo"] % 100 == 0).all()
    assert (
        (traded["Va"] >= traded["L"] * traded["Vo"] - 1) & (traded["Va"] <= traded["H"] * traded["Vo"] + 1)
    ).all()
    assert traded["C"].between(50, 30_000).all()
    assert not bars.duplicated(["Date", "Code"]).any()
    assert (
        list(bars.columns)
        == ["Date", "Code"] + NUMERIC_BAR_FIELDS[:4] + ["UL", "LL"] + NUMERIC_BAR_FIELDS[4:]
    )


def test_no_trade_days_are_all_null(bars: pd.DataFrame) -> None:
    illiquid = bars[bars["Code"] == ILLIQUID_CODE]
    idle = illiquid[illiquid["C"].isna()]
    assert 0.2 < len(idle) / len(illiquid) < 0.4
    assert idle[["O", "H", "L", "C", "Vo", "Va", "AdjO", "AdjC", "AdjVo"]].isna().all().all()
    assert (idle["AdjFactor"] == 1.0).all() and (idle["UL"] == "0").all()


def test_limit_days_close_on_the_tse_band(bars: pd.DataFrame) -> None:
    frame = bars.sort_values(["Code", "Date"]).copy()
    frame["base"] = frame.groupby("Code")["C"].transform(lambda s: s.ffill().shift()) * frame["AdjFactor"]
    hits = frame[(frame["UL"] == "1") | (frame["LL"] == "1")]
    limit_code = hits[hits["Code"] == LIMIT_CODE]
    assert (limit_code["UL"] == "1").sum() >= 20 and (limit_code["LL"] == "1").sum() >= 20
    for row in hits.itertuples():
        width = tse_limit(row.base)
        expected = row.base + width if row.UL == "1" else max(row.base - width, 1.0)
        assert row.C == expected, row
    others = frame[(frame["UL"] == "0") & (frame["LL"] == "0") & frame["C"].notna() & frame["base"].notna()]
    widths = others["base"].map(tse_limit)
    assert ((others["C"] - others["base"]).abs() < widths).all()


def test_split_factor_on_ex_date_and_raw_jump(bars: pd.DataFrame, market: Market) -> None:
    events = market.split_events()
    expected = {(SPLIT_CODE, dt.date(2021, 3, 29)): 0.2, (SPLIT_CODE, dt.date(2025, 3, 27)): 0.5,
                (REVERSE_SPLIT_CODE, dt.date(2020, 7, 29)): 5.0, (REVERSE_SPLIT_CODE, dt.date(2025, 7, 30)): 5.0}  # fmt: skip
    got = {(r.Code, r.Date): r.AdjFactor for r in events.itertuples()}
    assert {k: got[k] for k in expected} == expected
    assert (events["AdjFactor"] != 1).all()
    flagged = bars[bars["AdjFactor"] != 1]
    assert set(zip(flagged["Code"], flagged["Date"], strict=True)) == set(got)
    for (code, day), factor in expected.items():
        series = bars[bars["Code"] == code].set_index("Date")["C"]
        position = series.index.get_loc(day)
        ratio = series.iloc[position] / series.iloc[position - 1]
        assert factor * 0.6 < ratio < factor / 0.6, (code, day, ratio)


def test_adjusted_equals_raw_times_later_factors(bars: pd.DataFrame) -> None:
    """Adj* = round(raw × product of later AdjFactors, 1) (half up); AdjVo = round(Vo / product, 1)."""
    for _code, rows in bars.sort_values("Date").groupby("Code"):
        factors = [Decimal(repr(f)) for f in rows["AdjFactor"]]
        later = [Decimal(1)] * len(factors)
        for i in range(len(factors) - 2, -1, -1):
            later[i] = later[i + 1] * factors[i + 1]
        for name in ("O", "H", "L", "C", "Vo"):
            for raw, adjusted, product in zip(rows[name], rows[f"Adj{name}"], later, strict=True):
                if np.isnan(raw):
                    assert np.isnan(adjusted)
                    continue
                value = Decimal(repr(raw)) * product if name != "Vo" else Decimal(repr(raw)) / product
                assert adjusted == float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)), (name, raw)


def test_adjustment_is_as_known_at_end(market: Market) -> None:
    before = Market(seed=7, n_codes=12, end="2025-03-26").bars_frame()
    row = before[(before["Code"] == SPLIT_CODE) & (before["Date"] == dt.date(2024, 6, 3))].iloc[0]
    now = market.bars_frame()
    later = now[(now["Code"] == SPLIT_CODE) & (now["Date"] == dt.date(2024, 6, 3))].iloc[0]
    assert row["C"] == later["C"] and row["AdjC"] == row["C"]
    assert later["AdjC"] == float(Decimal(repr(float(row["C"]))) * Decimal("0.5"))


def test_reverse_split_factor_five(bars: pd.DataFrame) -> None:
    rows = bars[(bars["Code"] == REVERSE_SPLIT_CODE) & (bars["AdjFactor"] != 1)]
    assert list(rows["AdjFactor"]) == [5.0, 5.0]
    first = bars[(bars["Code"] == REVERSE_SPLIT_CODE)].iloc[0]
    assert first["AdjC"] == first["C"] * 25 and first["AdjVo"] == first["Vo"] / 25


# ---------------------------------------------------------------- universe
def test_ipo_and_delisting_in_master_and_bars(
    server: SimulatorServer, market: Market, bars: pd.DataFrame
) -> None:
    listings = market.listings().set_index("Code")
    ipo_day = listings.loc[IPO_CODE, "ListedDate"]
    gone_day = listings.loc[DELIST_CODE, "DelistedDate"]
    assert ipo_day == dt.date(2021, 6, 24) and gone_day == dt.date(2022, 11, 29)
    days = market.business_days()

    def codes_on(day: dt.date) -> set[str]:
        return {r["Code"] for r in fetch_all(server, "/equities/master", date=day.isoformat())}

    assert IPO_CODE not in codes_on(days[days.index(ipo_day) - 1]) and IPO_CODE in codes_on(ipo_day)
    assert DELIST_CODE in codes_on(gone_day) and DELIST_CODE not in codes_on(days[days.index(gone_day) + 1])
    assert bars[bars["Code"] == IPO_CODE]["Date"].min() == ipo_day
    assert bars[bars["Code"] == DELIST_CODE]["Date"].max() == gone_day
    assert pd.isna(listings.loc[SPLIT_CODE, "DelistedDate"])


def test_market_codes_switch_on_2022_04_04(market: Market) -> None:
    old = market.master_frame("2022-04-01").set_index("Code")
    new = market.master_frame(dt.date(2022, 4, 4)).set_index("Code")
    assert set(old["Mkt"]) <= {"0101", "0102", "0104", "0106", "0107"}
    assert set(new["Mkt"]) <= {"0111", "0112", "0113"}
    assert list(new.columns) == ["Date", "CoName", "CoNameEn", "S17", "S17Nm", "S33", "S33Nm", "ScaleCat",
                                 "Mkt", "MktNm", "Mrgn", "MrgnNm"]  # fmt: skip
    assert new.loc[PREFERRED_CODE, "Mkt"] == new.loc[PREFERRED_COMMON_CODE, "Mkt"]


def test_listings_and_codes(market: Market, bars: pd.DataFrame) -> None:
    assert market.codes == sorted(set(bars["Code"]))
    assert list(market.listings()["Code"]) == market.codes
    assert len(market.codes) == 12


# ---------------------------------------------------------------- wire types and malformed rows
def test_numbers_as_strings_parse_to_ground_truth(server: SimulatorServer, bars: pd.DataFrame) -> None:
    rows = fetch_all(
        server, "/equities/bars/daily", code=SPLIT_CODE, **{"from": "2024-01-04", "to": "2024-06-28"}
    )
    values = [r[k] for r in rows for k in NUMERIC_BAR_FIELDS if r[k] is not None]
    share = sum(isinstance(v, str) for v in values) / len(values)
    assert 0.05 < share < 0.15
    assert all(isinstance(r["UL"], str) and isinstance(r["LL"], str) for r in rows)
    served = as_frame(rows)
    truth = bars[(bars["Code"] == SPLIT_CODE) & (bars["Date"] >= dt.date(2024, 1, 4))
                 & (bars["Date"] <= dt.date(2024, 6, 28))].reset_index(drop=True)  # fmt: skip
    assert_rows_match(served, truth)


def test_malformed_rows_are_recorded_and_deterministic(server: SimulatorServer, bars: pd.DataFrame) -> None:
    server.set_faults(malformed=0.3, seed=5)
    before = len(server.injected)
    query = {"code": LIMIT_CODE, "from": "2024-01-04", "to": "2024-03-29"}
    rows = {r["Date"]: r for r in fetch_all(server, "/equities/bars/daily", **query)}
    injected = server.injected[before:]
    assert 5 < len(injected) < 0.5 * len(rows)
    assert {i["rule"] for i in injected} == {"unparseable_number", "high_below_low", "negative_price"}
    truth = bars[bars["Code"] == LIMIT_CODE].set_index("Date")
    for record in injected:
        assert record["dataset"] == "daily_bars" and record["endpoint"] == "/equities/bars/daily"
        row = rows[record["Date"]]
        assert record["Code"] == row["Code"] == LIMIT_CODE
        field = record["field"]
        if record["rule"] == "unparseable_number":
            assert row[field] == "-" and field in {"O", "H", "L", "C", "Vo"}
        elif record["rule"] == "high_below_low":
            assert number(row["H"]) < number(row["L"])
        else:
            assert number(row[field]) < 0
    clean = [d for d in rows if d not in {i["Date"] for i in injected}]
    for day in clean:
        assert number(rows[day]["C"]) == truth.loc[dt.date.fromisoformat(day), "C"] or rows[day]["C"] is None
    again = len(server.injected)
    fetch_all(server, "/equities/bars/daily", **query)
    assert server.injected[again:] == injected
    assert bars.equals(Market(seed=7, n_codes=12, end=END).bars_frame())  # ground truth stays clean


# ---------------------------------------------------------------- determinism and scale
def test_same_seed_same_market_and_end_only_truncates(market: Market, bars: pd.DataFrame) -> None:
    twin = Market(seed=7, n_codes=12, end=END)
    pd.testing.assert_frame_equal(twin.bars_frame(), bars)
    pd.testing.assert_frame_equal(twin.master_frame("2023-05-01"), market.master_frame("2023-05-01"))
    pd.testing.assert_frame_equal(twin.topix_frame(), market.topix_frame())
    other = Market(seed=8, n_codes=12, end=END).bars_frame()
    assert not np.array_equal(other["C"].to_numpy(), bars["C"].to_numpy(), equal_nan=True)
    short = Market(seed=7, n_codes=12, start="2020-01-06", end="2022-12-30").bars_frame()
    assert short["Date"].min() == dt.date(2020, 1, 6) and short["Date"].max() == dt.date(2022, 12, 30)
    overlap = bars[(bars["Date"] >= dt.date(2020, 1, 6)) & (bars["Date"] <= dt.date(2022, 12, 30))]
    raw = ["Date", "Code", "O", "H", "L", "C", "UL", "LL", "Vo", "Va", "AdjFactor"]
    pd.testing.assert_frame_equal(short[raw].reset_index(drop=True), overlap[raw].reset_index(drop=True))


def test_default_end_is_last_business_day_up_to_today() -> None:
    market = Market(seed=1, n_codes=3)
    assert market.end <= dt.date.today() + dt.timedelta(days=1)
    assert market.business_days()[-1] == market.end
    week = Market(seed=1, n_codes=3, start="2024-06-01", end="2024-06-09").business_days()
    assert week[0] == dt.date(2024, 6, 3) and len(week) == 5


def test_a_large_universe_builds_quickly() -> None:
    """n_codes=4000 builds in ~6 s on the target machine; a 1,000-code build keeps the suite fast."""
    started = time.monotonic()
    market = Market(seed=3, n_codes=1000, end="2027-12-30")
    assert time.monotonic() - started < 15
    assert len(market.codes) == 1000 and len(set(market.codes)) == 1000
    assert any(not c[:4].isdigit() for c in market.codes)
    snapshot = market.master_frame("2025-06-02")
    assert 800 < len(snapshot) < 1000 and snapshot["Code"].is_unique


def test_cli_serves_until_stopped() -> None:
    command = [sys.executable, "-m", "ingest.simulator", "--port", "0", "--codes", "5", "--api-key", "cli"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        base_url = line.split()[3]
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v2")
        request = urllib.request.Request(base_url + "/markets/calendar?from=2024-01-04&to=2024-01-04",
                                         headers={"x-api-key": "cli"})  # fmt: skip
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read()) == {"data": [{"Date": "2024-01-04", "HolDiv": "1"}]}
    finally:
        process.terminate()
        process.wait(timeout=10)


# ================================================================ phase 2: every dataset, point in time
INVESTOR_GROUPS = ("Prop", "Brk", "Tot", "Ind", "Frgn", "SecCo", "InvTr", "BusCo", "OthCo", "InsCo", "Bank",
                   "TrstBnk", "OthFin")  # fmt: skip


def plain(value):
    """A wire value back to the ground truth's form: numeric strings → float, dates stay ISO text."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def frame_as_wire(frame: pd.DataFrame) -> list[dict]:
    """Ground-truth rows in wire form (dates ISO, NaN → None)."""

    def wire(value):
        if isinstance(value, dt.date):
            return value.isoformat()
        return None if isinstance(value, float) and np.isnan(value) else value

    return [{k: wire(v) for k, v in record.items()} for record in frame.to_dict("records")]


def same_rows(served: list[dict], truth: pd.DataFrame, blank=None) -> None:
    expected = frame_as_wire(truth)
    assert len(served) == len(expected)
    for got, want in zip(served, expected, strict=True):
        normalised = {k: (None if v == blank and blank is not None else plain(v)) for k, v in got.items()}
        want = {k: (None if v == blank and blank is not None else plain(v)) for k, v in want.items()}
        assert normalised == want


def fourth_business_day_of_next_week(calendar: dict, end: dt.date) -> dt.date:
    day = end + dt.timedelta(days=7 - end.weekday())
    count = 0
    while True:
        if calendar.get(day, "1" if day.year > 2027 else "0") == "1":
            count += 1
            if count == 4:
                return day
        day += dt.timedelta(days=1)


def test_investor_types_shape_sections_and_publication(server: SimulatorServer, market: Market) -> None:
    frame = market.investor_types_frame()
    assert list(frame.columns[:4]) == ["PubDate", "StDate", "EnDate", "Section"]
    assert len(frame.columns) == 4 + 13 * 4
    old = frame[frame["StDate"] < dt.date(2022, 4, 4)]
    new = frame[frame["StDate"] >= dt.date(2022, 4, 4)]
    assert set(old["Section"]) == {"TSE1st", "TSE2nd", "TSEMothers", "TSEJASDAQ", "TokyoNagoya"}
    assert set(new["Section"]) == {"TSEPrime", "TSEStandard", "TSEGrowth", "TokyoNagoya"}
    calendar = dict(zip(market.calendar()["Date"], market.calendar()["HolDiv"], strict=True))
    firsts = frame.drop_duplicates(["Section", "StDate", "EnDate"], keep="first")
    for row in firsts.sample(60, random_state=1).itertuples():
        assert row.StDate.isocalendar()[:2] == row.EnDate.isocalendar()[:2]
        assert row.PubDate == fourth_business_day_of_next_week(calendar, row.EnDate)
    assert frame["PubDate"].max() <= market.end and frame["StDate"].min() >= market.start
    for g in INVESTOR_GROUPS:
        assert (frame[f"{g}Tot"] == frame[f"{g}Sell"] + frame[f"{g}Buy"]).all()
        assert (frame[f"{g}Bal"] == frame[f"{g}Buy"] - frame[f"{g}Sell"]).all()
    clients = INVESTOR_GROUPS[3:]
    assert (frame["BrkSell"] == sum(frame[f"{g}Sell"] for g in clients)).all()
    assert (frame["TotBuy"] == frame["PropBuy"] + frame["BrkBuy"]).all()
    assert (frame["TotSell"] > 0).all()


def test_investor_types_revisions_are_new_rows(market: Market) -> None:
    frame = market.investor_types_frame()
    key = ["Section", "StDate", "EnDate"]
    revised = frame[frame.duplicated(key, keep=False)]
    assert len(revised) > 10 and (revised["StDate"] >= dt.date(2023, 4, 3)).all()
    for _, rows in revised.groupby(key):
        assert rows["PubDate"].is_unique and rows["PubDate"].is_monotonic_increasing
    earlier = Market(seed=7, n_codes=12, end="2024-06-28").investor_types_frame()
    expected = frame[frame["PubDate"] <= dt.date(2024, 6, 28)].reset_index(drop=True)
    pd.testing.assert_frame_equal(earlier, expected)


def test_investor_types_endpoint(server: SimulatorServer, market: Market) -> None:
    query = {"section": "TSEPrime", "from": "2024-01-01", "to": "20240331"}
    served = fetch_all(server, "/equities/investor-types", **query)
    frame = market.investor_types_frame()
    truth = frame[(frame["Section"] == "TSEPrime") & (frame["PubDate"] >= dt.date(2024, 1, 1))
                  & (frame["PubDate"] <= dt.date(2024, 3, 31))]  # fmt: skip
    same_rows(served, truth)
    assert call(server, "/equities/investor-types", section="TSE3rd")[0] == 400


def test_dividends_notices(server: SimulatorServer, market: Market) -> None:
    frame = market.dividends_frame()
    assert list(frame.columns[:5]) == ["PubDate", "PubTime", "Code", "RefNo", "StatCode"]
    assert set(frame["StatCode"]) == {"1", "2", "3"} and set(frame["FRCode"]) == {"1", "2"}
    assert set(frame["IFCode"]) <= {"1", "2"}
    rates = frame["DivRate"]
    assert {type(v) for v in rates} == {float, str} and {v for v in rates if isinstance(v, str)} == {"-", ""}
    assert (frame.loc[frame["StatCode"] == "3", "DivRate"] == "").all()
    assert frame["RefNo"].is_unique
    by_ref = frame.set_index("RefNo")
    follow = frame[frame["StatCode"] != "1"]
    for row in follow.itertuples():
        original = by_ref.loc[row.CARefNo]
        assert original["StatCode"] == "1" and original["FRCode"] == "2" and original["Code"] == row.Code
        assert original["PubDate"] < row.PubDate
    new = frame[frame["StatCode"] == "1"]
    assert (new["CARefNo"] == new["RefNo"]).all()
    listings = market.listings().set_index("Code")
    for row in frame.itertuples():
        assert listings.loc[row.Code, "ListedDate"] <= row.PubDate <= market.end
        delisted = listings.loc[row.Code, "DelistedDate"]
        assert delisted is None or pd.isna(delisted) or row.PubDate <= delisted
    calendar = dict(zip(market.calendar()["Date"], market.calendar()["HolDiv"], strict=True))
    for row in frame[frame["RecDate"] > "2019-02"].sample(40, random_state=2).itertuples():
        act, ex = dt.date.fromisoformat(row.ActRecDate), dt.date.fromisoformat(row.ExDate)
        gap = [
            d for d in (ex + dt.timedelta(days=k) for k in range(1, 10)) if d <= act and calendar[d] == "1"
        ]
        assert len(gap) == (1 if act >= dt.date(2019, 7, 16) else 2), row
        assert act <= dt.date.fromisoformat(row.RecDate) and row.IFTerm == row.RecDate[:7]


def test_dividends_endpoint(server: SimulatorServer, market: Market) -> None:
    assert call(server, "/fins/dividend")[0] == 400
    assert call(server, "/fins/dividend", **{"from": "2024-01-01"})[0] == 400
    frame = market.dividends_frame()
    code = frame["Code"].value_counts().index[0]
    served = fetch_all(server, "/fins/dividend", code=code[:4], **{"from": "2021-01-01", "to": "2024-12-31"})
    truth = frame[(frame["Code"] == code) & (frame["PubDate"] >= dt.date(2021, 1, 1))
                  & (frame["PubDate"] <= dt.date(2024, 12, 31))]  # fmt: skip
    same_rows(served, truth)
    day = frame["PubDate"].iloc[len(frame) // 2]
    by_date = fetch_all(server, "/fins/dividend", date=day.isoformat())
    assert {r["RefNo"] for r in by_date} == set(frame.loc[frame["PubDate"] == day, "RefNo"])
    every = fetch_all(server, "/fins/dividend", code=code)
    assert {r["DivRate"] for r in every if isinstance(r["DivRate"], str)} <= {"-", ""} | {
        str(float(v)) for v in frame["DivRate"] if not isinstance(v, str)}  # fmt: skip


def test_fin_summary(server: SimulatorServer, market: Market) -> None:
    frame = market.fin_summary_frame()
    assert list(frame.columns[:6]) == ["DiscDate", "DiscTime", "Code", "DiscNo", "DocType", "CurPerType"]
    assert frame["DiscNo"].is_unique and frame["DiscNo"].is_monotonic_increasing
    assert (frame["DiscDate"] <= market.end).all()
    reports = frame[frame["DocType"].str.contains("FinancialStatements")]
    for _, fy in reports.groupby(["Code", "CurFYSt"]):
        fy = fy.sort_values("CurPerEn")
        assert fy["Sales"].is_monotonic_increasing  # cumulative within the fiscal year
        assert list(fy["CurPerType"]) == [q for q in ("1Q", "2Q", "3Q", "FY") if q in set(fy["CurPerType"])]
    jp = reports["DocType"].str.endswith("_JP")
    assert reports.loc[jp, "OdP"].notna().all() and reports.loc[~jp, "OdP"].isna().all() and (~jp).any()
    times = set(frame["DiscTime"])
    assert "" in times and {"15:30:00", "16:00:00"} <= times
    assert (frame["DocType"] == "EarnForecastRevision").any()
    shares = reports["ShOutFY"] - reports["TrShFY"]
    assert np.allclose(reports["EPS"], (reports["NP"] / shares).round(2))


def test_fin_summary_endpoint(server: SimulatorServer, market: Market) -> None:
    assert call(server, "/fins/summary")[0] == 400
    frame = market.fin_summary_frame()
    day = frame["DiscDate"].iloc[len(frame) // 3]
    served = fetch_all(server, "/fins/summary", date=day.strftime("%Y%m%d"), cursor="ignored")
    same_rows(served, frame[frame["DiscDate"] == day], blank="")
    row = served[0]
    assert row["NCSales"] == "" and isinstance(row["DocType"], str)
    code = frame["Code"].iloc[0]
    assert [r["DiscNo"] for r in fetch_all(server, "/fins/summary", code=code)] == list(
        frame.loc[frame["Code"] == code, "DiscNo"])  # fmt: skip


def test_fin_summary_has_its_own_rate_limit(market: Market) -> None:
    with SimulatorServer(market, api_key="k", rate_per_minute=100) as srv:
        statuses = [call(srv, "/fins/summary", key="k", date="2024-05-15")[0] for _ in range(61)]
        assert statuses[:60] == [200] * 60 and statuses[60] == 429
        assert call(srv, "/markets/calendar", key="k", **{"from": "2024-01-04", "to": "2024-01-04"})[0] == 200


def test_margin_interest(server: SimulatorServer, market: Market) -> None:
    frame = market.margin_frame()
    assert list(frame.columns) == ["Date", "Code", "ShrtVol", "LongVol", "ShrtNegVol", "LongNegVol",
                                   "ShrtStdVol", "LongStdVol", "IssType"]  # fmt: skip
    business = market.business_days()
    weeks: dict = {}
    for day in business:
        weeks.setdefault(day.isocalendar()[:2], []).append(day)
    expected = {days[-1] for days in weeks.values() if len(days) >= 3}
    assert set(frame["Date"]) <= expected and len(set(frame["Date"])) >= len(expected) - 2
    short_weeks = {days[-1] for days in weeks.values() if len(days) <= 2}
    assert short_weeks and not (short_weeks & set(frame["Date"]))
    assert (frame["ShrtVol"] == frame["ShrtNegVol"] + frame["ShrtStdVol"]).all()
    assert (frame["LongVol"] == frame["LongNegVol"] + frame["LongStdVol"]).all()
    assert set(frame["IssType"]) <= {"1", "2"} and (frame["LongVol"] % 100 == 0).all()
    master = market.master_frame("2024-06-07").set_index("Code")
    week = frame[frame["Date"] == dt.date(2024, 6, 7)]
    assert set(week["Code"]) == set(master.index[master["Mrgn"].isin(["1", "2"])])
    assert call(server, "/markets/margin-interest")[0] == 400
    served = fetch_all(server, "/markets/margin-interest", date="2024-06-07")
    same_rows(served, week)
    # published the 2nd business day after the record date
    assert dt.date(2024, 6, 7) not in set(Market(seed=7, n_codes=12, end="2024-06-10").margin_frame()["Date"])
    assert dt.date(2024, 6, 7) in set(Market(seed=7, n_codes=12, end="2024-06-11").margin_frame()["Date"])


def test_breakdown_adds_up_to_the_bars(server: SimulatorServer, market: Market, bars: pd.DataFrame) -> None:
    frame = market.breakdown_frame()
    assert list(frame[["Date", "Code"]].itertuples(index=False)) == list(
        bars[["Date", "Code"]].itertuples(index=False)
    )
    vo, va = bars["Vo"].fillna(0).to_numpy(), bars["Va"].fillna(0).to_numpy()
    sell_vo = frame[["LongSellVo", "ShrtNoMrgnVo", "MrgnSellNewVo", "MrgnSellCloseVo"]].sum(axis=1)
    buy_va = frame[["LongBuyVa", "MrgnBuyNewVa", "MrgnBuyCloseVa"]].sum(axis=1)
    assert np.array_equal(sell_vo.to_numpy(), vo) and np.array_equal(buy_va.to_numpy(), va)
    assert (frame.iloc[:, 2:] >= 0).all().all()
    assert call(server, "/markets/breakdown")[0] == 400
    served = fetch_all(
        server, "/markets/breakdown", code=ILLIQUID_CODE, **{"from": "2024-06-03", "to": "2024-06-28"}
    )
    truth = frame[(frame["Code"] == ILLIQUID_CODE) & (frame["Date"] >= dt.date(2024, 6, 3))
                  & (frame["Date"] <= dt.date(2024, 6, 28))]  # fmt: skip
    same_rows(served, truth)


def test_malformed_rows_in_other_datasets(server: SimulatorServer, market: Market) -> None:
    server.set_faults(malformed=0.5, seed=11)
    before = len(server.injected)
    code = market.dividends_frame()["Code"].value_counts().index[0]
    dividends = {r["RefNo"]: r for r in fetch_all(server, "/fins/dividend", code=code)}
    summaries = {r["DiscNo"]: r for r in fetch_all(server, "/fins/summary", code=code)}
    fetch_all(server, "/markets/breakdown", date="2024-06-03")
    fetch_all(server, "/markets/margin-interest", date="2024-06-07")
    injected = server.injected[before:]
    datasets = {i["dataset"] for i in injected}  # the lake's table names
    assert datasets == {"dividends", "fin_summary", "trade_breakdown", "margin_interest"}
    for record in injected:
        if record["dataset"] in ("trade_breakdown", "margin_interest"):
            assert record["Date"] in ("2024-06-03", "2024-06-07") and record["rule"] == "unparseable_number"
            continue
        assert record["rule"] == "unparseable_number"
        if record["dataset"] == "dividends":
            assert record["field"] == "DivRate" and record["Code"] == code
            assert any(r["DivRate"] == "#N/A" and r["PubDate"] == record["Date"] for r in dividends.values())
        else:
            assert record["field"] in {"Sales", "OP", "NP", "EPS"}
            assert any(r[record["field"]] == "-" for r in summaries.values())


# ---------------------------------------------------------------- bulk
def download(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def read_bulk_csv(data: bytes) -> pd.DataFrame:
    frame = pd.read_csv(io.BytesIO(gzip.decompress(data)), dtype=str, keep_default_na=False)
    for name in NUMERIC_BAR_FIELDS + [V1_NAMES[k] for k in NUMERIC_BAR_FIELDS]:
        if name in frame:
            frame[name] = frame[name].map(lambda v: np.nan if v == "" else float(v))
    return frame


V1_NAMES = {"O": "Open", "H": "High", "L": "Low", "C": "Close", "UL": "UpperLimit", "LL": "LowerLimit",
            "Vo": "Volume", "Va": "TurnoverValue", "AdjFactor": "AdjustmentFactor", "AdjO": "AdjustmentOpen",
            "AdjH": "AdjustmentHigh", "AdjL": "AdjustmentLow", "AdjC": "AdjustmentClose",
            "AdjVo": "AdjustmentVolume"}  # fmt: skip


def test_bulk_list_get_and_download(server: SimulatorServer, market: Market, bars: pd.DataFrame) -> None:
    assert call(server, "/bulk/list")[0] == 400
    assert call(server, "/bulk/list", endpoint="/nope")[0] == 400
    listing = fetch_all(server, "/bulk/list", endpoint="/equities/bars/daily")
    months = sorted({d.strftime("%Y%m") for d in market.business_days()})
    assert [r["Key"][-13:-7] for r in listing] == months
    by_month = {r["Key"][-13:-7]: r for r in listing}
    for month, names in (("202212", "v1"), ("202406", "v2")):
        entry = by_month[month]
        status, body, _ = call_with(server, "/bulk/get", {"key": entry["Key"]})
        assert status == 200 and set(body) == {"url"}
        assert body["url"].startswith(server.origin) and "Signature=" in body["url"]
        status, data = download(body["url"])  # no API key needed
        assert status == 200 and len(data) == int(plain(entry["Size"]))
        frame = read_bulk_csv(data)
        if names == "v1":
            assert "AdjustmentClose" in frame and "AdjC" not in frame
            frame = frame.rename(columns={v: k for k, v in V1_NAMES.items()})
        else:
            assert "AdjC" in frame and "AdjustmentClose" not in frame
        truth = bars[[d.strftime("%Y%m") == month for d in bars["Date"]]].reset_index(drop=True)
        assert list(frame["Code"]) == list(truth["Code"]) and list(frame["Date"]) == [
            d.isoformat() for d in truth["Date"]
        ]
        for name in NUMERIC_BAR_FIELDS:
            np.testing.assert_array_equal(frame[name].to_numpy(), truth[name].to_numpy(), err_msg=name)
        assert list(frame["UL"]) == list(truth["UL"])
    # a split rewrites the adjusted columns of earlier files: LastModified moves to the ex-date
    assert by_month["202406"]["LastModified"] >= "2025-03-27"
    assert by_month["202606"]["LastModified"].startswith("2026-06-30")
    assert call_with(server, "/bulk/get", {"key": "equities/bars/daily/1999/x.csv.gz"})[0] == 400
    assert call_with(server, "/bulk/get", {})[0] == 400


def test_bulk_url_expiry_and_signature(market: Market) -> None:
    with SimulatorServer(market, api_key="secret", bulk_url_ttl=-1) as srv:
        key = fetch_all(srv, "/bulk/list", endpoint="/equities/bars/daily")[0]["Key"]
        _, body, _ = call_with(srv, "/bulk/get", {"key": key})
        status, data = download(body["url"])
        assert status == 403 and b"expired" in data
        srv.bulk_url_ttl = 300
        _, body, _ = call_with(srv, "/bulk/get", {"key": key})
        assert download(body["url"])[0] == 200
        assert download(body["url"].replace("Signature=", "Signature=0"))[0] == 403
        assert srv.request_log[-1]["path"].startswith("/bulk-download/")


def call_with(srv: SimulatorServer, path: str, params: dict[str, str], api_key: str = "secret"):
    """GET with an explicit parameter dict (for parameters named like `call`'s own, e.g. `key`)."""
    url = srv.base_url + path + ("?" + urlencode(params) if params else "")
    request = urllib.request.Request(url, headers={"x-api-key": api_key})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), dict(err.headers)
