"""Each of our generic tests (macros/generic_tests/) catches what it should and nothing else.

One `dbt build` of a throwaway project (generic_test_fixtures.py) runs every should-pass and
should-fail fixture; then bad arguments must stop compilation with our message (compiled inline
against the parsed manifest, so each costs no new parse).
"""

from __future__ import annotations

import os
from pathlib import Path

import generic_test_fixtures as fixtures
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


def project_code_regex() -> str:
    return yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"]["jquants_code_regex"]


class FixtureProject:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.project = fixtures.write_project(workdir, project_code_regex())
        self.manifest = None

    def args(self, *command: str) -> list[str]:
        return [
            *command,
            "--project-dir", str(self.project),
            "--profiles-dir", str(self.project),
            "--target-path", str(self.workdir / "target"),
            "--log-path", str(self.workdir / "logs"),
            "--quiet",
        ]  # fmt: skip

    def invoke(self, *command: str):
        from dbt.cli.main import dbtRunner

        os.environ.setdefault("DO_NOT_TRACK", "1")
        try:
            return dbtRunner(manifest=self.manifest).invoke(self.args(*command))
        finally:
            release_duckdb()


def release_duckdb() -> None:
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

    with manager._LOCK:
        if manager._ENV is not None:
            manager._ENV.close()
            manager._ENV = None


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory):
    project = FixtureProject(tmp_path_factory.mktemp("generic_test_fixtures"))
    result = project.invoke("build")
    assert result.exception is None, result.exception
    parsed = project.invoke("parse")
    project.manifest = parsed.result
    return project, result


def test_every_generic_test_has_a_passing_and_a_failing_fixture():
    covered = fixtures.covered_tests()
    missing = {name: {"pass", "fail"} - covered.get(name, set()) for name in fixtures.generic_test_names()}
    assert {name: kinds for name, kinds in missing.items() if kinds} == {}


def test_fixtures_pass_and_fail_as_expected(fixture_build):
    """Should-pass tests find nothing; should-fail tests pass only on exactly their rows."""
    _, result = fixture_build
    tests = {r.node.name: r for r in result.result.results if r.node.resource_type == "test"}
    expected = fixtures.expected_failures()
    assert set(expected) < set(tests)
    assert len(tests) >= 2 * len(fixtures.generic_test_names())
    statuses = {name: str(r.status) for name, r in tests.items()}
    assert {n: s for n, s in statuses.items() if s != "pass"} == {}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("test_expect_column_values_between(model=ref('numbers'), column_name='value')",
         "give `min_value`, `max_value` or both"),
        ("test_expect_column_values_between(model=ref('numbers'), column_name='value', min_value=10, max_value=1)",
         "is above `max_value`"),
        ("test_expect_column_values_between(model=ref('numbers'), column_name='value', min_value=1, strictly='yes')",
         "`strictly` must be true or false"),
        ("test_expect_column_values_between(model=ref('numbers'), column_name='value', min_value=[1])",
         "a bound must be a number or a SQL expression"),
        ("test_expect_column_values_match_regex(model=ref('codes'), column_name='code', regex='')",
         "`regex` must be a non-empty string"),
        ("test_expect_ohlc_consistent(model=ref('ohlc_bars'), high_column='')",
         "every column argument must be a column name"),
        ("test_expect_dates_are_business_days(model=ref('dated_rows'), column_name='trade_date', calendar=none)",
         "`calendar` must be a relation"),
        ("test_expect_bars_for_listed_universe(model=ref('universe_bars'), universe=none, calendar=ref('calendar'))",
         "`universe` must be a relation"),
        ("test_expect_row_count_per_date_within(model=ref('daily_rows'), date_column='trade_date', trailing_dates=0)",
         "`trailing_dates` must be a positive integer"),
        ("test_expect_row_count_per_date_within(model=ref('daily_rows'), date_column='trade_date', tolerance_percent=-5)",
         "`tolerance_percent` must be a number >= 0"),
        ("test_expect_fresh_against_calendar(model=ref('dated_rows'), column_name='trade_date', calendar=ref('calendar'), max_business_days_behind=1.5)",
         "`max_business_days_behind` must be an integer >= 0"),
        ("test_expect_null_ratio_below(model=ref('numbers'), column_name='value', max_ratio=2)",
         "`max_ratio` must be a number between 0 and 1"),
        ("test_expect_adjustment_factors_consistent(model=ref('factors'), column_name='cumulative_adj_factor', partition_by=[])",
         "`partition_by` must be a column name or a non-empty list"),
        ("test_expect_adjustment_factors_consistent(model=ref('factors'), column_name='cumulative_adj_factor', factor_column=none)",
         "`factor_column` must be a column name or SQL expression"),
        ("test_expect_unique_combination(model=ref('universe_bars'), combination_of_columns='code')",
         "`combination_of_columns` must be a non-empty list"),
        ("test_expect_column_rounded_to_equal(model=ref('rounded'), column_name='computed', expected_column='vendor', decimals=-1)",
         "`decimals` must be a non-negative integer"),
    ],
)  # fmt: skip
def test_bad_arguments_raise_a_compiler_error(fixture_build, call, message, capsys):
    project, _ = fixture_build
    result = project.invoke("compile", "--inline", "{{ " + call + " }}")
    assert not result.success
    assert message in str(result.exception) + capsys.readouterr().out


def test_good_arguments_compile(fixture_build):
    project, _ = fixture_build
    call = "test_expect_column_values_between(model=ref('numbers'), column_name='value', min_value=0, strictly=true)"
    assert project.invoke("compile", "--inline", "{{ " + call + " }}").success
