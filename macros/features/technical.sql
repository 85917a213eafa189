{#-
    The technical family (shared/reference/indicators.md), generated from the feature manifest.

    Why the SQL looks the way it does (measured with EXPLAIN ANALYZE on DuckDB 1.5.5, see
    bench/README.md): a LAG costs ~15 ns a row, a framed window aggregate (SUM/MIN/MAX/STDDEV,
    fixed or row-dependent frame, cumulative or not) ~300 ns, and every stacked window stage
    re-materialises all the columns it carries. So:
    * one ordering (PARTITION BY code ORDER BY trade_date) in two stages;
    * rolling sums, max and min from LAG "pieces": a piece of b rows from b-1 lags in stage 1, the
      window from lags of pieces in stage 2. Sums of closes are deviation sums around the row's
      own close (exact zeros on flat windows, no E[x²] − E[x]² cancellation);
    * the 60-row max drawdown as a fold of 6 pieces of 10 rows, each (max, min, internal
      drawdown); A then B: dd = min(dd_A, dd_B, min_B / max_A). Every ratio is one IEEE division
      of two closes: bitwise the reference;
    * sma_60 from deviation pieces of 10 closes, rvol_20 from deviation pieces of 5 log returns
      (differences of ln close, one ln a row): LAGs instead of 60-/20-row frames;
    * EMA, Wilder (RSI, ATR) and OBV as exact closed forms over ONE cumulative SUM each:
      e_n = α r^(n−C) Σ_{j ≤ n} r^−(j−C) x̃_j with a centred exponent C (no overflow below 2C
      rows: 6,000 for r = 0.8); the MACD signal (an EMA of an EMA difference) in closed form from
      one more close kernel (r = 0.8) whose seed-row term carries the first / stored EMAs and
      signal, and the two EMAs — no third recursion, no third stage, no first_value.
    * State (incremental runs): the seed row of a code carries the stored EMA / Wilder / OBV
      values (in the adjusted scale of the build) and rows before it weigh 0, so one new day is
      the exact recursion step, not a re-seeded approximation.

    technical_features_select(prices, with_state)
      prices: relation with code, trade_date, n (feature_row_index), high, low, close, volume
      (the fully adjusted, forward-filled series), caf (cumulative_adj_factor), cvaf
      (cumulative_volume_adj_factor); with_state: it also has seed_n, seed_ema_12, seed_ema_26,
      seed_macd_signal, seed_avg_gain, seed_avg_loss, seed_atr, seed_obv (NULL seed_n: the code
      starts at n = 0 in the relation).
      Returns every relation row with the active technical columns (level columns in the scale
      of their own date: ÷ caf, OBV × cvaf) and the state columns rsi_avg_gain_14 /
      rsi_avg_loss_14 (own-date scale).
-#}

{% macro _tech_alpha(span) -%}(2.0 / {{ span + 1 }}){%- endmacro %}
{% macro _tech_r(alpha) -%}(1 - {{ alpha }}){%- endmacro %}

{% macro _tech_center(r_value) -%}
    {#- C with |(n − C) ln r| < 670 for 0 ≤ n < 2C; −ln(1 − a) = Σ a^i / i (no math module in dbt) -#}
    {%- set ns = namespace(power=1.0, total=0.0) -%}
    {%- for i in range(1, 200) -%}
        {%- set ns.power = ns.power * (1 - r_value) -%}
        {%- set ns.total = ns.total + ns.power / i -%}
    {%- endfor -%}
    {%- set c = (670 / ns.total) | int -%}
    {{ return((c // 100) * 100) }}
{%- endmacro %}

{% macro _tech_code_start_frame(partitioned) -%}
    {#- from the code's first row (or its seed row: earlier rows weigh 0) to the current row -#}
    {{ 'rows unbounded preceding' if partitioned else 'rows between greatest(n - coalesce(seed_n, first_n), 0) preceding and current row' }}
{%- endmacro %}

{% macro _tech_kernel_cumsum(name, alpha, r_value, x, partitioned=true) -%}
    sum(({{ x }}) * pow({{ _tech_r(alpha) }}, -(n - {{ _tech_center(r_value) }})))
        over (code_rows {{ _tech_code_start_frame(partitioned) }}) as {{ name }}__s
{%- endmacro %}

{% macro _tech_kernel_value(name, alpha, r_value) -%}
    (pow({{ _tech_r(alpha) }}, n - {{ _tech_center(r_value) }}) * {{ name }}__s)
{%- endmacro %}

{% macro _tech_seeded(with_state, standard, seed_value, after_seed) -%}
    {#- kernel input: the standard one from row 0, or 0 before the seed row, the seed there -#}
    {%- if with_state -%}
    case
        when seed_n is null then {{ standard }}
        when n < seed_n then 0
        when n = seed_n then {{ seed_value }}
        else {{ after_seed }}
    end
    {%- else -%}
    {{ standard }}
    {%- endif -%}
{%- endmacro %}

{% macro _tech_lag_list(column, offsets) -%}
    {%- for k in offsets %}
        lag({{ column }}, {{ k }}) over code_rows as {{ column }}_lag_{{ k }},
    {%- endfor %}
{%- endmacro %}

{% macro _tech_dev_sum(p, x, b, w) -%}
    {#- Σ (y − x) over the last w rows from pieces of b rows: {p}_sum holds Σ (y − x) over the
        row's own piece; an older piece is re-centred from its own reference x_lag_k -#}
    {{ p }}_sum{% for k in range(b, w, b) %} + {{ p }}_sum_lag_{{ k }} + {{ b }} * ({{ x }}_lag_{{ k }} - {{ x }}){% endfor %}
{%- endmacro %}

{% macro _tech_dev_sq(p, x, b, w) -%}
    {{ p }}_sq
    {%- for k in range(b, w, b) %}
            + {{ p }}_sq_lag_{{ k }} + 2 * ({{ x }}_lag_{{ k }} - {{ x }}) * {{ p }}_sum_lag_{{ k }}
            + {{ b }} * ({{ x }}_lag_{{ k }} - {{ x }}) * ({{ x }}_lag_{{ k }} - {{ x }})
    {%- endfor %}
{%- endmacro %}

{% macro _tech_macd_terms(p) -%}
    {#- constants of the MACD-signal closed form (see tech_values) -#}
    {%- set t = {
        'a9': _tech_alpha(p['signal']), 'af': _tech_alpha(p['fast']), 'as': _tech_alpha(p['slow'])} -%}
    {%- do t.update({'r9': _tech_r(t['a9']), 'rf': _tech_r(t['af']), 'rs': _tech_r(t['as'])}) -%}
    {%- do t.update({'k': '(' ~ t['af'] ~ ' / (' ~ t['r9'] ~ ' - ' ~ t['rf'] ~ ') - ' ~ t['as'] ~ ' / (' ~ t['r9'] ~ ' - ' ~ t['rs'] ~ '))'}) -%}
    {{ return(t) }}
{%- endmacro %}

{% macro _tech_warm_up(partitioned, condition, value) -%}
    {#- NULL in the warm-up rows. Partitioned (full refresh: a code's partition starts at n = 0),
        a value built from LAGs (ret_k, the deviation-piece SMAs) is NULL there by itself, so no
        CASE (the final projection is ~10 % of the statement's CPU). Not for values that can be
        non-NULL early (cumulative kernels; greatest / least, which skip NULLs). The incremental
        relation is one partition over all codes, where a LAG reaches into the previous code:
        gate on n. -#}
    {%- if partitioned -%}({{ value }}){%- else -%}case when {{ condition }} then {{ value }} end{%- endif -%}
{%- endmacro %}

{% macro _tech_close(k) -%}{{ 'close' if k == 0 else 'close_lag_' ~ k }}{%- endmacro %}


{% macro technical_plan() -%}
    {#- What the active technical features need, from the manifest. -#}
    {%- set plan = {
        'features': active_features('technical'), 'names': [],
        'close_lags': [1], 'high_lags': 0, 'low_lags': 0, 'volume_lags': 0,
        'returns': [], 'sma_frame': [], 'dev_pieces': false, 'vol_pieces': false,
        'emas': [], 'macd': none, 'wilder': [], 'hl_windows': [], 'mdd': none,
        'rvol': [], 'rvol_frame': [], 'obv': false, 'var_frame': [], 'vol_frame': [],
        'dev10_windows': [], 'ln_close_lags': [1]
    } -%}
    {%- for f in plan['features'] -%}
        {%- do plan['names'].append(f['name']) -%}
        {%- set p = f.get('params') or {} -%}
        {%- set kind = f['kind'] -%}
        {%- if kind == 'log_return' -%}
            {%- do plan['returns'].append(p['periods']) -%}
            {%- do plan['ln_close_lags'].append(p['periods']) -%}
        {%- elif kind == 'sma' -%}
            {%- if p['window'] in [5, 20] -%}
                {%- do plan.update({'dev_pieces': true}) -%}
            {%- elif p['window'] % 10 == 0 -%}
                {%- do plan['dev10_windows'].append(p['window']) -%}
            {%- else -%}
                {%- do plan['sma_frame'].append(p['window']) -%}
            {%- endif -%}
        {%- elif kind == 'ema' -%}
            {%- do plan['emas'].append(p['span']) -%}
        {%- elif kind in ['macd_line', 'macd_signal', 'macd_hist'] -%}
            {%- do plan['emas'].append(p['fast']) -%}
            {%- do plan['emas'].append(p['slow']) -%}
            {%- if kind != 'macd_line' -%}
                {%- do plan.update({'macd': p}) -%}
            {%- endif -%}
        {%- elif kind == 'rsi' -%}
            {%- do plan['wilder'].append(('gain', p['window'])) -%}
            {%- do plan['wilder'].append(('loss', p['window'])) -%}
        {%- elif kind == 'atr' -%}
            {%- do plan['wilder'].append(('tr', p['window'])) -%}
        {%- elif kind in ['bb_pctb', 'zscore'] -%}
            {%- if p['window'] == 20 -%}
                {%- do plan.update({'dev_pieces': true}) -%}
            {%- else -%}
                {%- do plan['var_frame'].append(p['window']) -%}
            {%- endif -%}
        {%- elif kind == 'rvol' -%}
            {%- if p['window'] % 5 == 0 -%}
                {%- do plan['rvol'].append(p['window']) -%}
                {%- for k in range(1, 6) -%}{%- do plan['ln_close_lags'].append(k) -%}{%- endfor -%}
            {%- else -%}
                {%- do plan['rvol_frame'].append(p['window']) -%}
            {%- endif -%}
        {%- elif kind == 'max_drawdown' -%}
            {%- if p['window'] % 10 != 0 -%}
                {{ exceptions.raise_compiler_error("max_drawdown window must be a multiple of 10, got " ~ p['window']) }}
            {%- endif -%}
            {%- do plan.update({'mdd': p['window']}) -%}
        {%- elif kind == 'volume_ratio' -%}
            {%- if p['window'] == 20 -%}
                {%- do plan.update({'vol_pieces': true}) -%}
            {%- else -%}
                {%- do plan['vol_frame'].append(p['window']) -%}
            {%- endif -%}
        {%- elif kind in ['stoch_k', 'willr'] -%}
            {%- if p['window'] % 2 != 0 -%}
                {{ exceptions.raise_compiler_error(kind ~ " window must be even, got " ~ p['window']) }}
            {%- endif -%}
            {%- do plan['hl_windows'].append(p['window']) -%}
        {%- elif kind == 'obv' -%}
            {%- do plan.update({'obv': true}) -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error("unknown technical feature kind " ~ kind ~ " (" ~ f['name'] ~ ")") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if plan['dev_pieces'] -%}
        {%- for k in [1, 2, 3, 4, 5, 10, 15] -%}{%- do plan['close_lags'].append(k) -%}{%- endfor -%}
    {%- endif -%}
    {%- if plan['mdd'] or plan['dev10_windows'] -%}
        {%- for k in range(1, 10) -%}{%- do plan['close_lags'].append(k) -%}{%- endfor -%}
    {%- endif -%}
    {%- for w in plan['dev10_windows'] -%}
        {%- for k in range(10, w, 10) -%}{%- do plan['close_lags'].append(k) -%}{%- endfor -%}
    {%- endfor -%}
    {%- if plan['vol_pieces'] -%}{%- do plan.update({'volume_lags': 4}) -%}{%- endif -%}
    {%- if plan['hl_windows'] | length > 1 and plan['hl_windows'] | unique | list | length > 1 -%}
        {{ exceptions.raise_compiler_error("stoch_k and willr must share one window") }}
    {%- endif -%}
    {%- if plan['hl_windows'] -%}
        {%- do plan.update({'hl': plan['hl_windows'][0], 'high_lags': plan['hl_windows'][0] // 2 - 1}) -%}
    {%- endif -%}
    {%- set wilder_windows = [] -%}
    {%- for w in plan['wilder'] -%}{%- do wilder_windows.append(w[1]) -%}{%- endfor -%}
    {%- if wilder_windows | unique | list | length > 1 -%}
        {{ exceptions.raise_compiler_error("RSI and ATR must share one Wilder window") }}
    {%- endif -%}
    {%- do plan.update({'wilder_window': (wilder_windows[0] if wilder_windows else none)}) -%}
    {%- set rvol_lags = [] -%}
    {%- for w in plan['rvol'] -%}{%- for k in range(5, w, 5) -%}{%- do rvol_lags.append(k) -%}{%- endfor -%}{%- endfor -%}
    {%- set dev10_lags = [] -%}
    {%- for w in plan['dev10_windows'] -%}{%- for k in range(10, w, 10) -%}{%- do dev10_lags.append(k) -%}{%- endfor -%}{%- endfor -%}
    {%- do plan.update({
        'close_lags': plan['close_lags'] | unique | sort, 'emas': plan['emas'] | unique | sort,
        'ln_close_lags': plan['ln_close_lags'] | unique | sort, 'rvol_lags': rvol_lags | unique | sort,
        'dev10_lags': dev10_lags | unique | sort}) -%}
    {{ return(plan) }}
{%- endmacro %}


{% macro technical_features_select(prices, with_state=false) -%}
{#- Full refresh: windows PARTITION BY code (parallel over codes). Incremental (with_state): the
    relation is ~60 rows per code, where DuckDB's per-partition cost (~1 ms a code for this many
    window expressions) dominates: ONE partition ordered by (code, trade_date) instead, the
    cumulative sums framed from the code's first row (`first_n`, a column of the relation); lags
    that reach into the previous code only feed rows gated out by their `n >= …` condition. -#}
{%- set partitioned = not with_state -%}
{%- set window_spec = 'partition by code order by trade_date' if partitioned else 'order by code, trade_date' -%}
{%- set plan = technical_plan() -%}
{%- set names = plan['names'] -%}
{%- set ww = plan['wilder_window'] -%}
{%- set s1_close_lags = [] -%}
{%- for k in plan['close_lags'] if k < 10 -%}{%- do s1_close_lags.append(k) -%}{%- endfor -%}
{%- set s2_close_lags = [] -%}
{%- for k in plan['close_lags'] if k >= 10 -%}{%- do s2_close_lags.append(k) -%}{%- endfor -%}
with

tech_input as (

    select *, ln(close) as ln_close
    from {{ prices }}

),

tech_stage_1 as (

    -- stage 1: lags of the inputs (a LAG is ~20× cheaper than a framed aggregate)
    select
        *,
        {%- for k in s1_close_lags %}
        lag(close, {{ k }}) over code_rows as close_lag_{{ k }},
        {%- endfor %}
        {%- for k in plan['ln_close_lags'] if k < 10 %}
        lag(ln_close, {{ k }}) over code_rows as ln_close_lag_{{ k }},
        {%- endfor %}
        {%- for k in range(1, plan['high_lags'] + 1) %}
        lag(high, {{ k }}) over code_rows as high_lag_{{ k }},
        lag(low, {{ k }}) over code_rows as low_lag_{{ k }},
        {%- endfor %}
        {%- for k in range(1, plan['volume_lags'] + 1) %}
        lag(volume, {{ k }}) over code_rows as volume_lag_{{ k }},
        {%- endfor %}
        {%- for w in plan['sma_frame'] %}
        avg(close) over (code_rows rows {{ w - 1 }} preceding) as mean_close_{{ w }},
        {%- endfor %}
        {%- for w in plan['var_frame'] %}
        avg(close) over (code_rows rows {{ w - 1 }} preceding) as mean_close_{{ w }},
        var_pop(close) over (code_rows rows {{ w - 1 }} preceding) as var_pop_close_{{ w }},
        {%- endfor %}
        {%- for w in plan['vol_frame'] %}
        avg(volume) over (code_rows rows {{ w - 1 }} preceding) as mean_volume_{{ w }},
        {%- endfor %}
        true as has_stage_1

    from tech_input
    window code_rows as ({{ window_spec }})

),

tech_pieces as (

    -- pieces built from the lags; only what stage 2 needs is carried into it
    select
        code,
        trade_date,
        n,
        {%- if with_state %}
        first_n, seed_n, seed_ema_12, seed_ema_26, seed_macd_signal, seed_avg_gain, seed_avg_loss, seed_atr, seed_obv,
        {%- endif %}
        caf,
        cvaf,
        close,
        volume,
        -- the recursions' inputs that need the previous close, so that stage 2 carries two
        -- columns instead of high, low and close_lag_1
        close - close_lag_1 as close_diff_1,
        {%- if ww and ('tr', ww) in plan['wilder'] %}
        greatest(high - low, abs(high - close_lag_1), abs(low - close_lag_1)) as true_range,
        {%- endif %}
        ln_close,
        ln_close - ln_close_lag_1 as ret_1d,
        {%- for k in s1_close_lags if k == 5 and plan['dev_pieces'] %}
        close_lag_{{ k }},
        {%- endfor %}
        {%- for k in plan['returns'] if k > 1 and k < 10 %}
        ln_close_lag_{{ k }},
        {%- endfor %}
        {%- for w in plan['sma_frame'] %}
        mean_close_{{ w }},
        {%- endfor %}
        {%- for w in plan['var_frame'] %}
        mean_close_{{ w }}, var_pop_close_{{ w }},
        {%- endfor %}
        {%- for w in plan['vol_frame'] %}
        mean_volume_{{ w }},
        {%- endfor %}
        {%- if plan['dev_pieces'] %}
        -- deviations of the last 5 closes from this row's close: sum and sum of squares
        {% for k in range(1, 5) %}({{ _tech_close(k) }} - close){{ ' + ' if not loop.last }}{% endfor %} as dev5_sum,
        {% for k in range(1, 5) %}({{ _tech_close(k) }} - close) * ({{ _tech_close(k) }} - close){{ ' + ' if not loop.last }}{% endfor %} as dev5_sq,
        {%- endif %}
        {%- if plan['dev10_windows'] %}
        -- deviations of the last 10 closes from this row's close
        {% for k in range(1, 10) %}({{ _tech_close(k) }} - close){{ ' + ' if not loop.last }}{% endfor %} as dev10_sum,
        {%- endif %}
        {%- if plan['rvol'] %}
        -- log returns of the last 5 rows (differences of ln close) as deviations from this row's
        {%- set rets = ['ret_1d'] %}
        {%- for k in range(1, 5) %}{% do rets.append('(ln_close_lag_' ~ k ~ ' - ln_close_lag_' ~ (k + 1) ~ ')') %}{% endfor %}
        {% for k in range(1, 5) %}({{ rets[k] }} - ret_1d){{ ' + ' if not loop.last }}{% endfor %} as rdev5_sum,
        {% for k in range(1, 5) %}({{ rets[k] }} - ret_1d) * ({{ rets[k] }} - ret_1d){{ ' + ' if not loop.last }}{% endfor %} as rdev5_sq,
        {%- endif %}
        {%- if plan['vol_pieces'] %}
        volume + volume_lag_1 + volume_lag_2 + volume_lag_3 + volume_lag_4 as vol5_sum,
        {%- endif %}
        {%- if plan['hl_windows'] %}
        greatest(high{% for k in range(1, plan['high_lags'] + 1) %}, high_lag_{{ k }}{% endfor %}) as max_high_half,
        least(low{% for k in range(1, plan['high_lags'] + 1) %}, low_lag_{{ k }}{% endfor %}) as min_low_half,
        {%- endif %}
        {%- if plan['mdd'] %}
        -- a piece of 10 closes [t-9, t]: running max from its oldest close, drawdown, min
        {%- for i in range(10) %}
        {% if i == 0 %}close_lag_9{% else %}greatest(run_max_{{ i - 1 }}, {{ _tech_close(9 - i) }}){% endif %} as run_max_{{ i }},
        {%- endfor %}
        run_max_9 as max10,
        least({% for i in range(1, 10) %}{{ _tech_close(9 - i) }} / run_max_{{ i }}{{ ', ' if not loop.last }}{% endfor %}) as dd10,
        least({% for k in range(10) %}{{ _tech_close(k) }}{{ ', ' if not loop.last }}{% endfor %}) as min10,
        {%- endif %}
        true as has_pieces

    from tech_stage_1

),

tech_stage_2 as (

    -- stage 2: one cumulative SUM per recursion (closed forms), lags of the pieces
    select
        * exclude ({% if plan['mdd'] %}{% for i in range(10) %}run_max_{{ i }}, {% endfor %}{% endif %}close_diff_1),
        {%- for k in s2_close_lags %}
        lag(close, {{ k }}) over code_rows as close_lag_{{ k }},
        {%- endfor %}
        {%- for k in plan['ln_close_lags'] if k >= 10 %}
        lag(ln_close, {{ k }}) over code_rows as ln_close_lag_{{ k }},
        {%- endfor %}
        {%- if plan['dev10_windows'] %}
        {{- _tech_lag_list('dev10_sum', plan['dev10_lags']) }}
        {%- endif %}
        {%- if plan['rvol'] %}
        {{- _tech_lag_list('ret_1d', plan['rvol_lags']) }}
        {{- _tech_lag_list('rdev5_sum', plan['rvol_lags']) }}
        {{- _tech_lag_list('rdev5_sq', plan['rvol_lags']) }}
        {%- endif %}
        {%- if plan['dev_pieces'] %}
        {{- _tech_lag_list('dev5_sum', [5, 10, 15]) }}
        {{- _tech_lag_list('dev5_sq', [5, 10, 15]) }}
        {%- endif %}
        {%- if plan['vol_pieces'] %}
        {{- _tech_lag_list('vol5_sum', [5, 10, 15]) }}
        {%- endif %}
        {%- if plan['hl_windows'] %}
        lag(max_high_half, {{ plan['hl'] // 2 }}) over code_rows as max_high_half_lag,
        lag(min_low_half, {{ plan['hl'] // 2 }}) over code_rows as min_low_half_lag,
        {%- endif %}
        {%- if plan['mdd'] %}
        {%- set mdd_lags = range(10, plan['mdd'], 10) | list %}
        {{- _tech_lag_list('max10', mdd_lags) }}
        {{- _tech_lag_list('min10', mdd_lags) }}
        {{- _tech_lag_list('dd10', mdd_lags) }}
        {%- endif %}
        {%- for w in plan['rvol_frame'] %}
        stddev_samp(ret_1d) over (code_rows rows {{ w - 1 }} preceding) as std_ret_{{ w }},
        {%- endfor %}
        {%- for span in plan['emas'] %}
        {%- set a = _tech_alpha(span) %}
        {{ _tech_kernel_cumsum('ema' ~ span, a, 1 - 2 / (span + 1),
            _tech_seeded(with_state, 'case when n = 0 then close / ' ~ a ~ ' else close end',
                         'seed_ema_' ~ span ~ ' / ' ~ a, 'close'), partitioned) }},
        {%- endfor %}
        {%- if plan['macd'] %}
        {%- set p = plan['macd'] %}
        {%- set t = _tech_macd_terms(p) %}
        {#- the seed row's term of Q' (see tech_values): first-value seeds e_0 = c_0, signal_0 = 0,
            or the carried EMAs and signal -#}
        {%- set first_seed = 'close * ((1 / (' ~ t.r9 ~ ' - ' ~ t.rf ~ ') - 1 / (' ~ t.r9 ~ ' - ' ~ t.rs ~ ')) / ' ~ t.k ~ ')' %}
        {%- set ef = 'seed_ema_' ~ p['fast'] %}{% set es = 'seed_ema_' ~ p['slow'] %}
        {%- set state_seed = '(seed_macd_signal - ' ~ t.a9 ~ ' * (' ~ ef ~ ' - ' ~ es ~ ') + ' ~ t.a9 ~ ' * ' ~ t.r9
            ~ ' * (' ~ ef ~ ' / (' ~ t.r9 ~ ' - ' ~ t.rf ~ ') - ' ~ es ~ ' / (' ~ t.r9 ~ ' - ' ~ t.rs ~ '))) / ('
            ~ t.a9 ~ ' * ' ~ t.r9 ~ ' * ' ~ t.k ~ ')' %}
        {{ _tech_kernel_cumsum('sig', t.a9, 1 - 2 / (p['signal'] + 1),
            _tech_seeded(with_state, 'case when n = 0 then ' ~ first_seed ~ ' else close end', state_seed, 'close'), partitioned) }},
        {%- endif %}
        {%- if ww %}
        {%- set aw = '(1.0 / ' ~ ww ~ ')' %}
        {%- set inputs = {
            'gain': 'greatest(close_diff_1, 0)',
            'loss': 'greatest(-close_diff_1, 0)',
            'tr': 'true_range'} %}
        {%- set seeds = {'gain': 'seed_avg_gain', 'loss': 'seed_avg_loss', 'tr': 'seed_atr'} %}
        {%- for part in ['gain', 'loss', 'tr'] if (part, ww) in plan['wilder'] %}
        {{ _tech_kernel_cumsum(part, aw, 1 - 1 / ww,
            _tech_seeded(with_state,
                'case when n = 0 then 0 when n <= ' ~ ww ~ ' then (' ~ inputs[part] ~ ') * pow(' ~ _tech_r(aw) ~ ', n - ' ~ ww ~ ') else ' ~ inputs[part] ~ ' end',
                seeds[part] ~ ' / ' ~ aw, inputs[part]), partitioned) }},
        {%- endfor %}
        {%- endif %}
        {%- if plan['obv'] %}
        sum({{ _tech_seeded(with_state,
                'case when n = 0 then volume else sign(close_diff_1) * volume end',
                'seed_obv', 'sign(close_diff_1) * volume') }})
            over (code_rows {{ _tech_code_start_frame(partitioned) }}) as obv_adjusted,
        {%- endif %}
        true as has_stage_2

    from tech_pieces
    window code_rows as ({{ window_spec }})

),

tech_values as (

    select
        *,
        {%- for span in plan['emas'] %}
        {{ _tech_alpha(span) }} * {{ _tech_kernel_value('ema' ~ span, _tech_alpha(span), 1 - 2 / (span + 1)) }} as ema_{{ span }}_adjusted,
        {%- endfor %}
        {%- if ww %}
        {%- set aw = '(1.0 / ' ~ ww ~ ')' %}
        {%- for part in ['gain', 'loss', 'tr'] if (part, ww) in plan['wilder'] %}
        {{ aw }} * {{ _tech_kernel_value(part, aw, 1 - 1 / ww) }} as wilder_{{ part }}_adjusted,
        {%- endfor %}
        {%- endif %}
        {%- if plan['dev_pieces'] %}
        dev5_sum
            {%- for k in [5, 10, 15] %} + dev5_sum_lag_{{ k }} + 5 * (close_lag_{{ k }} - close){% endfor %} as dev20_sum,
        dev5_sq
            {%- for k in [5, 10, 15] %}
            + dev5_sq_lag_{{ k }} + 2 * (close_lag_{{ k }} - close) * dev5_sum_lag_{{ k }}
            + 5 * (close_lag_{{ k }} - close) * (close_lag_{{ k }} - close)
            {%- endfor %} as dev20_sq,
        {%- endif %}
        {%- for w in plan['dev10_windows'] %}
        {{ _tech_dev_sum('dev10', 'close', 10, w) }} as dev{{ w }}_sum,
        {%- endfor %}
        {%- for w in plan['rvol'] %}
        {{ _tech_dev_sum('rdev5', 'ret_1d', 5, w) }} as rdev{{ w }}_sum,
        {{ _tech_dev_sq('rdev5', 'ret_1d', 5, w) }} as rdev{{ w }}_sq,
        {%- endfor %}
        {%- if plan['mdd'] %}
        {%- set pieces = range(plan['mdd'] - 10, -1, -10) | list %}
        -- fold of the pieces, oldest first: dd = min(dd_A, dd_B, min_B / max_A)
        least(
            {%- for k in pieces %}
            {%- set sfx = '' if k == 0 else '_lag_' ~ k %}
            dd10{{ sfx }}{% if not loop.first %},
            min10{{ sfx }} / greatest({% for j in pieces if j > k %}max10_lag_{{ j }}{{ ', ' if not loop.last }}{% endfor %}){% endif %}{{ ',' if not loop.last }}
            {%- endfor %}
        ) - 1 as mdd_value,
        {%- endif %}
        {%- if plan['macd'] %}
        {%- set p = plan['macd'] %}
        {%- set t = _tech_macd_terms(p) %}
        -- EMA_9 of (e_fast − e_slow) in closed form: with Q' = Σ_k r9^(n−k) x̃_k (the close kernel
        -- with r9, its seed term x̃ folding in the first / carried EMAs and signal),
        -- signal = α9 r9 K Q' − α9 rf e_fast / (r9 − rf) + α9 rs e_slow / (r9 − rs),
        -- K = αf / (r9 − rf) − αs / (r9 − rs)
        {{ t.a9 }} * {{ t.r9 }} * {{ t.k }} * {{ _tech_kernel_value('sig', t.a9, 1 - 2 / (p['signal'] + 1)) }}
            - {{ t.a9 }} * {{ t.rf }} * ema_{{ p['fast'] }}_adjusted / ({{ t.r9 }} - {{ t.rf }})
            + {{ t.a9 }} * {{ t.rs }} * ema_{{ p['slow'] }}_adjusted / ({{ t.r9 }} - {{ t.rs }}) as macd_signal_adjusted,
        {%- endif %}
        true as has_values

    from tech_stage_2

),

tech_features as (

    select
        code,
        trade_date,
        n as feature_row_index,
        {%- for f in plan['features'] %}
        {%- set p = f.get('params') or {} %}
        {%- set kind = f['kind'] %}
        {%- if kind == 'log_return' %}
        {%- set value = 'ret_1d' if p['periods'] == 1 else 'ln_close - ln_close_lag_' ~ p['periods'] %}
        {{ _tech_warm_up(partitioned, 'n >= ' ~ p['periods'], value) }} as {{ f['name'] }},
        {%- elif kind == 'sma' %}
        {%- if p['window'] in [5, 20] or p['window'] in plan['dev10_windows'] %}
        {%- set w = p['window'] %}
        {{ _tech_warm_up(partitioned, 'n >= ' ~ (w - 1), '(close + dev' ~ w ~ '_sum / ' ~ w ~ ') / caf') }} as {{ f['name'] }},
        {%- else %}
        case when n >= {{ p['window'] - 1 }} then mean_close_{{ p['window'] }} / caf end as {{ f['name'] }},
        {%- endif %}
        {%- elif kind == 'ema' %}
        ema_{{ p['span'] }}_adjusted / caf as {{ f['name'] }},
        {%- elif kind == 'macd_line' %}
        (ema_{{ p['fast'] }}_adjusted - ema_{{ p['slow'] }}_adjusted) / caf as {{ f['name'] }},
        {%- elif kind == 'macd_signal' %}
        macd_signal_adjusted / caf as {{ f['name'] }},
        {%- elif kind == 'macd_hist' %}
        (ema_{{ p['fast'] }}_adjusted - ema_{{ p['slow'] }}_adjusted - macd_signal_adjusted) / caf as {{ f['name'] }},
        {%- elif kind == 'rsi' %}
        case when n >= {{ p['window'] }} then
            case
                when abs(wilder_gain_adjusted + wilder_loss_adjusted) < 1e-14 then 0.0
                else 100 * (wilder_gain_adjusted / (wilder_gain_adjusted + wilder_loss_adjusted))
            end
        end as {{ f['name'] }},
        {%- elif kind == 'atr' %}
        case when n >= {{ p['window'] }} then wilder_tr_adjusted / caf end as {{ f['name'] }},
        {%- elif kind == 'bb_pctb' %}
        {%- if p['window'] == 20 %}{% set m2 = '(dev20_sq - dev20_sum * dev20_sum / 20)' %}{% set mean = '(close + dev20_sum / 20)' %}{% set vp = m2 ~ ' / 20' %}
        {%- else %}{% set mean = 'mean_close_' ~ p['window'] %}{% set vp = 'var_pop_close_' ~ p['window'] %}{% endif %}
        case when {% if not (partitioned and p['window'] == 20) %}n >= {{ p['window'] - 1 }} and {% endif %}{{ vp }} > 0 then
            (close - ({{ mean }} - {{ p['width'] }} * sqrt({{ vp }}))) / ({{ 2 * p['width'] }} * sqrt({{ vp }}))
        end as {{ f['name'] }},
        {%- elif kind == 'zscore' %}
        {%- if p['window'] == 20 %}{% set m2 = '(dev20_sq - dev20_sum * dev20_sum / 20)' %}{% set mean = '(close + dev20_sum / 20)' %}{% set vs = m2 ~ ' / 19' %}
        {%- else %}{% set mean = 'mean_close_' ~ p['window'] %}{% set vs = 'var_pop_close_' ~ p['window'] ~ ' * ' ~ p['window'] ~ ' / ' ~ (p['window'] - 1) %}{% endif %}
        case when {% if not (partitioned and p['window'] == 20) %}n >= {{ p['window'] - 1 }} and {% endif %}{{ vs }} > 0 then
            (close - {{ mean }}) / sqrt({{ vs }})
        end as {{ f['name'] }},
        {%- elif kind == 'rvol' %}
        {%- if p['window'] in plan['rvol'] %}
        {%- set w = p['window'] %}{% set m2 = '(rdev' ~ w ~ '_sq - rdev' ~ w ~ '_sum * rdev' ~ w ~ '_sum / ' ~ w ~ ')' %}
        -- sample std of the last w log returns from deviation pieces (exactly 0 on a constant run)
        case when n >= {{ w }} then sqrt(greatest({{ m2 }}, 0) / {{ w - 1 }}) * sqrt({{ p['annualisation'] }}) end as {{ f['name'] }},
        {%- else %}
        case when n >= {{ p['window'] }} then std_ret_{{ p['window'] }} * sqrt({{ p['annualisation'] }}) end as {{ f['name'] }},
        {%- endif %}
        {%- elif kind == 'max_drawdown' %}
        case when n >= {{ p['window'] - 1 }} then mdd_value end as {{ f['name'] }},
        {%- elif kind == 'volume_ratio' %}
        {%- set vm = '((vol5_sum + vol5_sum_lag_5 + vol5_sum_lag_10 + vol5_sum_lag_15) / 20)' if p['window'] == 20 else 'mean_volume_' ~ p['window'] %}
        case when {% if not (partitioned and p['window'] == 20) %}n >= {{ p['window'] - 1 }} and {% endif %}{{ vm }} > 0 then volume / {{ vm }} end as {{ f['name'] }},
        {%- elif kind in ['stoch_k', 'willr'] %}
        {%- set hh = 'greatest(max_high_half, max_high_half_lag)' %}{% set ll = 'least(min_low_half, min_low_half_lag)' %}
        case when n >= {{ p['window'] - 1 }} then
            case
                when {{ hh }} = {{ ll }} then 0.0
                {%- if kind == 'stoch_k' %}
                else (close - {{ ll }}) / (({{ hh }} - {{ ll }}) / 100)
                {%- else %}
                else ({{ hh }} - close) / (({{ hh }} - {{ ll }}) / -100)
                {%- endif %}
            end
        end as {{ f['name'] }},
        {%- elif kind == 'obv' %}
        obv_adjusted * cvaf as {{ f['name'] }},
        {%- endif %}
        {%- endfor %}
        {%- if ww and ('gain', ww) in plan['wilder'] %}
        case when n >= {{ ww }} then wilder_gain_adjusted / caf end as rsi_avg_gain_{{ ww }},
        case when n >= {{ ww }} then wilder_loss_adjusted / caf end as rsi_avg_loss_{{ ww }}
        {%- else %}
        cast(null as double) as rsi_avg_gain_14,
        cast(null as double) as rsi_avg_loss_14
        {%- endif %}

    from tech_values

)

select * from tech_features
{%- endmacro %}


{% macro technical_incremental_bounds(prices, lookback) -%}
    {#- For an incremental run of int_features_technical, queried before the model's SQL so that
        its date bounds are constants (DuckDB then skips row groups by their min/max instead of
        scanning the whole history): the first recomputed date (the last loaded trade date and
        `lookback` trade dates before it) and the codes to recompute from row 0 (rows in the
        recomputed dates but no stored row at the state date, the last stored trade date before
        them: new listings, gaps).
        none when nothing is loaded yet (then the model takes the full-refresh path). -#}
    {%- if not execute -%}
        {{ return({'recompute_from': '1900-01-01', 'codes_without_state': []}) }}
    {%- endif -%}
    {%- set bounds_sql -%}
        with last_loaded as (
            select max(trade_date) as trade_date from {{ this }}
        ),
        last_dates as (
            select distinct trade_date
            from {{ prices }}
            where
                feature_row_index is not null
                and trade_date <= (select trade_date from last_loaded)
                and trade_date >= (select trade_date from last_loaded) - {{ 7 * lookback + 30 }}
            order by trade_date desc
            limit {{ lookback + 1 }}
        )
        select cast(min(trade_date) as varchar) from last_dates
    {%- endset -%}
    {%- set recompute_from = run_query(bounds_sql).columns[0].values()[0] -%}
    {%- if recompute_from is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set requested = var('recompute_from', none) -%}
    {%- if requested and (requested | string) < recompute_from -%}
        {#- the driver ingested data from an earlier date (a day filled late): start there -#}
        {%- set recompute_from = requested | string -%}
    {%- endif -%}
    {#- the state date: the last stored trade date before the recomputed ones. A listed code has a
        (forward-filled) row every trade date, so its state is its row of that date; one equality
        on trade_date instead of a per-code "latest row" (QUALIFY row_number(), which DuckDB
        answers with a second full scan of the stored table) -#}
    {%- set state_sql -%}
        select cast(max(trade_date) as varchar) from {{ this }}
        where trade_date < date '{{ recompute_from }}' and trade_date >= date '{{ recompute_from }}' - 60
    {%- endset -%}
    {%- set state_date = run_query(state_sql).columns[0].values()[0] -%}
    {%- set codes_sql -%}
        select distinct code from {{ prices }}
        where feature_row_index is not null and trade_date >= date '{{ recompute_from }}'
        {%- if state_date is not none %}
        except
        select code from {{ this }}
        where trade_date = date '{{ state_date }}' and feature_row_index >= 59
        {%- endif %}
        order by 1
    {%- endset -%}
    {%- set codes = run_query(codes_sql).columns[0].values() | list -%}
    {{ return({'recompute_from': recompute_from, 'state_date': state_date or '1900-01-01', 'codes_without_state': codes}) }}
{%- endmacro %}
