{#- Feature manifest, family `fundamentals`: valuation and growth from the latest disclosure as of the date. (no features yet)
    The YAML between the markers is read by dbt (fromyaml, at compile time) and by
    scripts/generate_feature_docs.py; see macros/features/feature_manifest.sql for the fields. -#}
{% macro manifest_family_fundamentals() -%}
{%- set family_yaml -%}
# BEGIN FAMILY
family: fundamentals
model: int_features_fundamentals
description: "TODO: not built yet."
extra_columns: []
features: []
# END FAMILY
{%- endset -%}
{{ return(fromyaml(family_yaml)) }}
{%- endmacro %}
