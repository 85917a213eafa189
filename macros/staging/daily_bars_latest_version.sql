{% macro daily_bars_latest_version(versions) -%}
    {#- The latest version of each daily bar (code × trade date) among `versions` (rows of
        base_jquants__daily_bars), with when it was published and usable from. Used by
        stg_jquants__daily_bars over every version and by the incremental
        int_daily_bars_checked over the versions fetched since its last build: the latest
        version of a key fetched since then is its latest version overall. Needs a CTE
        `pit_calendar` only through usable_from (macros/point_in_time.sql). -#}
    select
        * exclude (dlt_id),
        -- published ~16:30 JST on the trade date; the record of that session, usable from it
        -- (macros/point_in_time.sql)
        {{ jst_timestamp('trade_date', "'16:30'") }} as available_at,
        {{ usable_from('available_at', session_date='trade_date') }} as usable_from

    from {{ versions }}
    qualify
        row_number() over (
            partition by code, trade_date
            order by ingested_at desc, dlt_load_id desc, dlt_id desc
        ) = 1
{%- endmacro %}
