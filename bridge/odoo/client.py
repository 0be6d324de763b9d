"""One Odoo client for 16–19: the transport chosen from the server's version, retries on Odoo's
serialization and lock errors, acting in a company, and creates that cannot duplicate.

A create is never blind: it is looked up first by its external id in the `xero_bridge` namespace
(ir.model.data), and a new record gets that external id in the same call, through Odoo's own
`load()` (its import path, atomic in one transaction, odoo-facts §3.14). A create retried after a
lost response therefore finds the record it made instead of making a second one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import requests
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from bridge.config import OdooSettings
from bridge.errors import NotYetVisible, PermanentError, TransientError
from bridge.odoo.adapters import FieldAdapter
from bridge.odoo.transports import Json2, JsonRpc, Transport, XmlRpc, _Done

log = logging.getLogger(__name__)

MODULE = "xero_bridge"
_XMLID_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def xmlid_name(*parts: object) -> str:
    """An ir.model.data name for a bridge record (no spaces, odoo-facts §3.14)."""
    return _XMLID_SAFE.sub("_", "_".join(str(p) for p in parts))


def major_version(info: dict) -> int:
    version_info = info.get("server_version_info") or info.get("version_info")
    if version_info:
        return int(str(version_info[0]).split("+")[0].split("saas~")[-1].split(".")[0])
    return int(str(info.get("server_version") or info.get("version")).split(".")[0].split("saas~")[-1])


class OdooClient:
    def __init__(self, transport: Transport, version: int, context: dict | None = None, attempts: int = 5):
        self.transport = transport
        self.version = version
        self.adapter = FieldAdapter(version)
        self.context = context or {}
        self.attempts = attempts
        self._fields: dict[str, dict] = {}
        self.calls = 0

    @classmethod
    def connect(cls, settings: OdooSettings, http: requests.Session | None = None) -> OdooClient:
        """Read the server's version, pick the transport (JSON-2 on 19+ with an API key), log in."""
        if not (settings.url and settings.db and settings.username and settings.api_key):
            raise PermanentError("set ODOO_URL, ODOO_DB, ODOO_USERNAME and ODOO_API_KEY")
        http = http or requests.Session()
        probe = JsonRpc(settings.url, settings.db, settings.username, settings.api_key, http)
        version = major_version(probe.version())
        choice = settings.protocol
        if choice == "auto":
            choice = "json2" if version >= 19 else "jsonrpc"
        transport = {"json2": Json2, "jsonrpc": JsonRpc, "xmlrpc": XmlRpc}[choice](
            settings.url, settings.db, settings.username, settings.api_key, http
        )
        transport.login()
        log.info("Odoo %s at %s over %s as uid %s", version, settings.url, transport.name, transport.uid)
        return cls(transport, version)

    @property
    def uid(self) -> int | None:
        return self.transport.uid

    def in_company(self, company_id: int) -> OdooClient:
        """The same client acting in one company: record rules and defaults follow (odoo-facts §1.7)."""
        client = OdooClient(
            self.transport, self.version, {**self.context, "allowed_company_ids": [company_id]}, self.attempts
        )
        client._fields = self._fields
        return client

    # ---------------------------------------------------------------------------- calls

    def call(self, model: str, method: str, *args: Any, ids: list[int] | None = None, **kwargs: Any) -> Any:
        """Call a public method; Odoo's serialization/lock errors and outages are retried."""
        retrying = Retrying(
            retry=retry_if_exception_type(TransientError),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=0.2, max=5),
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                self.calls += 1
                try:
                    return self.transport.call(model, method, ids, args, kwargs, dict(self.context))
                except _Done:
                    return None
        raise AssertionError("unreachable")  # pragma: no cover

    def search_read(
        self,
        model: str,
        domain: list,
        fields: list[str],
        *,
        limit: int | None = None,
        offset: int = 0,
        order: str | None = None,
    ) -> list[dict]:
        kwargs: dict = {"fields": fields, "offset": offset}
        if limit is not None:
            kwargs["limit"] = limit
        if order:
            kwargs["order"] = order
        return self.call(model, "search_read", domain, **kwargs)

    def read(self, model: str, ids: list[int], fields: list[str]) -> list[dict]:
        return self.call(model, "read", fields, ids=ids)

    def read_one(self, model: str, record_id: int, fields: list[str], *, expect: bool = False) -> dict | None:
        """One record, or None. With expect=True a missing record is "not yet visible": Odoo 17/18 post
        their webhook before the transaction commits (odoo-facts §2.1), so it is retried, not given up."""
        rows = self.with_archived().call(model, "search_read", [("id", "=", record_id)], fields=fields)
        if rows:
            return rows[0]
        if expect:
            raise NotYetVisible(f"{model} {record_id} is not readable yet")
        return None

    def with_archived(self) -> OdooClient:
        client = OdooClient(
            self.transport, self.version, {**self.context, "active_test": False}, self.attempts
        )
        client._fields = self._fields
        return client

    def create(self, model: str, vals_list: list[dict]) -> list[int]:
        result = self.call(model, "create", vals_list)
        return result if isinstance(result, list) else [result]

    def write(self, model: str, ids: list[int], vals: dict) -> None:
        self.call(model, "write", vals, ids=ids)

    def unlink(self, model: str, ids: list[int]) -> None:
        self.call(model, "unlink", ids=ids)

    def search(
        self, model: str, domain: list, *, limit: int | None = None, order: str | None = None
    ) -> list[int]:
        kwargs: dict = {}
        if limit is not None:
            kwargs["limit"] = limit
        if order:
            kwargs["order"] = order
        return self.call(model, "search", domain, **kwargs)

    def stream(
        self,
        model: str,
        domain: list,
        fields: list[str],
        page_size: int = 200,
        order: str = "write_date asc, id asc",
    ) -> Iterator[dict]:
        """Every matching record, one page in memory at a time, in a stable order (odoo-facts §1.7)."""
        offset = 0
        while True:
            rows = self.search_read(model, domain, fields, limit=page_size, offset=offset, order=order)
            yield from rows
            if len(rows) < page_size:
                return
            offset += page_size

    def fields_of(self, model: str) -> dict:
        if model not in self._fields:
            self._fields[model] = self.call(model, "fields_get", attributes=["type", "relation", "required"])
        return self._fields[model]

    # ---------------------------------------------------------------------- external ids

    def xmlid_lookup(self, model: str, name: str) -> int | None:
        rows = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", MODULE), ("name", "=", name), ("model", "=", model)],
            fields=["res_id"],
        )
        return rows[0]["res_id"] if rows else None

    def upsert(self, model: str, name: str, vals: dict) -> tuple[int, bool]:
        """Write the record with this external id, or create it with the external id in the same call.
        Returns (id, created)."""
        existing = self.xmlid_lookup(model, name)
        if existing is not None:
            self.write(model, [existing], vals)
            return existing, False
        return self._load(model, name, vals), True

    def _load(self, model: str, name: str, vals: dict) -> int:
        """Model.load(): Odoo's import, creating the record and its external id in one transaction."""
        types = self.fields_of(model)
        columns, row = ["id"], [f"{MODULE}.{name}"]
        for field_name, value in vals.items():
            kind = types.get(field_name, {}).get("type")
            if kind is None:
                raise PermanentError(f"{model} has no field {field_name} on Odoo {self.version}")
            column, cell = _import_cell(field_name, kind, value)
            columns.append(column)
            row.append(cell)
        result = self.call(model, "load", columns, [row])
        errors = [m.get("message", "") for m in result.get("messages") or [] if m.get("type") == "error"]
        if errors or not result.get("ids"):
            raise PermanentError(f"Odoo refused {model} {name}: {'; '.join(errors) or 'no record created'}")
        return result["ids"][0]


def _import_cell(field_name: str, kind: str, value: Any) -> tuple[str, str]:
    """A value in the form Odoo's import expects (ir.fields converters): strings, ids as `/.id`."""
    if kind == "many2one":
        return f"{field_name}/.id", "" if not value else str(value)
    if kind in ("many2many", "one2many"):
        ids = value[0][2] if value and isinstance(value[0], (list, tuple)) else value  # (6, 0, ids) or ids
        return f"{field_name}/.id", ",".join(str(i) for i in ids or [])
    if kind == "boolean":
        return field_name, "1" if value else "0"
    if value is False or value is None:
        return field_name, ""
    return field_name, str(value)
