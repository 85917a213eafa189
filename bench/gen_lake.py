"""The simulator's market at benchmark scale, written straight into a raw lake as the dlt ingest would.

    python bench/gen_lake.py --codes 4000 --days 2500 --lake bench/cache/lake_c4000_d2500

Writes `<lake>/jquants_raw/<table>/<load_id>.<file_id>.parquet` for every table of
docs/lake-contract.md that the marts read — daily_bars, equities_master (one snapshot per business
day, as `/equities/master?date=D` per day), trading_calendar, topix, investor_types, dividends,
fin_summary, margin_interest, trade_breakdown — with the Arrow schema the ingest's dlt resources
pin (`ingest.jquants.schema` specs: column order, types, NOT NULL on required fields, `<col>_status`
after a status field, then `_ingested_at` (timestamp[us, UTC]), `_source` (`'rest'`),
`_dlt_load_id`, `_dlt_id`), Snappy, row groups of 5,000 rows (dlt's default buffer), plus dlt's
`init` marker and `_dlt_loads/` record. Nothing goes over HTTP: the frames come from
`ingest.simulator.Market` (IPOs, delistings, splits and reverse splits, no-trade all-NULL bars,
letter codes, limit days, weekly/quarterly PIT datasets with revisions), vectorised over
(day, code) with numpy/pyarrow for the three big tables (bars, master snapshots, breakdown).

Two loads:
  * the history: `days` business days ending the business day before `--new-day`
    (`<lake>/jquants_raw/...`, ingested at 19:00 JST of its last day);
  * the daily load of `--new-day` (default 2026-11-24): every dataset published that day, written
    to `<lake>.newday/jquants_raw/...` with the same layout; `bench/run_bench.py` copies it into the
    lake for the incremental step (and removes it again between repetitions).

The simulator's calendar starts in 2019; for 2,500 days the generator moves `CALENDAR_FIRST`
back (the calendar module reads it at call time), so a run of this script is deterministic for
(seed, codes, days, new day). A `<lake>/.complete` file marks a finished lake (the cache check).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import ingest.simulator.calendar as sim_calendar
from ingest.jquants import schema as lake_schema

ROW_GROUP_ROWS = 5_000  # dlt's parquet writer flushes a row group every 5,000 items
NEW_DAY = dt.date(2026, 11, 24)
_ARROW_KIND = {"date": pa.date32(), "code": pa.string(), "text": pa.string(), "number": pa.float64()}


# ---------------------------------------------------------------------------- schema and columns
def arrow_schema(spec: lake_schema.DatasetSpec) -> pa.Schema:
    """The Arrow schema dlt writes for a resource with `spec.columns()` hints."""
    fields = []
    for f in spec.fields:
        fields.append(pa.field(f.column, _ARROW_KIND[f.kind], nullable=not f.required))
        if f.status_column:
            fields.append(pa.field(f.status_column, pa.string(), nullable=False))
    fields += [
        pa.field(lake_schema.INGESTED_AT, pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field(lake_schema.SOURCE, pa.string(), nullable=False),
        pa.field("_dlt_load_id", pa.string(), nullable=False),
        pa.field("_dlt_id", pa.string(), nullable=False),
    ]
    return pa.schema(fields)


def _is_blank(values: pd.Series) -> np.ndarray:
    as_text = values.astype(object)
    return (values.isna() | (as_text == "")).to_numpy()


def _date_array(values) -> pa.Array:
    if isinstance(values, pa.Array):
        return values.cast(pa.date32())
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        return pa.array(arr.astype("datetime64[D]")).cast(pa.date32())
    s = pd.Series(arr, dtype=object)
    s = s.where(~_is_blank(s), None)
    parsed = pd.to_datetime(s.astype("string"), format="mixed").to_numpy().astype("datetime64[D]")
    return pa.array(parsed, mask=s.isna().to_numpy()).cast(pa.date32())


def _number_array(values) -> pa.Array:
    if isinstance(values, pa.Array):
        return values.cast(pa.float64())
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        return pa.array(arr, from_pandas=True)  # NaN -> NULL
    s = pd.Series(arr, dtype=object)
    s = s.where(~(_is_blank(s) | (s.astype(object) == "-").to_numpy()), None)
    return pa.array(pd.to_numeric(s).to_numpy(dtype=float), from_pandas=True)


def _text_array(values) -> pa.Array:
    if isinstance(values, pa.Array):
        arr = values.cast(pa.string())
        return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)

    def text(v):
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) or v == "":
            return None
        return v if isinstance(v, str) else str(v)

    return pa.array([text(v) for v in np.asarray(values, dtype=object)], type=pa.string())


def _status_array(values) -> pa.Array:
    """The DivRate rule: a value -> 'value', "-" -> 'undetermined', "" / null -> 'not_set'."""
    s = pd.Series(np.asarray(values, dtype=object))
    status = np.where(_is_blank(s), "not_set", np.where((s == "-").to_numpy(), "undetermined", "value"))
    return pa.array(status, type=pa.string())


_CONVERT = {"date": _date_array, "number": _number_array, "text": _text_array, "code": _text_array}


def lake_table(spec: lake_schema.DatasetSpec, columns: dict, n: int, load: Load) -> pa.Table:
    """One load's rows of a table: V2 fields (absent = NULL) -> typed lake columns + dlt columns."""
    arrays = []
    for f in spec.fields:
        raw = columns.get(f.source)
        if raw is None:
            arrays.append(pa.nulls(n, _ARROW_KIND[f.kind]))
        else:
            arrays.append(_CONVERT[f.kind](raw))
        if f.status_column:
            arrays.append(_status_array(raw) if raw is not None else pa.array(["not_set"] * n))
    ingested = pa.array(np.full(n, load.ingested_at, dtype="datetime64[us]")).cast(
        pa.timestamp("us", tz="UTC")
    )
    ids = pc.binary_join_element_wise(
        pa.array(np.full(n, load.id_prefix(spec.table)), type=pa.string()),
        pc.cast(pa.array(np.arange(n, dtype=np.int64)), pa.string()),
        "",
    )
    arrays += [
        ingested,
        pa.array(np.full(n, "rest"), type=pa.string()),
        pa.array(np.full(n, load.load_id), type=pa.string()),
        ids,
    ]
    return pa.Table.from_arrays(arrays, schema=arrow_schema(spec))


class Load:
    """One dlt load: its id (the unix time as dlt writes it) and the moment its rows were fetched."""

    def __init__(self, dataset_dir: Path, fetched_at: dt.datetime) -> None:
        self.dir = dataset_dir
        self.fetched_at = fetched_at
        self.ingested_at = np.datetime64(fetched_at.replace(tzinfo=None), "us")
        self.load_id = f"{fetched_at.timestamp():.7f}"
        self.tables: list[str] = []

    def id_prefix(self, table: str) -> str:
        return f"{zlib.crc32(f'{self.load_id}|{table}'.encode()):08x}"

    def write(self, spec: lake_schema.DatasetSpec, columns: dict, n: int) -> int:
        if n == 0:
            return 0
        table = lake_table(spec, columns, n, self)
        folder = self.dir / spec.table
        folder.mkdir(parents=True, exist_ok=True)
        file_id = f"{zlib.crc32(f'{self.load_id}|{spec.table}|file'.encode()):010x}"[-10:]
        pq.write_table(table, folder / f"{self.load_id}.{file_id}.parquet", row_group_size=ROW_GROUP_ROWS)
        self.tables.append(spec.table)
        return n

    def finish(self) -> None:
        """dlt's bookkeeping: the `init` marker and the completed load record."""
        (self.dir / "init").write_text("")
        loads = self.dir / "_dlt_loads"
        loads.mkdir(parents=True, exist_ok=True)
        record = {
            "load_id": self.load_id,
            "schema_name": "jquants",
            "status": 0,
            "inserted_at": self.fetched_at.isoformat(),
            "schema_version_hash": "bench-gen-lake",
        }
        (loads / f"jquants__{self.load_id}.jsonl").write_text(json.dumps(record) + "\n")


# ---------------------------------------------------------------------------- the market
def span(days: int, new_day: dt.date) -> tuple[dt.date, dt.date]:
    """(first, last) business day of a history of `days` business days ending before `new_day`.

    Moves the simulator calendar's first day back far enough (before anything reads it).
    """
    years_back = days // 240 + 2
    sim_calendar.CALENDAR_FIRST = min(sim_calendar.CALENDAR_FIRST, dt.date(new_day.year - years_back, 1, 1))
    for cached in (sim_calendar.national_holidays, sim_calendar._calendar_arrays, sim_calendar.business_days,
                   sim_calendar.tse_busdaycalendar):  # fmt: skip
        cached.cache_clear()
    bdays = sim_calendar.business_days()
    k = int(np.searchsorted(bdays, np.datetime64(new_day, "D")))
    if k >= len(bdays) or bdays[k] != np.datetime64(new_day, "D"):
        raise SystemExit(f"--new-day {new_day} is not a business day")
    if k < days:
        raise SystemExit(f"not enough business days before {new_day}")
    first = bdays[k - days].astype(dt.date)
    last = bdays[k - 1].astype(dt.date)
    return first, last


def move_end(market, end: dt.date) -> None:
    """Move the market's 'today' to `end` (later), as a daily run the next day sees it."""
    market.end = end
    market._i1 = market.day_index(end, "right")
    uni = market.universe
    market._visible = np.nonzero((uni.first < market._i1) & (uni.last >= market._i0))[0]
    for name in ("codes", "_visible_set"):
        market.__dict__.pop(name, None)
    market._prepare_adjustment()


def listed_pairs(market, t_lo: int, t_hi: int) -> tuple[np.ndarray, np.ndarray]:
    """(day index, code index) of every listed pair with day in [t_lo, t_hi), by date then code."""
    cols = market.visible_code_indexes()
    listed = market.tape.listed[t_lo:t_hi][:, cols]
    tt, k = np.nonzero(listed)
    return (tt + t_lo).astype(np.int64), cols[k].astype(np.int64)


def _codes_array(market, cc: np.ndarray) -> pa.Array:
    dictionary = pa.array([str(c) for c in market.universe.codes], type=pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(cc.astype(np.int32)), dictionary).cast(pa.string())


def _flag_array(flags: np.ndarray) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(flags.astype(np.int8)), pa.array(["0", "1"])).cast(
        pa.string()
    )


def bars_columns(market, tt: np.ndarray, cc: np.ndarray) -> dict:
    tape = market.tape
    out: dict = {"Date": market._days[tt], "Code": _codes_array(market, cc)}
    raw = {"O": tape.o, "H": tape.h, "L": tape.low, "C": tape.c}
    for k, v in raw.items():
        out[k] = v[tt, cc]
    out["UL"], out["LL"] = _flag_array(tape.ul[tt, cc]), _flag_array(tape.ll[tt, cc])
    out["Vo"], out["Va"] = tape.vo[tt, cc], tape.va[tt, cc]
    factor, num, den = market._adjustment(tt, cc)
    out["AdjFactor"] = factor
    from ingest.simulator.rules import scaled_round_tenth

    for k in raw:
        out[f"Adj{k}"] = scaled_round_tenth(out[k], num, den)
    out["AdjVo"] = scaled_round_tenth(out["Vo"], den, num)
    return out


def master_columns(market, tt: np.ndarray, cc: np.ndarray) -> dict:
    """Every day's `/equities/master?date=D` snapshot, vectorised (Market.master_columns per day)."""
    from ingest.simulator.universe import MARKET_NAMES

    uni = market.universe
    n_days = len(market._days)
    # section changes as (code, day index) keys, like Market._adjustment's split events
    ev_code, ev_day, ev_mkt = [-1], [-1], [""]
    for i, changes in enumerate(uni.sections):
        for k, (since, mkt) in enumerate(changes):
            ev_code.append(i)
            ev_day.append(-1 if k == 0 else int(np.searchsorted(market._days, np.datetime64(since, "D"))))
            ev_mkt.append(mkt)
    ev_code, ev_day = np.array(ev_code), np.array(ev_day)
    order = np.lexsort((ev_day, ev_code))
    ev_code, ev_day = ev_code[order], ev_day[order]
    mkts = sorted(set(ev_mkt) - {""})
    ev_mkt_id = np.array([mkts.index(m) if m else 0 for m in np.array(ev_mkt, dtype=object)[order]])
    key = np.where(ev_code >= 0, ev_code * (n_days + 1) + ev_day + 1, -1)
    pos = np.searchsorted(key, cc * (n_days + 1) + tt + 1, side="right") - 1
    mkt_id = ev_mkt_id[pos]
    mkt_dict = pa.array(mkts, type=pa.string())
    attrs = uni.attrs

    def by_code(values) -> pa.Array:
        dictionary = pa.array([str(v) for v in values], type=pa.string())
        return pa.DictionaryArray.from_arrays(pa.array(cc.astype(np.int32)), dictionary).cast(pa.string())

    out: dict = {"Date": market._days[tt], "Code": _codes_array(market, cc)}
    for name in ("CoName", "CoNameEn", "S17", "S17Nm", "S33", "S33Nm"):
        out[name] = by_code(attrs[name].to_numpy(dtype=object))
    out["Mkt"] = pa.DictionaryArray.from_arrays(pa.array(mkt_id.astype(np.int32)), mkt_dict).cast(pa.string())
    names = pa.array([MARKET_NAMES[m] for m in mkts], type=pa.string())
    out["MktNm"] = pa.DictionaryArray.from_arrays(pa.array(mkt_id.astype(np.int32)), names).cast(pa.string())
    topix_cat = attrs["TopixCat"].to_numpy(dtype=object)
    prime = np.isin(np.array(mkts, dtype=object)[mkt_id], ["0101", "0111"])
    scale_values = sorted(set(topix_cat.tolist()) | {"-"})
    scale_id = np.where(
        prime, np.searchsorted(scale_values, topix_cat[cc].astype(str)), scale_values.index("-")
    )
    out["ScaleCat"] = pa.DictionaryArray.from_arrays(
        pa.array(scale_id.astype(np.int32)), pa.array(scale_values, type=pa.string())
    ).cast(pa.string())
    out["Mrgn"] = by_code(attrs["Mrgn"].to_numpy(dtype=object))
    out["MrgnNm"] = by_code(attrs["MrgnNm"].to_numpy(dtype=object))
    return out


def breakdown_columns(market, tt: np.ndarray, cc: np.ndarray) -> dict:
    from ingest.simulator.breakdown import breakdown_columns as numeric

    out: dict = {"Date": market._days[tt], "Code": _codes_array(market, cc)}
    out.update(numeric(market.seed, tt, cc, market.tape.vo[tt, cc], market.tape.va[tt, cc]))
    return out


def frame_columns(frame: pd.DataFrame) -> dict:
    return {name: frame[name].to_numpy() for name in frame.columns}


PIT_FRAMES = {
    # table spec, Market method, natural key (V2 fields) to tell the new day's rows from the history's
    "investor_types": (lake_schema.INVESTOR_TYPES, "investor_types_frame", ["Section", "StDate", "EnDate", "PubDate"]),
    "dividends": (lake_schema.DIVIDENDS, "dividends_frame", ["RefNo"]),
    "fin_summary": (lake_schema.FIN_SUMMARY, "fin_summary_frame", ["DiscNo"]),
    "margin_interest": (lake_schema.MARGIN_INTEREST, "margin_frame", ["Date", "Code"]),
}  # fmt: skip


def write_calendar(market, load: Load, lo: dt.date, hi: dt.date) -> int:
    """`/markets/calendar?from=lo&to=hi`: every calendar day of the load's window, as the ingest asks."""
    cal = market.calendar()
    days = cal["Date"].to_numpy()
    window = cal[(days >= lo) & (days <= hi)]
    return load.write(lake_schema.TRADING_CALENDAR, frame_columns(window), len(window))


def write_market_days(market, load: Load, t_lo: int, t_hi: int, log) -> dict[str, int]:
    """The per-day tables (bars, master, breakdown, TOPIX) for day indexes [t_lo, t_hi)."""
    rows = {}
    tt, cc = listed_pairs(market, t_lo, t_hi)
    log(f"  {len(tt):,} listed (day, code) pairs")
    rows["daily_bars"] = load.write(lake_schema.DAILY_BARS, bars_columns(market, tt, cc), len(tt))
    log("  daily_bars written")
    rows["equities_master"] = load.write(lake_schema.EQUITIES_MASTER, master_columns(market, tt, cc), len(tt))
    log("  equities_master written")
    rows["trade_breakdown"] = load.write(
        lake_schema.TRADE_BREAKDOWN, breakdown_columns(market, tt, cc), len(tt)
    )
    log("  trade_breakdown written")
    topix = market.topix_columns(np.arange(t_lo, t_hi))
    rows["topix"] = load.write(lake_schema.TOPIX, topix, len(topix["Date"]))
    return rows


def generate(codes: int, days: int, lake: Path, seed: int = 42, new_day: dt.date = NEW_DAY,
             verbose: bool = True, history_written: bool = False) -> dict:  # fmt: skip
    """Write the history lake at `lake` and the new day's load at `<lake>.newday`; returns row counts.

    `history_written`: the history load is already complete at `lake` (an interrupted run): only the
    new day's load is (re)written.
    """
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        if verbose:
            print(f"[gen_lake {time.perf_counter() - t0:6.1f}s] {msg}", flush=True)

    first, last = span(days, new_day)
    from ingest.simulator.market import Market

    newday_root = Path(str(lake) + ".newday")
    for root in (newday_root,) if history_written else (lake, newday_root):
        if root.exists():
            shutil.rmtree(root)
    market = Market(seed=seed, n_codes=codes, start=first, end=last)
    log(f"market: {codes} codes, {first} .. {last} ({days} business days), new day {new_day}")

    history = Load(lake / "jquants_raw", dt.datetime.combine(last, dt.time(10, 0), dt.UTC))
    i0, i1 = market.day_range
    old_pit = {table: getattr(market, method)() for table, (_spec, method, _key) in PIT_FRAMES.items()}
    if history_written:
        rows = {"history": {t.name: pq.ParquetDataset(t).read(columns=[]).num_rows
                            for t in sorted((lake / "jquants_raw").iterdir()) if t.is_dir() and not t.name.startswith("_")}}  # fmt: skip
    else:
        rows = {"history": write_market_days(market, history, i0, i1, log)}
        rows["history"]["trading_calendar"] = write_calendar(market, history, first, last)
        for table, (spec, _method, _key) in PIT_FRAMES.items():
            frame = old_pit[table]
            rows["history"][table] = history.write(spec, frame_columns(frame), len(frame))
        history.finish()
    log(f"history written: {rows['history']}")

    move_end(market, new_day)
    newday = Load(newday_root / "jquants_raw", dt.datetime.combine(new_day, dt.time(10, 0), dt.UTC))
    t_new = market.day_index(new_day)
    rows["new_day"] = write_market_days(market, newday, t_new, t_new + 1, log)
    rows["new_day"]["trading_calendar"] = write_calendar(market, newday, last + dt.timedelta(days=1), new_day)
    for table, (spec, method, key) in PIT_FRAMES.items():
        frame = getattr(market, method)()
        seen = old_pit[table][key].astype(str).drop_duplicates()
        marked = frame[key].astype(str).merge(seen, on=key, how="left", indicator=True)
        fresh = frame[(marked["_merge"] == "left_only").to_numpy()]
        rows["new_day"][table] = newday.write(spec, frame_columns(fresh), len(fresh))
    newday.finish()
    log(f"new day written: {rows['new_day']}")
    meta = {"codes": codes, "days": days, "seed": seed, "first_day": str(first), "last_day": str(last),
            "new_day": str(new_day), "rows": rows}  # fmt: skip
    (lake / ".complete").write_text(json.dumps(meta, indent=1))
    return meta


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--codes", type=int, default=4000)
    ap.add_argument("--days", type=int, default=2500)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--new-day", type=dt.date.fromisoformat, default=NEW_DAY)
    ap.add_argument("--lake", type=Path, required=True)
    ap.add_argument("--history-written", action="store_true", help="only (re)write the new day's load")
    args = ap.parse_args()
    meta = generate(
        args.codes, args.days, args.lake, args.seed, args.new_day, history_written=args.history_written
    )
    print(json.dumps(meta["rows"]))


if __name__ == "__main__":
    main()
