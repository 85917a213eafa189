{#- Feature manifest, family `margin`: weekly margin balance and the daily short-selling / margin shares of turnover.
    The YAML between the markers is read by dbt (fromyaml, at compile time) and by
    scripts/generate_feature_docs.py; see macros/features/feature_manifest.sql for the fields. -#}
{% macro manifest_family_margin() -%}
{%- set family_yaml -%}
# BEGIN FAMILY
family: margin
model: int_features_margin
description: |
  The margin family of the feature manifest, one row per code × trade date of the code's feature
  series (`int_prices_adjusted`, t = `feature_row_index`).


  **Weekly margin balances** (`stg_jquants__margin_interest`, record date normally a Friday,
  published the 2nd business day after it at 16:30 JST, usable from the next business day): a
  week reaches a row only from its `usable_from` (as-of join on `trade_date >= usable_from`, the
  latest such week, while its record date is at most `margin_week_max_age_days` (35) days before
  the trade date; NULL before the code's first usable week and once its latest week is older: a
  code the vendor stops reporting does not carry a months-old balance). Week-on-week changes are
  computed on the weekly rows of the code (previous = the code's previous record date, when it is
  at most 35 days earlier; NULL after a longer gap), never by daily windows. Balances are share counts of their record date: a split between two
  record dates or between the record date and the trade date is removed with the volume
  adjustment factors of `int_prices_adjusted` (balance ÷ `cumulative_volume_adj_factor` of the
  code's last price row on or before the record date = the balance in the share scale of
  `feature_volume`), so no ratio jumps at a split and every value is point-in-time.


  **Daily trade breakdown** (`stg_jquants__trade_breakdown`, Premium plan, published 18:00 JST on
  the trade date, usable from that date: the feature row of D is computed after D's close and
  publication). Turnover = the breakdown's sell side (long sell + short sell excluding margin +
  margin sell new + margin sell close, = its buy side = the day's trading value, JPY). A day
  without a breakdown row (no trade, dataset missing) or with zero turnover has NULL shares; the
  20-day averages are the mean of the shares present in rows t-19..t (NULL when t < 19 or none).
  All NULL on a lake without the dataset.


  Incremental: recomputes from `feature_recompute_from` (the last loaded date minus
  `features_lookback_days` trade dates, or the driver's earlier `recompute_from`) with the 19
  rows of window context before it, and the weeks recorded from 70 days before it (the usable
  weeks are at most 35 days old, their previous records at most 35 days older).
extra_columns:
  - name: feature_row_index
    data_type: bigint
    description: "t, the 0-based row of the code's feature series (0 = first traded day)."
    not_null: true
  - name: margin_record_date
    data_type: date
    description: "Record date of the weekly margin balance the margin_* weekly columns use (the latest week usable on the trade date, at most margin_week_max_age_days old); NULL before the code's first usable week or when the latest is older."
features:
  - name: margin_long_short_ratio
    family: margin
    kind: margin_balance_ratio
    params: {}
    status: active
    inputs: [long_margin_balance_shares, short_margin_balance_shares, usable_from]
    description: "Long (margin buying) balance ÷ short (margin selling) balance of the latest week usable on the date (shares ÷ shares, split-invariant); NULL when the short balance is 0, before the code's first usable week or when the latest usable week is more than 35 days old."
  - name: margin_long_short_ratio_chg_1w
    family: margin
    kind: margin_balance_ratio_change
    params: {weeks: 1}
    status: active
    inputs: [long_margin_balance_shares, short_margin_balance_shares, usable_from]
    description: "margin_long_short_ratio of the week − that of the code's previous record week (a difference of ratios, computed on the weekly rows); NULL when either ratio is NULL or the code has no previous record within 35 days."
  - name: margin_long_balance_chg_1w
    family: margin
    kind: margin_balance_change
    params: {side: long, weeks: 1}
    status: active
    inputs: [long_margin_balance_shares, usable_from, cumulative_volume_adj_factor]
    description: "Relative change of the long margin balance vs the code's previous record week, split-adjusted: (L_w ÷ f_w) ÷ (L_{w-1} ÷ f_{w-1}) − 1 with f the volume adjustment factor at each record date (a split between the two weeks does not count as a change); NULL when the previous balance is 0 or there is no previous record within 35 days."
  - name: margin_short_balance_chg_1w
    family: margin
    kind: margin_balance_change
    params: {side: short, weeks: 1}
    status: active
    inputs: [short_margin_balance_shares, usable_from, cumulative_volume_adj_factor]
    description: "Relative change of the short margin balance vs the code's previous record week, split-adjusted as margin_long_balance_chg_1w; NULL when the previous balance is 0 or there is no previous record within 35 days."
  - name: margin_long_balance_to_volume_20
    family: margin
    kind: margin_balance_to_volume
    params: {side: long, window: 20}
    status: active
    inputs: [long_margin_balance_shares, usable_from, feature_volume, cumulative_volume_adj_factor]
    description: "Days to unwind the long margin balance: the latest usable long balance in the share scale of the date (split-adjusted from its record date) ÷ the mean adjusted volume of rows t-19..t (0 on a no-trade day), in trading days; NULL when t < 19, that mean is 0 or no week is usable."
  - name: margin_short_balance_to_volume_20
    family: margin
    kind: margin_balance_to_volume
    params: {side: short, window: 20}
    status: active
    inputs: [short_margin_balance_shares, usable_from, feature_volume, cumulative_volume_adj_factor]
    description: "Days to cover the short margin balance: the latest usable short balance, split-adjusted to the date's share scale, ÷ the mean adjusted volume of rows t-19..t, in trading days; NULL when t < 19, that mean is 0 or no week is usable."
  - name: short_sell_share
    family: margin
    kind: breakdown_share
    params: {share: short_sell}
    status: active
    inputs: [short_sell_excluding_margin_value_jpy, margin_sell_new_value_jpy, long_sell_value_jpy, margin_sell_close_value_jpy]
    description: "Short-selling share of the day's turnover: (short sell excluding margin + new margin sell) value ÷ turnover (the breakdown's sell side), in [0, 1]; NULL without a breakdown row or with zero turnover."
  - name: short_sell_share_avg_20
    family: margin
    kind: breakdown_share_avg
    params: {share: short_sell, window: 20}
    status: active
    inputs: [short_sell_excluding_margin_value_jpy, margin_sell_new_value_jpy, long_sell_value_jpy, margin_sell_close_value_jpy]
    description: "Mean of short_sell_share over rows t-19..t, days without a share left out; NULL when t < 19 or no day of the window has one."
  - name: margin_trade_share
    family: margin
    kind: breakdown_share
    params: {share: margin_trade}
    status: active
    inputs: [margin_sell_new_value_jpy, margin_sell_close_value_jpy, margin_buy_new_value_jpy, margin_buy_close_value_jpy, long_sell_value_jpy, long_buy_value_jpy, short_sell_excluding_margin_value_jpy]
    description: "Margin share of the day's turnover: (margin buy new + buy close + sell new + sell close) value ÷ (sell side + buy side), in [0, 1] (both sides of a trade counted); NULL without a breakdown row or with zero turnover."
  - name: margin_trade_share_avg_20
    family: margin
    kind: breakdown_share_avg
    params: {share: margin_trade, window: 20}
    status: active
    inputs: [margin_sell_new_value_jpy, margin_sell_close_value_jpy, margin_buy_new_value_jpy, margin_buy_close_value_jpy, long_sell_value_jpy, long_buy_value_jpy, short_sell_excluding_margin_value_jpy]
    description: "Mean of margin_trade_share over rows t-19..t, days without a share left out; NULL when t < 19 or no day of the window has one."
  - name: margin_new_net_share
    family: margin
    kind: breakdown_share
    params: {share: margin_new_net}
    status: active
    inputs: [margin_buy_new_value_jpy, margin_sell_new_value_jpy, long_sell_value_jpy, short_sell_excluding_margin_value_jpy, margin_sell_close_value_jpy]
    description: "Net new margin positions as a share of the day's turnover: (margin buy new − margin sell new) value ÷ turnover (the breakdown's sell side), in [-1, 1], > 0 when new leveraged longs outweigh new margin shorts; NULL without a breakdown row or with zero turnover."
# END FAMILY
{%- endset -%}
{{ return(fromyaml(family_yaml)) }}
{%- endmacro %}
