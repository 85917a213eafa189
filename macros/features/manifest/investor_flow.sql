{#- Feature manifest, family `investor_flow`: weekly investor types per section, as of usable_from. (no features yet)
    The YAML between the markers is read by dbt (fromyaml, at compile time) and by
    scripts/generate_feature_docs.py; see macros/features/feature_manifest.sql for the fields. -#}
{% macro manifest_family_investor_flow() -%}
{%- set family_yaml -%}
# BEGIN FAMILY
family: investor_flow
model: int_features_investor_flow
description: "TODO: not built yet."
extra_columns: []
features: []
# END FAMILY
{%- endset -%}
{{ return(fromyaml(family_yaml)) }}
{%- endmacro %}
