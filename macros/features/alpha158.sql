{#-
    Qlib's Alpha158 feature family (qlib.contrib.data.loader.Alpha158DL.get_feature_config with the
    Alpha158 handler's config: kbar, price windows [0] for OPEN/HIGH/LOW/VWAP, rolling over
    5/10/20/30/60), reproducing what Qlib's expression engine (qlib/data/ops.py, the Cython
    qlib/data/_libs/rolling.pyx, pandas rolling with min_periods=1) outputs on the same series.

    Column names: `a158_` + the lowercased Qlib name (KMID -> a158_kmid, ROC5 -> a158_roc5).
    The conventions and where in Qlib's source each one comes from: docs/alpha158.md (and the
    family description in macros/features/manifest/alpha158.sql).

    Public macros:
    - alpha158_windows() / alpha158_feature_names() / alpha158_column_name(name): the rolling
      windows, the 158 Qlib names in Qlib's order, and the column name of one of them (for the
      mart and the feature manifest).
    - alpha158_qlib_bars(bars): the series Qlib would hold in its bin files for each code
      ($open/$high/$low/$close/$vwap/$volume, one row per calendar day of the code's span).
    - alpha158_select_features(qlib_bars, feature_names): the columns over those series; the
      window statistics come from the block states of alpha158_blocks.sql.
    - alpha158_active_feature_names(): the Qlib names int_features_alpha158 computes (the feature
      manifest's active alpha158 entries).
-#}

{% macro alpha158_windows() -%}
    {{ return([5, 10, 20, 30, 60]) }}
{%- endmacro %}


{% macro alpha158_rolling_operators() -%}
    {#- Qlib's order of the rolling operators (loader.py); each over every window. -#}
    {{ return([
        'ROC', 'MA', 'STD', 'BETA', 'RSQR', 'RESI', 'MAX', 'MIN', 'QTLU', 'QTLD', 'RANK', 'RSV',
        'IMAX', 'IMIN', 'IMXD', 'CORR', 'CORD', 'CNTP', 'CNTN', 'CNTD', 'SUMP', 'SUMN', 'SUMD',
        'VMA', 'VSTD', 'WVMA', 'VSUMP', 'VSUMN', 'VSUMD',
    ]) }}
{%- endmacro %}


{% macro alpha158_feature_names() -%}
    {#- The 158 Qlib names in the order Qlib returns them. -#}
    {%- set names = [
        'KMID', 'KLEN', 'KMID2', 'KUP', 'KUP2', 'KLOW', 'KLOW2', 'KSFT', 'KSFT2',
        'OPEN0', 'HIGH0', 'LOW0', 'VWAP0',
    ] -%}
    {%- for operator in alpha158_rolling_operators() -%}
        {%- for window in alpha158_windows() -%}
            {%- do names.append(operator ~ window) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}


{% macro alpha158_active_feature_names() -%}
    {#-
        The features int_features_alpha158 computes: the active entries of the feature manifest's
        alpha158 family (macros/features/manifest/alpha158.sql), in manifest order, mapped back to
        Qlib names (column a158_roc5 -> ROC5). Retiring one is `status: deprecated` there.
    -#}
    {%- set known = alpha158_feature_names() -%}
    {%- set names = [] -%}
    {%- for feature in active_features('alpha158') -%}
        {%- set qlib_name = feature['name'][5:] | upper -%}
        {%- if not feature['name'].startswith('a158_') or qlib_name not in known -%}
            {{ exceptions.raise_compiler_error("alpha158: manifest entry " ~ feature['name'] ~ " is not a158_<Qlib Alpha158 name>") }}
        {%- endif -%}
        {%- do names.append(qlib_name) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}


{% macro alpha158_column_name(qlib_name) -%}
    a158_{{ qlib_name | lower }}
{%- endmacro %}


{% macro _alpha158_is_valid_bar(relation) -%}
    {#-
        A day Qlib holds values for. Qlib's collectors: volume <= 0 or NaN makes the whole day NaN.
        A missing, non-positive or non-finite price (never served by J-Quants) is treated the same
        way: in Qlib it would put inf/NaN into the windows, on which DuckDB's aggregates raise
        instead of returning NaN (NaN > 0 is true in DuckDB, hence isfinite).
    -#}
    coalesce(
        {%- for field in ['volume', 'open', 'high', 'low', 'close'] %}
        {{ relation }}.{{ field }} > 0 and isfinite({{ relation }}.{{ field }}){% if not loop.last %} and{% endif %}
        {%- endfor %},
        false
    )
{%- endmacro %}


{% macro alpha158_qlib_bars(bars, slice_from=none, code_chunk=none) -%}
    {#-
        A SELECT over `bars` (code, trade_date, open, high, low, close, volume, turnover_value,
        adj_factor: raw values, NULL on a no-trade day, the vendor's factor on its ex-date row)
        returning, per code, the series Qlib's data layer would store for it:

        - calendar = every trade_date present in `bars` (dump_bin's calendar is the union of the
          dates of all instruments); a code's span runs from its first traded day to its last
          bar row, every calendar day inside it is a row (dump_bin reindexes each instrument to
          the calendar between its first and last date, missing days are NaN);
        - a day with volume <= 0 or NaN is all-NaN (Qlib's collectors:
          `df.loc[(volume <= 0) | isnan(volume), all columns] = nan`), and so is a day with a
          missing or non-positive price;
        - prices split-adjusted and divided by the code's first close, volume adjusted and
          multiplied by the first close (Qlib's collectors: `_manual_adj_data`), i.e.
          $close(t) = close(t) / (close(first) * G(t)), $volume(t) = volume(t) * close(first) * G(t)
          with G(t) = product of the factors after the first traded day up to t: only rows up to
          t are used, so the series is point-in-time (a later split does not change it);
        - $vwap = turnover value / volume, adjusted like a price.

        `slice_from` ('YYYY-MM-DD', optional): only the rows from that date on (an incremental
        slice; the window features of its first 60 calendar rows are then incomplete). The code's
        first traded day, first close, last row and the product of its factors before the slice
        are aggregates over all of `bars` (no window), so a row's values do not depend on where
        the slice starts, and only the slice's rows go through the ordered window.

        `code_chunk` (optional, [i, n]): only the codes of chunk i of n (alpha158_chunk_predicate:
        a chunk of a full refresh); the calendar stays that of all codes.

        Columns: code, trade_date, series_row_index (0 = first traded day), open, high, low,
        close, vwap, volume.
    -#}
    with

    calendar_days as (

        select
            trade_date,
            row_number() over (order by trade_date) - 1 as calendar_index
        from (select distinct trade_date from {{ bars }}) as dates

    ),

    code_constants as (

        select
            code,
            min(trade_date) filter (where {{ _alpha158_is_valid_bar('bars') }}) as first_traded_date,
            arg_min(close, trade_date) filter (where {{ _alpha158_is_valid_bar('bars') }}) as first_close,
            max(trade_date) as last_date

        from {{ bars }} as bars
        {%- if code_chunk is not none %}
        where {{ alpha158_chunk_predicate('bars.code', code_chunk) }}
        {%- endif %}
        group by code

    ),

    {%- if slice_from is not none %}

    factors_before_slice as (

        -- the product of the factors after the first traded day and before the slice
        select
            bars.code,
            product(bars.adj_factor) as factor_before_slice

        from {{ bars }} as bars
        inner join code_constants
            on bars.code = code_constants.code
        where
            bars.trade_date < date '{{ slice_from }}'
            and bars.trade_date > code_constants.first_traded_date
            and bars.adj_factor != 1
        group by bars.code

    ),

    {%- endif %}

    dense_days as (

        select
            spans.code,
            calendar_days.trade_date,
            calendar_days.calendar_index - spans.first_calendar_index as series_row_index

        from (
            select
                code_constants.code,
                first_days.calendar_index as first_calendar_index,
                last_days.calendar_index as last_calendar_index

            from code_constants
            inner join calendar_days as first_days
                on code_constants.first_traded_date = first_days.trade_date
            inner join calendar_days as last_days
                on code_constants.last_date = last_days.trade_date
        ) as spans
        inner join calendar_days
            on
                calendar_days.calendar_index between spans.first_calendar_index and spans.last_calendar_index
                {%- if slice_from is not none %}
                and calendar_days.trade_date >= date '{{ slice_from }}'
                {%- endif %}

    ),

    adjusted as (

        select
            scaled.code,
            scaled.trade_date,
            scaled.open,
            scaled.high,
            scaled.low,
            scaled.close,
            scaled.volume,
            scaled.turnover_value,
            -- Qlib's collectors: volume <= 0 or NaN makes the whole day NaN. A non-positive price
            -- (never served by J-Quants) is treated the same way: in Qlib it would put inf/NaN
            -- into the windows, on which DuckDB's aggregates raise instead of returning NaN
            {{ _alpha158_is_valid_bar('scaled') }} as is_valid,
            scaled.first_close * scaled.forward_factor as price_scale

        from (

            select
                bars.code,
                bars.trade_date,
                bars.open,
                bars.high,
                bars.low,
                bars.close,
                bars.volume,
                bars.turnover_value,
                code_constants.first_close,
                -- the first traded row's own factor applies to the rows before it: not here
                {%- if slice_from is not none %}
                coalesce(factors_before_slice.factor_before_slice, 1.0) *
                {%- endif %}
                product(
                    case
                        when bars.trade_date = code_constants.first_traded_date then 1.0
                        else coalesce(bars.adj_factor, 1.0)
                    end
                ) over (
                    partition by bars.code
                    order by bars.trade_date
                    rows between unbounded preceding and current row
                ) as forward_factor

            from {{ bars }} as bars
            inner join code_constants
                on bars.code = code_constants.code
            {%- if slice_from is not none %}
            left join factors_before_slice
                on bars.code = factors_before_slice.code
            {%- endif %}
            where
                bars.trade_date >= code_constants.first_traded_date
                {%- if code_chunk is not none %}
                and {{ alpha158_chunk_predicate('bars.code', code_chunk) }}
                {%- endif %}
                {%- if slice_from is not none %}
                and bars.trade_date >= date '{{ slice_from }}'
                {%- endif %}

        ) as scaled

    )

    select
        dense_days.code,
        dense_days.trade_date,
        dense_days.series_row_index,
        case when adjusted.is_valid then adjusted.open / adjusted.price_scale end as open,
        case when adjusted.is_valid then adjusted.high / adjusted.price_scale end as high,
        case when adjusted.is_valid then adjusted.low / adjusted.price_scale end as low,
        case when adjusted.is_valid then adjusted.close / adjusted.price_scale end as close,
        case
            when adjusted.is_valid
                then adjusted.turnover_value / adjusted.volume / adjusted.price_scale
        end as vwap,
        case when adjusted.is_valid then adjusted.volume * adjusted.price_scale end as volume

    from dense_days
    left join adjusted
        on
            dense_days.code = adjusted.code
            and dense_days.trade_date = adjusted.trade_date
{%- endmacro %}


{% macro _alpha158_greater(left, right) -%}
    {#- Qlib's Greater is np.maximum: NaN in, NaN out (DuckDB's greatest skips NULLs). -#}
    case when ({{ left }}) is not null and ({{ right }}) is not null then greatest({{ left }}, {{ right }}) end
{%- endmacro %}


{% macro _alpha158_less(left, right) -%}
    {#- Qlib's Less is np.minimum: NaN in, NaN out. -#}
    case when ({{ left }}) is not null and ({{ right }}) is not null then least({{ left }}, {{ right }}) end
{%- endmacro %}


{% macro _alpha158_window_name(window) -%}
    last_{{ window }}_rows
{%- endmacro %}


{% macro _alpha158_std(state, series, count) -%}
    {#- sample std (ddof=1) from a block state; NULL below two values, as pandas -#}
    case when {{ state }}_{{ count }} >= 2 then sqrt({{ state }}_m2_{{ series }} / ({{ state }}_{{ count }} - 1)) end
{%- endmacro %}


{% macro _alpha158_index_of_extreme(window, extreme) -%}
    {#-
        Qlib's IdxMax/IdxMin: `rolling(N, min_periods=1).apply(lambda x: x.argmax() + 1, raw=True)`:
        the 1-based position inside the window (the window starts at the code's first row while
        fewer than N rows exist), first occurrence on ties; numpy's argmax/argmin return the first
        NaN when the window holds one, and pandas gives NaN when the window has no value at all.
    -#}
    {%- set p = 'w' ~ window -%}
    case
        when {{ p }}_n_c > 0
            then coalesce({{ p }}_first_nan, {{ p }}_pos_{{ extreme }}) - series_row_index
                + least({{ window }}, series_row_index + 1)
    end
{%- endmacro %}


{% macro _alpha158_masked_corr(window, comoment, left, right, count) -%}
    {#-
        Qlib's Corr: pandas rolling corr (pairwise-complete rows), set to NaN where the rolling
        std (min_periods=1) of either input is np.isclose to 0 with atol=2e-05. `left` and
        `right` are NULL on the same rows (the qlib_bars contract), so one count serves both.
    -#}
    {%- set p = 'w' ~ window -%}
    case
        when
            {{ _alpha158_std(p, left, count) }} > 2e-05
            and {{ _alpha158_std(p, right, count) }} > 2e-05
            then {{ p }}_cm_{{ comoment }} / sqrt({{ p }}_m2_{{ left }} * {{ p }}_m2_{{ right }})
    end
{%- endmacro %}


{% macro _alpha158_rolling_column(operator, window) -%}
    {%- set p = 'w' ~ window -%}
    {%- if operator == 'ROC' -%}
        close_lag_{{ window }}_rows / close
    {%- elif operator == 'MA' -%}
        {{ p }}_mean_c / close
    {%- elif operator == 'STD' -%}
        {{ _alpha158_std(p, 'c', 'n_c') }} / close
    {%- elif operator == 'BETA' -%}
        case when {{ p }}_n_c >= 2 then {{ p }}_cm_xc / {{ p }}_m2_x / close end
    {%- elif operator == 'RSQR' -%}
        -- masked where np.isclose(rolling std of close, 0, atol=2e-05)
        case
            when {{ _alpha158_std(p, 'c', 'n_c') }} > 2e-05
                then {{ p }}_cm_xc * {{ p }}_cm_xc / ({{ p }}_m2_x * {{ p }}_m2_c)
        end
    {%- elif operator == 'RESI' -%}
        case
            when {{ p }}_n_c >= 2
                then (
                    close - {{ p }}_mean_c
                    - {{ p }}_cm_xc / {{ p }}_m2_x * (series_row_index - {{ p }}_mean_x)
                ) / close
        end
    {%- elif operator == 'MAX' -%}
        {{ p }}_max_h / close
    {%- elif operator == 'MIN' -%}
        {{ p }}_min_l / close
    {%- elif operator == 'QTLU' -%}
        {%- if window in _alpha158_lag_quantile_windows() %}
        close_q80_{{ window }} / close
        {%- else %}
        close_quantiles_{{ window }}[2] / close
        {%- endif %}
    {%- elif operator == 'QTLD' -%}
        {%- if window in _alpha158_lag_quantile_windows() %}
        close_q20_{{ window }} / close
        {%- else %}
        close_quantiles_{{ window }}[1] / close
        {%- endif %}
    {%- elif operator == 'RANK' -%}
        -- pandas rolling rank(pct=True), ties averaged: (#less + (#equal + 1) / 2) / #values
        {%- if window in _alpha158_lag_rank_windows() %}
        -- (#less + #equal counted from the row's LAGs; #equal includes the row)
        case
            when close is not null
                then (2 * close_less_{{ window }} + close_equal_{{ window }} + 1) / (2 * {{ p }}_n_c)
        end
        {%- else %}
        case
            when close is not null
                then (close_rank_asc_{{ window }} + {{ p }}_n_c - close_rank_desc_{{ window }} + 1) / 2 / {{ p }}_n_c
        end
        {%- endif %}
    {%- elif operator == 'RSV' -%}
        (close - {{ p }}_min_l) / ({{ p }}_max_h - {{ p }}_min_l + 1e-12)
    {%- elif operator == 'IMAX' -%}
        ({{ _alpha158_index_of_extreme(window, 'h') }}) / {{ window }}
    {%- elif operator == 'IMIN' -%}
        ({{ _alpha158_index_of_extreme(window, 'l') }}) / {{ window }}
    {%- elif operator == 'IMXD' -%}
        (({{ _alpha158_index_of_extreme(window, 'h') }}) - ({{ _alpha158_index_of_extreme(window, 'l') }})) / {{ window }}
    {%- elif operator == 'CORR' -%}
        {{ _alpha158_masked_corr(window, 'clv', 'c', 'lv', 'n_c') }}
    {%- elif operator == 'CORD' -%}
        {{ _alpha158_masked_corr(window, 'rclvr', 'rc', 'lvr', 'n_rc') }}
    {%- elif operator == 'CNTP' -%}
        -- Mean of a boolean series: NaN compares false, every row of the window counts
        {{ p }}_sum_up / least({{ window }}, series_row_index + 1)
    {%- elif operator == 'CNTN' -%}
        {{ p }}_sum_dn / least({{ window }}, series_row_index + 1)
    {%- elif operator == 'CNTD' -%}
        {{ p }}_sum_up / least({{ window }}, series_row_index + 1)
        - {{ p }}_sum_dn / least({{ window }}, series_row_index + 1)
    {%- elif operator in ['SUMP', 'SUMN', 'SUMD', 'VSUMP', 'VSUMN', 'VSUMD'] -%}
        {%- set v = 'v' if operator.startswith('V') else '' -%}
        {%- set numerator = {
            'P': p ~ '_sum_' ~ v ~ 'gain',
            'N': p ~ '_sum_' ~ v ~ 'loss',
            'D': '(' ~ p ~ '_sum_' ~ v ~ 'gain - ' ~ p ~ '_sum_' ~ v ~ 'loss)',
        }[operator[-1]] -%}
        -- a Sum over no value is NaN (min_periods=1)
        case when {{ p }}_n_rc > 0 then {{ numerator }} / ({{ p }}_sum_{{ v }}absd + 1e-12) end
    {%- elif operator == 'VMA' -%}
        {{ p }}_mean_v / (volume + 1e-12)
    {%- elif operator == 'VSTD' -%}
        {{ _alpha158_std(p, 'v', 'n_c') }} / (volume + 1e-12)
    {%- elif operator == 'WVMA' -%}
        {{ _alpha158_std(p, 'wv', 'n_rc') }} / ({{ p }}_mean_wv + 1e-12)
    {%- else -%}
        {{ exceptions.raise_compiler_error("alpha158: unknown rolling operator " ~ operator) }}
    {%- endif -%}
{%- endmacro %}


{% macro alpha158_select_features(qlib_bars, feature_names=none, partitioned=true, keep_from=none) -%}
    {#-
        A SELECT over `qlib_bars` (code, trade_date, series_row_index, open, high, low, close,
        vwap, volume: the output of alpha158_qlib_bars, NULL = Qlib's NaN; open, high, low, close
        and volume are NULL on the same rows) returning code, trade_date, series_row_index and
        the a158_* columns of `feature_names` (Qlib names; default all 158, in Qlib's order):
        only those are computed (DuckDB drops the window statistics no column uses). One ordering,
        (code, series_row_index): `partitioned` (a full refresh) partitions it by code; without
        (an incremental slice of ~70 rows per code) it is one partition, because DuckDB's window
        operator pays a fixed cost per partition and expression (~10 ms per 60-row partition with
        ~200 LAGs: the slice cost as much as 30 full rows), while over whole histories one
        partition is slower and holds everything in memory (measured). Either way every LAG is
        masked where it would reach before the code's first series row (_alpha158_lag) and every
        frame is cut there (least(N - 1, series_row_index) preceding), exactly as pandas'
        rolling(N, min_periods=1) cuts its windows. The rows of a code must be consecutive series rows (the qlib_bars
        contract; an incremental slice's first rows are context whose own values are not kept).
        The window statistics come from block states (alpha158_blocks.sql), rank and quantiles
        from framed window aggregates or LAG counts. `keep_from` (an incremental slice: the first
        trade date the caller keeps): the framed rank and quantiles of those rows only, from a
        join of each with its window's rows (_alpha158_framed_order_stats); the context rows get
        NULL there. Framed over the whole slice they cost ten times the kept rows (~50 µs a row:
        12.7 of the 19.8 s of a daily run at 4,000 codes, measured).
    -#}
    select
        code,
        trade_date,
        series_row_index,

        {%- set greater_open_close = _alpha158_greater('open', 'close') %}
        {%- set less_open_close = _alpha158_less('open', 'close') %}
        {%- set expressions = {
            'KMID': '(close - open) / open',
            'KLEN': '(high - low) / open',
            'KMID2': '(close - open) / (high - low + 1e-12)',
            'KUP': '(high - ' ~ greater_open_close ~ ') / open',
            'KUP2': '(high - ' ~ greater_open_close ~ ') / (high - low + 1e-12)',
            'KLOW': '(' ~ less_open_close ~ ' - low) / open',
            'KLOW2': '(' ~ less_open_close ~ ' - low) / (high - low + 1e-12)',
            'KSFT': '(2 * close - high - low) / open',
            'KSFT2': '(2 * close - high - low) / (high - low + 1e-12)',
            'OPEN0': 'open / close',
            'HIGH0': 'high / close',
            'LOW0': 'low / close',
            'VWAP0': 'vwap / close',
        } %}
        {%- for operator in alpha158_rolling_operators() %}
            {%- for window in alpha158_windows() %}
                {%- do expressions.update({operator ~ window: _alpha158_rolling_column(operator, window)}) %}
            {%- endfor %}
        {%- endfor %}
        {%- set columns = [] %}
        {%- for name in (feature_names if feature_names is not none else alpha158_feature_names()) %}
            {%- if name not in expressions %}
                {{ exceptions.raise_compiler_error("alpha158: unknown Qlib feature name " ~ name) }}
            {%- endif %}
            {%- do columns.append(expressions[name] ~ ' as ' ~ alpha158_column_name(name)) %}
        {%- endfor %}
        {{ columns | join(',\n        ') }}

    from (
        -- 60 = 30 ⊕ the 30 before
        select
            *,
            {{ _alpha158_merge_state('w30', 'w30_before30', 'w60') }}
        from (
            select
                *,
                {{ _alpha158_lag_state('w30', 30, 'w30_before30') }}
            from (
                -- 30 = 20 ⊕ the 10 before
                select
                    *,
                    {{ _alpha158_merge_state('w20', 'w10_before20', 'w30') }}
                from (
                    -- 20 = 10 ⊕ the 10 before
                    select
                        *,
                        {{ _alpha158_merge_state('w10', 'w10_before10', 'w20') }}
                    from (
                        select
                            *,
                            {{ _alpha158_lag_state('w10', 10, 'w10_before10') }},
                            {{ _alpha158_lag_state('w10', 20, 'w10_before20') }}
                        from (
                            -- 10 = 5 ⊕ the 5 before
                            select
                                *,
                                {{ _alpha158_merge_state('w5', 'w5_before5', 'w10') }}
                            from (
                                select
                                    *,
                                    {{ _alpha158_lag_state('w5', 5, 'w5_before5') }}
                                from (
                                    -- the 5-row block ending at each row
                                    select
                                        *,
                                        {{ _alpha158_block5_deviations() }},
                                        {{ _alpha158_lag_quantiles() }}
                                    from (
                                        select
                                            *,
                                            {{ _alpha158_block5_counts_and_means() }},
                                            {{ _alpha158_lag_ranks_and_positions() }}
                                        from (
                                            select
                                                *,
                                                {{ _alpha158_row_lags() }},
                                                {%- set framed = [] %}
                                                {%- for window in (alpha158_windows() if keep_from is none else []) %}
                                                {%- set w = _alpha158_window_name(window) %}
                                                {%- if window not in _alpha158_lag_rank_windows() %}
                                                {%- do framed.append('rank(order by close asc nulls last) over ' ~ w ~ ' as close_rank_asc_' ~ window) %}
                                                {%- do framed.append('rank(order by close desc nulls last) over ' ~ w ~ ' as close_rank_desc_' ~ window) %}
                                                {%- endif %}
                                                {%- if window not in _alpha158_lag_quantile_windows() %}
                                                {#- both quantiles from one windowed quantile state #}
                                                {%- do framed.append('quantile_cont(close, [0.2, 0.8]) over ' ~ w ~ ' as close_quantiles_' ~ window) %}
                                                {%- endif %}
                                                {%- endfor %}
                                                {%- for k in range(5, 10) %}
                                                {{ _alpha158_lag('close', k) }} as close_lag{{ k }}{{ ',' if framed or not loop.last }}
                                                {%- endfor %}
                                                {{ framed | join(',\n') }}
                                            from (
                                                -- the per-row series (Ref-1 based ones: NULL on the first row)
                                                select
                                                    *,
                                                    {%- for window in alpha158_windows() %}
                                                    {{ _alpha158_lag('close', window) }} as close_lag_{{ window }}_rows,
                                                    {%- endfor %}
                                                    {%- set prev_close = _alpha158_lag('close', 1) %}
                                                    {%- set prev_volume = _alpha158_lag('volume', 1) %}
                                                    -- Qlib compares NaN as False: a NaN day is neither up nor down
                                                    case when close > {{ prev_close }} then 1.0 else 0.0 end as up,
                                                    case when close < {{ prev_close }} then 1.0 else 0.0 end as dn,
                                                    {{ _alpha158_greater('close - ' ~ prev_close, '0') }} as gain,
                                                    {{ _alpha158_greater(prev_close ~ ' - close', '0') }} as loss,
                                                    abs(close - {{ prev_close }}) as absd,
                                                    {{ _alpha158_greater('volume - ' ~ prev_volume, '0') }} as vgain,
                                                    {{ _alpha158_greater(prev_volume ~ ' - volume', '0') }} as vloss,
                                                    abs(volume - {{ prev_volume }}) as vabsd,
                                                    abs(close / {{ prev_close }} - 1) * volume as wv,
                                                    ln(volume + 1) as lv,
                                                    close / {{ prev_close }} as rc,
                                                    ln(volume / {{ prev_volume }} + 1) as lvr
                                                from {{ qlib_bars }}
                                                window code_rows as ({{ _alpha158_code_rows(partitioned) }})
                                            )
                                            window
                                                code_rows as ({{ _alpha158_code_rows(partitioned) }}),
                                                {%- for window in alpha158_windows() %}
                                                {{ _alpha158_window_name(window) }} as (
                                                    {{ _alpha158_code_rows(partitioned) }}
                                                    rows between {% if partitioned %}{{ window - 1 }}{% else %}least({{ window - 1 }}, series_row_index){% endif %} preceding and current row
                                                ){% if not loop.last %},{% endif %}
                                                {%- endfor %}
                                        )
                                    )
                                )
                                window code_rows as ({{ _alpha158_code_rows(partitioned) }})
                            )
                        )
                        window code_rows as ({{ _alpha158_code_rows(partitioned) }})
                    )
                )
            )
            window code_rows as ({{ _alpha158_code_rows(partitioned) }})
        )
    ) as window_states
    {%- if keep_from is not none %}
    left join (
        {{ _alpha158_framed_order_stats(qlib_bars, keep_from) }}
    ) as framed_order_stats
        using (code, series_row_index)
    {%- endif %}
{%- endmacro %}


{% macro _alpha158_framed_order_stats(qlib_bars, keep_from) -%}
    {#-
        close_rank_asc_<w>, close_rank_desc_<w> and close_quantiles_<w> (the framed windows' values:
        rank() with NULLs last = 1 + the window's closes strictly before the row's in that order;
        quantile_cont over the window's non-NULL closes) of the rows of `qlib_bars` from `keep_from`,
        each from its window's rows (the code's series rows up to w - 1 before it) by a join.
    -#}
    {%- set columns = [] -%}
    {%- for window in alpha158_windows() -%}
        {%- set in_window = 'window_rows.series_row_index > kept.series_row_index - ' ~ window -%}
        {%- if window not in _alpha158_lag_rank_windows() -%}
            {%- do columns.append('1 + count(*) filter (where window_rows.close < kept.close and ' ~ in_window ~ ') as close_rank_asc_' ~ window) -%}
            {%- do columns.append('1 + count(*) filter (where window_rows.close > kept.close and ' ~ in_window ~ ') as close_rank_desc_' ~ window) -%}
        {%- endif -%}
        {%- if window not in _alpha158_lag_quantile_windows() -%}
            {%- do columns.append('quantile_cont(window_rows.close, [0.2, 0.8]) filter (where ' ~ in_window ~ ') as close_quantiles_' ~ window) -%}
        {%- endif -%}
    {%- endfor %}
    select
        kept.code,
        kept.series_row_index,
        {{ columns | join(',\n        ') }}

    from {{ qlib_bars }} as kept
    inner join {{ qlib_bars }} as window_rows
        on
            window_rows.code = kept.code
            and window_rows.series_row_index <= kept.series_row_index
            and window_rows.series_row_index > kept.series_row_index - {{ alpha158_windows() | max }}
    where kept.trade_date >= date '{{ keep_from }}'
    group by kept.code, kept.series_row_index
{%- endmacro %}


{% macro alpha158_incremental_bounds(prices, lookback) -%}
    {#-
        For an incremental run of int_features_alpha158: {'recompute_from': the first trade date
        recomputed (feature_recompute_from), 'slice_from': the calendar date
        alpha158_context_rows() calendar rows before it (the rows the windows of the recomputed
        dates read: 60 rows of Ref-1 series = 61 series rows, every calendar day being a row of a
        code's series)}, as 'YYYY-MM-DD' strings queried before the model's SQL (constant bounds
        let DuckDB skip row groups); none when nothing is loaded yet (full refresh path).
    -#}
    {%- set recompute_from = feature_recompute_from(prices, lookback) -%}
    {%- if recompute_from is none or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set slice_sql -%}
        select cast(coalesce(min(trade_date), date '{{ recompute_from }}') as varchar)
        from (
            select distinct trade_date
            from {{ prices }}
            where
                trade_date < date '{{ recompute_from }}'
                and trade_date >= date '{{ recompute_from }}' - {{ 7 * alpha158_context_rows() + 60 }}
            order by trade_date desc
            limit {{ alpha158_context_rows() }}
        ) as context_dates
    {%- endset -%}
    {%- set slice_from = run_query(slice_sql).columns[0].values()[0] -%}
    {{ return({'recompute_from': recompute_from, 'slice_from': slice_from}) }}
{%- endmacro %}


{% macro alpha158_context_rows() -%}
    {#- calendar rows of context before the first recomputed row: 61 needed (ROC60 and the Ref-1
        series of a 60-row window reach 60 rows back), with a margin -#}
    {{ return(64) }}
{%- endmacro %}


{% macro alpha158_chunk_predicate(code_column, code_chunk) -%}
    {#- code_chunk = [i, n]: the codes of chunk i of n (a hash of the code: independent of the
        data, so the model and its post-hook agree) -#}
    hash({{ code_column }}) % {{ code_chunk[1] }} = {{ code_chunk[0] }}
{%- endmacro %}


{% macro alpha158_full_refresh_chunks(prices) -%}
    {#-
        How many chunks of codes a full refresh of int_features_alpha158 computes one after the
        other (ceil(codes / var('alpha158_codes_per_chunk', 500))): the window stages hold every
        input row with ~150 intermediate columns, so peak memory grows with the rows of one
        statement; chunks of codes are independent (every window is partitioned by code). 1 at
        parse time and when the var is 0 (no chunking; e.g. a unit test, whose inputs are not
        relations that can be counted).
    -#}
    {%- set per_chunk = var('alpha158_codes_per_chunk', 500) | int -%}
    {%- if not execute or per_chunk <= 0 -%}
        {{ return(1) }}
    {%- endif -%}
    {%- set codes = run_query('select count(distinct code) from ' ~ prices).columns[0].values()[0] | int -%}
    {{ return([1, ((codes + per_chunk - 1) // per_chunk)] | max) }}
{%- endmacro %}


{% macro alpha158_model_sql(prices, bounds=none, code_chunk=none) -%}
    {#-
        The SELECT of int_features_alpha158 over `prices` (int_prices_adjusted): code, trade_date,
        a158_series_row_index and the manifest's active a158_* columns. `bounds`
        (alpha158_incremental_bounds): only the dates from bounds.recompute_from, reading from
        bounds.slice_from. `code_chunk` ([i, n]): only the codes of that chunk.
    -#}
    {%- set feature_names = alpha158_active_feature_names() -%}
    with

    bars as (

        -- raw bars and the vendor's split factor; the Qlib series is built from these
        select
            code,
            trade_date,
            open,
            high,
            low,
            close,
            volume,
            turnover_value,
            adj_factor

        from {{ prices }}

    ),

    qlib_bars as {{ "materialized " if bounds is not none }}(

        {{ alpha158_qlib_bars('bars', bounds.slice_from if bounds is not none else none, code_chunk) }}

    ),

    features as (

        {{ alpha158_select_features('qlib_bars', feature_names, partitioned=bounds is none, keep_from=bounds.recompute_from if bounds is not none else none) }}

    )

    select
        code,
        trade_date,
        series_row_index as a158_series_row_index,
        {%- for qlib_name in feature_names %}
        {{ alpha158_column_name(qlib_name) }}{% if not loop.last %},{% endif %}
        {%- endfor %}

    from features
    {%- if bounds is not none %}
    -- the rows before are the windows' context (their own windows are cut at the slice)
    where trade_date >= date '{{ bounds.recompute_from }}'
    {%- endif %}
{%- endmacro %}


{% macro alpha158_insert_remaining_chunks(prices) -%}
    {#-
        Post-hook of int_features_alpha158: a full refresh computes chunk 0 of the codes in the
        model's statement; this inserts chunks 1 … n-1, one statement each. A chunk is inserted
        when {{ this }} holds no row of it (after a full refresh: every chunk but 0; after an
        incremental run, which computes all codes in one statement: none — or a chunk a failed
        full refresh left out, recomputed in full). Returns the SQL to run ('' when nothing).
    -#}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set n = alpha158_full_refresh_chunks(prices) -%}
    {%- if n == 1 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set present_sql -%}
        select distinct hash(code) % {{ n }} from {{ this }}
    {%- endset -%}
    {%- set present = run_query(present_sql).columns[0].values() | map('int') | list -%}
    {%- set statements = [] -%}
    {%- for i in range(1, n) -%}
        {%- if i not in present -%}
            {%- do statements.append('insert into ' ~ this ~ ' by name\n' ~ alpha158_model_sql(prices, none, [i, n])) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{%- endmacro %}


{% macro _alpha158_lag_rank_windows() -%}
    {#- RANK over these windows counts from the row's LAGs instead of two framed rank() (a framed
        rank costs ~1 µs per row whatever the window; 9 comparisons cost a few ns) -#}
    {{ return([5, 10]) }}
{%- endmacro %}


{% macro _alpha158_lag_quantile_windows() -%}
    {#- QTLU/QTLD over these windows are order statistics of the row and its 4 LAGs: DuckDB's
        framed quantile_cont is ~4x slower on a 5-row frame than on 10-60 rows (measured) -#}
    {{ return([5]) }}
{%- endmacro %}


{% macro _alpha158_close_at(k) -%}
    {%- if k == 0 -%}close{%- else -%}close_lag{{ k }}{%- endif -%}
{%- endmacro %}


{% macro _alpha158_lag_ranks_and_positions() -%}
    {#-
        close_less_<w> / close_equal_<w>: how many closes of the w-row window (NULL = NaN day or
        before the code's first row: not counted) are below / equal to the row's close (the row
        itself included in equal). close_pos5_<j>: the 0-based position of the close j rows back
        in the ascending order of the 5-row window's non-NULL closes (ties: the older first), NULL
        when that close is NULL.
    -#}
    {%- set columns = [] -%}
    {%- for window in _alpha158_lag_rank_windows() -%}
        {%- set less = [] -%}
        {%- set equal = ['1'] -%}
        {%- for k in range(1, window) -%}
            {%- do less.append('coalesce((' ~ _alpha158_close_at(k) ~ ' < close)::int, 0)') -%}
            {%- do equal.append('coalesce((' ~ _alpha158_close_at(k) ~ ' = close)::int, 0)') -%}
        {%- endfor -%}
        {%- do columns.append(less | join(' + ') ~ ' as close_less_' ~ window) -%}
        {%- do columns.append(equal | join(' + ') ~ ' as close_equal_' ~ window) -%}
    {%- endfor -%}
    {%- for j in range(5) -%}
        {%- set terms = [] -%}
        {%- for i in range(5) -%}
            {%- if i != j -%}
                {#- older = larger lag: an older equal close sorts first -#}
                {%- set op = '<=' if i > j else '<' -%}
                {%- do terms.append('coalesce((' ~ _alpha158_close_at(i) ~ ' ' ~ op ~ ' ' ~ _alpha158_close_at(j) ~ ')::int, 0)') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do columns.append('case when ' ~ _alpha158_close_at(j) ~ ' is not null then ' ~ terms | join(' + ') ~ ' end as close_pos5_' ~ j) -%}
    {%- endfor -%}
    {{ return(columns | join(',\n            ')) }}
{%- endmacro %}


{% macro _alpha158_lag_quantiles() -%}
    {#-
        Qlib's Quantile(close, 5, q) = pandas rolling(5, min_periods=1).quantile(q), 'linear':
        over the m non-NULL closes sorted, s[lo] + (s[hi] - s[lo]) * frac with q·(m−1) = lo + frac
        (DuckDB's quantile_cont is the same formula). s[k] = the close at position k.
    -#}
    {%- set columns = [] -%}
    {%- for q in [0.2, 0.8] -%}
        {%- set cases = [] -%}
        {%- for m in range(1, 6) -%}
            {%- set idx = q * (m - 1) -%}
            {%- set lo = idx | int -%}
            {%- set frac = idx - lo -%}
            {%- if frac > 1e-12 -%}
                {%- set value = _alpha158_order_statistic(lo) ~ ' + (' ~ _alpha158_order_statistic(lo + 1) ~ ' - ' ~ _alpha158_order_statistic(lo) ~ ') * ' ~ frac -%}
            {%- else -%}
                {%- set value = _alpha158_order_statistic(lo) -%}
            {%- endif -%}
            {%- do cases.append('when w5_n_c = ' ~ m ~ ' then ' ~ value) -%}
        {%- endfor -%}
        {%- do columns.append('case ' ~ cases | join(' ') ~ ' end as close_q' ~ (q * 100) | int ~ '_5') -%}
    {%- endfor -%}
    {{ return(columns | join(',\n            ')) }}
{%- endmacro %}


{% macro _alpha158_order_statistic(k) -%}
    {#- the k-th smallest non-NULL close of the 5-row window (0-based) -#}
    {%- set cases = [] -%}
    {%- for j in range(5) -%}
        {%- do cases.append('when close_pos5_' ~ j ~ ' = ' ~ k ~ ' then ' ~ _alpha158_close_at(j)) -%}
    {%- endfor -%}
    (case {{ cases | join(' ') }} end)
{%- endmacro %}


{% macro _alpha158_code_rows(partitioned=true) -%}
    {#- the one window ordering: every code's series rows in order (codes one after another in
        one partition when not `partitioned`) -#}
    {%- if partitioned -%}
    partition by code order by series_row_index
    {%- else -%}
    order by code, series_row_index
    {%- endif -%}
{%- endmacro %}


{% macro _alpha158_lag(expression, k) -%}
    {#- LAG k rows within the code: NULL where it would reach before the code's first series row
        (the ordering has no PARTITION BY: the row k back belongs to another code there) -#}
    case when series_row_index >= {{ k }} then lag({{ expression }}, {{ k }}) over code_rows end
{%- endmacro %}
