"""Routing and shared helpers for the Accounting API resources: request context, list paging/filtering/
ordering, If-Modified-Since, and batch writes with summarizeErrors (xero-facts §4, §5)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Response

from ..clock import Clock
from ..errors import json_response, not_found, validation_exception
from ..formats import ms_date, parse_if_modified_since
from ..store import Organisation, public
from ..where import WhereError, compile_where, lookup, normalise

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000  # ⚠ integrators' figure (xero-facts §5)


class BadRequest(Exception):
    """Raised by handlers to answer with a prepared 400 response."""

    def __init__(self, response: Response) -> None:
        super().__init__("bad request")
        self.response = response


@dataclass
class Ctx:
    org: Organisation
    tenant_id: str
    method: str
    path: str
    args: Any
    headers: Any
    body: bytes
    content_type: str
    clock: Clock
    api_base: str
    events: list[tuple[str, str, str, str, dict[str, Any] | None]] = field(default_factory=list)

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError as exc:
            raise BadRequest(
                query_error(f"The request body is not valid JSON: {exc}", 17, "PostDataInvalidException")
            ) from exc

    @property
    def summarize(self) -> bool:
        """Xero summarises unless summarizeErrors=false is sent (xero-facts §4)."""
        return self.args.get("summarizeErrors", "true").lower() != "false"

    @property
    def unitdp(self) -> int:
        return 4 if self.args.get("unitdp") == "4" else 2

    def event(
        self,
        category: str,
        event_type: str,
        resource: str,
        resource_id: str,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Queues a webhook event; the pipeline publishes it once the request succeeded."""
        self.events.append(
            (category, event_type, f"{self.api_base}/{resource}/{resource_id}", resource_id, data)
        )


Handler = Callable[..., Response]


@dataclass
class Route:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Handler
    family: str
    spec_template: str | None = None  # the spec's path when Xero serves this one as an alias of it


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(
        self, method: str, template: str, family: str, spec_template: str | None = None
    ) -> Callable[[Handler], Handler]:
        """Registers a handler; `spec_template` names the spec operation an alias path is checked as."""
        pattern = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "/?$"

        def deco(fn: Handler) -> Handler:
            route = Route(method, template, re.compile(pattern, re.IGNORECASE), fn, family, spec_template)
            self.routes.append(route)
            return fn

        return deco

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """(route, path params, path known for another method)."""
        known = False
        for route in self.routes:
            m = route.regex.match(path)
            if m:
                known = True
                if route.method == method:
                    return route, m.groupdict(), True
        return None, {}, known


# -- responses ------------------------------------------------------------------------------------
def envelope(
    key: str, rows: list[dict[str, Any]], clock: Clock, extra: dict[str, Any] | None = None
) -> Response:
    """Xero's response envelope: Id, Status, ProviderName, DateTimeUTC, then the collection."""
    body: dict[str, Any] = {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": "Xero Sandbox",
        "DateTimeUTC": ms_date(clock()),
    }
    if extra:
        body.update(extra)
    body[key] = rows
    return json_response(body)


def query_error(message: str, number: int = 16, kind: str = "QueryParseException") -> Response:
    return json_response({"ErrorNumber": number, "Type": kind, "Message": message}, 400)


# -- lists ----------------------------------------------------------------------------------------
def _order_key(field_name: str) -> Callable[[dict[str, Any]], Any]:
    path = field_name.split(".")

    def key(rec: dict[str, Any]) -> Any:
        value = normalise(lookup(rec, path))
        if value is None:
            return (0, "")
        if isinstance(value, str):
            return (1, value.lower())
        return (2, value) if isinstance(value, (int, float)) else (1, str(value))

    return key


def filter_and_page(
    ctx: Ctx,
    records: Iterable[dict[str, Any]],
    *,
    ims: bool,
    where: bool = True,
    order: bool = True,
    pageable: bool = False,
    page_size_param: bool = True,
    default_order: str | None = None,
    predicate: Callable[[dict[str, Any]], bool] | None = None,
    render: Callable[[dict[str, Any]], dict[str, Any]] = public,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Applies If-Modified-Since (only where Xero supports it), where, order and paging.
    Returns (rendered rows, pagination or None)."""
    rows = [r for r in records if predicate is None or predicate(r)]
    if ims and ctx.headers.get("If-Modified-Since"):
        since = parse_if_modified_since(ctx.headers["If-Modified-Since"])
        if since is None:
            raise BadRequest(query_error("If-Modified-Since is not a valid date"))
        # "accurate to the second" (D-REQ): a record changed within the given second is returned again.
        rows = [r for r in rows if int(r.get("_updated", 0)) >= int(since)]
    out = [render(r) for r in rows]
    if where and ctx.args.get("where"):
        try:
            pred = compile_where(ctx.args["where"])
            out = [r for r in out if pred(r)]
        except WhereError as exc:
            raise BadRequest(query_error(str(exc))) from exc
    order_text = ctx.args.get("order") if order else None
    order_text = order_text or default_order
    if order_text:
        for clause in reversed([c.strip() for c in order_text.split(",") if c.strip()]):
            parts = clause.split()
            desc = len(parts) > 1 and parts[1].upper() == "DESC"
            out.sort(key=_order_key(parts[0]), reverse=desc)
    if pageable and "page" in ctx.args:
        page = max(1, int(ctx.args.get("page") or 1))
        size = DEFAULT_PAGE_SIZE
        if page_size_param and ctx.args.get("pageSize"):
            size = min(MAX_PAGE_SIZE, max(1, int(ctx.args["pageSize"])))
        total = len(out)
        chunk = out[(page - 1) * size : page * size]
        pagination = {
            "page": page,
            "pageSize": size,
            "pageCount": (total + size - 1) // size,
            "itemCount": total,
        }
        return chunk, pagination
    return out, None


def page_envelope(
    ctx: Ctx, key: str, rows: list[dict[str, Any]], pagination: dict[str, Any] | None
) -> Response:
    return envelope(key, rows, ctx.clock, {"pagination": pagination} if pagination else None)


def list_response(ctx: Ctx, key: str, records: Iterable[dict[str, Any]], **options: Any) -> Response:
    """A GET list: filter_and_page with `options`, answered in Xero's envelope."""
    with ctx.org.lock:
        rows, pagination = filter_and_page(ctx, list(records), **options)
    return page_envelope(ctx, key, rows, pagination)


def one(
    ctx: Ctx,
    key: str,
    record: dict[str, Any] | None,
    render: Callable[[dict[str, Any]], dict[str, Any]] = public,
) -> Response:
    """A GET of one record: 404 when missing, else the record in a one-element collection."""
    if record is None:
        return not_found()
    return envelope(key, [render(record)], ctx.clock)


def existing_for(
    records: dict[str, dict[str, Any]], given_id: Any, mode: str, noun: str
) -> tuple[dict[str, Any] | None, list[str]]:
    """The record an element names by id, checked against the write mode: PUT ("create") may not name an
    existing record; POST ("upsert"/"update") must name one that exists."""
    if not given_id:
        return None, []
    existing = records.get(str(given_id).lower())
    if existing is None:
        return None, [f"The {noun} {given_id} could not be found."]
    if mode == "create":
        return None, [f"This {noun} already exists; use POST to update it."]
    return existing, []


def csv_arg(ctx: Ctx, name: str) -> list[str] | None:
    raw = ctx.args.get(name)
    if not raw:
        return None
    return [p.strip() for p in raw.split(",") if p.strip()]


# -- writes ---------------------------------------------------------------------------------------
ElementResult = tuple[dict[str, Any] | None, list[str]]
_ERROR_FLAGS = {
    "Invoices": "HasErrors",
    "CreditNotes": "HasErrors",
    "Contacts": "HasValidationErrors",
    "Payments": "HasValidationErrors",
}


def batch_write(
    ctx: Ctx,
    key: str,
    elements: list[Any],
    apply: Callable[[dict[str, Any]], ElementResult],
    *,
    summarize: bool | None = None,
) -> Response:
    """Runs `apply` per element (each saved on its own: batches are not transactional, xero-facts §4).
    Summarised: all OK → 200; any error → 400 ValidationException listing only the failed elements
    (the valid ones are saved but not returned). summarizeErrors=false → 200 with every element and its
    StatusAttributeString / ValidationErrors."""
    summarize = ctx.summarize if summarize is None else summarize
    results: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for element in elements:
        if not isinstance(element, dict):
            raise BadRequest(query_error("Each element must be an object", 17, "PostDataInvalidException"))
        with ctx.org.lock:
            record, errors = apply(element)
        if errors:
            echo = {
                k: v for k, v in element.items() if k not in ("ValidationErrors", "StatusAttributeString")
            }
            echo["StatusAttributeString"] = "ERROR"
            echo["ValidationErrors"] = [{"Message": m} for m in errors]
            flag = _ERROR_FLAGS.get(key)
            if flag:
                echo[flag] = True
            results.append(echo)
            failed.append(echo)
        else:
            assert record is not None
            row = dict(record)
            if not summarize:
                row["StatusAttributeString"] = "OK"
            results.append(row)
    if summarize and failed:
        for el in failed:
            el.pop("StatusAttributeString", None)
        return validation_exception(failed)
    return envelope(key, results, ctx.clock)


def update_one(
    ctx: Ctx, key: str, record: dict[str, Any] | None, apply: Callable[[dict[str, Any]], ElementResult]
) -> Response:
    """POST /{Endpoint}/{id}: 404 when the record is missing, else the body's first element applied to it,
    answered summarised (these single-record endpoints take no summarizeErrors)."""
    if record is None:
        return not_found()
    return batch_write(ctx, key, elements_of(ctx, key)[:1], apply, summarize=True)


def elements_of(ctx: Ctx, key: str) -> list[Any]:
    """The collection from a wrapped body such as {"Contacts": [...]}; a single object is accepted too."""
    data = ctx.json()
    if isinstance(data, dict) and key in data:
        value = data[key]
        return value if isinstance(value, list) else [value]
    if isinstance(data, dict) and data:
        return [data]
    raise BadRequest(query_error(f"The request body must contain {key}", 17, "PostDataInvalidException"))


def is_uuid(value: str | None) -> bool:
    return bool(value and UUID_RE.match(value))
