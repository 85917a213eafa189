{#- Feature manifest, family `market_relative`: against TOPIX (stg_jquants__topix close), same trade dates.
    The YAML between the markers is read by dbt (fromyaml, at compile time) and by
    scripts/generate_feature_docs.py; see macros/features/feature_manifest.sql for the fields. -#}
{% macro manifest_family_market_relative() -%}
{%- set family_yaml -%}
# BEGIN FAMILY
family: market_relative
model: int_features_market_relative
description: |
  The market-relative family of the feature manifest: beta, correlation and excess log return of
  each code against TOPIX (`stg_jquants__topix` close, forward-filled over a missing close) over row
  windows of the code's forward-filled series.
extra_columns:
  - name: feature_row_index
    data_type: bigint
    description: "t, the 0-based row of the code's feature series."
features:
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
# END FAMILY
{%- endset -%}
{{ return(fromyaml(family_yaml)) }}
{%- endmacro %}
