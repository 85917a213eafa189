{#- Feature manifest, family `alpha158`: Qlib's Alpha158 (macros/features/alpha158.sql). (no features yet)
    The YAML between the markers is read by dbt (fromyaml, at compile time) and by
    scripts/generate_feature_docs.py; see macros/features/feature_manifest.sql for the fields. -#}
{% macro manifest_family_alpha158() -%}
{%- set family_yaml -%}
# BEGIN FAMILY
family: alpha158
model: int_features_alpha158
description: "TODO: not built yet."
extra_columns: []
features: []
# END FAMILY
{%- endset -%}
{{ return(fromyaml(family_yaml)) }}
{%- endmacro %}
