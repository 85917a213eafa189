"""Raw daily bars and TOPIX for the whole span, generated once (vectorised over codes).

Model: a common market factor (which is also TOPIX's log return) plus idiosyncratic noise gives
each code an "economic" log-price path, softly bounded so raw prices stay within ~100-20,000 yen.
Raw prices are that path times the cumulative split factor (a 1→2 split halves the raw price on
its ex-date), plus transient shocks that drive some days to the daily price limit. Closes are
tick-rounded and clipped to the TSE limit band around the previous close, day by day, so `UL`/`LL`
are exactly the days the close sits on the band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.simulator.rules import limit_band, round_to_tick
from ingest.simulator.universe import (
    ILLIQUID_CODE,
    LIMIT_CODE,
    PREFERRED_CODE,
    REVERSE_SPLIT_CODE,
    SPLIT_CODE,
    Universe,
    child_rng,
)

TOPIX_START = 1_500.0
PRICE_FLOOR, PRICE_CAP = 120.0, 18_000.0  # soft bounds of the close path (yen)
LIMIT_EVERY = 10  # LIMIT_CODE hits a limit every LIMIT_EVERY business days
SHOCK_DECAY, SHOCK_LAGS = 0.5, 8


@dataclass
class PriceTape:
    """Raw bars `[T, N]` (NaN when not listed or not traded) and TOPIX `[T, 4]` (NaN on the outage)."""

    o: np.ndarray
    h: np.ndarray
    low: np.ndarray
    c: np.ndarray
    vo: np.ndarray
    va: np.ndarray
    ul: np.ndarray
    ll: np.ndarray
    listed: np.ndarray
    topix: np.ndarray
    shares: np.ndarray  # shares outstanding [T, N] (grows by the split ratio at each ex-date)


def bound_paths(paths: np.ndarray, lo: np.ndarray, hi: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Shift (and if needed shrink) each column of log-paths into [lo, hi], keeping returns' shape."""
    mn, mx = paths.min(axis=0), paths.max(axis=0)
    width = np.maximum(mx - mn, 1e-12)
    scale = np.minimum(1.0, 0.9 * (hi - lo) / width)
    shrunk = (paths - mn) * scale
    offset = np.clip(start - shrunk[0], lo, hi - width * scale)
    return shrunk + offset


def _market_factor(rng: np.random.Generator, t: int) -> tuple[np.ndarray, np.ndarray]:
    """Daily market log returns and TOPIX log closes (fat-tailed, bounded to 1,150-3,500)."""
    raw = 0.00035 + 0.0095 * rng.standard_t(df=4, size=t) / np.sqrt(2.0)
    path = np.log(TOPIX_START) + np.cumsum(raw)
    path = bound_paths(path[:, None], np.log([1_150.0]), np.log([3_500.0]), np.log([TOPIX_START]))[:, 0]
    returns = np.diff(path, prepend=path[0])
    return returns, path


def _log_cum_factor(uni: Universe, t: int) -> np.ndarray:
    """log of the product of AdjFactors with ex-date <= row date, `[T, N]`."""
    out = np.zeros((t, len(uni.codes)))
    for c, day, num, den in zip(uni.ev_code, uni.ev_day, uni.ev_num, uni.ev_den, strict=True):
        out[day:, c] += np.log(num / den)
    return out


def _code_params(rng: np.random.Generator, uni: Universe) -> dict[str, np.ndarray]:
    n = len(uni.codes)
    params = {
        "beta": rng.uniform(0.5, 1.5, n),
        "sigma": rng.uniform(0.010, 0.026, n),
        "logp0": rng.uniform(np.log(200.0), np.log(12_000.0), n),
        "turnover": 0.003 * np.exp(rng.normal(0.0, 0.5, n)),
    }
    overrides = {
        SPLIT_CODE: {"logp0": np.log(14_000.0)},
        REVERSE_SPLIT_CODE: {"logp0": np.log(150.0)},
        PREFERRED_CODE: {"beta": 0.2, "sigma": 0.004, "logp0": np.log(1_500.0)},
        ILLIQUID_CODE: {"turnover": 0.0002},
    }
    for code, values in overrides.items():
        if code in uni.index:
            for key, value in values.items():
                params[key][uni.index[code]] = value
    return params


def _economic_paths(
    rng: np.random.Generator, uni: Universe, market: np.ndarray, params: dict, log_cum: np.ndarray
) -> np.ndarray:
    t, n = log_cum.shape
    eps = rng.standard_normal((t, n))
    eps *= params["sigma"]
    eps += market[:, None] * params["beta"]
    paths = np.cumsum(eps, axis=0)
    paths += params["logp0"]
    lo = np.log(PRICE_FLOOR) - log_cum.min(axis=0)
    hi = np.log(PRICE_CAP) - log_cum.max(axis=0)
    return bound_paths(paths, lo, hi, params["logp0"])


def _shocks(rng: np.random.Generator, uni: Universe, t: int) -> np.ndarray:
    """Transient log shocks (decaying) that push closes through the daily limit."""
    n = len(uni.codes)
    hit = rng.random((t, n)) < 0.0004
    up = rng.random((t, n)) < 0.5
    if LIMIT_CODE in uni.index:
        k = uni.index[LIMIT_CODE]
        days = np.arange(t)
        hit[:, k] = days % LIMIT_EVERY == LIMIT_EVERY // 2
        up[:, k] = (days // LIMIT_EVERY) % 2 == 0
    rows, cols = np.nonzero(hit)
    size = np.where(up[rows, cols], rng.uniform(0.55, 0.65, rows.size), -rng.uniform(0.80, 0.90, rows.size))
    out = np.zeros((t, n))
    for lag in range(SHOCK_LAGS):
        keep = rows + lag < t
        np.add.at(out, (rows[keep] + lag, cols[keep]), size[keep] * SHOCK_DECAY**lag)
    return out


def _trade_mask(rng: np.random.Generator, uni: Universe, t: int, outage: int | None) -> tuple:
    days = np.arange(t)[:, None]
    listed = (days >= uni.first) & (days <= uni.last)
    trade = listed & (rng.random(listed.shape) >= uni.no_trade_prob)
    trade[uni.first, np.arange(len(uni.codes))] = True  # the listing day trades
    trade[uni.ev_day, uni.ev_code] = True  # so does every ex-date
    trade &= listed
    if outage is not None:
        trade[outage] = False
    return listed, trade


def _close_loop(target: np.ndarray, trade: np.ndarray, uni: Universe) -> tuple[np.ndarray, np.ndarray]:
    """Closes and base prices day by day: tick-rounded, clipped to the limit band of the base."""
    t, n = target.shape
    events: dict[int, list[tuple[int, float]]] = {}
    for c, day, num, den in zip(uni.ev_code, uni.ev_day, uni.ev_num, uni.ev_den, strict=True):
        events.setdefault(int(day), []).append((int(c), num / den))
    ticked = round_to_tick(target)
    close = np.full((t, n), np.nan)
    base = np.full((t, n), np.nan)
    last = np.full(n, np.nan)
    for day in range(t):
        for c, factor in events.get(day, ()):
            last[c] = round_to_tick(last[c] * factor)
        lower, upper = limit_band(last)
        clipped = np.where(np.isnan(last), ticked[day], np.clip(ticked[day], lower, upper))
        base[day] = last
        close[day] = np.where(trade[day], clipped, np.nan)
        last = np.where(trade[day], clipped, last)
    return close, base


def _open_high_low(rng: np.random.Generator, close: np.ndarray, base: np.ndarray, sigma: np.ndarray) -> tuple:
    ref = np.where(np.isnan(base), close, base)
    lower, upper = limit_band(ref)
    lower = np.where(np.isnan(base), 1.0, lower)
    upper = np.where(np.isnan(base), np.inf, upper)
    move = np.log(close / ref)
    o_target = ref * np.exp(0.35 * move + rng.standard_normal(close.shape) * sigma * 0.4)
    o = np.clip(round_to_tick(o_target), lower, upper)
    top, bottom = np.fmax(o, close), np.fmin(o, close)
    h = round_to_tick(top * np.exp(np.abs(rng.standard_normal(close.shape)) * sigma * 0.6), "up")
    h = np.maximum(np.minimum(h, upper), top)
    low = round_to_tick(bottom * np.exp(-np.abs(rng.standard_normal(close.shape)) * sigma * 0.6), "down")
    low = np.minimum(np.maximum(low, lower), bottom)
    return o, h, low, move, lower, upper


def _volumes(
    rng: np.random.Generator, shares: np.ndarray, turnover: np.ndarray, move: np.ndarray
) -> np.ndarray:
    vo = shares * turnover * np.exp(rng.standard_normal(shares.shape) * 0.45) * (1.0 + 12.0 * np.abs(move))
    return np.maximum(100.0, np.rint(vo / 100.0) * 100.0)


def _topix(rng: np.random.Generator, log_close: np.ndarray, outage: int | None) -> np.ndarray:
    close = np.round(np.exp(log_close), 2)
    prev = np.concatenate([[close[0]], close[:-1]])
    if outage is not None and 0 < outage < len(close) - 1:
        prev[outage + 1] = close[outage - 1]
    o = np.round(prev * np.exp(rng.normal(0.0, 0.004, close.size)), 2)
    h = np.round(np.maximum(o, close) * np.exp(np.abs(rng.normal(0.0, 0.004, close.size))), 2)
    low = np.round(np.minimum(o, close) * np.exp(-np.abs(rng.normal(0.0, 0.004, close.size))), 2)
    out = np.column_stack(
        [o, np.maximum(h, np.maximum(o, close)), np.minimum(low, np.minimum(o, close)), close]
    )
    if outage is not None:
        out[outage] = np.nan
    return out


def generate_prices(seed: int, uni: Universe, t: int, outage: int | None) -> PriceTape:
    """Generate raw bars for every code over `t` business days (`outage` = index of 2020-10-01)."""
    rng = child_rng(seed, "prices")
    market, topix_log = _market_factor(rng, t)
    params = _code_params(rng, uni)
    log_cum = _log_cum_factor(uni, t)
    target = _economic_paths(rng, uni, market, params, log_cum)
    target += log_cum
    target += _shocks(rng, uni, t)
    np.exp(target, out=target)
    listed, trade = _trade_mask(rng, uni, t, outage)
    close, base = _close_loop(target, trade, uni)
    del target
    o, h, low, move, lower, upper = _open_high_low(rng, close, base, params["sigma"])
    has_base = ~np.isnan(base)
    ul = has_base & (close >= upper)
    ll = has_base & (close <= lower)
    cap = 3e10 * uni.attrs["Size"].to_numpy()
    shares0 = np.maximum(np.rint(cap / np.exp(params["logp0"]) / 1_000.0) * 1_000.0, 100_000.0)
    shares = shares0 * np.exp(-log_cum)
    vo = np.where(trade, _volumes(rng, shares, params["turnover"], np.nan_to_num(move)), np.nan)
    va = np.rint(vo * (low + (h - low) * rng.uniform(0.25, 0.75, close.shape)))
    return PriceTape(
        o, h, low, close, vo, va, ul, ll, listed, _topix(rng, topix_log, outage), np.rint(shares)
    )
