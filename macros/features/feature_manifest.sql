{#-
    THE feature manifest: one entry per feature column of the families this file lists (technical,
    labels, market-relative, cross-sectional). Macros generate the SQL from it (only `active`
    features are computed), the models' column docs are generated from it
    (scripts/features_docs.py writes models/**/_features__technical.yml and the feature part of
    models/marts/_marts__models.yml; tests/features/test_manifest.py fails when they drift).

    Why a macro holding YAML: dbt macros cannot read a file at compile time, a seed is only
    readable after it is loaded (run_query at execution, not at parse), and `vars` in
    dbt_project.yml would mix 30+ feature records into the project config. A macro returning
    `fromyaml(...)` is read at compile time by every model and macro, lives beside the macros that
    consume it, and Python reads the same text (between the BEGIN/END markers).

    Fields: name (the column), family, kind (which generator), params, status (active |
    deprecated), inputs (int_prices_adjusted / stg columns it reads), description (the column
    doc), cross_sectional (optional: rank and z-score across the universe per date).
-#}
{% macro feature_manifest() -%}
{%- set manifest_yaml -%}
# BEGIN MANIFEST
features:
  # --- technical: shared/reference/indicators.md (t = feature_row_index) -----------------------
  - name: ret_1d
    family: technical
    kind: log_return
    params: {periods: 1}
    status: active
    inputs: [feature_close]
    cross_sectional: true
    description: "ln(c_t / c_{t-1}) of the forward-filled adjusted close (0 on a no-trade day); defined from t ≥ 1."
  - name: ret_5d
    family: technical
    kind: log_return
    params: {periods: 5}
    status: active
    inputs: [feature_close]
    cross_sectional: true
    description: "ln(c_t / c_{t-5}); defined from t ≥ 5."
  - name: ret_20d
    family: technical
    kind: log_return
    params: {periods: 20}
    status: active
    inputs: [feature_close]
    cross_sectional: true
    description: "ln(c_t / c_{t-20}); defined from t ≥ 20."
  - name: sma_5
    family: technical
    kind: sma
    params: {window: 5}
    status: active
    inputs: [feature_close, cumulative_adj_factor]
    description: "Mean of the closes of rows t-4..t, in the yen scale of the row's own date; defined from t ≥ 4."
  - name: sma_20
    family: technical
    kind: sma
    params: {window: 20}
    status: active
    inputs: [feature_close, cumulative_adj_factor]
    description: "Mean of the closes of rows t-19..t, in the yen scale of the row's own date; defined from t ≥ 19."
  - name: sma_60
    family: technical
    kind: sma
    params: {window: 60}
    status: active
    inputs: [feature_close, cumulative_adj_factor]
    description: "Mean of the closes of rows t-59..t, in the yen scale of the row's own date; defined from t ≥ 59."
  - name: ema_12
    family: technical
    kind: ema
    params: {span: 12}
    status: active
    inputs: [feature_close, cumulative_adj_factor]
    description: "EMA of the close, α = 2/13, seeded with the first close (pandas ewm(span=12, adjust=False), not TA-Lib's SMA seed), own-date yen scale; defined from t ≥ 0."
  - name: ema_26
    family: technical
    kind: ema
    params: {span: 26}
    status: active
    inputs: [feature_close, cumulative_adj_factor]
    description: "EMA of the close, α = 2/27, seeded with the first close, own-date yen scale; defined from t ≥ 0."
  - name: macd
    family: technical
    kind: macd_line
    params: {fast: 12, slow: 26}
    status: active
    inputs: [feature_close, cumulative_adj_factor]
    description: "ema_12 − ema_26 (own-date yen scale); defined from t ≥ 0."
  - name: macd_signal
    family: technical
    kind: macd_signal
    params: {fast: 12, slow: 26, signal: 9}
    status: active
    inputs: [feature_close, cumulative_adj_factor]
    description: "EMA (α = 2/10) of macd seeded with macd_0 = 0 (own-date yen scale); defined from t ≥ 0."
  - name: macd_hist
    family: technical
    kind: macd_hist
    params: {fast: 12, slow: 26, signal: 9}
    status: active
    inputs: [feature_close, cumulative_adj_factor]
    description: "macd − macd_signal (own-date yen scale); defined from t ≥ 0."
  - name: rsi_14
    family: technical
    kind: rsi
    params: {window: 14}
    status: active
    inputs: [feature_close]
    cross_sectional: true
    description: "Wilder RSI, identical to TA-Lib RSI(c, 14): gains/losses averaged over rows 1..14, then (13·prev + x)/14; 100·AU/(AU+AD), 0 when AU+AD = 0; defined from t ≥ 14."
  - name: atr_14
    family: technical
    kind: atr
    params: {window: 14}
    status: active
    inputs: [feature_high, feature_low, feature_close, cumulative_adj_factor]
    description: "Wilder average true range, identical to TA-Lib ATR(h, l, c, 14), own-date yen scale; defined from t ≥ 14."
  - name: bb_pctb_20
    family: technical
    kind: bb_pctb
    params: {window: 20, width: 2}
    status: active
    inputs: [feature_close]
    description: "Bollinger %B = (c − lo)/(up − lo), up/lo = sma_20 ± 2σ, σ the population std of the last 20 closes (TA-Lib BBANDS(c, 20, 2, 2, SMA)); NULL when σ = 0; defined from t ≥ 19."
  - name: rvol_20
    family: technical
    kind: rvol
    params: {window: 20, annualisation: 252}
    status: active
    inputs: [feature_close]
    cross_sectional: true
    description: "Sample std (ddof 1) of ret_1d over rows t-19..t × √252; defined from t ≥ 20."
  - name: mdd_60
    family: technical
    kind: max_drawdown
    params: {window: 60}
    status: active
    inputs: [feature_close]
    cross_sectional: true
    description: "Max drawdown inside rows t-59..t: min_j (c_j / max_{i ≤ j} c_i) − 1 (≤ 0, path-dependent); defined from t ≥ 59."
  - name: vol_ratio_20
    family: technical
    kind: volume_ratio
    params: {window: 20}
    status: active
    inputs: [feature_volume]
    cross_sectional: true
    description: "v_t / mean(v_{t-19..t}) of the adjusted volume (0 on a no-trade day); NULL when that mean is 0; defined from t ≥ 19."
  - name: stoch_k_14
    family: technical
    kind: stoch_k
    params: {window: 14}
    status: active
    inputs: [feature_high, feature_low, feature_close]
    description: "Fast %K = 100·(c − LL)/(HH − LL) over rows t-13..t, 0 when HH = LL (TA-Lib STOCHF fast %K); defined from t ≥ 13."
  - name: willr_14
    family: technical
    kind: willr
    params: {window: 14}
    status: active
    inputs: [feature_high, feature_low, feature_close]
    description: "Williams %R = −100·(HH − c)/(HH − LL) over rows t-13..t, 0 when HH = LL (TA-Lib WILLR); defined from t ≥ 13."
  - name: obv
    family: technical
    kind: obv
    params: {}
    status: active
    inputs: [feature_close, feature_volume, cumulative_volume_adj_factor]
    description: "On-balance volume: v_0, then + sign(c_t − c_{t-1})·v_t (TA-Lib OBV), in the share scale of the row's own date; defined from t ≥ 0."
  - name: zscore_20
    family: technical
    kind: zscore
    params: {window: 20}
    status: active
    inputs: [feature_close]
    cross_sectional: true
    description: "(c − sma_20)/s, s the sample std (ddof 1) of the last 20 closes; NULL when s = 0; defined from t ≥ 19."
  # --- labels: forward returns, never inputs of a feature ------------------------------------
  - name: label_ret_1d
    family: labels
    kind: forward_log_return
    params: {periods: 1}
    status: active
    inputs: [feature_close]
    description: "LABEL (future data): ln(c_{t+1} / c_t), the log return over the next trading row of the code; NULL on the code's last row. Never an input of a feature."
  - name: label_ret_5d
    family: labels
    kind: forward_log_return
    params: {periods: 5}
    status: active
    inputs: [feature_close]
    description: "LABEL (future data): ln(c_{t+5} / c_t); NULL on the code's last 5 rows."
  - name: label_ret_20d
    family: labels
    kind: forward_log_return
    params: {periods: 20}
    status: active
    inputs: [feature_close]
    description: "LABEL (future data): ln(c_{t+20} / c_t); NULL on the code's last 20 rows."
  # --- market-relative: against TOPIX (stg_jquants__topix close), same trade dates ------------
  - name: beta_topix_20
    family: market_relative
    kind: beta
    params: {window: 20}
    status: active
    inputs: [feature_close, topix_close]
    cross_sectional: false
    description: "OLS beta of ret_1d on the TOPIX log return over rows t-19..t: covar_samp / var_samp; NULL when the TOPIX variance is 0; defined from t ≥ 20."
  - name: beta_topix_60
    family: market_relative
    kind: beta
    params: {window: 60}
    status: active
    inputs: [feature_close, topix_close]
    description: "OLS beta of ret_1d on the TOPIX log return over rows t-59..t; defined from t ≥ 60."
  - name: corr_topix_20
    family: market_relative
    kind: correlation
    params: {window: 20}
    status: active
    inputs: [feature_close, topix_close]
    description: "Pearson correlation of ret_1d and the TOPIX log return over rows t-19..t; NULL when either variance is 0; defined from t ≥ 20."
  - name: corr_topix_60
    family: market_relative
    kind: correlation
    params: {window: 60}
    status: active
    inputs: [feature_close, topix_close]
    description: "Pearson correlation of ret_1d and the TOPIX log return over rows t-59..t; defined from t ≥ 60."
  - name: excess_ret_topix_20
    family: market_relative
    kind: excess_return
    params: {window: 20}
    status: active
    inputs: [feature_close, topix_close]
    cross_sectional: true
    description: "ln(c_t / c_{t-20}) − ln(TOPIX_t / TOPIX_{t-20}) over the same rows; defined from t ≥ 20."
  - name: excess_ret_topix_60
    family: market_relative
    kind: excess_return
    params: {window: 60}
    status: active
    inputs: [feature_close, topix_close]
    description: "ln(c_t / c_{t-60}) − ln(TOPIX_t / TOPIX_{t-60}); defined from t ≥ 60."
# END MANIFEST
{%- endset -%}
{{ return(fromyaml(manifest_yaml)['features']) }}
{%- endmacro %}


{% macro active_features(family=none) -%}
    {#- The active manifest entries (of one family when given), in manifest order. -#}
    {%- set selected = [] -%}
    {%- for feature in feature_manifest() -%}
        {%- if feature['status'] == 'active' and (family is none or feature['family'] == family) -%}
            {%- do selected.append(feature) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(selected) }}
{%- endmacro %}


{% macro active_feature_names(family=none) -%}
    {%- set names = [] -%}
    {%- for feature in active_features(family) -%}
        {%- do names.append(feature['name']) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}


{% macro cross_sectional_feature_names() -%}
    {#- Active features flagged `cross_sectional: true`: the mart adds cs_rank_<name> and
        cs_z_<name> for each. -#}
    {%- set names = [] -%}
    {%- for feature in active_features() -%}
        {%- if feature.get('cross_sectional', false) -%}
            {%- do names.append(feature['name']) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}
