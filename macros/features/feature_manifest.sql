{#-
    THE feature manifest: one entry per feature column, one file per family in
    macros/features/manifest/<family>.sql (a macro `manifest_family_<family>()` holding YAML between
    `# BEGIN FAMILY` and `# END FAMILY`). Macros generate the SQL from it (only `active` features are
    computed), the mart joins every family model that has active features, and the models' column
    docs and enforced contracts are generated from it (scripts/generate_feature_docs.py writes
    models/intermediate/features/_features__<family>.yml and the feature part of
    models/marts/_marts__models.yml; tests/features/test_manifest.py fails when they drift).

    Why macros holding YAML: dbt macros cannot read a file at compile time, a seed is only
    readable after it is loaded (run_query at execution, not at parse), and `vars` in
    dbt_project.yml would mix hundreds of feature records into the project config. A macro
    returning `fromyaml(...)` is read at compile time by every model and macro, lives beside the
    macros that consume it, and Python reads the same text (between the markers).

    Family fields: family, model (the dbt model computing it; null for labels, which the mart
    computes), description (the model doc), extra_columns (the model's non-feature columns:
    name, data_type, description, optional not_null), features.
    Feature fields: name (the column), family, kind (which generator), params, status (active |
    deprecated), inputs (the columns it reads), description (the column doc), data_type (default
    double), cross_sectional (optional: rank and z-score across the universe per date).
    Adding a family: a file in macros/features/manifest/ and one line in feature_families().
-#}
{% macro feature_families() -%}
    {#- Every family in mart column order (labels last). -#}
    {{ return([
        manifest_family_technical(),
        manifest_family_market_relative(),
        manifest_family_alpha158(),
        manifest_family_investor_flow(),
        manifest_family_margin(),
        manifest_family_fundamentals(),
        manifest_family_labels(),
    ]) }}
{%- endmacro %}


{% macro feature_manifest() -%}
    {#- Every feature entry of every family, in family order. -#}
    {%- set features = [] -%}
    {%- for family in feature_families() -%}
        {%- for feature in family['features'] -%}
            {%- do features.append(feature) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(features) }}
{%- endmacro %}


{% macro feature_model_families() -%}
    {#- The families the mart joins: a model of their own and at least one active feature. -#}
    {%- set families = [] -%}
    {%- for family in feature_families() -%}
        {%- if family['model'] and active_features(family['family']) | length > 0 -%}
            {%- do families.append(family) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(families) }}
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


{% macro cross_sectional_feature_sources() -%}
    {#- The family models of the cross-sectional features: {model: [names]}, in manifest order
        (int_features_cross_sectional reads them). -#}
    {%- set sources = {} -%}
    {%- for family in feature_model_families() -%}
        {%- for feature in active_features(family['family']) if feature.get('cross_sectional', false) -%}
            {%- do sources.setdefault(family['model'], []).append(feature['name']) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(sources) }}
{%- endmacro %}
