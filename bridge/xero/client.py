"""The Xero Accounting API client: governed, retried, idempotent, batched, streamed.

- Every call goes through the tenant's RateGovernor (shared by all processes).
- Transient failures (connection errors, 5xx, 429) are retried with tenacity; a write keeps its
  Idempotency-Key across those retries, so a response lost on the way back cannot create twice
  (xero-facts §3). A 401 refreshes the token once and tries again.
- Writes go in batches of up to 50 with summarizeErrors=false; each element's result is mapped back
  to the record it came from (xero-facts §4).
- Lists are streamed page by page: memory stays flat however many records there are.
- Money stays Decimal: every JSON answer is read with numbers-with-a-fraction as Decimal, and request
  bodies are written by bridge.money.json_dumps, so a Decimal goes out with its own digits, never
  through float (requests' `json=` would refuse Decimal or need it turned into a float first).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from bridge.config import XeroSettings
from bridge.errors import PermanentError, TransientError, from_http_response
from bridge.money import json_dumps, json_loads
from bridge.xero.governor import REALTIME, RateGovernor, RateLimited
from bridge.xero.tokens import TokenKeeper

log = logging.getLogger(__name__)

BATCH_SIZE = 50  # Xero's recommendation per request (xero-facts §4)
MAX_KEY = 128  # Idempotency-Key length limit (xero-facts §3)


def idempotency_key(*parts: object) -> str:
    """A deterministic key for one logical write: the same write retried gets the same key."""
    text = ":".join(str(p) for p in parts)
    if len(text) <= MAX_KEY:
        return text
    return text[: MAX_KEY - 41] + ":" + hashlib.sha1(text.encode()).hexdigest()


@dataclass(frozen=True)
class _Raw:
    """A request body sent as it is (bytes), not as JSON."""

    content: bytes


@dataclass(frozen=True)
class ElementResult:
    """One element of a batched write: what Xero said of it."""

    index: int
    ok: bool
    record: dict
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _retryable(exc: BaseException) -> bool:
    # RateLimited already waited as long as a worker should: the event goes back on the ladder instead.
    return isinstance(exc, TransientError) and not isinstance(exc, RateLimited)


class XeroClient:
    def __init__(
        self,
        settings: XeroSettings,
        tokens: TokenKeeper,
        governor: RateGovernor,
        token_set: str,
        tenant_id: str | None,
        *,
        priority: str = REALTIME,
        http: requests.Session | None = None,
        attempts: int = 4,
        max_backoff: float = 8.0,
    ):
        self.settings = settings
        self.tokens = tokens
        self.governor = governor
        self.token_set = token_set
        self.tenant_id = tenant_id
        self.priority = priority
        self.http = http or requests.Session()
        self.attempts = attempts
        self.max_backoff = max_backoff
        self.calls = 0  # requests actually sent, for benches and tests

    # ------------------------------------------------------------------------ plumbing

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: object = None,
        content: bytes | None = None,
        headers: dict | None = None,
        idempotency: str | None = None,
        ok_statuses: tuple[int, ...] = (200, 201, 204),
    ) -> requests.Response:
        """Send one logical request, retrying transient failures with the same Idempotency-Key.
        `content`: raw bytes sent as application/octet-stream (attachment uploads, ACC requestBody)."""
        body = json if content is None else _Raw(content)
        retrying = Retrying(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=0.5, max=self.max_backoff),
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                return self._send(method, path, params, body, headers, idempotency, ok_statuses)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(self, method, path, params, body, headers, idempotency, ok_statuses) -> requests.Response:
        url = path if path.startswith("http") else f"{self.settings.api_url}/{path.lstrip('/')}"
        sent_headers = {"Accept": "application/json", **(headers or {})}
        data = None
        if isinstance(body, _Raw):
            data = body.content
            sent_headers["Content-Type"] = "application/octet-stream"
        elif body is not None:
            data = json_dumps(body).encode("utf-8")
            sent_headers["Content-Type"] = "application/json"
        if self.tenant_id:
            sent_headers["xero-tenant-id"] = self.tenant_id
        if idempotency and method in ("POST", "PUT", "PATCH"):
            sent_headers["Idempotency-Key"] = idempotency
        for refreshed in (False, True):
            token = self.tokens.access_token(self.token_set)
            sent_headers["Authorization"] = f"Bearer {token}"
            permit = self.governor.acquire(self.tenant_id or self.token_set, self.priority)
            response = None
            try:
                self.calls += 1
                response = self.http.request(
                    method, url, params=params, data=data, headers=sent_headers, timeout=30
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                raise TransientError(f"Xero {method} {path}: {type(exc).__name__}") from None
            finally:
                self.governor.release(
                    permit,
                    response.status_code if response is not None else None,
                    dict(response.headers) if response is not None else None,
                )
            if response.status_code == 401 and not refreshed:
                self.tokens.refresh(self.token_set, stale=token)
                continue
            if response.status_code in ok_statuses:
                return response
            raise from_http_response(response, "xero")
        raise PermanentError(f"Xero {method} {path}: still unauthorised after a token refresh")

    # ------------------------------------------------------------------------ reading

    def get(self, path: str, params: dict | None = None, if_modified_since: datetime | None = None) -> dict:
        headers = {}
        if if_modified_since is not None:
            # UTC with its zone: the spec declares date-time (RFC 3339), which needs one
            headers["If-Modified-Since"] = if_modified_since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return self.json_of(self.request("GET", path, params=params, headers=headers))

    @staticmethod
    def json_of(response: requests.Response) -> dict:
        """A response's JSON body with its amounts as Decimal (19.99 → Decimal('19.99'))."""
        return json_loads(response.content)

    def get_one(self, collection: str, record_id: str) -> dict | None:
        """GET /<Collection>/<id> → the record, or None when Xero has no such record."""
        try:
            body = self.get(f"{collection}/{record_id}")
        except PermanentError as exc:
            if exc.details.get("status") == 404:
                return None
            raise
        items = body.get(collection) or []
        return items[0] if items else None

    def paginate(
        self,
        collection: str,
        params: dict | None = None,
        if_modified_since: datetime | None = None,
        page_size: int = 100,
    ) -> Iterator[dict]:
        """Every record of a list, one page in memory at a time. A collection Xero does not page
        (Accounts, TaxRates, ContactGroups, Currencies …) ignores `page` and answers everything with no
        `pagination` object (ACC: only paged lists declare one): that answer is the whole list."""
        page = 1
        while True:
            query = {**(params or {}), "page": page, "pageSize": page_size}
            answer = self.get(collection, query, if_modified_since)
            items = answer.get(collection) or []
            yield from items
            if len(items) < page_size or "pagination" not in answer:
                return
            page += 1

    # ------------------------------------------------------------------------ writing

    def save(
        self,
        collection: str,
        elements: Iterable[dict],
        *,
        key: str,
        method: str = "POST",
        params: dict | None = None,
        path: str | None = None,
    ) -> list[ElementResult]:
        """Create or update elements in batches of 50, each element's outcome mapped back to it.

        `path` is the URL when it is not the collection itself (POST /ContactGroups/{id}).
        `key` names this logical write (e.g. the event's dedupe key and attempt); each batch gets
        its own Idempotency-Key derived from it.
        """
        results: list[ElementResult] = []
        batch: list[dict] = []
        number = 0

        def flush() -> None:
            nonlocal number
            number += 1
            body = {collection: batch}
            # summarizeErrors exists on the batch endpoints only (xero-facts §4)
            query = {**(params or {}), **({} if path else {"summarizeErrors": "false"})}
            response = self.request(
                method,
                path or collection,
                params=query,
                json=body,
                idempotency=idempotency_key(key, collection, number),
            )
            returned = self.json_of(response).get(collection) or []
            offset = len(results)
            for index, record in enumerate(returned):
                status = record.get("StatusAttributeString", "OK")
                errors = [e.get("Message", "") for e in record.get("ValidationErrors") or []]
                warnings = [w.get("Message", "") for w in record.get("Warnings") or []]
                results.append(
                    ElementResult(offset + index, status != "ERROR" and not errors, record, errors, warnings)
                )
            if len(returned) != len(batch):
                raise PermanentError(f"Xero answered {len(returned)} elements for a batch of {len(batch)}")

        for element in elements:
            batch.append(element)
            if len(batch) == BATCH_SIZE:
                flush()
                batch = []
        if batch:
            flush()
        return results
