"""`SimulatorServer`: a real HTTP server speaking J-Quants API V2 over a `Market`.

Runs `http.server.ThreadingHTTPServer` in a daemon thread. Order of checks for a request:
path under `/v2` and `x-api-key` (else 403) → known endpoint (else 403) → rate limit (429) →
faults (`slow` sleeps, then `http_500` → 500, `http_429` → 429) → parameters (400) →
`fail_dates` (the configured status) → rows, paginated (`pagination_key`) → JSON.

`rate_per_minute` counts every authenticated API request (bulk calls included) over a sliding 60 s;
`/fins/summary` also has its own window of min(60, rate_per_minute). Bulk downloads
(`/bulk-download/…`, signed URLs from `/bulk/get`) need no key and are not rate limited.

`forbidden_endpoints` (a set of endpoint paths, e.g. `{"/markets/breakdown"}`) answer 403 as a
dataset outside the subscription plan does. `request_log` gets one dict per request: `path` (the endpoint path relative to the base URL,
e.g. `/equities/bars/daily`), `params` (every query parameter as sent, `pagination_key` included;
the API key travels in a header and is never logged), `status`.
"""

from __future__ import annotations

import base64
import collections
import gzip
import hashlib
import json
import logging
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import numpy as np

from ingest.simulator import calendar as cal
from ingest.simulator.bulk import BULK_ENDPOINTS, DOWNLOAD_PATH, BulkStore
from ingest.simulator.endpoints import ROUTES, ApiError, Handler, Params, Plan
from ingest.simulator.market import Market
from ingest.simulator.wire import Result, corrupt_row, encode_row

log = logging.getLogger(__name__)
BASE_PATH = "/v2"
WINDOW_SECONDS = 60.0
FINS_RATE_PER_MINUTE = 60


class _Faults:
    """Fault probabilities and their random source (seeded, shared by all request threads)."""

    def __init__(
        self,
        http_500: float = 0.0,
        http_429: float = 0.0,
        slow: float = 0.0,
        slow_seconds: float = 2.0,
        malformed: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.http_500, self.http_429, self.slow = http_500, http_429, slow
        self.slow_seconds, self.malformed, self.seed = slow_seconds, malformed, seed
        self.rng = random.Random(seed)


class SimulatorServer:
    """A J-Quants V2 simulator serving `market` (see the module docstring)."""

    def __init__(
        self,
        market: Market,
        api_key: str = "k",
        page_size: int = 1000,
        rate_per_minute: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        bulk_url_ttl: float = 300.0,
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self.market = market
        self.api_key = api_key
        self.page_size = int(page_size)
        self.rate_per_minute = rate_per_minute
        self.host, self.port = host, port
        self.bulk_url_ttl = bulk_url_ttl
        self.fail_dates: dict[str, int] = {}
        # True: any request whose date or range covers a failed date fails; False: only requests for
        # that single date (`date=D`, or from = to = D) — "the API fails for one day's partition".
        self.fail_date_ranges: bool = True
        self.forbidden_endpoints: set[str] = set()
        self.request_log: list[dict[str, Any]] = []
        self.injected: list[dict[str, Any]] = []
        self._faults = _Faults()
        self._lock = threading.Lock()
        self._arrivals: collections.deque[float] = collections.deque()
        self._fins_arrivals: collections.deque[float] = collections.deque()
        self._bulk: BulkStore | None = None
        self.routes: dict[str, Handler] = {
            **ROUTES,
            "/bulk/list": self._bulk_list,
            "/bulk/get": self._bulk_get,
        }
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> SimulatorServer:
        """Bind and serve in a daemon thread (port 0 picks a free port)."""
        if self._httpd is not None:
            return self
        self._httpd = ThreadingHTTPServer((self.host, self.port), _make_handler(self))
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="jquants-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        """`http://host:port` of the running server."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base URL, e.g. `http://127.0.0.1:8765/v2`."""
        return f"{self.origin}{BASE_PATH}"

    # ------------------------------------------------------------------ faults
    def set_faults(
        self,
        http_500: float = 0.0,
        http_429: float = 0.0,
        slow: float = 0.0,
        slow_seconds: float = 2.0,
        malformed: float = 0.0,
        seed: int = 0,
    ) -> None:
        """Set every fault probability at once (omitted ones go back to 0) and reseed the faults."""
        with self._lock:
            self._faults = _Faults(http_500, http_429, slow, slow_seconds, malformed, seed)

    def _draw_faults(self) -> tuple[bool, int | None]:
        """(sleep first?, status to answer instead or None) for one request."""
        with self._lock:
            f = self._faults
            slow = f.slow > 0 and f.rng.random() < f.slow
            status = None
            if f.http_500 > 0 and f.rng.random() < f.http_500:
                status = 500
            elif f.http_429 > 0 and f.rng.random() < f.http_429:
                status = 429
            return slow, status

    def _rate_limited(self, endpoint: str) -> bool:
        if self.rate_per_minute is None:
            return False
        now = time.monotonic()
        with self._lock:
            over = _arrive(self._arrivals, now) > self.rate_per_minute
            if endpoint == "/fins/summary":
                over |= _arrive(self._fins_arrivals, now) > min(FINS_RATE_PER_MINUTE, self.rate_per_minute)
            return over

    def _failed_status(self, plan: Plan) -> int | None:
        if plan.lo is None and plan.hi is None:
            return None
        for text, status in list(self.fail_dates.items()):
            try:
                day = cal.to_date(text)
            except ValueError:
                continue
            if not self.fail_date_ranges and not (plan.lo == plan.hi == day):
                continue
            if (plan.lo is None or plan.lo <= day) and (plan.hi is None or day <= plan.hi):
                return int(status)
        return None

    # ------------------------------------------------------------------ answering
    # ------------------------------------------------------------------ bulk
    @property
    def bulk(self) -> BulkStore:
        """The monthly bulk files of the market (built lazily)."""
        with self._lock:
            if self._bulk is None:
                self._bulk = BulkStore(self.market)
            return self._bulk

    def _bulk_list(self, market: Market, params: Params) -> Plan:
        endpoint = params.get("endpoint")
        if endpoint not in BULK_ENDPOINTS:
            raise ApiError(400, f"Invalid value for parameter 'endpoint': {endpoint!r}")

        def run() -> Result:
            rows = self.bulk.listing()
            return Result(
                dataset="bulk_list",
                columns={
                    k: np.array([r[k] for r in rows], dtype=object) for k in ("Key", "LastModified", "Size")
                },
                fields=("Key", "LastModified", "Size"),
                numeric=(),
                key_fields=("Key",),
                date_field=None,
                code_field=None,
            )

        return Plan(None, None, run)

    def _bulk_get(self, market: Market, params: Params) -> Plan:
        key = params.get("key")
        if not key or key not in self.bulk:
            raise ApiError(400, f"Invalid value for parameter 'key': {key!r}")
        return Plan(None, None, lambda: {"url": self.bulk.sign(key, self.origin, self.bulk_url_ttl)})

    def _download(self, path: str, params: dict[str, str]) -> tuple[int, Any, dict]:
        key = unquote(path[len(DOWNLOAD_PATH) :])
        problem = self.bulk.verify(key, params.get("Expires", ""), params.get("Signature", ""))
        if problem is not None:
            return (404 if problem == "NoSuchKey" else 403), {"message": problem}, {}
        return 200, self.bulk.content(key), {"Content-Type": "application/gzip"}

    def handle(self, path: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, Any, dict]:
        """Answer one GET: (status, JSON body or bytes, extra headers)."""
        extra: dict[str, str] = {}
        try:
            if path.startswith(DOWNLOAD_PATH):
                status, body, extra = self._download(path, params)
            else:
                status, body = self._answer(path, params, headers)
        except ApiError as err:
            status, body = err.status, {"message": err.message}
        except Exception:  # a bug must still answer, as the real API's 500 would
            log.exception("simulator failed on %s", path)
            status, body = 500, {"message": "Unexpected error. Please try again later."}
        endpoint = path[len(BASE_PATH) :] if path.startswith(BASE_PATH + "/") else path
        with self._lock:
            self.request_log.append({"path": endpoint, "params": dict(params), "status": status})
        return status, body, extra

    def _answer(self, path: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, dict]:
        if headers.get("x-api-key") != self.api_key:
            raise ApiError(403, "The incoming token is invalid or expired.")
        endpoint = path[len(BASE_PATH) :] if path.startswith(BASE_PATH + "/") else None
        handler = self.routes.get(endpoint) if endpoint else None
        if handler is None:
            raise ApiError(403, "Missing Authentication Token")
        if endpoint in self.forbidden_endpoints:
            raise ApiError(403, "This API is not available on your subscription plan.")
        if self._rate_limited(endpoint):
            raise ApiError(429, "Too Many Requests: rate limit exceeded, wait before retrying.")
        slow, fault = self._draw_faults()
        if slow:
            time.sleep(self._faults.slow_seconds)
        if fault == 500:
            raise ApiError(500, "Unexpected error. Please try again later.")
        if fault == 429:
            raise ApiError(429, "Too Many Requests: rate limit exceeded, wait before retrying.")
        query = {k: v for k, v in params.items() if k != "pagination_key"}
        plan = handler(self.market, query)
        failed = self._failed_status(plan)
        if failed is not None:
            raise ApiError(failed, f"Simulated failure for a date in {plan.lo}..{plan.hi}")
        result = plan.run()
        if isinstance(result, dict):
            return 200, result
        return 200, self._page(endpoint, query, params.get("pagination_key"), result)

    def _page(self, endpoint: str, query: dict[str, str], token: str | None, result: Result) -> dict:
        digest = hashlib.sha256(f"{endpoint}?{urlencode(sorted(query.items()))}".encode()).hexdigest()[:16]
        offset = 0 if token is None else _decode_token(token, digest, len(result))
        stop = min(offset + self.page_size, len(result))
        body: dict[str, Any] = {"data": self._encode(endpoint, result, offset, stop)}
        if stop < len(result):
            body["pagination_key"] = _encode_token(stop, digest)
        return body

    def _encode(self, endpoint: str, result: Result, offset: int, stop: int) -> list[dict]:
        faults = self._faults
        rows = []
        for i in range(offset, stop):
            raw, wire = encode_row(result, i)
            record = corrupt_row(result, raw, wire, faults.malformed, faults.seed)
            if record is not None:
                with self._lock:
                    self.injected.append({**record, "endpoint": endpoint})
            rows.append(wire)
        return rows


def _arrive(window: collections.deque[float], now: float) -> int:
    """Record an arrival at `now` in a sliding 60 s window; return the window's count."""
    while window and now - window[0] >= WINDOW_SECONDS:
        window.popleft()
    window.append(now)
    return len(window)


def _encode_token(offset: int, digest: str) -> str:
    return base64.urlsafe_b64encode(f"{offset}.{digest}".encode()).decode().rstrip("=")


def _decode_token(token: str, digest: str, total: int) -> int:
    """The offset a pagination key points at; 400 unless it was issued for this very query."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        offset_text, token_digest = text.split(".", 1)
        offset = int(offset_text)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "Invalid pagination_key.") from None
    if token_digest != digest or not 0 < offset < total:
        raise ApiError(400, "Invalid pagination_key: it does not belong to this query.")
    return offset


def _make_handler(server: SimulatorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "jquants-simulator/1.0"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, body, extra = server.handle(parts.path, params, headers)
            self._send(status, body, extra, "gzip" in headers.get("accept-encoding", ""))

        def _send(self, status: int, body: Any, extra: dict, gzip_ok: bool) -> None:
            if isinstance(body, bytes):
                payload, ctype = body, extra.pop("Content-Type", "application/octet-stream")
            else:
                payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
                ctype = "application/json; charset=utf-8"
                if gzip_ok:
                    payload = gzip.compress(payload, compresslevel=1)
                    extra["Content-Encoding"] = "gzip"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def serve(market: Market, **kwargs: Any) -> SimulatorServer:
    """Start a server over `market` (keyword arguments as `SimulatorServer`)."""
    return SimulatorServer(market, **kwargs).start()
