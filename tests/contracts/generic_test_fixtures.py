"""A throwaway dbt project that runs each of our generic tests on small fixture tables.

Every generic test in macros/generic_tests/ gets a should-pass and a should-fail fixture. A
should-fail test is configured `error_if: "!=N"` (and `warn_if: "!=N"`), the `error_if: "=0"`
idiom pinned to the N rows the fixture breaks: dbt reports it as passing only when the generic
test found exactly those failing rows, so a test that flags too few or too many fails too. The fixture tables are models built from `values` lists (no
seeds: nothing here is reference data of the real project).

The project lives in strings because the real project's `test-paths` is `tests/`: `.sql` and
`.yml` files under tests/ would be parsed as part of it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
GENERIC_TESTS = REPO / "macros" / "generic_tests"

# --------------------------------------------------------------------------- fixture tables
MODELS: dict[str, str] = {
    # a number column: 1, 5, 10 and a NULL
    "numbers": """
        select * from (values
            (1, 1.0),
            (2, 5.0),
            (3, 10.0),
            (4, null)
        ) as numbers (id, value)
    """,
    # codes: the letter codes J-Quants uses pass; forbidden letters, lower case, 4 or 6
    # characters and a letter in 5th place fail
    "codes": """
        select * from (values
            ('13010', true),
            ('130A0', true),
            ('147A0', true),
            ('99845', true),
            ('2A3C0', true),
            ('130B0', false),
            ('130E0', false),
            ('13I00', false),
            ('O3010', false),
            ('130Q0', false),
            ('130V0', false),
            ('130Z0', false),
            ('130a0', false),
            ('1301', false),
            ('130100', false),
            ('1301A', false)
        ) as codes (code, is_valid)
    """,
    # bars: consistent ones (a no-trade bar is all NULL) and one per kind of inconsistency
    "ohlc_bars": """
        select * from (values
            ('normal', 100.0, 110.0, 90.0, 105.0, 1000.0, true),
            ('flat', 100.0, 100.0, 100.0, 100.0, 10.0, true),
            ('no_trade', null, null, null, null, null, true),
            ('close_missing', 100.0, 110.0, 90.0, null, 1000.0, false),
            ('volume_missing', 100.0, 110.0, 90.0, 105.0, null, false),
            ('high_below_low', 100.0, 90.0, 110.0, 100.0, 1000.0, false),
            ('open_above_high', 120.0, 110.0, 90.0, 105.0, 1000.0, false),
            ('close_below_low', 100.0, 110.0, 90.0, 80.0, 1000.0, false)
        ) as ohlc_bars (case_name, open, high, low, close, volume, is_valid)
    """,
    # a TSE week around Culture Day 2024 (Sun 11-03, substitute holiday Mon 11-04)
    "calendar": """
        select
            calendar_date::date as calendar_date,
            dayofweek(calendar_date) between 1 and 5 and calendar_date != date '2024-11-04'
                as is_business_day
        from range(date '2024-10-28', date '2024-11-09', interval 1 day) as days (calendar_date)
    """,
    "dated_rows": """
        select d::date as trade_date, is_valid from (values
            ('2024-11-01', true),
            ('2024-11-05', true),
            ('2024-11-02', false),
            ('2024-11-04', false),
            ('2024-12-02', false)
        ) as dated_rows (d, is_valid)
    """,
    # the universe: C lists on 11-05; a snapshot on a Saturday and one before the bars start
    # are not checked
    "universe": """
        select code, snapshot_date::date as snapshot_date from (values
            ('A', '2024-10-31'),
            ('A', '2024-11-01'),
            ('B', '2024-11-01'),
            ('A', '2024-11-02'),
            ('Z', '2024-11-02'),
            ('A', '2024-11-05'),
            ('B', '2024-11-05'),
            ('C', '2024-11-05')
        ) as universe (code, snapshot_date)
    """,
    "universe_bars": """
        select code, trade_date::date as trade_date from (values
            ('A', '2024-11-01'),
            ('B', '2024-11-01'),
            ('A', '2024-11-05'),
            ('B', '2024-11-05'),
            ('C', '2024-11-05')
        ) as universe_bars (code, trade_date)
    """,
    # rows per date: 10 a day for six days, then 5
    "daily_rows": """
        select d::date as trade_date, unnest(range(n)) as row_number from (values
            ('2024-10-28', 10),
            ('2024-10-29', 10),
            ('2024-10-30', 10),
            ('2024-10-31', 10),
            ('2024-11-01', 10),
            ('2024-11-05', 10),
            ('2024-11-06', 5)
        ) as counts (d, n)
    """,
    # split chains: a 1→2 split (0.5) and a 5→1 reverse split (5); the bad chain has a wrong
    # cumulative factor, a negative cumulative factor and a negative factor
    "factors": """
        select chain, code, trade_date::date as trade_date, adj_factor, cumulative_adj_factor
        from (values
            ('good', 'X', '2024-11-01', 1.0, 0.5),
            ('good', 'X', '2024-11-05', 0.5, 1.0),
            ('good', 'X', '2024-11-06', null, 1.0),
            ('good', 'Y', '2024-11-01', 1.0, 5.0),
            ('good', 'Y', '2024-11-05', 5.0, 1.0),
            ('bad', 'X', '2024-11-01', 1.0, 0.25),
            ('bad', 'X', '2024-11-05', 0.5, 1.0),
            ('bad', 'Y', '2024-11-01', 1.0, -1.0),
            ('bad', 'Y', '2024-11-05', -1.0, 1.0)
        ) as factors (chain, code, trade_date, adj_factor, cumulative_adj_factor)
    """,
    "rounded": """
        select * from (values
            (1, 104.96, 105.0),
            (2, 104.94, 104.9),
            (3, 104.95, 104.9),
            (4, null, null)
        ) as rounded (id, computed, vendor)
    """,
}


def should_fail(name: str, test: str, arguments: dict, failing_rows: int) -> dict:
    """A test that passes only when the generic test reports exactly `failing_rows` rows (>= 1):
    the `error_if: "=0"` idiom, pinned to the rows the fixture was built to break."""
    assert failing_rows >= 1
    condition = f"!={failing_rows}"
    return {
        "name": name,
        "test_name": test,
        "arguments": arguments,
        "config": {"error_if": condition, "warn_if": condition},
    }


def should_pass(name: str, test: str, arguments: dict | None = None) -> dict:
    return {"name": name, "test_name": test, "arguments": arguments or {}}


CODE_REGEX = "{{ var('jquants_code_regex') }}"
CALENDAR = "ref('calendar')"

# model -> (model-level tests, {column: [tests]})
# fmt: off
TESTS: dict[str, tuple[list[dict], dict[str, list[dict]]]] = {
    "numbers": (
        [],
        {
            "value": [
                should_pass("between_inclusive_passes", "expect_column_values_between",
                            {"min_value": 1, "max_value": 10}),
                should_pass("between_only_max_with_row_condition_passes", "expect_column_values_between",
                            {"max_value": 5, "row_condition": "id <= 2"}),
                should_fail("between_strictly_fails", "expect_column_values_between",
                            {"min_value": 1, "max_value": 10, "strictly": True}, 2),  # 1 and 10
                should_fail("between_min_fails", "expect_column_values_between", {"min_value": 6}, 2),  # 1 and 5
                should_fail("between_with_row_condition_fails", "expect_column_values_between",
                            {"max_value": 4, "row_condition": "id > 1"}, 2),  # 5 and 10 (id 1 is out of the condition)
                should_pass("null_ratio_at_the_bound_passes", "expect_null_ratio_below", {"max_ratio": 0.25}),
                should_fail("null_ratio_above_the_bound_fails", "expect_null_ratio_below", {"max_ratio": 0.2}, 1),  # one summary row
            ]
        },
    ),
    "codes": (
        [],
        {
            "code": [
                should_pass("regex_jquants_codes_pass", "expect_column_values_match_regex",
                            {"regex": CODE_REGEX, "row_condition": "is_valid"}),
                should_fail("regex_bad_codes_fail", "expect_column_values_match_regex",
                            {"regex": CODE_REGEX, "row_condition": "not is_valid"}, 11),
            ]
        },
    ),
    "ohlc_bars": (
        [
            should_pass("ohlc_consistent_bars_pass", "expect_ohlc_consistent", {"row_condition": "is_valid"}),
            should_fail("ohlc_inconsistent_bars_fail", "expect_ohlc_consistent",
                        {"row_condition": "not is_valid"}, 5),
            # without a volume column, a bar missing only its volume is consistent
            should_fail("ohlc_without_volume_fails", "expect_ohlc_consistent",
                        {"volume_column": None, "row_condition": "not is_valid"}, 4),
            should_pass("columns_not_null_passes", "expect_columns_not_null",
                        {"column_names": ["case_name", "is_valid"]}),
            should_pass("columns_not_null_where_passes", "expect_columns_not_null",
                        {"column_names": ["open", "close"], "row_condition": "case_name = 'normal'"}),
            # close: no_trade and close_missing; volume: no_trade and volume_missing (one row each)
            should_fail("columns_not_null_fails", "expect_columns_not_null",
                        {"column_names": ["case_name", "close", "volume"]}, 2),
        ],
        {},
    ),
    "dated_rows": (
        [],
        {
            "trade_date": [
                should_pass("business_days_pass", "expect_dates_are_business_days",
                            {"calendar": CALENDAR, "row_condition": "is_valid"}),
                should_fail("closed_and_unknown_days_fail", "expect_dates_are_business_days",
                            {"calendar": CALENDAR, "row_condition": "not is_valid"}, 3),
                should_pass("fresh_passes", "expect_fresh_against_calendar",
                            {"calendar": CALENDAR, "max_business_days_behind": 0,
                             "reference_date": "date '2024-11-05'", "row_condition": "is_valid"}),
                should_pass("fresh_as_of_today_within_a_wide_bound_passes", "expect_fresh_against_calendar",
                            {"calendar": CALENDAR, "max_business_days_behind": 100,
                             "row_condition": "is_valid"}),
                # latest valid date 11-05; by 11-08 three business days (11-06, 07, 08) are missing
                should_fail("stale_fails", "expect_fresh_against_calendar",
                            {"calendar": CALENDAR, "max_business_days_behind": 2,
                             "reference_date": "date '2024-11-08'", "row_condition": "is_valid"}, 1),
                should_fail("empty_is_stale", "expect_fresh_against_calendar",
                            {"calendar": CALENDAR, "reference_date": "date '2024-11-08'",
                             "row_condition": "false"}, 1),
            ]
        },
    ),
    "universe_bars": (
        [
            should_pass("universe_complete_passes", "expect_bars_for_listed_universe",
                        {"universe": "ref('universe')", "calendar": CALENDAR}),
            should_fail("universe_missing_bar_fails", "expect_bars_for_listed_universe",
                        {"universe": "ref('universe')", "calendar": CALENDAR,
                         "row_condition": "not (code = 'C' and trade_date = date '2024-11-05')"}, 1),
            should_pass("unique_combination_passes", "expect_unique_combination",
                        {"combination_of_columns": ["code", "trade_date"]}),
            should_fail("unique_combination_fails", "expect_unique_combination",
                        {"combination_of_columns": ["code"]}, 2),  # A and B occur twice
        ],
        {},
    ),
    "daily_rows": (
        [
            should_pass("row_count_within_a_wide_band_passes", "expect_row_count_per_date_within",
                        {"date_column": "trade_date", "trailing_dates": 5, "tolerance_percent": 50}),
            should_fail("row_count_drop_fails", "expect_row_count_per_date_within",
                        {"date_column": "trade_date", "trailing_dates": 5, "tolerance_percent": 20}, 1),  # 2024-11-06: 5 rows against a mean of 10
        ],
        {},
    ),
    "factors": (
        [],
        {
            "cumulative_adj_factor": [
                should_pass("adjustment_chain_passes", "expect_adjustment_factors_consistent",
                            {"factor_column": "adj_factor", "partition_by": ["chain", "code"],
                             "row_condition": "chain = 'good'"}),
                should_fail("adjustment_chain_fails", "expect_adjustment_factors_consistent",
                            {"factor_column": "adj_factor", "partition_by": ["chain", "code"],
                             "row_condition": "chain = 'bad'"}, 3),  # a wrong, a negative cumulative factor, a negative factor
            ]
        },
    ),
    "rounded": (
        [],
        {
            "computed": [
                should_pass("rounded_to_equal_passes", "expect_column_rounded_to_equal",
                            {"expected_column": "vendor", "decimals": 1}),
                should_fail("rounded_shifted_fails", "expect_column_rounded_to_equal",
                            {"expected_column": "vendor + 1", "decimals": 1}, 3),
            ]
        },
    ),
}
# fmt: on


def expected_failures() -> dict[str, int]:
    """should-fail test name -> the exact number of failing rows it must report."""
    expected = {}
    for model_tests, column_tests in TESTS.values():
        for test in [*model_tests, *(t for tests in column_tests.values() for t in tests)]:
            if "error_if" in test.get("config", {}):
                expected[test["name"]] = int(test["config"]["error_if"].removeprefix("!="))
    return expected


def generic_test_names() -> set[str]:
    """Every generic test of macros/generic_tests/ (file name = test name)."""
    return {path.stem for path in GENERIC_TESTS.glob("*.sql")}


def covered_tests() -> dict[str, set[str]]:
    """generic test -> the kinds of fixture it has ({"pass", "fail"})."""
    covered: dict[str, set[str]] = {}
    for model_tests, column_tests in TESTS.values():
        for test in [*model_tests, *(t for tests in column_tests.values() for t in tests)]:
            kind = "fail" if "error_if" in test.get("config", {}) else "pass"
            covered.setdefault(test["test_name"], set()).add(kind)
    return covered


def write_project(workdir: Path, code_regex: str) -> Path:
    """Write the fixture project under `workdir` (its DuckDB file there too); return its path."""
    project = workdir / "project"
    (project / "models").mkdir(parents=True, exist_ok=True)
    (project / "macros").mkdir(exist_ok=True)
    (project / "dbt_project.yml").write_text(
        yaml.safe_dump(
            {
                "name": "contract_fixtures",
                "version": "0.1.0",
                "profile": "contract_fixtures",
                "model-paths": ["models"],
                "macro-paths": ["macros"],
                "flags": {"send_anonymous_usage_stats": False},
                "vars": {"jquants_code_regex": code_regex, "as_known_at": None},
                "models": {"contract_fixtures": {"+materialized": "table"}},
            }
        )
    )
    (project / "profiles.yml").write_text(
        yaml.safe_dump(
            {
                "contract_fixtures": {
                    "target": "dev",
                    "outputs": {
                        "dev": {"type": "duckdb", "path": str(workdir / "fixtures.duckdb"), "threads": 2}
                    },
                }
            }
        )
    )
    for macro in GENERIC_TESTS.glob("*.sql"):
        (project / "macros" / macro.name).write_text(macro.read_text())
    for name, sql in MODELS.items():
        (project / "models" / f"{name}.sql").write_text(textwrap.dedent(sql).strip() + "\n")
    models = []
    for name, (model_tests, column_tests) in TESTS.items():
        entry: dict = {"name": name}
        if model_tests:
            entry["data_tests"] = model_tests
        if column_tests:
            entry["columns"] = [{"name": c, "data_tests": tests} for c, tests in column_tests.items()]
        models.append(entry)
    (project / "models" / "_fixtures__models.yml").write_text(
        yaml.safe_dump({"version": 2, "models": models}, sort_keys=False, allow_unicode=True)
    )
    return project
