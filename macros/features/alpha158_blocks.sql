{#-
    Window statistics of Alpha158 without one framed window aggregate per statistic.

    DuckDB evaluates a framed aggregate (`sum(x) over (... rows between 59 preceding ...)`) with
    a segment tree: about 1 µs per row and aggregate, and Alpha158 needs ~35 of them per window
    size. LAG costs ~20 ns per row. So every decomposable statistic is computed on blocks: the
    5-row block ending at each row (from the row and its lags 1..4), then blocks of 10, 20, 30
    and 60 rows by merging a block with the block that ends just before it (LAG of its
    summary): 10 = 5 ⊕ 5, 20 = 10 ⊕ 10, 30 = 20 ⊕ 10, 60 = 30 ⊕ 30. A block that starts before
    the code's first row is cut there (LAG is NULL: an empty block), exactly as pandas'
    rolling(N, min_periods=1) cuts its windows.

    A block summary ("state") per window size w, prefixed w<w>_:
    - n_c, n_rc: number of non-NULL values of close (= of high, low, volume, ln(volume+1)) and of
      the Ref-1 series (close ratio, its log-volume companion, |return| × volume, the changes);
    - mean_<s>, m2_<s>: mean and sum of squared deviations (merged with Chan et al.'s pairwise
      formulas, which are as stable as Welford's) of s in c (close), x (the row position of each
      non-NULL close), v (volume), lv (ln(volume+1)), rc (close ratio), lvr (ln(volume ratio+1)),
      wv (|return| × volume); co-moments cm_xc, cm_clv, cm_rclvr;
    - max_h/pos_h, min_l/pos_l: the block's highest high / lowest low and the position of their
      first occurrence; first_nan: the position of the block's first NaN day;
    - sum_<s> for up, dn (0/1 flags), gain, loss, absd (close changes), vgain, vloss, vabsd.
    Rank and quantiles are not decomposable: they stay framed window aggregates.
-#}

{% macro _alpha158_moment_series() -%}
    {#- name: (value expression at lag k, count) — k is substituted by _alpha158_lagged -#}
    {{ return({
        'c': 'n_c', 'x': 'n_c', 'v': 'n_c', 'lv': 'n_c',
        'rc': 'n_rc', 'lvr': 'n_rc', 'wv': 'n_rc',
    }) }}
{%- endmacro %}


{% macro _alpha158_comoments() -%}
    {#- name: (left, right, count) -#}
    {{ return({'xc': ['x', 'c', 'n_c'], 'clv': ['c', 'lv', 'n_c'], 'rclvr': ['rc', 'lvr', 'n_rc']}) }}
{%- endmacro %}


{% macro _alpha158_sum_series() -%}
    {{ return(['up', 'dn', 'gain', 'loss', 'absd', 'vgain', 'vloss', 'vabsd']) }}
{%- endmacro %}


{% macro _alpha158_row_series() -%}
    {#- the per-row series the 5-row blocks are built from (each gets lags 1..4) -#}
    {{ return(['close', 'high', 'low', 'volume', 'lv', 'rc', 'lvr', 'wv',
               'up', 'dn', 'gain', 'loss', 'absd', 'vgain', 'vloss', 'vabsd']) }}
{%- endmacro %}


{% macro _alpha158_state_columns() -%}
    {%- set columns = ['n_c', 'n_rc', 'max_h', 'pos_h', 'min_l', 'pos_l', 'first_nan'] -%}
    {%- for s in _alpha158_moment_series() -%}
        {%- do columns.append('mean_' ~ s) -%}
        {%- do columns.append('m2_' ~ s) -%}
    {%- endfor -%}
    {%- for cm in _alpha158_comoments() -%}
        {%- do columns.append('cm_' ~ cm) -%}
    {%- endfor -%}
    {%- for s in _alpha158_sum_series() -%}
        {%- do columns.append('sum_' ~ s) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}


{% macro _alpha158_lagged(series, k) -%}
    {#- the value of a per-row series k rows back (k = 0: the row itself) -#}
    {%- set column = {'c': 'close', 'v': 'volume'}.get(series, series) -%}
    {%- if series == 'x' -%}
        case when {{ _alpha158_lagged('c', k) }} is not null then series_row_index - {{ k }} end
    {%- elif k == 0 -%}
        {{ column }}
    {%- else -%}
        {{ column }}_lag{{ k }}
    {%- endif -%}
{%- endmacro %}


{% macro _alpha158_row_lags() -%}
    {#- LAG 1..4 of the per-row series: the members of the 5-row block ending at each row -#}
    {%- set columns = [] -%}
    {%- for series in _alpha158_row_series() -%}
        {%- for k in range(1, 5) -%}
            {%- do columns.append(_alpha158_lag(series, k) ~ ' as ' ~ series ~ '_lag' ~ k) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(columns | join(',\n            ')) }}
{%- endmacro %}


{% macro _alpha158_block5_counts_and_means() -%}
    {#- first half of the 5-row block state: counts, means, extremes, sums -#}
    {%- set columns = [] -%}
    {%- for count, series in [('n_c', 'c'), ('n_rc', 'rc')] -%}
        {%- set terms = [] -%}
        {%- for k in range(5) -%}
            {%- do terms.append('(' ~ _alpha158_lagged(series, k) ~ ' is not null)::int') -%}
        {%- endfor -%}
        {%- do columns.append(terms | join(' + ') ~ ' as w5_' ~ count) -%}
    {%- endfor -%}
    {%- for s, count in _alpha158_moment_series().items() -%}
        {%- set terms = [] -%}
        {%- for k in range(5) -%}
            {%- do terms.append('coalesce(' ~ _alpha158_lagged(s, k) ~ ', 0)') -%}
        {%- endfor -%}
        {%- set count_terms = [] -%}
        {%- for k in range(5) -%}
            {%- do count_terms.append('(' ~ _alpha158_lagged('c' if count == 'n_c' else 'rc', k) ~ ' is not null)::int') -%}
        {%- endfor -%}
        {%- do columns.append('(' ~ terms | join(' + ') ~ ') / nullif(' ~ count_terms | join(' + ') ~ ', 0) as w5_mean_' ~ s) -%}
    {%- endfor -%}
    {#- greatest/least skip NULLs: the block's extreme over its non-NaN values -#}
    {%- set highs = [] -%}
    {%- set lows = [] -%}
    {%- for k in range(5) -%}
        {%- do highs.append(_alpha158_lagged('high', k)) -%}
        {%- do lows.append(_alpha158_lagged('low', k)) -%}
    {%- endfor -%}
    {%- do columns.append('greatest(' ~ highs | join(', ') ~ ') as w5_max_h') -%}
    {%- do columns.append('least(' ~ lows | join(', ') ~ ') as w5_min_l') -%}
    {#- the oldest NaN day of the block (a row that exists: position >= 0) -#}
    {%- set nan_cases = [] -%}
    {%- for k in range(4, -1, -1) -%}
        {%- do nan_cases.append('when series_row_index >= ' ~ k ~ ' and ' ~ _alpha158_lagged('c', k) ~ ' is null then series_row_index - ' ~ k) -%}
    {%- endfor -%}
    {%- do columns.append('case ' ~ nan_cases | join(' ') ~ ' end as w5_first_nan') -%}
    {%- for s in _alpha158_sum_series() -%}
        {%- set terms = [] -%}
        {%- for k in range(5) -%}
            {%- do terms.append('coalesce(' ~ _alpha158_lagged(s, k) ~ ', 0)') -%}
        {%- endfor -%}
        {%- do columns.append(terms | join(' + ') ~ ' as w5_sum_' ~ s) -%}
    {%- endfor -%}
    {{ return(columns | join(',\n            ')) }}
{%- endmacro %}


{% macro _alpha158_block5_deviations() -%}
    {#- second half: squared deviations and co-moments around the block means, positions of
        the extremes (first occurrence: the oldest member first) -#}
    {%- set columns = [] -%}
    {%- for s in _alpha158_moment_series() -%}
        {%- set terms = [] -%}
        {%- for k in range(5) -%}
            {%- do terms.append('coalesce(power(' ~ _alpha158_lagged(s, k) ~ ' - w5_mean_' ~ s ~ ', 2), 0)') -%}
        {%- endfor -%}
        {%- do columns.append(terms | join(' + ') ~ ' as w5_m2_' ~ s) -%}
    {%- endfor -%}
    {%- for cm, spec in _alpha158_comoments().items() -%}
        {%- set terms = [] -%}
        {%- for k in range(5) -%}
            {%- do terms.append('coalesce((' ~ _alpha158_lagged(spec[0], k) ~ ' - w5_mean_' ~ spec[0] ~ ') * ('
                ~ _alpha158_lagged(spec[1], k) ~ ' - w5_mean_' ~ spec[1] ~ '), 0)') -%}
        {%- endfor -%}
        {%- do columns.append(terms | join(' + ') ~ ' as w5_cm_' ~ cm) -%}
    {%- endfor -%}
    {%- for extreme, series in [('max_h', 'high'), ('min_l', 'low')] -%}
        {%- set cases = [] -%}
        {%- for k in range(4, -1, -1) -%}
            {%- do cases.append('when ' ~ _alpha158_lagged(series, k) ~ ' = w5_' ~ extreme ~ ' then series_row_index - ' ~ k) -%}
        {%- endfor -%}
        {%- do columns.append('case ' ~ cases | join(' ') ~ ' end as w5_pos_' ~ extreme[-1]) -%}
    {%- endfor -%}
    {{ return(columns | join(',\n            ')) }}
{%- endmacro %}


{% macro _alpha158_lag_state(source, offset, target) -%}
    {#- the state of the block ending `offset` rows back -#}
    {%- set columns = [] -%}
    {%- for column in _alpha158_state_columns() -%}
        {%- do columns.append(_alpha158_lag(source ~ '_' ~ column, offset) ~ ' as ' ~ target ~ '_' ~ column) -%}
    {%- endfor -%}
    {{ return(columns | join(',\n            ')) }}
{%- endmacro %}


{% macro _alpha158_merge_state(newer, older, target) -%}
    {#-
        The state of the union of two adjacent blocks: `older` ends just before `newer` starts
        (its columns may be NULL: an empty block before the code's first row). Counts add; means,
        squared deviations and co-moments merge with Chan's formulas; the older extreme wins a tie
        (first occurrence); the older NaN day comes first.
    -#}
    {%- set columns = [] -%}
    {%- for count in ['n_c', 'n_rc'] -%}
        {%- do columns.append(newer ~ '_' ~ count ~ ' + coalesce(' ~ older ~ '_' ~ count ~ ', 0) as ' ~ target ~ '_' ~ count) -%}
    {%- endfor -%}
    {%- for s, count in _alpha158_moment_series().items() -%}
        {%- set na = newer ~ '_' ~ count -%}
        {%- set nb = 'coalesce(' ~ older ~ '_' ~ count ~ ', 0)' -%}
        {%- set ma = newer ~ '_mean_' ~ s -%}
        {%- set mb = older ~ '_mean_' ~ s -%}
        {%- do columns.append(
            'case when ' ~ nb ~ ' = 0 then ' ~ ma ~ ' when ' ~ na ~ ' = 0 then ' ~ mb
            ~ ' else ' ~ ma ~ ' + (' ~ mb ~ ' - ' ~ ma ~ ') * ' ~ nb ~ ' / (' ~ na ~ ' + ' ~ nb ~ ') end as ' ~ target ~ '_mean_' ~ s) -%}
        {%- do columns.append(
            'case when ' ~ nb ~ ' = 0 then ' ~ newer ~ '_m2_' ~ s ~ ' when ' ~ na ~ ' = 0 then ' ~ older ~ '_m2_' ~ s
            ~ ' else ' ~ newer ~ '_m2_' ~ s ~ ' + ' ~ older ~ '_m2_' ~ s ~ ' + power(' ~ mb ~ ' - ' ~ ma ~ ', 2) * '
            ~ na ~ ' * ' ~ nb ~ ' / (' ~ na ~ ' + ' ~ nb ~ ') end as ' ~ target ~ '_m2_' ~ s) -%}
    {%- endfor -%}
    {%- for cm, spec in _alpha158_comoments().items() -%}
        {%- set na = newer ~ '_' ~ spec[2] -%}
        {%- set nb = 'coalesce(' ~ older ~ '_' ~ spec[2] ~ ', 0)' -%}
        {%- do columns.append(
            'case when ' ~ nb ~ ' = 0 then ' ~ newer ~ '_cm_' ~ cm ~ ' when ' ~ na ~ ' = 0 then ' ~ older ~ '_cm_' ~ cm
            ~ ' else ' ~ newer ~ '_cm_' ~ cm ~ ' + ' ~ older ~ '_cm_' ~ cm
            ~ ' + (' ~ older ~ '_mean_' ~ spec[0] ~ ' - ' ~ newer ~ '_mean_' ~ spec[0] ~ ')'
            ~ ' * (' ~ older ~ '_mean_' ~ spec[1] ~ ' - ' ~ newer ~ '_mean_' ~ spec[1] ~ ')'
            ~ ' * ' ~ na ~ ' * ' ~ nb ~ ' / (' ~ na ~ ' + ' ~ nb ~ ') end as ' ~ target ~ '_cm_' ~ cm) -%}
    {%- endfor -%}
    {%- for extreme, position, op in [('max_h', 'pos_h', '>='), ('min_l', 'pos_l', '<=')] -%}
        {%- set a = newer ~ '_' ~ extreme -%}
        {%- set b = older ~ '_' ~ extreme -%}
        {%- do columns.append(('greatest' if op == '>=' else 'least') ~ '(' ~ a ~ ', ' ~ b ~ ') as ' ~ target ~ '_' ~ extreme) -%}
        {%- do columns.append(
            'case when ' ~ a ~ ' is null or ' ~ b ~ ' ' ~ op ~ ' ' ~ a ~ ' then coalesce(' ~ older ~ '_' ~ position ~ ', '
            ~ newer ~ '_' ~ position ~ ') else ' ~ newer ~ '_' ~ position ~ ' end as ' ~ target ~ '_' ~ position) -%}
    {%- endfor -%}
    {%- do columns.append('coalesce(' ~ older ~ '_first_nan, ' ~ newer ~ '_first_nan) as ' ~ target ~ '_first_nan') -%}
    {%- for s in _alpha158_sum_series() -%}
        {%- do columns.append(newer ~ '_sum_' ~ s ~ ' + coalesce(' ~ older ~ '_sum_' ~ s ~ ', 0) as ' ~ target ~ '_sum_' ~ s) -%}
    {%- endfor -%}
    {{ return(columns | join(',\n            ')) }}
{%- endmacro %}
