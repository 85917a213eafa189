{#- Feature manifest, family `margin`: weekly margin balance and the daily short-selling / margin shares of turnover. (no features yet)
    The YAML between the markers is read by dbt (fromyaml, at compile time) and by
    scripts/generate_feature_docs.py; see macros/features/feature_manifest.sql for the fields. -#}
{% macro manifest_family_margin() -%}
{%- set family_yaml -%}
# BEGIN FAMILY
family: margin
model: int_features_margin
description: "TODO: not built yet."
extra_columns: []
features: []
# END FAMILY
{%- endset -%}
{{ return(fromyaml(family_yaml)) }}
{%- endmacro %}
