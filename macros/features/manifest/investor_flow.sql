{#- Feature manifest, family `investor_flow`: weekly investor types per section, as of usable_from.
    The YAML between the markers is read by dbt (fromyaml, at compile time) and by
    scripts/generate_feature_docs.py; see macros/features/feature_manifest.sql for the fields. -#}
{% macro manifest_family_investor_flow() -%}
{%- set family_yaml -%}
# BEGIN FAMILY
family: investor_flow
model: int_features_investor_flow
description: |
  The investor-flow family of the feature manifest: the weekly trading by investor type of the
  code's market section (`int_investor_types_asof`), one row per code × trade date of
  `int_prices_adjusted` from the code's first trade on. Units cancel: for a group g of week w,
  N_g(w) = gBuy − gSell (V2 `<g>Buy − <g>Sell`, the sign of `<g>Bal`: > 0 = net buying) and
  x_g(w) = N_g(w) / T(w), T(w) = TotSell + TotBuy, the section's two-sided trading value of the
  week (all participants); NULL when T(w) ≤ 0.

  Point in time. The weekly series of section s known on trade date D holds, for every week of s,
  the version usable on D (`usable_from <= D < usable_until`: the original publication, or a
  revision once it is usable); w0 is its latest week, w1 the one before, … The series changes only
  on the `usable_from` of a publication (a new week or a revision), so the features are computed
  once per section and such date, over the weekly rows w0..w(k-1) of that known series (windows
  over weeks, never over days; a revision of an older week enters the windows from its own
  `usable_from` on and never passes for the latest week), then as-of joined to the trade dates.
  A code takes the features of its section on the date (`int_universe.investor_types_section` of
  that date, so a code that changes section — the 2022-04-04 restructuring, Growth → Standard —
  switches series on the day it moves); NULL when the code has no section (TOKYO PRO MARKET,
  other markets, no universe row) or no week of its section is usable yet (e.g. the new sections
  in the two weeks after 2022-04-04). A k-week statistic is NULL (warm-up) while the section's
  known series has fewer than k weeks.

  Incremental: delete+insert from `feature_recompute_from(int_prices_adjusted,
  features_lookback_days)`; every row depends only on its own date, its section and the
  publications usable by then, so an incremental run equals a full refresh exactly.
extra_columns:
  - name: investor_types_section
    data_type: varchar
    description: "The code's investor-types section on the date (int_universe); NULL for TOKYO PRO MARKET / other markets."
  - name: flow_week_end_date
    data_type: date
    description: "w0: the last business day of the latest week of the section known on the date (the week the net-ratio columns describe)."
  - name: flow_known_from
    data_type: date
    description: "The trade date from which the section's known weekly series is the one used on the date (usable_from of its latest publication: a new week or a revision)."
features:
  - name: flow_foreigners_net_ratio
    family: investor_flow
    kind: net_ratio
    params: {series: foreigners}
    status: active
    inputs: [foreigners_buy_jpy_thousands, foreigners_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "Net buying of foreigners in the code's section, scale-free: x_w = (FrgnBuy − FrgnSell) / (TotSell + TotBuy) of w0, the latest week known on the date; > 0 = net buying; defined from the first trade date a week of the section is usable."
  - name: flow_individuals_net_ratio
    family: investor_flow
    kind: net_ratio
    params: {series: individuals}
    status: active
    inputs: [individuals_buy_jpy_thousands, individuals_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "Net buying of individuals in the code's section, scale-free: x_w = (IndBuy − IndSell) / (TotSell + TotBuy) of w0, the latest week known on the date; > 0 = net buying; defined from the first trade date a week of the section is usable."
  - name: flow_trust_banks_net_ratio
    family: investor_flow
    kind: net_ratio
    params: {series: trust_banks}
    status: active
    inputs: [trust_banks_buy_jpy_thousands, trust_banks_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "Net buying of trust banks in the code's section, scale-free: x_w = (TrstBnkBuy − TrstBnkSell) / (TotSell + TotBuy) of w0, the latest week known on the date; > 0 = net buying; defined from the first trade date a week of the section is usable."
  - name: flow_investment_trusts_net_ratio
    family: investor_flow
    kind: net_ratio
    params: {series: investment_trusts}
    status: active
    inputs: [investment_trusts_buy_jpy_thousands, investment_trusts_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "Net buying of investment trusts in the code's section, scale-free: x_w = (InvTrBuy − InvTrSell) / (TotSell + TotBuy) of w0, the latest week known on the date; > 0 = net buying; defined from the first trade date a week of the section is usable."
  - name: flow_business_companies_net_ratio
    family: investor_flow
    kind: net_ratio
    params: {series: business_companies}
    status: active
    inputs: [business_companies_buy_jpy_thousands, business_companies_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "Net buying of business corporations in the code's section, scale-free: x_w = (BusCoBuy − BusCoSell) / (TotSell + TotBuy) of w0, the latest week known on the date; > 0 = net buying; defined from the first trade date a week of the section is usable."
  - name: flow_foreigners_net_z13
    family: investor_flow
    kind: zscore
    params: {series: foreigners, weeks: 13}
    status: active
    inputs: [foreigners_buy_jpy_thousands, foreigners_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "z-score of flow_foreigners_net_ratio over the section's latest 13 weeks known: (x_w0 − mean(x_w0..w12)) / std_samp(x_w0..w12); NULL when the std is 0; defined when the section's known series has ≥ 13 weeks."
  - name: flow_foreigners_net_z52
    family: investor_flow
    kind: zscore
    params: {series: foreigners, weeks: 52}
    status: active
    inputs: [foreigners_buy_jpy_thousands, foreigners_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "z-score of flow_foreigners_net_ratio over the section's latest 52 weeks known: (x_w0 − mean(x_w0..w51)) / std_samp(x_w0..w51); NULL when the std is 0; defined when the section's known series has ≥ 52 weeks."
  - name: flow_individuals_net_z13
    family: investor_flow
    kind: zscore
    params: {series: individuals, weeks: 13}
    status: active
    inputs: [individuals_buy_jpy_thousands, individuals_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "z-score of flow_individuals_net_ratio over the section's latest 13 weeks known: (x_w0 − mean(x_w0..w12)) / std_samp(x_w0..w12); NULL when the std is 0; defined when the section's known series has ≥ 13 weeks."
  - name: flow_individuals_net_z52
    family: investor_flow
    kind: zscore
    params: {series: individuals, weeks: 52}
    status: active
    inputs: [individuals_buy_jpy_thousands, individuals_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "z-score of flow_individuals_net_ratio over the section's latest 52 weeks known: (x_w0 − mean(x_w0..w51)) / std_samp(x_w0..w51); NULL when the std is 0; defined when the section's known series has ≥ 52 weeks."
  - name: flow_trust_banks_net_z13
    family: investor_flow
    kind: zscore
    params: {series: trust_banks, weeks: 13}
    status: active
    inputs: [trust_banks_buy_jpy_thousands, trust_banks_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "z-score of flow_trust_banks_net_ratio over the section's latest 13 weeks known: (x_w0 − mean(x_w0..w12)) / std_samp(x_w0..w12); NULL when the std is 0; defined when the section's known series has ≥ 13 weeks."
  - name: flow_trust_banks_net_z52
    family: investor_flow
    kind: zscore
    params: {series: trust_banks, weeks: 52}
    status: active
    inputs: [trust_banks_buy_jpy_thousands, trust_banks_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "z-score of flow_trust_banks_net_ratio over the section's latest 52 weeks known: (x_w0 − mean(x_w0..w51)) / std_samp(x_w0..w51); NULL when the std is 0; defined when the section's known series has ≥ 52 weeks."
  - name: flow_investment_trusts_net_z13
    family: investor_flow
    kind: zscore
    params: {series: investment_trusts, weeks: 13}
    status: active
    inputs: [investment_trusts_buy_jpy_thousands, investment_trusts_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "z-score of flow_investment_trusts_net_ratio over the section's latest 13 weeks known: (x_w0 − mean(x_w0..w12)) / std_samp(x_w0..w12); NULL when the std is 0; defined when the section's known series has ≥ 13 weeks."
  - name: flow_investment_trusts_net_z52
    family: investor_flow
    kind: zscore
    params: {series: investment_trusts, weeks: 52}
    status: active
    inputs: [investment_trusts_buy_jpy_thousands, investment_trusts_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "z-score of flow_investment_trusts_net_ratio over the section's latest 52 weeks known: (x_w0 − mean(x_w0..w51)) / std_samp(x_w0..w51); NULL when the std is 0; defined when the section's known series has ≥ 52 weeks."
  - name: flow_business_companies_net_z13
    family: investor_flow
    kind: zscore
    params: {series: business_companies, weeks: 13}
    status: active
    inputs: [business_companies_buy_jpy_thousands, business_companies_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "z-score of flow_business_companies_net_ratio over the section's latest 13 weeks known: (x_w0 − mean(x_w0..w12)) / std_samp(x_w0..w12); NULL when the std is 0; defined when the section's known series has ≥ 13 weeks."
  - name: flow_business_companies_net_z52
    family: investor_flow
    kind: zscore
    params: {series: business_companies, weeks: 52}
    status: active
    inputs: [business_companies_buy_jpy_thousands, business_companies_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "z-score of flow_business_companies_net_ratio over the section's latest 52 weeks known: (x_w0 − mean(x_w0..w51)) / std_samp(x_w0..w51); NULL when the std is 0; defined when the section's known series has ≥ 52 weeks."
  - name: flow_foreigners_buy_share13
    family: investor_flow
    kind: buy_share
    params: {series: foreigners, weeks: 13}
    status: active
    inputs: [foreigners_buy_jpy_thousands, foreigners_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "Persistence: share in [0, 1] of the section's latest 13 weeks known (w0..w12) in which foreigners bought on net (FrgnBuy > FrgnSell); defined when the known series has ≥ 13 weeks."
  - name: flow_individuals_buy_share13
    family: investor_flow
    kind: buy_share
    params: {series: individuals, weeks: 13}
    status: active
    inputs: [individuals_buy_jpy_thousands, individuals_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "Persistence: share in [0, 1] of the section's latest 13 weeks known (w0..w12) in which individuals bought on net (IndBuy > IndSell); defined when the known series has ≥ 13 weeks."
  - name: flow_trust_banks_buy_share13
    family: investor_flow
    kind: buy_share
    params: {series: trust_banks, weeks: 13}
    status: active
    inputs: [trust_banks_buy_jpy_thousands, trust_banks_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "Persistence: share in [0, 1] of the section's latest 13 weeks known (w0..w12) in which trust banks bought on net (TrstBnkBuy > TrstBnkSell); defined when the known series has ≥ 13 weeks."
  - name: flow_investment_trusts_buy_share13
    family: investor_flow
    kind: buy_share
    params: {series: investment_trusts, weeks: 13}
    status: active
    inputs: [investment_trusts_buy_jpy_thousands, investment_trusts_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "Persistence: share in [0, 1] of the section's latest 13 weeks known (w0..w12) in which investment trusts bought on net (InvTrBuy > InvTrSell); defined when the known series has ≥ 13 weeks."
  - name: flow_business_companies_buy_share13
    family: investor_flow
    kind: buy_share
    params: {series: business_companies, weeks: 13}
    status: active
    inputs: [business_companies_buy_jpy_thousands, business_companies_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "Persistence: share in [0, 1] of the section's latest 13 weeks known (w0..w12) in which business corporations bought on net (BusCoBuy > BusCoSell); defined when the known series has ≥ 13 weeks."
  - name: flow_foreigners_run13
    family: investor_flow
    kind: signed_run
    params: {series: foreigners, weeks: 13}
    data_type: bigint
    status: active
    inputs: [foreigners_buy_jpy_thousands, foreigners_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "Persistence: signed run of foreigners' net flow counted back from w0 while its sign stays that of w0, capped at 13 weeks: +n after n weeks of net buying, −n of net selling, 0 when w0's net is 0; defined when the known series has ≥ 13 weeks."
  - name: flow_individuals_run13
    family: investor_flow
    kind: signed_run
    params: {series: individuals, weeks: 13}
    data_type: bigint
    status: active
    inputs: [individuals_buy_jpy_thousands, individuals_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "Persistence: signed run of individuals' net flow counted back from w0 while its sign stays that of w0, capped at 13 weeks: +n after n weeks of net buying, −n of net selling, 0 when w0's net is 0; defined when the known series has ≥ 13 weeks."
  - name: flow_individuals_vs_foreigners_ratio
    family: investor_flow
    kind: net_ratio
    params: {series: individuals_minus_foreigners}
    status: active
    inputs: [individuals_buy_jpy_thousands, individuals_sell_jpy_thousands, foreigners_buy_jpy_thousands, foreigners_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "Individuals versus foreigners: b_w = ((IndBuy − IndSell) − (FrgnBuy − FrgnSell)) / (TotSell + TotBuy) of w0 (= flow_individuals_net_ratio − flow_foreigners_net_ratio); > 0 when individuals bought on net more than foreigners; defined from the first trade date a week of the section is usable."
  - name: flow_individuals_vs_foreigners_z13
    family: investor_flow
    kind: zscore
    params: {series: individuals_minus_foreigners, weeks: 13}
    status: active
    inputs: [individuals_buy_jpy_thousands, individuals_sell_jpy_thousands, foreigners_buy_jpy_thousands, foreigners_sell_jpy_thousands, total_sell_jpy_thousands, total_buy_jpy_thousands]
    description: "z-score of flow_individuals_vs_foreigners_ratio over the section's latest 13 weeks known: (b_w0 − mean(b_w0..w12)) / std_samp(b_w0..w12); NULL when the std is 0; defined when the known series has ≥ 13 weeks."
# END FAMILY
{%- endset -%}
{{ return(fromyaml(family_yaml)) }}
{%- endmacro %}
