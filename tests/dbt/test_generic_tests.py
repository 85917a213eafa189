"""The project's own generic tests refuse bad arguments at compile time (their should-fail
fixtures, which prove they catch bad rows, run inside `dbt build`)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            "{{ test_expect_unique_combination(model=ref('int_prices_adjusted'), combination_of_columns='code') }}",
            "`combination_of_columns` must be a non-empty list",
        ),
        (
            "{{ test_expect_unique_combination(model=ref('int_prices_adjusted'), combination_of_columns=[]) }}",
            "`combination_of_columns` must be a non-empty list",
        ),
        (
            "{{ test_expect_column_rounded_to_equal(model=ref('int_prices_adjusted'), column_name='adj_close', expected_column=none) }}",
            "`expected_column` must be a column name",
        ),
        (
            "{{ test_expect_column_rounded_to_equal(model=ref('int_prices_adjusted'), column_name='adj_close', expected_column='vendor_adj_close', decimals=-1) }}",
            "`decimals` must be a non-negative integer",
        ),
        (
            "{{ test_expect_columns_not_null(model=ref('int_prices_adjusted'), column_names='code') }}",
            "`column_names` must be a non-empty list",
        ),
    ],
)
def test_bad_arguments_raise_a_compiler_error(fixture_builds, call, message, capsys):
    result = fixture_builds.project.invoke("compile", "--inline", call)
    assert not result.success
    assert message in capsys.readouterr().out


def test_good_arguments_compile(fixture_builds):
    call = "{{ test_expect_unique_combination(model=ref('int_prices_adjusted'), combination_of_columns=['code', 'trade_date']) }}"
    assert fixture_builds.project.invoke("compile", "--inline", call).success
