"""An entity's mapping table on one connection: its bindings, matched (`auto`), set by hand (`set`)
or removed (`clear`). Generic over entities: it reads records through the entity's bulk engine (the
lists) and its two Sides (fetch, canonical, find) — it never creates, changes or deletes a record in
Xero or Odoo, only bindings.

A pair is bound with each side's canonical state as it is now (the snapshots sync compares with), so
mapping two records that differ writes nothing: only a change made afterwards on one side syncs.
"""

from __future__ import annotations

import copy
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from bridge import entities
from bridge.errors import PermanentError
from bridge.store import bindings, entity_settings
from bridge.store.models import Binding
from bridge.xero.governor import BULK
from consumers.base import Context
from consumers.framework.canonical import Canonical
from consumers.framework.scope import Scope
from consumers.framework.sides import Side

GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class MappingError(Exception):
    """What a person did not get right (an unknown reference, a record mapped elsewhere): one line."""


@dataclass(frozen=True)
class Found:
    """One record of one side, with what a person recognises it by."""

    system: str
    id: Any
    record: dict = field(repr=False, compare=False)
    canonical: Canonical = field(repr=False, compare=False)

    @property
    def code(self) -> str | None:
        return _text(getattr(self.canonical, "code", None))

    @property
    def name(self) -> str | None:
        return _text(getattr(self.canonical, "name", None))

    def describe(self) -> str:
        return describe(self.system, self.id, self.code, self.name)


@dataclass
class AutoReport:
    matched: list[tuple[Found, Found]] = field(default_factory=list)  # (xero, odoo)
    ambiguous: list[tuple[Found, str]] = field(default_factory=list)  # (record, why, with candidates)
    missing_in_odoo: list[Found] = field(default_factory=list)  # Xero records with no Odoo match
    missing_in_xero: list[Found] = field(default_factory=list)
    already: int = 0  # pairs bound before this run

    def as_dict(self) -> dict:
        return {
            "matched": [{"xero": _row(x), "odoo": _row(o)} for x, o in self.matched],
            "ambiguous": [{**_row(f), "reason": why} for f, why in self.ambiguous],
            "missing_in_odoo": [_row(f) for f in self.missing_in_odoo],
            "missing_in_xero": [_row(f) for f in self.missing_in_xero],
            "already_mapped": self.already,
        }


def describe(system: str, record_id: Any, code: str | None, name: str | None) -> str:
    head = f"Xero {record_id}" if system == "xero" else f"Odoo #{record_id}"
    return " ".join(part for part in (head, code and f"[{code}]", name and repr(name)) if part)


def _row(found: Found) -> dict:
    return {"id": found.id, "code": found.code, "name": found.name}


def _text(value: Any) -> str | None:
    return None if value in (None, "", False) else str(value)


class MappingTable:
    """One entity, one connection."""

    def __init__(self, ctx: Context, connection_id: str, entity_name: str):
        entity = entities.get(entity_name)
        if not entity.built or entity.bulk is None:
            raise MappingError(f"{entity_name} is not synced yet: it has no records to map")
        self.entity = entity
        self.ctx = ctx
        try:
            self.engine = entity.bulk(ctx, connection_id)
        except ValueError as exc:  # no such connection
            raise MappingError(str(exc)) from None
        self.connection_id = connection_id
        self.xero = _OnceRead(ctx.services["xero"].for_connection(connection_id, priority=BULK))
        run_ctx = Context(
            ctx.settings, ctx.db, {**ctx.services, "xero": _Clients(ctx.services["xero"], self.xero)}
        )
        self.xero_side: Side = self.engine.translators["xero"].src
        self.odoo_side: Side = self.engine.translators["odoo"].src
        with ctx.db.session() as session:
            policy = entity_settings.get(session, connection_id, entity.name, entity.defaults)
        self.scope = Scope(
            connection_id, self.engine.tenant_id, self.engine.company_id, entity.name, policy, None
        )
        self.clients = {
            "xero": self.xero_side.client(run_ctx, self.scope),
            "odoo": self.odoo_side.client(run_ctx, self.scope),
        }
        self._listed: dict[str, dict[Any, Found]] = {}

    # ------------------------------------------------------------------------ reading

    def side(self, system: str) -> Side:
        return self.xero_side if system == "xero" else self.odoo_side

    def listed(self, system: str) -> dict[Any, Found]:
        """Every record of one side (Xero: the entity's list, archived too where the engine asks for
        them; Odoo: the records an export would send), by id."""
        if system not in self._listed:
            side, client = self.side(system), self.clients[system]
            found: dict[Any, Found] = {}
            if system == "xero":
                for record in self._xero_list():
                    if side.in_scope(client, self.scope, record):
                        found[side.record_id(record)] = Found("xero", side.record_id(record), record,
                                                              side.canonical(client, record))  # fmt: skip
            else:
                for page in self.engine.odoo_pages(None, 0):
                    for row in page:
                        record = side.fetch(client, row["id"])
                        if record is not None and side.in_scope(client, self.scope, record):
                            found[row["id"]] = Found(
                                "odoo", row["id"], record, side.canonical(client, record)
                            )
            self._listed[system] = found
        return self._listed[system]

    def _xero_list(self) -> list[dict]:
        """The entity's Xero list: paged where Xero pages it (the engine's `xero_ordered`), else the one
        read that returns it whole (Accounts, TaxRates, ContactGroups take no page, xero-facts §5)."""
        engine = self.engine
        params = dict(engine.xero_params)
        if engine.xero_ordered:
            return list(self.xero.paginate(engine.xero_collection, params))
        return self.xero.get(engine.xero_collection, params or None).get(engine.xero_collection) or []

    def one(self, system: str, record_id: Any) -> Found | None:
        known = self._listed.get(system, {}).get(record_id)
        if known is not None:
            return known
        side, client = self.side(system), self.clients[system]
        record = side.fetch(client, record_id)
        return None if record is None else Found(system, record_id, record, side.canonical(client, record))

    def resolve(self, system: str, ref: str) -> Found:
        """A record by id (Xero: its id — an AccountID, or a TaxType; Odoo: `id:12`), else by code,
        then name (case-insensitive), then — Odoo, digits — by id."""
        ref = ref.strip()
        label = self.side(system).label
        if system == "xero" and GUID.match(ref):
            found = self.one("xero", ref)
            if found is None:
                raise MappingError(f"no {label} {ref}")
            return self._synced(found)
        if system == "odoo" and ref.lower().startswith("id:"):
            return self._odoo_id(ref[3:], label)
        if system == "xero" and ref in self.listed("xero"):
            return self.listed("xero")[ref]
        records = list(self.listed(system).values())
        key = ref.casefold()
        for attribute in ("code", "name"):
            same = [f for f in records if (getattr(f, attribute) or "").casefold() == key]
            if len(same) > 1:
                raise MappingError(
                    f"several {label}s have the {attribute} {ref!r}: "
                    + ", ".join(f.describe() for f in same)
                    + (" (give the id)" if system == "xero" else " (give id:N)")
                )
            if same:
                return same[0]
        if system == "odoo" and ref.isdigit():
            return self._odoo_id(ref, label)
        raise MappingError(f"no {label} with the id, code or name {ref!r}")

    def _odoo_id(self, text: str, label: str) -> Found:
        if not text.strip().isdigit():
            raise MappingError(f"not an Odoo id: {text!r}")
        found = self.one("odoo", int(text))
        if found is None:
            raise MappingError(f"no {label} #{int(text)}")
        return self._synced(found)

    def _synced(self, found: Found) -> Found:
        """A record this entity syncs on this connection (not, say, a Xero BANK account as an account)."""
        if not self.side(found.system).in_scope(self.clients[found.system], self.scope, found.record):
            raise MappingError(
                f"{found.describe()} is not a record {self.entity.name} syncs on {self.connection_id}"
            )
        return found

    # ------------------------------------------------------------------------ the table

    def rows(self) -> list[Binding]:
        """The pairs, as the store has them (names from each side's state at the last sync)."""
        with self.ctx.db.session() as session:
            rows = [
                b
                for b in bindings.of_entity(session, self.connection_id, self.entity.name)
                if bindings.is_pair(b)
            ]
            for row in rows:
                session.expunge(row)
        return rows

    # ------------------------------------------------------------------------ auto

    def auto(self, dry_run: bool = False) -> AutoReport:
        """Every unbound record of each side looked for on the other with the entity's own `find`
        (Xero's first: Odoo answers those finds, which costs no Xero calls). Unique → bound; ambiguous,
        already mapped or wanted by two → reported with the candidates; none → missing on the other
        side. Never creates a record."""
        report = AutoReport()
        pairs = self.rows()
        report.already = len(pairs)
        bound = {"xero": {b.xero_id: b for b in pairs}, "odoo": {b.odoo_id: b for b in pairs}}
        settled: dict[str, set] = {"xero": set(), "odoo": set()}  # matched or reported by the first pass
        for system, other in (("xero", "odoo"), ("odoo", "xero")):
            claims: dict[Any, list[Found]] = defaultdict(list)
            for found in self.listed(system).values():
                if found.id in bound[system] or found.id in settled[system]:
                    continue
                try:
                    match = self.side(other).find(self.clients[other], self.scope, found.canonical, found.id)
                except PermanentError as exc:
                    report.ambiguous.append((found, exc.note))
                    settled[system].add(found.id)
                    continue
                if match is None:
                    (report.missing_in_odoo if system == "xero" else report.missing_in_xero).append(found)
                elif match in bound[other]:
                    pair = bound[other][match]
                    report.ambiguous.append((found, f"its match {self._named(other, match)} is already "
                                                    f"mapped to {self._mapped_to(pair, system)}"))  # fmt: skip
                elif match in settled[other]:
                    report.ambiguous.append((found, f"its match {self._named(other, match)} is matched "
                                                    f"with another record, or ambiguous"))  # fmt: skip
                else:
                    claims[match].append(found)
            for target_id, sources in claims.items():
                settled[other].add(target_id)
                settled[system].update(s.id for s in sources)
                if len(sources) > 1:
                    names = ", ".join(s.describe() for s in sources)
                    report.ambiguous.extend(
                        (s, f"{self._named(other, target_id)} matches each of {names}") for s in sources
                    )
                    continue
                target = self.one(other, target_id)
                if target is None:  # found by `find`, gone since
                    report.ambiguous.append(
                        (sources[0], f"its match {describe(other, target_id, None, None)} is gone")
                    )
                    continue
                if system == "odoo":  # Xero's find saw what Odoo's did not: not missing after all
                    report.missing_in_odoo = [f for f in report.missing_in_odoo if f.id != target_id]
                report.matched.append((sources[0], target) if system == "xero" else (target, sources[0]))
        if not dry_run:
            for xero, odoo in report.matched:
                self._bind(xero, odoo, manual=False)
        return report

    def _named(self, system: str, record_id: Any) -> str:
        found = self._listed.get(system, {}).get(record_id)
        return found.describe() if found else describe(system, record_id, None, None)

    def _mapped_to(self, pair: Binding, system: str) -> str:
        return self._named(system, pair.xero_id if system == "xero" else pair.odoo_id)

    # ------------------------------------------------------------------------ set and clear

    def set(self, xero: Found, odoo: Found, force: bool = False) -> list[str]:
        """Bind the two by hand. A pair either record has with another is refused, or — force —
        removed. Returns what was replaced, in words."""
        replaced = []
        with self.ctx.db.session() as session:
            mine = [
                b
                for b in (
                    bindings.by_xero(session, self.connection_id, self.entity.name, xero.id),
                    bindings.by_odoo(session, self.connection_id, self.entity.name, odoo.id),
                )
                if b is not None
            ]
            others = [b for b in mine if bindings.is_pair(b) and (b.xero_id, b.odoo_id) != (xero.id, odoo.id)]
            if others and not force:
                raise MappingError(
                    "; ".join(f"{self._pair_words(b)} is already mapped" for b in others)
                    + ": --force replaces it"
                )
            for b in mine:
                if not bindings.is_pair(b) or b in others:
                    if bindings.is_pair(b):
                        replaced.append(self._pair_words(b))
                    bindings.remove(session, b)
        self._bind(xero, odoo, manual=True)
        return replaced

    def clear(self, ref: str | None) -> list[str]:
        """Remove one pair (by either side's id, or code or name as last synced), or every pair and
        begun-but-unbound create of the entity (ref None). Returns the pairs removed, in words."""
        removed = []
        with self.ctx.db.session() as session:
            rows = bindings.of_entity(session, self.connection_id, self.entity.name)
            if ref is not None:
                rows = self._matching(rows, ref)
            for row in rows:
                if bindings.is_pair(row):
                    removed.append(self._pair_words(row))
                bindings.remove(session, row)
        return removed

    def _matching(self, rows: list[Binding], ref: str) -> list[Binding]:
        """The pair REF names, as `resolve` reads a reference: a Xero id, or `id:N` for an Odoo id;
        else a code, then a name, either side's as last synced; else digits as an Odoo id."""
        text = ref.strip()
        pairs = [b for b in rows if bindings.is_pair(b)]
        if text.lower().startswith("id:"):
            by_id = [b for b in pairs if text[3:].strip().isdigit() and b.odoo_id == int(text[3:])]
        else:
            by_id = [b for b in pairs if b.xero_id == text]
        if by_id:
            return by_id
        key = text.casefold()
        for attribute in ("code", "name"):
            same = [
                b
                for b in pairs
                if any(
                    str(state_of(b, side).get(attribute) or "").casefold() == key for side in ("xero", "odoo")
                )
            ]
            if len(same) > 1:
                raise MappingError(
                    f"several {self.entity.name} mappings have the {attribute} {ref!r}: "
                    + "; ".join(self._pair_words(b) for b in same)
                )
            if same:
                return same
        if text.isdigit():
            by_odoo = [b for b in pairs if b.odoo_id == int(text)]
            if by_odoo:
                return by_odoo
        raise MappingError(f"no {self.entity.name} mapping has the id, code or name {ref!r}")

    def _pair_words(self, b: Binding) -> str:
        x, o = state_of(b, "xero"), state_of(b, "odoo")
        return (
            f"{describe('xero', b.xero_id, _text(x.get('code')), _text(x.get('name')))} ⇄ "
            f"{describe('odoo', b.odoo_id, _text(o.get('code')), _text(o.get('name')))}"
        )

    def _bind(self, xero: Found, odoo: Found, manual: bool) -> None:
        """The pair with each side's state now: the next change on either side is what syncs."""
        same = xero.canonical.digest() == odoo.canonical.digest()
        with self.ctx.db.session() as session:
            bindings.bind(
                session, self.connection_id, self.entity.name, xero_id=xero.id, odoo_id=odoo.id,
                content_hash=xero.canonical.digest() if same else None,
                xero_version=self.xero_side.version(xero.record), odoo_version=self.odoo_side.version(odoo.record),
                snapshot={"xero": xero.canonical.snapshot(), "odoo": odoo.canonical.snapshot()}, manual=manual,
            )  # fmt: skip


class _OnceRead:
    """A Xero client whose GETs are answered once per run: mapping only reads, and an entity's `find`
    may read a whole list for every record (ContactGroups has no filter), which would otherwise cost
    one Xero call per record matched."""

    def __init__(self, client: Any):
        self._client = client
        self._answers: dict[tuple, dict] = {}

    def get(self, path: str, params: dict | None = None, if_modified_since: Any = None) -> dict:
        key = (path, json.dumps(params or {}, sort_keys=True, default=str), str(if_modified_since))
        if key not in self._answers:
            self._answers[key] = self._client.get(path, params, if_modified_since)
        return copy.deepcopy(self._answers[key])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class _Clients:
    """The Xero client factory, every connection's client being the run's own (bulk priority)."""

    def __init__(self, clients: Any, client: _OnceRead):
        self._clients, self._client = clients, client

    def for_connection(self, connection_id: str, priority: str = BULK) -> _OnceRead:
        return self._client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._clients, name)


def state_of(binding: Binding, side: str) -> dict:
    """One side's state at the last sync (empty when the binding kept none)."""
    state = (binding.snapshot or {}).get(side)
    return state if isinstance(state, dict) else {}
