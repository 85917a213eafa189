{{
    config(
        materialized='incremental',
        unique_key=['code', 'trade_date'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        pre_hook="{{ ml_features_update_history() }}",
        post_hook="{{ ml_features_insert_remaining_chunks() }}",
    )
}}

{#- One row per code × trade date from the code's first trade on: the active features of the
    manifest (macros/features/feature_manifest.sql) joined from their family models, the labels,
    and the cross-sectional ranks / z-scores of the flagged features (int_features_cross_sectional).

    Incremental runs recompute the dates the family models recomputed (the last loaded trade
    date and `features_lookback_days` before it) from them; the pre-hook updates the labels and
    adj_close of the stored rows of the max(`features_lookback_days`, 20) business days before the
    last loaded date (the 20-row forward labels of the older rows are final), and the adj_close of
    the older rows of a code with a split (adj_factor != 1) in those dates: the split re-adjusts
    that history; every feature column is point-in-time and stays.

    The SELECT is macros/marts/ml_features.sql's ml_features_select. A full refresh computes it in
    chunks of codes (var ml_features_rows_per_chunk, default 1,000,000 rows) and the newest dates
    a chunk of their own: this statement the first, the post-hook the others; at 9 M rows one
    statement needed 8.2 GiB. -#}
{%- set chunks = ml_features_full_refresh_chunks() if not is_incremental() else none -%}

-- depends_on: {{ ref('int_trading_calendar') }}
{{ ml_features_select(is_incremental(), chunks[0] if chunks else none) }}
