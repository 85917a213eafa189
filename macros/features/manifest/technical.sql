{#- Feature manifest, family `technical`: the 21 columns of shared/reference/indicators.md (t = feature_row_index).
    The YAML between the markers is read by dbt (fromyaml, at compile time) and by
    scripts/generate_feature_docs.py; see macros/features/feature_manifest.sql for the fields. -#}
{% macro manifest_family_technical() -%}
{%- set family_yaml -%}
# BEGIN FAMILY
family: technical
model: int_features_technical
description: |
  The technical family of the feature manifest (shared/reference/indicators.md), one row per code ×
  trade date from the code's first trade on, over the forward-filled adjusted series of
  `int_prices_adjusted`; t = `feature_row_index`, a feature is NULL before it is defined. SQL from
  macros/features/technical.sql (two window stages, LAG pieces, exact closed forms for EMA / MACD
  signal / Wilder / OBV). Level columns are divided by `cumulative_adj_factor` (OBV multiplied by
  `cumulative_volume_adj_factor`): in the scale of their own date, point-in-time. Incremental: the
  recursive state is carried exactly from the last stored row of each code (tests/features prove
  one-day-at-a-time runs = full refresh, within 1e-9).
extra_columns:
  - name: feature_row_index
    data_type: bigint
    description: "t, the 0-based row of the code's feature series (0 = first traded day)."
    not_null: true
  - name: rsi_avg_gain_14
    data_type: double
    description: "State (not a feature): Wilder average gain of rsi_14, own-date yen scale; carried to the next incremental run."
  - name: rsi_avg_loss_14
    data_type: double
    description: "State (not a feature): Wilder average loss of rsi_14, own-date yen scale."
features:
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
# END FAMILY
{%- endset -%}
{{ return(fromyaml(family_yaml)) }}
{%- endmacro %}
