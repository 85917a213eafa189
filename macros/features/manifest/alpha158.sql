{#- Feature manifest, family `alpha158`: Qlib's Alpha158 (macros/features/alpha158.sql, docs/alpha158.md).
    The YAML between the markers is read by dbt (fromyaml, at compile time) and by
    scripts/generate_feature_docs.py; see macros/features/feature_manifest.sql for the fields.
    Names: a158_ + the lower-case Qlib name (alpha158_active_feature_names() maps the active entries
    back to Qlib names, so retiring a column is `status: deprecated` here); kind: the Alpha158
    operator of Qlib's loader (kbar, price, ROC … VSUMD); params.window: its window (0 for the price
    ratios, as Qlib's `windows: [0]`); inputs: the int_prices_adjusted columns the Qlib fields come
    from (every series is normalised by the first close and the split factors since). -#}
{% macro manifest_family_alpha158() -%}
{%- set family_yaml -%}
# BEGIN FAMILY
family: alpha158
model: int_features_alpha158
description: |
  Qlib's Alpha158 (`qlib.contrib.data.handler.Alpha158`, `Alpha158DL.get_feature_config` in
  `qlib/contrib/data/loader.py`): the active `a158_*` columns, each what Qlib 0.9.7's expression engine
  returns on the series Qlib's data layer would hold for the same bars; one row per code × trade date
  from the code's first traded day to its last bar row. For this family Qlib's conventions win over the
  project's; in full, with the source of each: docs/alpha158.md.


  **Series.** As `scripts/dump_bin.py` and Qlib's collectors build them: calendar = every trade date
  present; every calendar day of a code's span is a row (dump_bin reindexes to the calendar: a missing
  bar row is a NaN day); a day with volume ≤ 0 or no volume is all-NaN (collectors), so is a missing or
  non-positive price; prices split-adjusted and divided by the first close, volume multiplied by it
  (collectors' `_manual_adj_data`), from rows up to the date only (point-in-time); $vwap = turnover
  value / volume, adjusted like a price. `a158_series_row_index` = the row of that calendar series.


  **Start of history.** `min_periods=1` in every rolling operator (`Rolling._load_internal`,
  `qlib/data/ops.py`): values from the first row on over the rows that exist, no NULL warm-up (unlike
  the other families); `Ref` is `shift(N)`: NULL on the first N rows.


  **Missing days.** Windows count calendar rows, NaN days included; Mean/Sum/Std/Max/Min/Quantile/
  Rank/Corr and rolling.pyx's Slope/Rsquare/Resi skip NaN values; `Gt`/`Lt` (np.greater/np.less) are
  False on NaN, so CNTP/CNTN count every row; IdxMax/IdxMin (`rolling.apply(x.argmax() + 1)`) point at
  the first NaN of the window; `Greater`/`Less` (np.maximum/np.minimum) propagate NaN.


  **Ties.** RANK = pandas `rolling.rank(pct=True)` (average rank / number of values); QTLU/QTLD linear
  interpolation; IMAX/IMIN first occurrence, 1 = the oldest row of the window.


  **Degenerate windows.** RSQR, CORR, CORD NULL where an input's rolling std is `np.isclose(…, 0,
  atol=2e-05)` (`Rsquare`, `Corr` in ops.py); BETA/RSQR/RESI NULL below two values; the +1e-12 terms kept
  (a flat bar or window gives 0; Qlib's WVMA residue / 1e-12 on a never-moving window is not reproduced).


  **Exactness.** float64; equal to a pandas/numpy port of the operators within 1e-9 (std 1e-7, RSQR 1e-6:
  pandas' and rolling.pyx's running-sum residue), and to real pyqlib 0.9.7 within its float32 storage
  (tests/features/test_alpha158.py).


  **Incremental.** delete+insert on (code, trade_date): every window is finite (≤ 61 series rows, as
  Qlib's own `get_extended_window_size`), so a run recomputes from `feature_recompute_from(…)` reading
  the calendar rows the windows need before it; series scale and row index come from aggregates over
  the code's history. One-day-at-a-time runs equal a full refresh (tested, 1e-9).
extra_columns:
  - name: a158_series_row_index
    data_type: bigint
    description: "0-based position of the row in the code's Qlib series (0 = first traded day; calendar days, NaN days included)."
    not_null: true
features:
  - name: a158_kmid
    family: alpha158
    kind: kbar
    params: {}
    status: active
    inputs: [open, close, adj_factor]
    description: "Qlib `KMID` = `($close-$open)/$open`. k-bar body relative to the open."
  - name: a158_klen
    family: alpha158
    kind: kbar
    params: {}
    status: active
    inputs: [open, high, low, close, adj_factor]
    description: "Qlib `KLEN` = `($high-$low)/$open`. k-bar range relative to the open."
  - name: a158_kmid2
    family: alpha158
    kind: kbar
    params: {}
    status: active
    inputs: [open, high, low, close, adj_factor]
    description: "Qlib `KMID2` = `($close-$open)/($high-$low+1e-12)`. body / range; +1e-12 keeps a flat bar (high = low) at 0."
  - name: a158_kup
    family: alpha158
    kind: kbar
    params: {}
    status: active
    inputs: [open, high, close, adj_factor]
    description: "Qlib `KUP` = `($high-Greater($open, $close))/$open`. upper shadow / open."
  - name: a158_kup2
    family: alpha158
    kind: kbar
    params: {}
    status: active
    inputs: [open, high, low, close, adj_factor]
    description: "Qlib `KUP2` = `($high-Greater($open, $close))/($high-$low+1e-12)`. upper shadow / range."
  - name: a158_klow
    family: alpha158
    kind: kbar
    params: {}
    status: active
    inputs: [open, low, close, adj_factor]
    description: "Qlib `KLOW` = `(Less($open, $close)-$low)/$open`. lower shadow / open."
  - name: a158_klow2
    family: alpha158
    kind: kbar
    params: {}
    status: active
    inputs: [open, high, low, close, adj_factor]
    description: "Qlib `KLOW2` = `(Less($open, $close)-$low)/($high-$low+1e-12)`. lower shadow / range."
  - name: a158_ksft
    family: alpha158
    kind: kbar
    params: {}
    status: active
    inputs: [open, high, low, close, adj_factor]
    description: "Qlib `KSFT` = `(2*$close-$high-$low)/$open`. close position in the bar / open."
  - name: a158_ksft2
    family: alpha158
    kind: kbar
    params: {}
    status: active
    inputs: [high, low, close, adj_factor]
    description: "Qlib `KSFT2` = `(2*$close-$high-$low)/($high-$low+1e-12)`. close position in the bar / range."
  - name: a158_open0
    family: alpha158
    kind: price
    params: {window: 0}
    status: active
    inputs: [open, close, adj_factor]
    description: "Qlib `OPEN0` = `$open/$close`. open / close."
  - name: a158_high0
    family: alpha158
    kind: price
    params: {window: 0}
    status: active
    inputs: [high, close, adj_factor]
    description: "Qlib `HIGH0` = `$high/$close`. high / close."
  - name: a158_low0
    family: alpha158
    kind: price
    params: {window: 0}
    status: active
    inputs: [low, close, adj_factor]
    description: "Qlib `LOW0` = `$low/$close`. low / close."
  - name: a158_vwap0
    family: alpha158
    kind: price
    params: {window: 0}
    status: active
    inputs: [close, turnover_value, volume, adj_factor]
    description: "Qlib `VWAP0` = `$vwap/$close`. VWAP (turnover value / volume, adjusted like a price) / close."
  - name: a158_roc5
    family: alpha158
    kind: ROC
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `ROC5` = `Ref($close, 5)/$close`. close d rows ago / close (Ref: NULL in the first d rows of the code)."
  - name: a158_roc10
    family: alpha158
    kind: ROC
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `ROC10` = `Ref($close, 10)/$close`. close d rows ago / close (Ref: NULL in the first d rows of the code)."
  - name: a158_roc20
    family: alpha158
    kind: ROC
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `ROC20` = `Ref($close, 20)/$close`. close d rows ago / close (Ref: NULL in the first d rows of the code)."
  - name: a158_roc30
    family: alpha158
    kind: ROC
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `ROC30` = `Ref($close, 30)/$close`. close d rows ago / close (Ref: NULL in the first d rows of the code)."
  - name: a158_roc60
    family: alpha158
    kind: ROC
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `ROC60` = `Ref($close, 60)/$close`. close d rows ago / close (Ref: NULL in the first d rows of the code)."
  - name: a158_ma5
    family: alpha158
    kind: MA
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `MA5` = `Mean($close, 5)/$close`. mean close over the window / close."
  - name: a158_ma10
    family: alpha158
    kind: MA
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `MA10` = `Mean($close, 10)/$close`. mean close over the window / close."
  - name: a158_ma20
    family: alpha158
    kind: MA
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `MA20` = `Mean($close, 20)/$close`. mean close over the window / close."
  - name: a158_ma30
    family: alpha158
    kind: MA
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `MA30` = `Mean($close, 30)/$close`. mean close over the window / close."
  - name: a158_ma60
    family: alpha158
    kind: MA
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `MA60` = `Mean($close, 60)/$close`. mean close over the window / close."
  - name: a158_std5
    family: alpha158
    kind: STD
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `STD5` = `Std($close, 5)/$close`. sample std (ddof 1) of close / close; NULL with fewer than 2 values."
  - name: a158_std10
    family: alpha158
    kind: STD
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `STD10` = `Std($close, 10)/$close`. sample std (ddof 1) of close / close; NULL with fewer than 2 values."
  - name: a158_std20
    family: alpha158
    kind: STD
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `STD20` = `Std($close, 20)/$close`. sample std (ddof 1) of close / close; NULL with fewer than 2 values."
  - name: a158_std30
    family: alpha158
    kind: STD
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `STD30` = `Std($close, 30)/$close`. sample std (ddof 1) of close / close; NULL with fewer than 2 values."
  - name: a158_std60
    family: alpha158
    kind: STD
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `STD60` = `Std($close, 60)/$close`. sample std (ddof 1) of close / close; NULL with fewer than 2 values."
  - name: a158_beta5
    family: alpha158
    kind: BETA
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `BETA5` = `Slope($close, 5)/$close`. slope of close on the row position (rolling.pyx Slope) / close; NULL with fewer than 2 values."
  - name: a158_beta10
    family: alpha158
    kind: BETA
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `BETA10` = `Slope($close, 10)/$close`. slope of close on the row position (rolling.pyx Slope) / close; NULL with fewer than 2 values."
  - name: a158_beta20
    family: alpha158
    kind: BETA
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `BETA20` = `Slope($close, 20)/$close`. slope of close on the row position (rolling.pyx Slope) / close; NULL with fewer than 2 values."
  - name: a158_beta30
    family: alpha158
    kind: BETA
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `BETA30` = `Slope($close, 30)/$close`. slope of close on the row position (rolling.pyx Slope) / close; NULL with fewer than 2 values."
  - name: a158_beta60
    family: alpha158
    kind: BETA
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `BETA60` = `Slope($close, 60)/$close`. slope of close on the row position (rolling.pyx Slope) / close; NULL with fewer than 2 values."
  - name: a158_rsqr5
    family: alpha158
    kind: RSQR
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RSQR5` = `Rsquare($close, 5)`. R² of close on the row position; NULL with fewer than 2 values or where the window std of close <= 2e-05."
  - name: a158_rsqr10
    family: alpha158
    kind: RSQR
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RSQR10` = `Rsquare($close, 10)`. R² of close on the row position; NULL with fewer than 2 values or where the window std of close <= 2e-05."
  - name: a158_rsqr20
    family: alpha158
    kind: RSQR
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RSQR20` = `Rsquare($close, 20)`. R² of close on the row position; NULL with fewer than 2 values or where the window std of close <= 2e-05."
  - name: a158_rsqr30
    family: alpha158
    kind: RSQR
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RSQR30` = `Rsquare($close, 30)`. R² of close on the row position; NULL with fewer than 2 values or where the window std of close <= 2e-05."
  - name: a158_rsqr60
    family: alpha158
    kind: RSQR
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RSQR60` = `Rsquare($close, 60)`. R² of close on the row position; NULL with fewer than 2 values or where the window std of close <= 2e-05."
  - name: a158_resi5
    family: alpha158
    kind: RESI
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RESI5` = `Resi($close, 5)/$close`. residual of the current close from that regression / close."
  - name: a158_resi10
    family: alpha158
    kind: RESI
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RESI10` = `Resi($close, 10)/$close`. residual of the current close from that regression / close."
  - name: a158_resi20
    family: alpha158
    kind: RESI
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RESI20` = `Resi($close, 20)/$close`. residual of the current close from that regression / close."
  - name: a158_resi30
    family: alpha158
    kind: RESI
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RESI30` = `Resi($close, 30)/$close`. residual of the current close from that regression / close."
  - name: a158_resi60
    family: alpha158
    kind: RESI
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RESI60` = `Resi($close, 60)/$close`. residual of the current close from that regression / close."
  - name: a158_max5
    family: alpha158
    kind: MAX
    params: {window: 5}
    status: active
    inputs: [high, close, adj_factor]
    description: "Qlib `MAX5` = `Max($high, 5)/$close`. max high over the window / close."
  - name: a158_max10
    family: alpha158
    kind: MAX
    params: {window: 10}
    status: active
    inputs: [high, close, adj_factor]
    description: "Qlib `MAX10` = `Max($high, 10)/$close`. max high over the window / close."
  - name: a158_max20
    family: alpha158
    kind: MAX
    params: {window: 20}
    status: active
    inputs: [high, close, adj_factor]
    description: "Qlib `MAX20` = `Max($high, 20)/$close`. max high over the window / close."
  - name: a158_max30
    family: alpha158
    kind: MAX
    params: {window: 30}
    status: active
    inputs: [high, close, adj_factor]
    description: "Qlib `MAX30` = `Max($high, 30)/$close`. max high over the window / close."
  - name: a158_max60
    family: alpha158
    kind: MAX
    params: {window: 60}
    status: active
    inputs: [high, close, adj_factor]
    description: "Qlib `MAX60` = `Max($high, 60)/$close`. max high over the window / close."
  - name: a158_min5
    family: alpha158
    kind: MIN
    params: {window: 5}
    status: active
    inputs: [low, close, adj_factor]
    description: "Qlib `MIN5` = `Min($low, 5)/$close`. min low over the window / close."
  - name: a158_min10
    family: alpha158
    kind: MIN
    params: {window: 10}
    status: active
    inputs: [low, close, adj_factor]
    description: "Qlib `MIN10` = `Min($low, 10)/$close`. min low over the window / close."
  - name: a158_min20
    family: alpha158
    kind: MIN
    params: {window: 20}
    status: active
    inputs: [low, close, adj_factor]
    description: "Qlib `MIN20` = `Min($low, 20)/$close`. min low over the window / close."
  - name: a158_min30
    family: alpha158
    kind: MIN
    params: {window: 30}
    status: active
    inputs: [low, close, adj_factor]
    description: "Qlib `MIN30` = `Min($low, 30)/$close`. min low over the window / close."
  - name: a158_min60
    family: alpha158
    kind: MIN
    params: {window: 60}
    status: active
    inputs: [low, close, adj_factor]
    description: "Qlib `MIN60` = `Min($low, 60)/$close`. min low over the window / close."
  - name: a158_qtlu5
    family: alpha158
    kind: QTLU
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `QTLU5` = `Quantile($close, 5, 0.8)/$close`. 80% quantile (linear interpolation) of close / close."
  - name: a158_qtlu10
    family: alpha158
    kind: QTLU
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `QTLU10` = `Quantile($close, 10, 0.8)/$close`. 80% quantile (linear interpolation) of close / close."
  - name: a158_qtlu20
    family: alpha158
    kind: QTLU
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `QTLU20` = `Quantile($close, 20, 0.8)/$close`. 80% quantile (linear interpolation) of close / close."
  - name: a158_qtlu30
    family: alpha158
    kind: QTLU
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `QTLU30` = `Quantile($close, 30, 0.8)/$close`. 80% quantile (linear interpolation) of close / close."
  - name: a158_qtlu60
    family: alpha158
    kind: QTLU
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `QTLU60` = `Quantile($close, 60, 0.8)/$close`. 80% quantile (linear interpolation) of close / close."
  - name: a158_qtld5
    family: alpha158
    kind: QTLD
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `QTLD5` = `Quantile($close, 5, 0.2)/$close`. 20% quantile of close / close."
  - name: a158_qtld10
    family: alpha158
    kind: QTLD
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `QTLD10` = `Quantile($close, 10, 0.2)/$close`. 20% quantile of close / close."
  - name: a158_qtld20
    family: alpha158
    kind: QTLD
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `QTLD20` = `Quantile($close, 20, 0.2)/$close`. 20% quantile of close / close."
  - name: a158_qtld30
    family: alpha158
    kind: QTLD
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `QTLD30` = `Quantile($close, 30, 0.2)/$close`. 20% quantile of close / close."
  - name: a158_qtld60
    family: alpha158
    kind: QTLD
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `QTLD60` = `Quantile($close, 60, 0.2)/$close`. 20% quantile of close / close."
  - name: a158_rank5
    family: alpha158
    kind: RANK
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RANK5` = `Rank($close, 5)`. percentile rank of the current close in the window (pandas rank pct=True, ties averaged); NULL when close is NULL."
  - name: a158_rank10
    family: alpha158
    kind: RANK
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RANK10` = `Rank($close, 10)`. percentile rank of the current close in the window (pandas rank pct=True, ties averaged); NULL when close is NULL."
  - name: a158_rank20
    family: alpha158
    kind: RANK
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RANK20` = `Rank($close, 20)`. percentile rank of the current close in the window (pandas rank pct=True, ties averaged); NULL when close is NULL."
  - name: a158_rank30
    family: alpha158
    kind: RANK
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RANK30` = `Rank($close, 30)`. percentile rank of the current close in the window (pandas rank pct=True, ties averaged); NULL when close is NULL."
  - name: a158_rank60
    family: alpha158
    kind: RANK
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `RANK60` = `Rank($close, 60)`. percentile rank of the current close in the window (pandas rank pct=True, ties averaged); NULL when close is NULL."
  - name: a158_rsv5
    family: alpha158
    kind: RSV
    params: {window: 5}
    status: active
    inputs: [high, low, close, adj_factor]
    description: "Qlib `RSV5` = `($close-Min($low, 5))/(Max($high, 5)-Min($low, 5)+1e-12)`. position of close between the window low and high."
  - name: a158_rsv10
    family: alpha158
    kind: RSV
    params: {window: 10}
    status: active
    inputs: [high, low, close, adj_factor]
    description: "Qlib `RSV10` = `($close-Min($low, 10))/(Max($high, 10)-Min($low, 10)+1e-12)`. position of close between the window low and high."
  - name: a158_rsv20
    family: alpha158
    kind: RSV
    params: {window: 20}
    status: active
    inputs: [high, low, close, adj_factor]
    description: "Qlib `RSV20` = `($close-Min($low, 20))/(Max($high, 20)-Min($low, 20)+1e-12)`. position of close between the window low and high."
  - name: a158_rsv30
    family: alpha158
    kind: RSV
    params: {window: 30}
    status: active
    inputs: [high, low, close, adj_factor]
    description: "Qlib `RSV30` = `($close-Min($low, 30))/(Max($high, 30)-Min($low, 30)+1e-12)`. position of close between the window low and high."
  - name: a158_rsv60
    family: alpha158
    kind: RSV
    params: {window: 60}
    status: active
    inputs: [high, low, close, adj_factor]
    description: "Qlib `RSV60` = `($close-Min($low, 60))/(Max($high, 60)-Min($low, 60)+1e-12)`. position of close between the window low and high."
  - name: a158_imax5
    family: alpha158
    kind: IMAX
    params: {window: 5}
    status: active
    inputs: [high, close, adj_factor]
    description: "Qlib `IMAX5` = `IdxMax($high, 5)/5`. 1-based position of the window high, counted from the oldest row of the window (first occurrence on ties; the first NaN day when the window has one) / d."
  - name: a158_imax10
    family: alpha158
    kind: IMAX
    params: {window: 10}
    status: active
    inputs: [high, close, adj_factor]
    description: "Qlib `IMAX10` = `IdxMax($high, 10)/10`. 1-based position of the window high, counted from the oldest row of the window (first occurrence on ties; the first NaN day when the window has one) / d."
  - name: a158_imax20
    family: alpha158
    kind: IMAX
    params: {window: 20}
    status: active
    inputs: [high, close, adj_factor]
    description: "Qlib `IMAX20` = `IdxMax($high, 20)/20`. 1-based position of the window high, counted from the oldest row of the window (first occurrence on ties; the first NaN day when the window has one) / d."
  - name: a158_imax30
    family: alpha158
    kind: IMAX
    params: {window: 30}
    status: active
    inputs: [high, close, adj_factor]
    description: "Qlib `IMAX30` = `IdxMax($high, 30)/30`. 1-based position of the window high, counted from the oldest row of the window (first occurrence on ties; the first NaN day when the window has one) / d."
  - name: a158_imax60
    family: alpha158
    kind: IMAX
    params: {window: 60}
    status: active
    inputs: [high, close, adj_factor]
    description: "Qlib `IMAX60` = `IdxMax($high, 60)/60`. 1-based position of the window high, counted from the oldest row of the window (first occurrence on ties; the first NaN day when the window has one) / d."
  - name: a158_imin5
    family: alpha158
    kind: IMIN
    params: {window: 5}
    status: active
    inputs: [low, close, adj_factor]
    description: "Qlib `IMIN5` = `IdxMin($low, 5)/5`. as IMAX for the window low / d."
  - name: a158_imin10
    family: alpha158
    kind: IMIN
    params: {window: 10}
    status: active
    inputs: [low, close, adj_factor]
    description: "Qlib `IMIN10` = `IdxMin($low, 10)/10`. as IMAX for the window low / d."
  - name: a158_imin20
    family: alpha158
    kind: IMIN
    params: {window: 20}
    status: active
    inputs: [low, close, adj_factor]
    description: "Qlib `IMIN20` = `IdxMin($low, 20)/20`. as IMAX for the window low / d."
  - name: a158_imin30
    family: alpha158
    kind: IMIN
    params: {window: 30}
    status: active
    inputs: [low, close, adj_factor]
    description: "Qlib `IMIN30` = `IdxMin($low, 30)/30`. as IMAX for the window low / d."
  - name: a158_imin60
    family: alpha158
    kind: IMIN
    params: {window: 60}
    status: active
    inputs: [low, close, adj_factor]
    description: "Qlib `IMIN60` = `IdxMin($low, 60)/60`. as IMAX for the window low / d."
  - name: a158_imxd5
    family: alpha158
    kind: IMXD
    params: {window: 5}
    status: active
    inputs: [high, low, close, adj_factor]
    description: "Qlib `IMXD5` = `(IdxMax($high, 5)-IdxMin($low, 5))/5`. (IdxMax - IdxMin) / d."
  - name: a158_imxd10
    family: alpha158
    kind: IMXD
    params: {window: 10}
    status: active
    inputs: [high, low, close, adj_factor]
    description: "Qlib `IMXD10` = `(IdxMax($high, 10)-IdxMin($low, 10))/10`. (IdxMax - IdxMin) / d."
  - name: a158_imxd20
    family: alpha158
    kind: IMXD
    params: {window: 20}
    status: active
    inputs: [high, low, close, adj_factor]
    description: "Qlib `IMXD20` = `(IdxMax($high, 20)-IdxMin($low, 20))/20`. (IdxMax - IdxMin) / d."
  - name: a158_imxd30
    family: alpha158
    kind: IMXD
    params: {window: 30}
    status: active
    inputs: [high, low, close, adj_factor]
    description: "Qlib `IMXD30` = `(IdxMax($high, 30)-IdxMin($low, 30))/30`. (IdxMax - IdxMin) / d."
  - name: a158_imxd60
    family: alpha158
    kind: IMXD
    params: {window: 60}
    status: active
    inputs: [high, low, close, adj_factor]
    description: "Qlib `IMXD60` = `(IdxMax($high, 60)-IdxMin($low, 60))/60`. (IdxMax - IdxMin) / d."
  - name: a158_corr5
    family: alpha158
    kind: CORR
    params: {window: 5}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `CORR5` = `Corr($close, Log($volume+1), 5)`. correlation of close and ln(volume + 1); NULL where either window std <= 2e-05 or fewer than 2 pairs."
  - name: a158_corr10
    family: alpha158
    kind: CORR
    params: {window: 10}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `CORR10` = `Corr($close, Log($volume+1), 10)`. correlation of close and ln(volume + 1); NULL where either window std <= 2e-05 or fewer than 2 pairs."
  - name: a158_corr20
    family: alpha158
    kind: CORR
    params: {window: 20}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `CORR20` = `Corr($close, Log($volume+1), 20)`. correlation of close and ln(volume + 1); NULL where either window std <= 2e-05 or fewer than 2 pairs."
  - name: a158_corr30
    family: alpha158
    kind: CORR
    params: {window: 30}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `CORR30` = `Corr($close, Log($volume+1), 30)`. correlation of close and ln(volume + 1); NULL where either window std <= 2e-05 or fewer than 2 pairs."
  - name: a158_corr60
    family: alpha158
    kind: CORR
    params: {window: 60}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `CORR60` = `Corr($close, Log($volume+1), 60)`. correlation of close and ln(volume + 1); NULL where either window std <= 2e-05 or fewer than 2 pairs."
  - name: a158_cord5
    family: alpha158
    kind: CORD
    params: {window: 5}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `CORD5` = `Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), 5)`. correlation of close ratio and ln(volume ratio + 1); masked as CORR."
  - name: a158_cord10
    family: alpha158
    kind: CORD
    params: {window: 10}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `CORD10` = `Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), 10)`. correlation of close ratio and ln(volume ratio + 1); masked as CORR."
  - name: a158_cord20
    family: alpha158
    kind: CORD
    params: {window: 20}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `CORD20` = `Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), 20)`. correlation of close ratio and ln(volume ratio + 1); masked as CORR."
  - name: a158_cord30
    family: alpha158
    kind: CORD
    params: {window: 30}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `CORD30` = `Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), 30)`. correlation of close ratio and ln(volume ratio + 1); masked as CORR."
  - name: a158_cord60
    family: alpha158
    kind: CORD
    params: {window: 60}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `CORD60` = `Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), 60)`. correlation of close ratio and ln(volume ratio + 1); masked as CORR."
  - name: a158_cntp5
    family: alpha158
    kind: CNTP
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTP5` = `Mean($close>Ref($close, 1), 5)`. share of rows in the window where close > previous close (a NaN comparison counts as false: the denominator is every row of the window)."
  - name: a158_cntp10
    family: alpha158
    kind: CNTP
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTP10` = `Mean($close>Ref($close, 1), 10)`. share of rows in the window where close > previous close (a NaN comparison counts as false: the denominator is every row of the window)."
  - name: a158_cntp20
    family: alpha158
    kind: CNTP
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTP20` = `Mean($close>Ref($close, 1), 20)`. share of rows in the window where close > previous close (a NaN comparison counts as false: the denominator is every row of the window)."
  - name: a158_cntp30
    family: alpha158
    kind: CNTP
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTP30` = `Mean($close>Ref($close, 1), 30)`. share of rows in the window where close > previous close (a NaN comparison counts as false: the denominator is every row of the window)."
  - name: a158_cntp60
    family: alpha158
    kind: CNTP
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTP60` = `Mean($close>Ref($close, 1), 60)`. share of rows in the window where close > previous close (a NaN comparison counts as false: the denominator is every row of the window)."
  - name: a158_cntn5
    family: alpha158
    kind: CNTN
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTN5` = `Mean($close<Ref($close, 1), 5)`. share of rows where close < previous close (same denominator)."
  - name: a158_cntn10
    family: alpha158
    kind: CNTN
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTN10` = `Mean($close<Ref($close, 1), 10)`. share of rows where close < previous close (same denominator)."
  - name: a158_cntn20
    family: alpha158
    kind: CNTN
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTN20` = `Mean($close<Ref($close, 1), 20)`. share of rows where close < previous close (same denominator)."
  - name: a158_cntn30
    family: alpha158
    kind: CNTN
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTN30` = `Mean($close<Ref($close, 1), 30)`. share of rows where close < previous close (same denominator)."
  - name: a158_cntn60
    family: alpha158
    kind: CNTN
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTN60` = `Mean($close<Ref($close, 1), 60)`. share of rows where close < previous close (same denominator)."
  - name: a158_cntd5
    family: alpha158
    kind: CNTD
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTD5` = `Mean($close>Ref($close, 1), 5)-Mean($close<Ref($close, 1), 5)`. CNTP - CNTN."
  - name: a158_cntd10
    family: alpha158
    kind: CNTD
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTD10` = `Mean($close>Ref($close, 1), 10)-Mean($close<Ref($close, 1), 10)`. CNTP - CNTN."
  - name: a158_cntd20
    family: alpha158
    kind: CNTD
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTD20` = `Mean($close>Ref($close, 1), 20)-Mean($close<Ref($close, 1), 20)`. CNTP - CNTN."
  - name: a158_cntd30
    family: alpha158
    kind: CNTD
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTD30` = `Mean($close>Ref($close, 1), 30)-Mean($close<Ref($close, 1), 30)`. CNTP - CNTN."
  - name: a158_cntd60
    family: alpha158
    kind: CNTD
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `CNTD60` = `Mean($close>Ref($close, 1), 60)-Mean($close<Ref($close, 1), 60)`. CNTP - CNTN."
  - name: a158_sump5
    family: alpha158
    kind: SUMP
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMP5` = `Sum(Greater($close-Ref($close, 1), 0), 5)/(Sum(Abs($close-Ref($close, 1)), 5)+1e-12)`. sum of gains / (sum of absolute changes + 1e-12)."
  - name: a158_sump10
    family: alpha158
    kind: SUMP
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMP10` = `Sum(Greater($close-Ref($close, 1), 0), 10)/(Sum(Abs($close-Ref($close, 1)), 10)+1e-12)`. sum of gains / (sum of absolute changes + 1e-12)."
  - name: a158_sump20
    family: alpha158
    kind: SUMP
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMP20` = `Sum(Greater($close-Ref($close, 1), 0), 20)/(Sum(Abs($close-Ref($close, 1)), 20)+1e-12)`. sum of gains / (sum of absolute changes + 1e-12)."
  - name: a158_sump30
    family: alpha158
    kind: SUMP
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMP30` = `Sum(Greater($close-Ref($close, 1), 0), 30)/(Sum(Abs($close-Ref($close, 1)), 30)+1e-12)`. sum of gains / (sum of absolute changes + 1e-12)."
  - name: a158_sump60
    family: alpha158
    kind: SUMP
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMP60` = `Sum(Greater($close-Ref($close, 1), 0), 60)/(Sum(Abs($close-Ref($close, 1)), 60)+1e-12)`. sum of gains / (sum of absolute changes + 1e-12)."
  - name: a158_sumn5
    family: alpha158
    kind: SUMN
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMN5` = `Sum(Greater(Ref($close, 1)-$close, 0), 5)/(Sum(Abs($close-Ref($close, 1)), 5)+1e-12)`. sum of losses / (sum of absolute changes + 1e-12)."
  - name: a158_sumn10
    family: alpha158
    kind: SUMN
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMN10` = `Sum(Greater(Ref($close, 1)-$close, 0), 10)/(Sum(Abs($close-Ref($close, 1)), 10)+1e-12)`. sum of losses / (sum of absolute changes + 1e-12)."
  - name: a158_sumn20
    family: alpha158
    kind: SUMN
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMN20` = `Sum(Greater(Ref($close, 1)-$close, 0), 20)/(Sum(Abs($close-Ref($close, 1)), 20)+1e-12)`. sum of losses / (sum of absolute changes + 1e-12)."
  - name: a158_sumn30
    family: alpha158
    kind: SUMN
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMN30` = `Sum(Greater(Ref($close, 1)-$close, 0), 30)/(Sum(Abs($close-Ref($close, 1)), 30)+1e-12)`. sum of losses / (sum of absolute changes + 1e-12)."
  - name: a158_sumn60
    family: alpha158
    kind: SUMN
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMN60` = `Sum(Greater(Ref($close, 1)-$close, 0), 60)/(Sum(Abs($close-Ref($close, 1)), 60)+1e-12)`. sum of losses / (sum of absolute changes + 1e-12)."
  - name: a158_sumd5
    family: alpha158
    kind: SUMD
    params: {window: 5}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMD5` = `(Sum(Greater($close-Ref($close, 1), 0), 5)-Sum(Greater(Ref($close, 1)-$close, 0), 5))/(Sum(Abs($close-Ref($close, 1)), 5)+1e-12)`. (gains - losses) / (sum of absolute changes + 1e-12)."
  - name: a158_sumd10
    family: alpha158
    kind: SUMD
    params: {window: 10}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMD10` = `(Sum(Greater($close-Ref($close, 1), 0), 10)-Sum(Greater(Ref($close, 1)-$close, 0), 10))/(Sum(Abs($close-Ref($close, 1)), 10)+1e-12)`. (gains - losses) / (sum of absolute changes + 1e-12)."
  - name: a158_sumd20
    family: alpha158
    kind: SUMD
    params: {window: 20}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMD20` = `(Sum(Greater($close-Ref($close, 1), 0), 20)-Sum(Greater(Ref($close, 1)-$close, 0), 20))/(Sum(Abs($close-Ref($close, 1)), 20)+1e-12)`. (gains - losses) / (sum of absolute changes + 1e-12)."
  - name: a158_sumd30
    family: alpha158
    kind: SUMD
    params: {window: 30}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMD30` = `(Sum(Greater($close-Ref($close, 1), 0), 30)-Sum(Greater(Ref($close, 1)-$close, 0), 30))/(Sum(Abs($close-Ref($close, 1)), 30)+1e-12)`. (gains - losses) / (sum of absolute changes + 1e-12)."
  - name: a158_sumd60
    family: alpha158
    kind: SUMD
    params: {window: 60}
    status: active
    inputs: [close, adj_factor]
    description: "Qlib `SUMD60` = `(Sum(Greater($close-Ref($close, 1), 0), 60)-Sum(Greater(Ref($close, 1)-$close, 0), 60))/(Sum(Abs($close-Ref($close, 1)), 60)+1e-12)`. (gains - losses) / (sum of absolute changes + 1e-12)."
  - name: a158_vma5
    family: alpha158
    kind: VMA
    params: {window: 5}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VMA5` = `Mean($volume, 5)/($volume+1e-12)`. mean volume / (volume + 1e-12)."
  - name: a158_vma10
    family: alpha158
    kind: VMA
    params: {window: 10}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VMA10` = `Mean($volume, 10)/($volume+1e-12)`. mean volume / (volume + 1e-12)."
  - name: a158_vma20
    family: alpha158
    kind: VMA
    params: {window: 20}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VMA20` = `Mean($volume, 20)/($volume+1e-12)`. mean volume / (volume + 1e-12)."
  - name: a158_vma30
    family: alpha158
    kind: VMA
    params: {window: 30}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VMA30` = `Mean($volume, 30)/($volume+1e-12)`. mean volume / (volume + 1e-12)."
  - name: a158_vma60
    family: alpha158
    kind: VMA
    params: {window: 60}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VMA60` = `Mean($volume, 60)/($volume+1e-12)`. mean volume / (volume + 1e-12)."
  - name: a158_vstd5
    family: alpha158
    kind: VSTD
    params: {window: 5}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSTD5` = `Std($volume, 5)/($volume+1e-12)`. sample std of volume / (volume + 1e-12)."
  - name: a158_vstd10
    family: alpha158
    kind: VSTD
    params: {window: 10}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSTD10` = `Std($volume, 10)/($volume+1e-12)`. sample std of volume / (volume + 1e-12)."
  - name: a158_vstd20
    family: alpha158
    kind: VSTD
    params: {window: 20}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSTD20` = `Std($volume, 20)/($volume+1e-12)`. sample std of volume / (volume + 1e-12)."
  - name: a158_vstd30
    family: alpha158
    kind: VSTD
    params: {window: 30}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSTD30` = `Std($volume, 30)/($volume+1e-12)`. sample std of volume / (volume + 1e-12)."
  - name: a158_vstd60
    family: alpha158
    kind: VSTD
    params: {window: 60}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSTD60` = `Std($volume, 60)/($volume+1e-12)`. sample std of volume / (volume + 1e-12)."
  - name: a158_wvma5
    family: alpha158
    kind: WVMA
    params: {window: 5}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `WVMA5` = `Std(Abs($close/Ref($close, 1)-1)*$volume, 5)/(Mean(Abs($close/Ref($close, 1)-1)*$volume, 5)+1e-12)`. std / mean of |return| × volume (volume-weighted volatility); 0 where the price did not move over the window."
  - name: a158_wvma10
    family: alpha158
    kind: WVMA
    params: {window: 10}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `WVMA10` = `Std(Abs($close/Ref($close, 1)-1)*$volume, 10)/(Mean(Abs($close/Ref($close, 1)-1)*$volume, 10)+1e-12)`. std / mean of |return| × volume (volume-weighted volatility); 0 where the price did not move over the window."
  - name: a158_wvma20
    family: alpha158
    kind: WVMA
    params: {window: 20}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `WVMA20` = `Std(Abs($close/Ref($close, 1)-1)*$volume, 20)/(Mean(Abs($close/Ref($close, 1)-1)*$volume, 20)+1e-12)`. std / mean of |return| × volume (volume-weighted volatility); 0 where the price did not move over the window."
  - name: a158_wvma30
    family: alpha158
    kind: WVMA
    params: {window: 30}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `WVMA30` = `Std(Abs($close/Ref($close, 1)-1)*$volume, 30)/(Mean(Abs($close/Ref($close, 1)-1)*$volume, 30)+1e-12)`. std / mean of |return| × volume (volume-weighted volatility); 0 where the price did not move over the window."
  - name: a158_wvma60
    family: alpha158
    kind: WVMA
    params: {window: 60}
    status: active
    inputs: [close, volume, adj_factor]
    description: "Qlib `WVMA60` = `Std(Abs($close/Ref($close, 1)-1)*$volume, 60)/(Mean(Abs($close/Ref($close, 1)-1)*$volume, 60)+1e-12)`. std / mean of |return| × volume (volume-weighted volatility); 0 where the price did not move over the window."
  - name: a158_vsump5
    family: alpha158
    kind: VSUMP
    params: {window: 5}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMP5` = `Sum(Greater($volume-Ref($volume, 1), 0), 5)/(Sum(Abs($volume-Ref($volume, 1)), 5)+1e-12)`. volume increases / (sum of absolute volume changes + 1e-12)."
  - name: a158_vsump10
    family: alpha158
    kind: VSUMP
    params: {window: 10}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMP10` = `Sum(Greater($volume-Ref($volume, 1), 0), 10)/(Sum(Abs($volume-Ref($volume, 1)), 10)+1e-12)`. volume increases / (sum of absolute volume changes + 1e-12)."
  - name: a158_vsump20
    family: alpha158
    kind: VSUMP
    params: {window: 20}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMP20` = `Sum(Greater($volume-Ref($volume, 1), 0), 20)/(Sum(Abs($volume-Ref($volume, 1)), 20)+1e-12)`. volume increases / (sum of absolute volume changes + 1e-12)."
  - name: a158_vsump30
    family: alpha158
    kind: VSUMP
    params: {window: 30}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMP30` = `Sum(Greater($volume-Ref($volume, 1), 0), 30)/(Sum(Abs($volume-Ref($volume, 1)), 30)+1e-12)`. volume increases / (sum of absolute volume changes + 1e-12)."
  - name: a158_vsump60
    family: alpha158
    kind: VSUMP
    params: {window: 60}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMP60` = `Sum(Greater($volume-Ref($volume, 1), 0), 60)/(Sum(Abs($volume-Ref($volume, 1)), 60)+1e-12)`. volume increases / (sum of absolute volume changes + 1e-12)."
  - name: a158_vsumn5
    family: alpha158
    kind: VSUMN
    params: {window: 5}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMN5` = `Sum(Greater(Ref($volume, 1)-$volume, 0), 5)/(Sum(Abs($volume-Ref($volume, 1)), 5)+1e-12)`. volume decreases / (...)."
  - name: a158_vsumn10
    family: alpha158
    kind: VSUMN
    params: {window: 10}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMN10` = `Sum(Greater(Ref($volume, 1)-$volume, 0), 10)/(Sum(Abs($volume-Ref($volume, 1)), 10)+1e-12)`. volume decreases / (...)."
  - name: a158_vsumn20
    family: alpha158
    kind: VSUMN
    params: {window: 20}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMN20` = `Sum(Greater(Ref($volume, 1)-$volume, 0), 20)/(Sum(Abs($volume-Ref($volume, 1)), 20)+1e-12)`. volume decreases / (...)."
  - name: a158_vsumn30
    family: alpha158
    kind: VSUMN
    params: {window: 30}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMN30` = `Sum(Greater(Ref($volume, 1)-$volume, 0), 30)/(Sum(Abs($volume-Ref($volume, 1)), 30)+1e-12)`. volume decreases / (...)."
  - name: a158_vsumn60
    family: alpha158
    kind: VSUMN
    params: {window: 60}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMN60` = `Sum(Greater(Ref($volume, 1)-$volume, 0), 60)/(Sum(Abs($volume-Ref($volume, 1)), 60)+1e-12)`. volume decreases / (...)."
  - name: a158_vsumd5
    family: alpha158
    kind: VSUMD
    params: {window: 5}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMD5` = `(Sum(Greater($volume-Ref($volume, 1), 0), 5)-Sum(Greater(Ref($volume, 1)-$volume, 0), 5))/(Sum(Abs($volume-Ref($volume, 1)), 5)+1e-12)`. (increases - decreases) / (...)."
  - name: a158_vsumd10
    family: alpha158
    kind: VSUMD
    params: {window: 10}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMD10` = `(Sum(Greater($volume-Ref($volume, 1), 0), 10)-Sum(Greater(Ref($volume, 1)-$volume, 0), 10))/(Sum(Abs($volume-Ref($volume, 1)), 10)+1e-12)`. (increases - decreases) / (...)."
  - name: a158_vsumd20
    family: alpha158
    kind: VSUMD
    params: {window: 20}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMD20` = `(Sum(Greater($volume-Ref($volume, 1), 0), 20)-Sum(Greater(Ref($volume, 1)-$volume, 0), 20))/(Sum(Abs($volume-Ref($volume, 1)), 20)+1e-12)`. (increases - decreases) / (...)."
  - name: a158_vsumd30
    family: alpha158
    kind: VSUMD
    params: {window: 30}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMD30` = `(Sum(Greater($volume-Ref($volume, 1), 0), 30)-Sum(Greater(Ref($volume, 1)-$volume, 0), 30))/(Sum(Abs($volume-Ref($volume, 1)), 30)+1e-12)`. (increases - decreases) / (...)."
  - name: a158_vsumd60
    family: alpha158
    kind: VSUMD
    params: {window: 60}
    status: active
    inputs: [volume, close, adj_factor]
    description: "Qlib `VSUMD60` = `(Sum(Greater($volume-Ref($volume, 1), 0), 60)-Sum(Greater(Ref($volume, 1)-$volume, 0), 60))/(Sum(Abs($volume-Ref($volume, 1)), 60)+1e-12)`. (increases - decreases) / (...)."
# END FAMILY
{%- endset -%}
{{ return(fromyaml(family_yaml)) }}
{%- endmacro %}
