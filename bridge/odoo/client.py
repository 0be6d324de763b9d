"""One Odoo client for 16–19: the transport chosen from the server's version, retries on Odoo's
serialization and lock errors, acting in a company, creates that cannot duplicate, money as Decimal.

A create is never blind: every record is created with an external id in the `xero_bridge` namespace
(ir.model.data) named by its caller. The names are looked up first, and the records not found are
made with their external ids in the same call, through Odoo's own `load()` (its import path, atomic in
one transaction, an upsert by external id: odoo-facts §3.14). A create retried after a lost response
therefore finds the record it made instead of making a second one — whether the retry is this client's
own (the load is sent again and updates what the first try made) or the redelivery of the event.

Values of `float` and `monetary` fields (as fields_get types them) come back as Decimal: the number
the user saw, read through repr (bridge.money.to_decimal), not rounded to a currency here.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import requests
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from bridge.config import OdooSettings
from bridge.errors import NotYetVisible, PermanentError, TransientError
from bridge.money import decimal_text, to_decimal
from bridge.odoo.adapters import FieldAdapter
from bridge.odoo.transports import Json2, JsonRpc, Transport, XmlRpc, _Done

log = logging.getLogger(__name__)

MODULE = "xero_bridge"
_XMLID_SAFE = re.compile(r"[^A-Za-z0-9_-]")
MONEY_TYPES = ("float", "monetary")


def xmlid_name(*parts: object) -> str:
    """An ir.model.data name for a bridge record: letters, digits, `_` and `-` only (no spaces,
    odoo-facts §3.14; no dots, which `load()` would read as a module separator). When anything had to
    be replaced, a short digest of the original text keeps distinct keys distinct ("a.b@x" ≠ "a_b@x")."""
    text = "_".join(str(p) for p in parts)
    safe = _XMLID_SAFE.sub("_", text)
    if safe != text:
        safe += "_" + hashlib.sha1(text.encode()).hexdigest()[:10]
    return safe


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
        return self.in_companies([company_id])

    def in_companies(self, company_ids: list[int]) -> OdooClient:
        """The same client seeing several companies' records (the first is the current one)."""
        client = OdooClient(
            self.transport,
            self.version,
            {**self.context, "allowed_company_ids": list(company_ids)},
            self.attempts,
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
        return self._decimals(model, self.call(model, "search_read", domain, **kwargs))

    def read(self, model: str, ids: list[int], fields: list[str]) -> list[dict]:
        return self._decimals(model, self.call(model, "read", fields, ids=ids))

    def _decimals(self, model: str, rows: list[dict]) -> list[dict]:
        """Rows with their float/monetary values as Decimal. Odoo sends such values as floats only
        (a float field is never False or an int on the wire), so rows without a float need no types."""
        if not any(isinstance(v, float) for row in rows for v in row.values()):
            return rows
        types = self.fields_of(model)
        for row in rows:
            for name, value in row.items():
                if isinstance(value, float) and types.get(name, {}).get("type") in MONEY_TYPES:
                    row[name] = to_decimal(value)
        return rows

    def read_one(self, model: str, record_id: int, fields: list[str], *, expect: bool = False) -> dict | None:
        """One record, or None. With expect=True a missing record is "not yet visible": Odoo 17/18 post
        their webhook before the transaction commits (odoo-facts §2.1), so it is retried, not given up."""
        rows = self.with_archived().search_read(model, [("id", "=", record_id)], fields)
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

    def create(self, model: str, vals_list: list[dict], *, xmlids: list[str]) -> list[int]:
        """Create records, each with the external id `xero_bridge.<name>` given for it (one name per
        record, in order; see xmlid_name). Names already in Odoo are not created again: their records'
        ids are returned as they are (not written). Returns the ids in the order of `vals_list`.

        Values are what `create` takes, except that x2many values may only name existing records
        (ids or (6, 0, ids)): a line to create is a record of its own, with its own external id."""
        if len(xmlids) != len(vals_list):
            raise ValueError(f"create {model}: {len(vals_list)} records but {len(xmlids)} external ids")
        if len(set(xmlids)) != len(xmlids):
            raise ValueError(f"create {model}: the same external id twice in {xmlids}")
        for name in xmlids:
            if not name or _XMLID_SAFE.search(name):
                raise ValueError(f"create {model}: {name!r} is not an external id name (use xmlid_name)")
        ids = self.xmlid_lookup_many(model, xmlids)
        missing = [i for i, name in enumerate(xmlids) if name not in ids]
        groups: dict[tuple[str, ...], list[int]] = {}
        for i in missing:  # load() takes one column list: records with the same fields go together
            groups.setdefault(tuple(vals_list[i]), []).append(i)
        for columns, indexes in groups.items():
            made = self._load_rows(model, columns, [(xmlids[i], vals_list[i]) for i in indexes])
            ids.update(zip((xmlids[i] for i in indexes), made, strict=True))
        return [ids[name] for name in xmlids]

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

    def xmlid_lookup_many(self, model: str, names: list[str]) -> dict[str, int]:
        """{name: record id} of the names that exist in the `xero_bridge` namespace, in one call."""
        if not names:
            return {}
        rows = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", MODULE), ("name", "in", list(names))],
            fields=["name", "model", "res_id"],
        )
        found = {}
        for row in rows:
            if row["model"] != model:
                raise PermanentError(
                    f"external id {MODULE}.{row['name']} is a {row['model']}, not a {model}: "
                    "one name cannot stand for two records"
                )
            found[row["name"]] = row["res_id"]
        return found

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
        (record_id,) = self._load_rows(model, tuple(vals), [(name, vals)])
        return record_id

    def _load_rows(self, model: str, fields: tuple[str, ...], records: list[tuple[str, dict]]) -> list[int]:
        """One load() of records that all have exactly `fields`; each row carries its external id, so
        the records and their ir.model.data rows are made in one transaction. Ids in row order."""
        types = self.fields_of(model)
        columns = ["id"]
        for field_name in fields:
            if field_name not in types:
                raise PermanentError(f"{model} has no field {field_name} on Odoo {self.version}")
            columns.append(_import_column(field_name, types[field_name]["type"]))
        rows = [
            [f"{MODULE}.{name}"] + [_import_cell(model, f, types[f]["type"], vals[f]) for f in fields]
            for name, vals in records
        ]
        result = self.call(model, "load", columns, rows)
        errors = [m.get("message", "") for m in result.get("messages") or [] if m.get("type") == "error"]
        ids = result.get("ids") or []
        if errors or len(ids) != len(rows):
            names = ", ".join(name for name, _ in records)
            raise PermanentError(f"Odoo refused {model} {names}: {'; '.join(errors) or 'no record created'}")
        return ids


def _import_column(field_name: str, kind: str) -> str:
    return f"{field_name}/.id" if kind in ("many2one", "many2many", "one2many") else field_name


def _import_cell(model: str, field_name: str, kind: str, value: Any) -> str:
    """A value in the form Odoo's import expects (ir.fields converters): strings, ids as `/.id`."""
    if kind == "many2one":
        return "" if not value else str(int(value))
    if kind in ("many2many", "one2many"):
        return ",".join(str(i) for i in _x2many_ids(model, field_name, value))
    if kind == "boolean":
        return "1" if value else "0"
    if value is False or value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_text(value)
    return str(value)


def _x2many_ids(model: str, field_name: str, value: Any) -> list[int]:
    """The ids an x2many value names: [ids], [(6, 0, ids)] or [(4, id), …]; nothing else can be imported
    by id (a (0, 0, vals) line is a record of its own: create it with its own external id)."""
    ids: list[int] = []
    for item in value or []:
        if isinstance(item, int) and not isinstance(item, bool):
            ids.append(item)
        elif isinstance(item, list | tuple) and item and item[0] == 6 and len(item) == 3:
            ids.extend(int(i) for i in item[2] or [])
        elif isinstance(item, list | tuple) and len(item) >= 2 and item[0] == 4:
            ids.append(int(item[1]))
        else:
            raise ValueError(
                f"{model}.{field_name}: create() links existing records only (ids, (6, 0, ids) or (4, id)),"
                f" not {item!r}; create lines as records of their own, each with its own external id"
            )
    return ids
