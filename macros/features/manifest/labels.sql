{#- Feature manifest, family `labels`: forward returns, never inputs of a feature.
    The YAML between the markers is read by dbt (fromyaml, at compile time) and by
    scripts/generate_feature_docs.py; see macros/features/feature_manifest.sql for the fields. -#}
{% macro manifest_family_labels() -%}
{%- set family_yaml -%}
# BEGIN FAMILY
family: labels
model: null  # computed in ml_features from int_prices_adjusted (forward LEADs)
description: "Forward log returns: the targets, never inputs of a feature."
extra_columns: []
features:
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
# END FAMILY
{%- endset -%}
{{ return(fromyaml(family_yaml)) }}
{%- endmacro %}
