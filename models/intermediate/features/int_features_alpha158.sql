{{
    config(
        materialized='incremental',
        unique_key=['code', 'trade_date'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        post_hook="{{ alpha158_insert_remaining_chunks(ref('int_prices_adjusted')) }}",
    )
}}

{#- The alpha158 family of the feature manifest: Qlib's Alpha158 (macros/features/alpha158.sql,
    docs/alpha158.md); only the manifest's active entries are computed.

    Full refresh: every code's whole Qlib series, in chunks of codes (var alpha158_codes_per_chunk,
    default 500): this statement computes chunk 0, the post-hook inserts the others one statement
    each (the window stages hold all rows of a statement with ~150 intermediate columns: chunks
    bound the memory; every window is partitioned by code, so chunks are independent).

    Incremental: every window is finite (at most 61 calendar rows of a code's series), so a run
    recomputes from feature_recompute_from(…) (the last loaded date minus `features_lookback_days`
    trade dates, or the driver's earlier var('recompute_from')) and reads alpha158_context_rows()
    calendar dates before it; the series scale (first close, factors before the slice) and row
    index come from aggregates over each code's whole history. All codes in one statement. -#}
{%- set bounds = alpha158_incremental_bounds(ref('int_prices_adjusted'), var('features_lookback_days') | int) if is_incremental() else none -%}
{%- set chunks = alpha158_full_refresh_chunks(ref('int_prices_adjusted')) if bounds is none else 1 -%}

{{ alpha158_model_sql(ref('int_prices_adjusted'), bounds, [0, chunks] if chunks > 1 else none) }}
