"""`make bench`: the benchmark of issue 7, end to end, on a generated full-market lake.

    .venv/bin/python bench/run_bench.py            # knobs by environment, defaults below

| variable | default | what |
|---|---|---|
| `BENCH_CODES` | `1000,2000,4000` | market sizes (codes); the full refresh is timed at each (scaling), every other step at the largest |
| `BENCH_DAYS` | `2500` | business days of history |
| `BENCH_REPEAT` | `3` | repetitions of the fast steps (incremental, publish, the 21 technical columns) |
| `BENCH_REPEAT_FULL` | `1` | repetitions of the full refresh at the largest size (1 at the others) |
| `BENCH_REPEAT_TECH` | `BENCH_REPEAT` | repetitions of the 21-column comparison (5 processes per repetition) |
| `BENCH_PEERS` | `talib,polars,pandas` | the other implementations of the 21 columns |
| `BENCH_CACHE` | `bench/cache` | lakes (generated once per size) and work folders |
| `BENCH_OUT` | `bench/results.md` | the markdown file the table goes to (between the `make bench` markers; the rest is kept) |
| `BENCH_WARMUP` | `100` | rows per code left out of the max-abs-diff check (indicators.md) |
| `BENCH_PROJECT` | this repository | the dbt project to run (a clone at a fixed commit for a quiet measurement) |
| `BENCH_SCALING_ONLY` | `0` | `1`: only the full refresh at each size (the scaling rows), no other step |

Each size's figures are kept in `BENCH_CACHE/results_c<codes>_d<days>.json`: sizes measured by separate
invocations (e.g. `BENCH_CODES=1000,2000 BENCH_SCALING_ONLY=1`, then `BENCH_CODES=4000`) make one table;
the main table is the largest size measured beyond its full refresh.

Each timed step is a fresh process (wall, user+sys CPU and peak RSS from `wait4`, the 1-minute
load average before and after). Per size: the lake comes from `bench/gen_lake.py` (the simulator's
market written as the dlt ingest writes it; cached under `BENCH_CACHE/lake_c<codes>_d<days>`), the
models upstream of the features are built once untimed (`dbt build`, with their data tests), then:

1. full refresh: `dbt build --full-refresh --select "+ml_features,path:models/intermediate/features"
   ml_features --exclude-resource-type unit_test` — every feature model the mart reads, the mart,
   and their data tests (dbt unit tests are the test suite's business);

and at the largest size only (sizes run smallest first; a smaller size's database is deleted after
its full refresh, to leave the disk to the next):

2. publishing ml_features to embedded chDB (`gogooku3.publish.publish_marts`; its files deleted after
   each repetition);
3. the 21 technical columns from one Parquet panel (int_prices_adjusted's feature price columns, exported
   untimed) by TA-Lib + numpy, polars, plain pandas and our macro's compiled SQL in a plain DuckDB
   process, each writing Parquet (interleaved repetitions), plus `dbt run --full-refresh` of
   int_features_technical alone; each output compared with the mart (max |diff| per column after the
   warm-up, NULL mismatches over all rows);
4. last, the daily incremental: one `dbt build --select +ml_features` with no new data first, timed
   on its own row (the first delete+insert after a full refresh makes DuckDB's checkpoint rewrite the
   row groups written in bulk, once), then the new day's load (`<lake>.newday`, every dataset
   published that day) copied into the lake and `dbt build --select +ml_features` (no --vars: a
   changed var re-parses the project) on a copy of the database that first run left (as
   `orchestrate.py run` does for one day) — or, when the disk cannot hold the copy, once in place;
   the SQL time of each model from dbt's run_results.json.

The table is rewritten after every step, so an interrupted run leaves what it measured.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from impl_talib import COLUMNS

# the 21-column implementations whose price levels are in each row's own scale, like the mart's (the
# model's compiled SQL); the peers write the panel's adjusted scale
OWN_SCALE = {"duckdb SQL"}
# the steps that are not ours (the RSS target is about ours)
PEER_STEPS = {"talib", "polars", "pandas"}
NO_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]  # dbt's unit tests are the test suite's business
FEATURES_SELECT = ["+ml_features,path:models/intermediate/features", "ml_features"]
TECHNICAL_MODEL = "int_features_technical"
LEVEL = {"sma_5", "sma_20", "sma_60", "ema_12", "ema_26", "macd", "macd_signal", "macd_hist", "atr_14"}
VOLUME_LEVEL = {"obv"}
BEGIN, END = "<!-- BEGIN make bench -->", "<!-- END make bench -->"
GIB = 1024**3


# ---------------------------------------------------------------------------- configuration
@dataclass
class Config:
    codes: list[int]
    days: int
    repeat: int
    repeat_full: int
    repeat_tech: int
    peers: list[str]
    cache: Path
    out: Path
    project: Path
    seed: int = 42
    warmup: int = 100
    new_day: dt.date = dt.date(2026, 11, 24)
    scaling_only: bool = False

    @classmethod
    def from_env(cls) -> Config:
        env = os.environ.get
        return cls(
            codes=sorted(int(c) for c in env("BENCH_CODES", "1000,2000,4000").split(",") if c.strip()),
            days=int(env("BENCH_DAYS", "2500")),
            repeat=int(env("BENCH_REPEAT", "3")),
            repeat_full=int(env("BENCH_REPEAT_FULL", "1")),
            repeat_tech=int(env("BENCH_REPEAT_TECH", env("BENCH_REPEAT", "3"))),
            peers=[p.strip() for p in env("BENCH_PEERS", "talib,polars,pandas").split(",") if p.strip()],
            cache=Path(env("BENCH_CACHE", str(BENCH / "cache"))).resolve(),
            out=Path(env("BENCH_OUT", str(BENCH / "results.md"))).resolve(),
            project=Path(env("BENCH_PROJECT", str(ROOT))).resolve(),
            seed=int(env("BENCH_SEED", "42")),
            warmup=int(env("BENCH_WARMUP", "100")),
            new_day=dt.date.fromisoformat(env("BENCH_NEW_DAY", "2026-11-24")),
            scaling_only=env("BENCH_SCALING_ONLY", "0") not in ("", "0", "false"),
        )


def log(msg: str) -> None:
    print(f"[bench {dt.datetime.now(dt.UTC):%H:%M:%S}] {msg}", flush=True)


# ---------------------------------------------------------------------------- timing
@dataclass
class Run:
    wall: float
    cpu: float
    rss_gib: float
    load: float  # mean of the 1-minute load average before and after
    extra: dict = field(default_factory=dict)


@dataclass
class Step:
    name: str
    what: str
    rows: int
    runs: list[Run] = field(default_factory=list)

    @property
    def wall_min(self) -> float:
        return min(r.wall for r in self.runs)

    @property
    def wall_median(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu_min(self) -> float:
        return min(r.cpu for r in self.runs)

    def cpu_text(self) -> str:
        return "—" if self.cpu_min != self.cpu_min else f"{self.cpu_min:.1f}"  # NaN: not a process

    @property
    def rss(self) -> float:
        return max(r.rss_gib for r in self.runs)

    def loads(self) -> str:
        values = [r.load for r in self.runs]
        return f"{min(values):.1f}–{max(values):.1f}" if len(values) > 1 else f"{values[0]:.1f}"


def run_process(cmd: list[str], env: dict[str, str], cwd: Path, log_file: Path) -> Run:
    """Run one command as a fresh process; wall, CPU (user+sys), peak RSS, load average."""
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    with open(log_file, "a") as out:
        out.write(f"\n$ {shlex.join(cmd)}\n")
        out.flush()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    load1 = os.getloadavg()[0]
    if status != 0:
        raise SystemExit(f"failed (status {status}): {shlex.join(cmd)} — see {log_file}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024 / GIB, (load0 + load1) / 2)


# ---------------------------------------------------------------------------- one market size
class Size:
    def __init__(self, cfg: Config, codes: int) -> None:
        self.cfg = cfg
        self.codes = codes
        tag = f"c{codes}_d{cfg.days}"
        self.lake = cfg.cache / f"lake_{tag}"
        self.newday = Path(str(self.lake) + ".newday")
        self.work = cfg.cache / f"work_{tag}"
        self.db = self.work / "gogooku3.duckdb"
        self.target = self.work / "target"
        self.log_file = self.work / "bench.log"
        self.python = sys.executable
        self.dbt = str(Path(sys.executable).with_name("dbt"))

    # -- environment
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "LAKE_URL": str(self.lake),
                "DUCKDB_PATH": str(self.db),
                "DBT_TARGET_PATH": str(self.target),
                "DBT_LOG_PATH": str(self.work / "logs"),
                "CHDB_PATH": str(self.work / "chdb"),
                "DO_NOT_TRACK": "1",
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "GOGOOKU3_NO_DOTENV": "1",
                "POLARS_MAX_THREADS": "2",
                "PYTHONPATH": str(self.cfg.project),
            }
        )
        env.setdefault("JQUANTS_API_KEY", "bench-not-used")
        return env

    def dbt_cmd(self, *args: str, dbt_vars: dict | None = None) -> list[str]:
        cmd = [self.dbt, *args, "--profiles-dir", str(self.cfg.project / "profiles")]
        if dbt_vars:
            cmd += ["--vars", json.dumps(dbt_vars)]
        return cmd

    def run(self, cmd: list[str]) -> Run:
        return run_process(cmd, self.env(), self.cfg.project, self.log_file)

    def run_results(self, keep_as: str) -> dict[str, float]:
        """Execution time per node of the last dbt invocation (copied to runs/<keep_as>.json)."""
        src = self.target / "run_results.json"
        runs = self.work / "runs"
        runs.mkdir(exist_ok=True)
        shutil.copy(src, runs / f"{keep_as}.json")
        data = json.loads(src.read_text())
        self.last_elapsed = float(data.get("elapsed_time") or 0.0)  # the run after parsing
        return {r["unique_id"]: float(r["execution_time"]) for r in data["results"]}

    # -- lake
    def ensure_lake(self) -> dict:
        done = self.lake / ".complete"
        meta = json.loads(done.read_text()) if done.exists() else None
        if meta is None or meta.get("seed") != self.cfg.seed or meta.get("new_day") != str(self.cfg.new_day):
            log(f"generating the lake: {self.codes} codes × {self.cfg.days} days → {self.lake}")
            self.work.mkdir(parents=True, exist_ok=True)
            args = {"--codes": self.codes, "--days": self.cfg.days, "--seed": self.cfg.seed,
                    "--new-day": self.cfg.new_day, "--lake": self.lake}  # fmt: skip
            cmd = [self.python, str(BENCH / "gen_lake.py"), *(str(x) for kv in args.items() for x in kv)]
            run_process(cmd, self.env(), self.cfg.project, self.log_file)
            meta = json.loads(done.read_text())
        self.remove_new_day()
        return meta

    def new_day_files(self) -> list[tuple[Path, Path]]:
        return [(f, self.lake / f.relative_to(self.newday)) for f in sorted(self.newday.rglob("*.parquet"))]

    def add_new_day(self) -> None:
        for src, dst in self.new_day_files():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dst)

    def remove_new_day(self) -> None:
        for _src, dst in self.new_day_files():
            dst.unlink(missing_ok=True)

    # -- steps
    def setup(self) -> None:
        """Fresh database; the models upstream of the features and their data tests, untimed."""
        self.work.mkdir(parents=True, exist_ok=True)
        # dbt's partial-parse file keeps the paths of the project that wrote it: a run from another
        # clone (BENCH_PROJECT) would load the seeds from there
        for p in (self.db, Path(str(self.db) + ".wal"), self.target / "partial_parse.msgpack"):
            p.unlink(missing_ok=True)
        log(f"{self.codes} codes: building the models upstream of the features (untimed)")
        self.run(self.dbt_cmd("seed"))
        # `build`, not `run`: the upstream models' data tests pass once here, so the daily
        # incremental tests their recent rows only (macros/data_tests_on_recent_rows.sql), as a
        # database that has been built daily would
        self.run(
            self.dbt_cmd(
                "build",
                *NO_UNIT_TESTS,
                "--select",
                "+ml_features",
                "--exclude",
                *FEATURES_SELECT,
                # and the tests declared with them (e.g. ml_features' relationships to the calendar,
                # selected through the calendar): the full refresh builds and tests those
                "path:models/intermediate/features",
                "path:models/marts",
            )
        )

    def full_refresh(self, reps: int) -> tuple[Step, list[dict[str, float]]]:
        step = Step(
            "full refresh", "`dbt build --full-refresh` feature models + ml_features (+ data tests)", 0
        )
        timings, elapsed = [], []
        for rep in range(reps):
            log(f"{self.codes} codes: full refresh, repetition {rep + 1}/{reps}")
            step.runs.append(
                self.run(
                    self.dbt_cmd("build", *NO_UNIT_TESTS, "--full-refresh", "--select", *FEATURES_SELECT)
                )
            )
            timings.append(self.run_results(f"full_refresh_{rep}"))
            elapsed.append(self.last_elapsed)
            log(f"  {step.runs[-1].wall:.1f}s wall, {step.runs[-1].rss_gib:.2f} GiB")
        compiled = self.target / "compiled" / "gogooku3" / "models" / "intermediate" / "features"
        shutil.copy(compiled / f"{TECHNICAL_MODEL}.sql", self.work / "technical_full_refresh.sql")
        step.rows = self.count("ml_features")
        step.what += f"; dbt's own elapsed time (after startup and parsing) min {min(elapsed):.1f} s"
        return step, timings

    def count(self, relation: str, where: str = "true") -> int:
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            return con.execute(f"select count(*) from {find(con, relation)} where {where}").fetchone()[0]
        finally:
            con.close()

    def export_inputs(self) -> tuple[Path, Path, int]:
        """The peers' input panel and the mart's 21 technical columns, as Parquet (untimed)."""
        panel, mart = self.work / "panel.parquet", self.work / "mart_technical.parquet"
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            prices = find(con, "int_prices_adjusted")
            con.execute(
                f"""copy (
                    select code, trade_date, feature_open as open, feature_high as high,
                           feature_low as low, feature_close as close, feature_volume as volume,
                           feature_row_index, cumulative_adj_factor, cumulative_volume_adj_factor
                    from {prices} where feature_row_index is not null order by code, trade_date
                ) to '{panel}' (format parquet)"""
            )
            cols = ", ".join(COLUMNS)
            con.execute(
                f"copy (select code, trade_date, {cols} from {find(con, 'ml_features')}) to '{mart}' (format parquet)"
            )
            rows = con.execute(f"select count(*) from read_parquet('{panel}')").fetchone()[0]
        finally:
            con.close()
        return panel, mart, rows


def find(con: duckdb.DuckDBPyConnection, name: str) -> str:
    row = con.execute(
        "select table_schema from information_schema.tables where table_name = ? order by table_schema limit 1",
        [name],
    ).fetchone()
    if row is None:
        raise SystemExit(f"{name} not found in the database")
    return f'"{row[0]}"."{name}"'


# ---------------------------------------------------------------------------- comparison
def compare(impl: Path, mart: Path, panel: Path, warmup: int = 100, own_scale: bool = False) -> dict:
    """Max |impl − mart| per column over rows with t ≥ warmup (t = row number per code), price
    levels also relative to the close; NULL mismatches over all rows; rows matched. `own_scale`:
    the implementation writes price levels in each row's own scale, as the mart does (our SQL);
    the peers write them in the panel's adjusted scale."""
    con = duckdb.connect()
    con.execute("set threads = 2")
    parts, names = [], []
    for c in COLUMNS:
        # the mart keeps price levels in the row's own (point-in-time) scale: the panel's adjusted
        # level divided by the row's cumulative_adj_factor; OBV (a sum of volumes) in the row's own
        # share scale: the panel's adjusted OBV times the row's cumulative_volume_adj_factor
        if own_scale:
            x = f"a.{c}"
        elif c in LEVEL:
            x = f"(a.{c} / p.cumulative_adj_factor)"
        elif c in VOLUME_LEVEL:
            x = f"(a.{c} * p.cumulative_volume_adj_factor)"
        else:
            x = f"a.{c}"
        parts += [
            f"max(abs({x} - m.{c})) filter (where t >= {warmup})",
            f"max(abs({x} - m.{c}) / (p.close / p.cumulative_adj_factor)) filter (where t >= {warmup})",
            f"count(*) filter (where (a.{c} is null) != (m.{c} is null))",
        ]
        names += [(c, "abs"), (c, "rel"), (c, "nulls")]
    q = f"""
        with a as (
            select *, row_number() over (partition by code order by trade_date) - 1 as t
            from read_parquet('{impl}')
        )
        select count(*), {", ".join(parts)}
        from a join read_parquet('{mart}') as m using (code, trade_date)
        join read_parquet('{panel}') as p using (code, trade_date)
    """
    row = con.execute(q).fetchone()
    out: dict = {"rows": row[0], "columns": {c: {} for c in COLUMNS}}
    for (c, kind), value in zip(names, row[1:], strict=True):
        out["columns"][c][kind] = value
    con.close()
    return out


def sql_command(size: Size, panel: Path, out: Path) -> list[str]:
    return [
        size.python,
        str(BENCH / "impl_sql.py"),
        str(size.work / "technical_full_refresh.sql"),
        str(panel),
        str(out),
    ]


# ---------------------------------------------------------------------------- machine
def machine() -> dict:
    import importlib.metadata as md

    mem = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem = int(line.split()[1]) * 1024
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    versions = {}
    for pkg in ("duckdb", "dbt-core", "dbt-duckdb", "TA-Lib", "polars", "pandas", "numpy", "pyarrow", "chdb"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = "—"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Config.from_env().project,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = "?"
    return {
        "cores": os.cpu_count(),
        "memory_gib": mem / GIB,
        "cpu": model,
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "commit": commit,
    }


# ---------------------------------------------------------------------------- report
def fmt_rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if rows and seconds else "—"


def main_size(results: dict) -> int:
    """The size whose steps fill the main table: the largest measured beyond its full refresh."""
    sizes = results["sizes"]
    full_only = [c for c in sizes if any(s.name != "full refresh" for s in sizes[c]["steps"])]
    return max(full_only or sizes)


def render(cfg: Config, mach: dict, results: dict) -> str:
    lines = []
    main_codes = main_size(results)
    main = results["sizes"][main_codes]
    run = main.get("run") or {}
    lines.append(f"## `make bench` — {main_codes:,} codes × {cfg.days:,} days ({main['bars']:,} bars)")
    lines.append("")
    v = mach["versions"]
    lines.append(
        f"Machine: {mach['cores']} cores ({mach['cpu']}), {mach['memory_gib']:.1f} GiB; {mach['os']}; "
        f"Python {mach['python']}, DuckDB {v['duckdb']}, dbt-core {v['dbt-core']} / dbt-duckdb {v['dbt-duckdb']}, "
        f"TA-Lib {v['TA-Lib']}, polars {v['polars']} (2 threads), pandas {v['pandas']}, numpy {v['numpy']}, "
        f"pyarrow {v['pyarrow']}, chDB {v['chdb']}. Project commit {run.get('commit', mach['commit'])}. "
        f"Run {run.get('started', results['started'])} – {run.get('finished') or '(in progress)'} UTC; BENCH_REPEAT={cfg.repeat}, BENCH_REPEAT_TECH={cfg.repeat_tech}, "
        f"BENCH_REPEAT_FULL={cfg.repeat_full}."
    )
    lines.append("")
    lines.append(
        "Each step a fresh process; wall time min / median over the repetitions, CPU = user + sys of the "
        "process, peak RSS = its max resident set; load = the 1-minute load average around the "
        "repetitions (2 cores: above 2 means the step shared the CPU with other work)."
    )
    lines.append("")
    lines.append(
        "| step | what | reps | wall min s | wall median s | CPU min s | vs TA-Lib (wall min) | rows | rows/s (wall min) | peak RSS GiB | load avg |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    talib = next((s for s in main["steps"] if s.name == "talib" and s.runs), None)
    for s in main["steps"]:
        if not s.runs:
            lines.append(f"| {s.name} | {s.what} | 0 | (not run yet) | | | | | | | |")
            continue
        ratio = (
            f"{s.wall_min / talib.wall_min:.2f}"
            if talib and s.name.startswith(("talib", "polars", "pandas", "duckdb", "dbt technical"))
            else ""
        )
        lines.append(
            f"| {s.name} | {s.what} | {len(s.runs)} | {s.wall_min:.2f} | {s.wall_median:.2f} | {s.cpu_text()} "
            f"| {ratio} | {s.rows:,} | {fmt_rate(s.rows, s.wall_min)} | {s.rss:.2f} | {s.loads()} |"
        )
    lines.append("")

    # SQL time per model
    lines.append("SQL time per model (dbt run_results.json `execution_time`, min over the repetitions):")
    lines.append("")
    lines.append("| model | full refresh s | daily incremental s |")
    lines.append("|---|---|---|")
    full, inc = main.get("model_full", {}), main.get("model_incremental", {})
    for node in sorted(set(full) | set(inc), key=lambda n: -(full.get(n) or 0)):
        if not node.startswith("model."):
            continue
        f_s = f"{full[node]:.2f}" if node in full else ""
        i_s = f"{inc[node]:.2f}" if node in inc else ""
        lines.append(f"| {node.split('.')[-1]} | {f_s} | {i_s} |")
    tests_full = sum(t for n, t in full.items() if n.startswith("test."))
    tests_inc = sum(t for n, t in inc.items() if n.startswith("test."))
    lines.append(f"| (data tests, sum) | {tests_full:.2f} | {tests_inc:.2f} |")
    lines.append("")

    # scaling
    lines.append(
        "Scaling of the full refresh (feature models + mart + tests; one repetition below the main size; "
        "sizes measured by separate `make bench` invocations are kept in `bench/cache/results_c<codes>_d<days>.json`, "
        "the run column says which):"
    )
    lines.append("")
    lines.append(
        "| codes | bars | ml_features rows | wall s | CPU s | s per M rows | int_features_technical SQL s | peak RSS GiB | DuckDB file GiB | load avg | run (UTC, commit) |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for codes in sorted(set(cfg.codes) | set(results["sizes"])):
        r = results["sizes"].get(codes, {})
        if "full" not in r:
            lines.append(f"| {codes:,} | (not run yet) | | | | | | | | | |")
            continue
        s = r["full"]
        tech = r.get("technical_sql_full")
        rr = r.get("run") or {}
        db = f"{r['db_gib']:.1f}" if r.get("db_gib") else ""
        lines.append(
            f"| {codes:,} | {r['bars']:,} | {s.rows:,} | {s.wall_min:.1f} | {s.cpu_text()} | {s.wall_min / (s.rows / 1e6):.1f} "
            f"| {tech:.1f} | {s.rss:.2f} | {db} | {s.loads()} | {rr.get('started', '')}, {rr.get('commit', '')} |"
        )
    lines.append("")

    # exactness
    if main.get("compare"):
        peers = list(main["compare"])
        lines.append(
            f"Exactness against the mart (ml_features), {main['compare'][peers[0]]['rows']:,} rows joined: max |diff| over "
            f"rows with t ≥ {cfg.warmup} (price levels: absolute / relative to the row's close), NULL mismatches over all rows:"
        )
        lines.append("")
        lines.append("| column | " + " | ".join(peers) + " |")
        lines.append("|---|" + "---|" * len(peers))
        for c in COLUMNS:
            cells = []
            for p in peers:
                d = main["compare"][p]["columns"][c]
                a = "—" if d["abs"] is None else f"{d['abs']:.1e}"
                if c in LEVEL and d["rel"] is not None:
                    a += f" / {d['rel']:.0e}"
                if d["nulls"]:
                    a += f" ({d['nulls']} NULL≠)"
                cells.append(a)
            lines.append(f"| {c} | " + " | ".join(cells) + " |")
        lines.append("")

    # targets
    lines.append("Targets (issue 7):")
    lines.append("")
    for text, ok in results.get("targets", []):
        lines.append(f"- {'**met**' if ok else '**not met**'} — {text}")
    lines.append("")
    return "\n".join(lines)


def evaluate(cfg: Config, results: dict) -> list[tuple[str, bool]]:
    main = results["sizes"][main_size(results)]
    steps = {s.name: s for s in main["steps"] if s.runs}
    out = []
    talib, sql = steps.get("talib"), steps.get("duckdb SQL")
    if talib and sql:
        r = sql.wall_min / talib.wall_min
        text = (f"21 technical columns, our SQL Parquet→Parquet ≤ 1.5 × TA-Lib: {sql.wall_min:.1f} s vs "
                f"{talib.wall_min:.1f} s = {r:.2f}× (CPU {sql.cpu_min / talib.cpu_min:.2f}×)")  # fmt: skip
        out.append((text, r <= 1.5))
        for peer in ("polars", "pandas"):
            if peer in steps:
                p = steps[peer]
                out.append(
                    (
                        f"faster than {peer}: {sql.wall_min:.1f} s vs {p.wall_min:.1f} s",
                        sql.wall_min < p.wall_min,
                    )
                )
    inc_tech = main.get("technical_sql_incremental")
    alone = main.get("technical_sql_incremental_alone")
    if inc_tech is not None and alone is not None:
        out.append((f"daily incremental, int_features_technical SQL < 2 s: {alone:.2f} s alone "
                    f"({inc_tech:.2f} s inside the build, sharing the cores)", alone < 2))  # fmt: skip
    elif inc_tech is not None:
        out.append((f"daily incremental, int_features_technical SQL < 2 s: {inc_tech:.2f} s", inc_tech < 2))
    if "daily incremental" in steps:
        s = steps["daily incremental"]
        text = (f"daily incremental, whole `dbt build` of the marts < 20 s: {s.wall_min:.1f} s wall "
                f"(SQL of the feature models + mart {main['incremental_feature_sql']:.1f} s)")  # fmt: skip
        out.append((text, s.wall_min < 20))
    full = main["full"]
    out.append(
        (
            (
                f"whole active feature set full refresh < 10 min at {main_size(results):,} codes: "
                f"{full.wall_min:.0f} s ({full.cpu_text()} CPU-s)"
            ),
            full.wall_min < 600,
        )
    )
    worst = max(s.rss for r in results["sizes"].values() for s in r["steps"] if s.runs and s.name not in PEER_STEPS)
    out.append((f"peak RSS < 4 GiB in every step of ours: max {worst:.2f} GiB", worst < 4))
    measured = sorted(c for c in results["sizes"] if "full" in results["sizes"][c])
    if len(measured) > 1:
        per_m = [
            results["sizes"][c]["full"].wall_min / (results["sizes"][c]["full"].rows / 1e6) for c in measured
        ]
        spread = max(per_m) / min(per_m)
        text = (f"linear cost: s per M rows {', '.join(f'{x:.1f}' for x in per_m)} at "
                f"{', '.join(f'{c:,}' for c in measured)} codes (max/min {spread:.2f})")  # fmt: skip
        out.append((text, spread < 1.5))
    return out


def write_results(path: Path, body: str) -> None:
    block = f"{BEGIN}\n{body}\n{END}"
    text = path.read_text() if path.exists() else "# Benchmark results\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        first_nl = text.find("\n\n")
        text = (
            (text[: first_nl + 2] + block + "\n\n" + text[first_nl + 2 :])
            if first_nl >= 0
            else text + "\n" + block + "\n"
        )
    path.write_text(text)


# ---------------------------------------------------------------------------- per-size results on disk
def results_file(cfg: Config, codes: int) -> Path:
    return cfg.cache / f"results_c{codes}_d{cfg.days}.json"


def save_size(cfg: Config, codes: int, res: dict, run: dict) -> None:
    """One size's measurements, kept under the cache so that sizes measured by separate `make bench`
    invocations (BENCH_CODES=…) make one scaling table."""

    def step(s: Step) -> dict:
        return {"name": s.name, "what": s.what, "rows": s.rows, "runs": [vars(r) for r in s.runs]}

    out = {k: v for k, v in res.items() if k not in ("steps", "full")}
    out["steps"] = [step(s) for s in res["steps"]]
    if "full" in res:
        out["full"] = step(res["full"])
    out["run"] = run
    results_file(cfg, codes).write_text(json.dumps(out, indent=1, default=str))


def load_sizes(cfg: Config) -> dict[int, dict]:
    """Every size measured earlier with the same number of days (results_c<codes>_d<days>.json)."""

    def step(d: dict) -> Step:
        return Step(d["name"], d["what"], d["rows"], [Run(**r) for r in d["runs"]])

    sizes = {}
    for f in sorted(cfg.cache.glob(f"results_c*_d{cfg.days}.json")):
        data = json.loads(f.read_text())
        codes = int(f.name.split("_")[1][1:])
        data["steps"] = [step(d) for d in data["steps"]]
        if "full" in data:
            data["full"] = step(data["full"])
        sizes[codes] = data
    return sizes


def disk_free(path: Path) -> int:
    return shutil.disk_usage(path).free


# ---------------------------------------------------------------------------- main
def bench(cfg: Config, checkpoint=lambda results: None) -> dict:
    """Every step; `checkpoint(results)` after each one (the table so far is written each time).

    Sizes run smallest first (the scaling), each a full refresh; the largest then gets every other
    step: publish, the 21 technical columns, and last the daily incremental (which changes the
    database: it runs on a copy when the disk holds one, else once in place)."""
    results: dict = {"started": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}", "sizes": {}}
    biggest = max(cfg.codes)
    for codes in sorted(cfg.codes):
        size = Size(cfg, codes)
        meta = size.ensure_lake()
        res: dict = {"bars": meta["rows"]["history"]["daily_bars"], "steps": []}
        results["sizes"][codes] = res
        size.setup()
        main_size = codes == biggest and not cfg.scaling_only
        reps = cfg.repeat_full if main_size else 1
        full, timings = size.full_refresh(reps)
        res["full"] = full
        res["technical_sql_full"] = min(t[f"model.gogooku3.{TECHNICAL_MODEL}"] for t in timings)
        res["model_full"] = {n: min(t.get(n, float("inf")) for t in timings) for n in timings[0]}
        res["db_gib"] = size.db.stat().st_size / GIB
        res["steps"].append(full)
        checkpoint(results)
        if not main_size:
            # the next size needs the disk: this database has served its purpose
            for p in (size.db, Path(str(size.db) + ".wal")):
                p.unlink(missing_ok=True)
            continue
        main_steps(cfg, size, res, full, checkpoint, results)
    results["finished"] = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}"
    return results


def main_steps(cfg: Config, size: Size, res: dict, full: Step, checkpoint, results: dict) -> None:
    # 2. publish (the database as the full refresh left it); chDB's files removed after each
    publish = Step("publish", "ml_features → embedded chDB (`gogooku3.publish.publish_marts`)", full.rows)
    res["steps"].append(publish)
    for rep in range(cfg.repeat):
        log(f"publish, repetition {rep + 1}/{cfg.repeat}")
        publish.runs.append(size.run([size.python, str(BENCH / "publish_step.py")]))
        shutil.rmtree(size.work / "chdb", ignore_errors=True)
        log(f"  {publish.runs[-1].wall:.1f}s wall, {publish.runs[-1].rss_gib:.2f} GiB")
        checkpoint(results)

    # 3. the 21 technical columns
    panel, mart, panel_rows = size.export_inputs()
    peers = {
        "talib": ("TA-Lib + numpy, per-code loop (pyarrow write)", "impl_talib.py"),
        "polars": ("polars lazy, `.over(code)`, 2 threads", "impl_polars.py"),
        "pandas": ("plain pandas groupby / rolling / ewm", "impl_pandas.py"),
    }
    jobs = {}
    for p in cfg.peers:
        out = size.work / f"out_{p}.parquet"
        jobs[p] = (
            Step(p, peers[p][0], panel_rows),
            [size.python, str(BENCH / peers[p][1]), str(panel), str(out)],
            out,
        )
    sql_out = size.work / "out_duckdb_sql.parquet"
    jobs["duckdb SQL"] = (
        Step(
            "duckdb SQL",
            "our macro's compiled SQL, plain DuckDB process, Parquet → Parquet, 2 threads",
            panel_rows,
        ),
        sql_command(size, panel, sql_out),
        sql_out,
    )
    jobs["dbt technical"] = (
        Step(
            "dbt technical",
            "`dbt run --full-refresh -s int_features_technical` (table in DuckDB)",
            panel_rows,
        ),
        size.dbt_cmd("run", "--full-refresh", "--select", TECHNICAL_MODEL),
        None,
    )
    res["steps"] += [j[0] for j in jobs.values()]
    tech_sql = []
    for rep in range(cfg.repeat_tech):
        for name, (step, cmd, _out) in jobs.items():
            log(f"21 technical columns: {name}, repetition {rep + 1}/{cfg.repeat_tech}")
            step.runs.append(size.run(cmd))
            if name == "dbt technical":
                t = size.run_results(f"technical_{rep}")[f"model.gogooku3.{TECHNICAL_MODEL}"]
                tech_sql.append(t)
                step.what = f"`dbt run --full-refresh -s int_features_technical` (table in DuckDB); model SQL min {min(tech_sql):.1f} s"
            log(
                f"  {step.runs[-1].wall:.1f}s wall, {step.runs[-1].cpu:.1f}s CPU, {step.runs[-1].rss_gib:.2f} GiB"
            )
        checkpoint(results)
    res["compare"] = {}
    for name, (_step, _cmd, out) in jobs.items():
        if out is not None:
            log(f"comparing {name} with the mart")
            res["compare"][name] = compare(out, mart, panel, cfg.warmup, own_scale=name in OWN_SCALE)
    checkpoint(results)

    # 4. the daily incremental, last: it adds a day to the database. First one incremental build with
    # no new data, timed on its own row: the first delete+insert into the tables a full refresh wrote
    # in bulk (in chunks) leaves deleted rows in most of their row groups, and DuckDB's checkpoint
    # then merges and rewrites them (once: the rewritten rows are the table's tail from then on).
    # A database built daily has paid that long ago, so the daily repetitions start from the
    # database this run leaves (a copy) when the disk holds the copy; else one repetition in place.
    settle = Step(
        "first incremental after the full refresh",
        "no new data, `dbt build -s +ml_features` (+ data tests): the one-time rewrite of the row "
        "groups a full refresh wrote in bulk",
        0,
    )
    log("first incremental build after the full refresh (no new data)")
    settle.runs.append(size.run(size.dbt_cmd("build", *NO_UNIT_TESTS, "--select", "+ml_features")))
    size.run_results("first_incremental")
    settle.what += f"; dbt's own elapsed time {size.last_elapsed:.1f} s"
    log(f"  {settle.runs[-1].wall:.1f}s wall ({size.last_elapsed:.1f}s after parsing)")
    db_bytes = size.db.stat().st_size
    snapshot = size.work / "after_full_refresh.duckdb"
    reps = cfg.repeat
    if disk_free(size.work) < 2 * db_bytes + 8 * GIB:
        log(f"daily incremental: {disk_free(size.work) / GIB:.1f} GiB free for a {db_bytes / GIB:.1f} GiB "
            "database — no copy, one repetition in place")  # fmt: skip
        snapshot, reps = None, 1
    else:
        shutil.copy(size.db, snapshot)
    inc = Step(
        "daily incremental",
        f"new day {cfg.new_day} in the lake, `dbt build -s +ml_features` (+ data tests)",
        0,
    )
    inc_timings, inc_elapsed, tech_alone = [], [], []
    for rep in range(reps):
        if snapshot is not None:
            shutil.copy(snapshot, size.db)
        size.add_new_day()
        log(f"daily incremental, repetition {rep + 1}/{reps}")
        try:
            inc.runs.append(size.run(size.dbt_cmd("build", *NO_UNIT_TESTS, "--select", "+ml_features")))
            inc_timings.append(size.run_results(f"incremental_{rep}"))
            inc_elapsed.append(size.last_elapsed)
            inc.rows = size.count("ml_features", f"trade_date = date '{cfg.new_day}'")
            # the technical model's incremental SQL again, alone (in the build it shares the 2
            # cores with the models dbt runs beside it): the same dates, recomputed from the
            # same stored state
            tech_run = size.run(size.dbt_cmd("run", "--select", TECHNICAL_MODEL))
            tech_sql = size.run_results(f"technical_alone_{rep}")[f"model.gogooku3.{TECHNICAL_MODEL}"]
            tech_alone.append(Run(tech_sql, float("nan"), tech_run.rss_gib, tech_run.load))
        finally:
            size.remove_new_day()
        log(f"  {inc.runs[-1].wall:.1f}s wall ({inc_elapsed[-1]:.1f}s after parsing), {inc.rows} new rows")
    inc.what += f"; dbt's own elapsed time (after startup and parsing) min {min(inc_elapsed):.1f} s"
    if snapshot is not None:
        shutil.copy(snapshot, size.db)
        snapshot.unlink()
    res["model_incremental"] = {n: min(t.get(n, float("inf")) for t in inc_timings) for n in inc_timings[0]}
    res["technical_sql_incremental"] = res["model_incremental"][f"model.gogooku3.{TECHNICAL_MODEL}"]
    feature_nodes = [n for n in res["model_incremental"] if n.startswith("model.") and
                     (".int_features_" in n or n.endswith(".ml_features"))]  # fmt: skip
    res["incremental_feature_sql"] = sum(res["model_incremental"][n] for n in feature_nodes)
    inc_tech = Step(
        "incremental technical SQL", "int_features_technical's SQL in that build (run_results)", inc.rows
    )
    for t, run in zip(inc_timings, inc.runs, strict=True):
        inc_tech.runs.append(Run(t[f"model.gogooku3.{TECHNICAL_MODEL}"], float("nan"), run.rss_gib, run.load))
    alone = Step(
        "incremental technical SQL, alone",
        "`dbt run -s int_features_technical` right after that build: the same dates from the same state (run_results)",
        inc.rows,
    )
    alone.runs = tech_alone
    res["technical_sql_incremental_alone"] = min(r.wall for r in tech_alone)
    res["steps"][1:1] = [inc, inc_tech, alone, settle]  # after the full refresh, as the table has always read
    checkpoint(results)


def main() -> None:
    cfg = Config.from_env()
    cfg.cache.mkdir(parents=True, exist_ok=True)
    log(f"codes {cfg.codes}, days {cfg.days}, repeat {cfg.repeat}/{cfg.repeat_full}, "
        f"scaling only {cfg.scaling_only}, project {cfg.project}")  # fmt: skip
    mach = machine()
    earlier = load_sizes(cfg)

    def checkpoint(results: dict) -> None:
        run = {"started": results["started"], "finished": results.get("finished"), "commit": mach["commit"]}
        for codes, res in results["sizes"].items():
            save_size(cfg, codes, res, run)
            res["run"] = run
        merged = {"started": results["started"], "finished": results.get("finished"),
                  "sizes": {**earlier, **results["sizes"]}}  # fmt: skip
        merged["targets"] = evaluate(cfg, merged)
        body = render(cfg, mach, merged)
        write_results(cfg.out, body)
        (cfg.cache / "last_results.md").write_text(body)

    results = bench(cfg, checkpoint)
    checkpoint(results)
    print((cfg.cache / "last_results.md").read_text())


if __name__ == "__main__":
    main()
