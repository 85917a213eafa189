"""A small HTTP client for the J-Quants API V2.

- Auth: the static API key goes in the `x-api-key` header of each request. It is held in a private
  attribute and never appears in a log line, an exception or a repr.
- Pagination: `get()` repeats the identical query with `pagination_key=<value>` until the response
  has none, and yields the rows of every page.
- Pacing: a token bucket for the whole account at the plan's rate, plus one per endpoint
  (`/fins/summary` and `/fins/details` are 60/min on every plan), so a 429 is the exception.
- Retries: 429 waits `rate_limit_wait_seconds` (V2 sends no Retry-After); 500/502/503/504, timeouts,
  connection errors and truncated bodies back off exponentially with jitter; both count towards
  `max_attempts`. 403 raises `JQuantsAuthError` and 400 (and other 4xx) `JQuantsRequestError` at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests

from ingest.settings import FINS_RATE_PER_MINUTE, PLAN_RATE_PER_MINUTE

log = logging.getLogger(__name__)

FINS_ENDPOINTS = frozenset({"/fins/summary", "/fins/details"})
RETRY_STATUSES = frozenset({500, 502, 503, 504})
PARTIAL_CONTENT = 210
MAX_BACKOFF_SECONDS = 60.0


class JQuantsError(RuntimeError):
    """A request to J-Quants failed for good. Names the endpoint, params and last status (never the key)."""

    def __init__(
        self,
        message: str,
        *,
        endpoint: str,
        params: dict[str, Any] | None = None,
        status: int | str | None = None,
        attempts: int = 0,
    ) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.params = dict(params or {})
        self.status = status
        self.attempts = attempts


class JQuantsAuthError(JQuantsError):
    """HTTP 403: a bad API key, data outside the plan, or a wrong path. Never retried."""


class JQuantsRequestError(JQuantsError):
    """HTTP 400 (or another 4xx): the query itself is wrong. Carries the server's message."""


class Secret:
    """A string that never shows itself: repr/str are masked and it refuses to be pickled."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled or copied")

    def __bool__(self) -> bool:
        return bool(self._value)


class TokenBucket:
    """Blocking token bucket: `acquire()` waits until one token is available and takes it.

    `capacity` 1 spaces requests evenly (60/min -> one a second) so that no sliding one-minute window
    on the server side ever sees more than the rate.
    """

    def __init__(
        self,
        rate_per_minute: float,
        capacity: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate_per_minute <= 0:
            raise ValueError("rate_per_minute must be positive")
        self.rate_per_second = rate_per_minute / 60.0
        self.capacity = capacity
        self._tokens = capacity
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping as long as needed; returns the seconds waited."""
        waited = 0.0
        with self._lock:
            while True:
                now = self._clock()
                self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate_per_second)
                self._last = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return waited
                wait = (1.0 - self._tokens) / self.rate_per_second
                self._sleep(wait)
                waited += wait


@dataclass
class ClientStats:
    """What the client did: requests by endpoint and status (`"200"`, `"429"`, `"timeout"`, …)."""

    requests: dict[str, Counter] = field(default_factory=dict)
    rows: Counter = field(default_factory=Counter)
    retries: int = 0
    paced_seconds: float = 0.0
    retry_wait_seconds: float = 0.0

    def record(self, endpoint: str, status: int | str) -> None:
        self.requests.setdefault(endpoint, Counter())[str(status)] += 1

    def calls_by_endpoint(self) -> dict[str, int]:
        """Every HTTP request made (retries included), by endpoint."""
        return {endpoint: sum(c.values()) for endpoint, c in self.requests.items()}

    @property
    def total_requests(self) -> int:
        return sum(self.calls_by_endpoint().values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": {e: dict(c) for e, c in self.requests.items()},
            "rows": dict(self.rows),
            "retries": self.retries,
            "paced_seconds": round(self.paced_seconds, 3),
            "retry_wait_seconds": round(self.retry_wait_seconds, 3),
        }


@dataclass(frozen=True)
class Page:
    """One page of one response: its rows, when it was received (UTC) and the query that got it."""

    endpoint: str
    params: dict[str, Any]
    rows: list[dict[str, Any]]
    fetched_at: dt.datetime
    pagination_key: str | None


def _param_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _server_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300].strip()
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    return str(body)[:300]


class JQuantsClient:
    """J-Quants API V2 client: paginated GETs with pacing, retries and call counts.

    `rate_per_minute`: None uses the plan's rate; 0 or `math.inf` turns pacing off (tests, a local
    simulator).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        plan: str = "light",
        max_attempts: int = 6,
        backoff_base_seconds: float = 1.0,
        rate_limit_wait_seconds: float = 60.0,
        timeout: float = 60,
        session: requests.Session | None = None,
        *,
        rate_per_minute: float | None = None,
        seed: int | None = None,
    ) -> None:
        if not api_key:
            raise JQuantsAuthError(
                "no J-Quants API key: set JQUANTS_API_KEY", endpoint="-", params={}, status=None
            )
        plan = plan.lower()
        if plan not in PLAN_RATE_PER_MINUTE:
            raise ValueError(f"plan must be one of {', '.join(PLAN_RATE_PER_MINUTE)}, got {plan!r}")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.plan = plan
        self.max_attempts = max_attempts
        self.backoff_base_seconds = backoff_base_seconds
        self.rate_limit_wait_seconds = rate_limit_wait_seconds
        self.timeout = timeout
        self.stats = ClientStats()
        self._api_key = Secret(api_key)
        self._session = session or requests.Session()
        self._random = random.Random(seed)
        self._sleep: Callable[[float], None] = time.sleep

        if rate_per_minute is None:
            rate_per_minute = PLAN_RATE_PER_MINUTE[plan]
        self.rate_per_minute: float | None = (
            None if rate_per_minute <= 0 or math.isinf(rate_per_minute) else float(rate_per_minute)
        )
        self._account_bucket = TokenBucket(self.rate_per_minute) if self.rate_per_minute else None
        self._endpoint_buckets: dict[str, TokenBucket] = {}
        self._buckets_lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"JQuantsClient(base_url={self.base_url!r}, plan={self.plan!r}, api_key='***', "
            f"rate_per_minute={self.rate_per_minute})"
        )

    __str__ = __repr__

    # -- public API ----------------------------------------------------------------------------

    def get(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Yield every row of `GET path?params`, following `pagination_key` across pages.

        Dates may be `datetime.date`; write `from_=` for the `from` parameter.
        """
        for page in self.get_pages(path, **params):
            yield from page.rows

    def get_object(self, path: str, **params: Any) -> dict[str, Any]:
        """The decoded body of one `GET path?params` that answers an object rather than `data` rows
        (e.g. `/bulk/get` -> `{"url": ...}`), with the same pacing, retries and call counts."""
        endpoint = "/" + path.strip("/")
        query = {k.removesuffix("_"): _param_value(v) for k, v in params.items() if v is not None}
        body, _fetched_at = self._request(endpoint, query)
        return body

    def get_pages(self, path: str, **params: Any) -> Iterator[Page]:
        """Yield each page of `GET path?params` (rows, receive time in UTC, the query)."""
        endpoint = "/" + path.strip("/")
        # `from_=` stands for `from` (a Python keyword); None values are left out
        query = {k.removesuffix("_"): _param_value(v) for k, v in params.items() if v is not None}
        seen_keys: set[str] = set()
        pagination_key: str | None = None
        while True:
            page_params = dict(query)
            if pagination_key is not None:
                page_params["pagination_key"] = pagination_key
            body, fetched_at = self._request(endpoint, page_params)
            rows = body.get("data")
            if rows is None:
                rows = []
            if not isinstance(rows, list):
                raise JQuantsError(
                    f"GET {endpoint} params={page_params}: response 'data' is {type(rows).__name__}, "
                    "expected a list",
                    endpoint=endpoint,
                    params=page_params,
                    status=200,
                )
            self.stats.rows[endpoint] += len(rows)
            next_key = body.get("pagination_key") or None
            yield Page(endpoint, page_params, rows, fetched_at, next_key)
            if next_key is None:
                return
            next_key = str(next_key)
            if next_key in seen_keys:
                raise JQuantsError(
                    f"GET {endpoint} params={query}: pagination_key repeated; the server is looping",
                    endpoint=endpoint,
                    params=page_params,
                    status=200,
                )
            seen_keys.add(next_key)
            pagination_key = next_key

    # -- internals -----------------------------------------------------------------------------

    def _bucket_for(self, endpoint: str) -> TokenBucket | None:
        if self.rate_per_minute is None:
            return None
        with self._buckets_lock:
            bucket = self._endpoint_buckets.get(endpoint)
            if bucket is None:
                rate = self.rate_per_minute
                if endpoint in FINS_ENDPOINTS:
                    rate = min(rate, FINS_RATE_PER_MINUTE)
                bucket = self._endpoint_buckets[endpoint] = TokenBucket(rate)
            return bucket

    def _pace(self, endpoint: str) -> None:
        bucket = self._bucket_for(endpoint)
        if bucket is None or self._account_bucket is None:
            return
        waited = bucket.acquire() + self._account_bucket.acquire()
        self.stats.paced_seconds += waited

    def _backoff(self, attempt: int) -> float:
        base = self.backoff_base_seconds * (2 ** (attempt - 1))
        return min(MAX_BACKOFF_SECONDS, base * (0.5 + self._random.random()))

    def _request(self, endpoint: str, params: dict[str, Any]) -> tuple[dict[str, Any], dt.datetime]:
        """One page with pacing and retries; returns (decoded body, receive time UTC)."""
        url = self.base_url + endpoint
        last_status: int | str | None = None
        for attempt in range(1, self.max_attempts + 1):
            self._pace(endpoint)
            started = time.monotonic()
            try:
                response = self._session.get(
                    url, params=params, headers={"x-api-key": self._api_key.reveal()}, timeout=self.timeout
                )
            except requests.Timeout:
                last_status = "timeout"
            except requests.ConnectionError:
                last_status = "connection_error"
            else:
                last_status = response.status_code
            fetched_at = dt.datetime.now(dt.UTC)
            self.stats.record(endpoint, last_status)
            log.debug(
                "GET %s params=%s -> %s (%.2fs)", endpoint, params, last_status, time.monotonic() - started
            )

            if last_status in (200, PARTIAL_CONTENT):
                try:
                    body = response.json()
                except ValueError:
                    if last_status == PARTIAL_CONTENT and not response.content.strip():
                        return {"data": []}, fetched_at
                    last_status = "invalid_json"
                else:
                    if not isinstance(body, dict):
                        raise JQuantsError(
                            f"GET {endpoint} params={params}: response is {type(body).__name__}, expected "
                            "an object with 'data'",
                            endpoint=endpoint,
                            params=params,
                            status=last_status,
                            attempts=attempt,
                        )
                    if last_status == PARTIAL_CONTENT:
                        log.warning("GET %s params=%s -> 210 (partial content)", endpoint, params)
                    return body, fetched_at
            elif last_status == 403:
                raise JQuantsAuthError(
                    f"GET {endpoint} params={params} -> 403 Forbidden: check JQUANTS_API_KEY and that "
                    f"the plan ({self.plan!r}) covers this endpoint and date range",
                    endpoint=endpoint,
                    params=params,
                    status=403,
                    attempts=attempt,
                )
            elif last_status == 429:
                pass
            elif isinstance(last_status, int) and last_status not in RETRY_STATUSES:
                raise JQuantsRequestError(
                    f"GET {endpoint} params={params} -> {last_status}: {_server_message(response)}",
                    endpoint=endpoint,
                    params=params,
                    status=last_status,
                    attempts=attempt,
                )

            if attempt == self.max_attempts:
                break
            wait = self.rate_limit_wait_seconds if last_status == 429 else self._backoff(attempt)
            log.warning(
                "GET %s params=%s -> %s; retry %d/%d in %.1fs",
                endpoint,
                params,
                last_status,
                attempt,
                self.max_attempts - 1,
                wait,
            )
            self.stats.retries += 1
            self.stats.retry_wait_seconds += wait
            self._sleep(wait)

        raise JQuantsError(
            f"GET {endpoint} params={params} failed after {self.max_attempts} attempts; "
            f"last status: {last_status}",
            endpoint=endpoint,
            params=params,
            status=last_status,
            attempts=self.max_attempts,
        )
