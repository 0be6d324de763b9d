"""Odoo → Xero: an Odoo attachment (ir.attachment) on a record the bridge syncs goes to the record's Xero
document as a file, once.

Not the generic SyncTranslator: a file push has no canonical form to merge, no Xero side to read back
field by field, and one direction only. What it keeps of the framework: the scope and settings, fetch-
latest with Odoo's before-commit notifications (sides.py), dependencies first (the document is synced
before its file), the binding reported to the worker (ir.attachment id ⇄ Xero AttachmentID) and the note
of a write begun (scope.intend's "pending") so that a crash never uploads twice.

Exactly once. The binding keeps, per attachment, the Xero document, the file name, Odoo's checksum and
the file's sha256: an event whose attachment still matches it writes nothing (the echo, a repeated or
retried event) without a Xero call. Otherwise the document's file list is read first: a file of that
name and size whose bytes hash alike is this upload made by an earlier try that crashed before its
binding was kept: it is bound, not sent again.

Xero's limits (xero-facts §8 "Attachments: size limit"; Workato's Xero connector docs: "Each sales
record is limited to 10 attachments, and each attachment is limited to 10 MB"): a file over 10 MB, or an
11th file on a document, is a mismatch naming the file and the limit. Xero keeps one file per name on a
document (a second upload of a name replaces it, xero-facts §8): a different file of the same name that
the bridge did not upload (one added in Xero, or another Odoo attachment's) is a mismatch, never
overwritten.

Deleting an attachment in Odoo does nothing in Xero: the Accounting API has no DELETE on any
`…/Attachments` path (ACC 16.1.0; xero-facts §8 "no DELETE in the API"). Likewise a renamed or moved
Odoo attachment is uploaded under its new name or document, and the old file stays in Xero.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from dataclasses import dataclass, replace
from typing import Any

from bridge.errors import BLOCKED, TRANSIENT, BridgeError, NotYetVisible, PermanentError
from bridge.events import Event, parse_odoo_datetime
from bridge.store import bindings, connections
from bridge.xero.client import idempotency_key
from consumers.attachments.targets import MODELS, Attachable, line_for, owner_fields
from consumers.attachments.xero_files import download, listed, upload
from consumers.base import BindingUpdate, Context, Outcome, Translator
from consumers.framework.dependencies import commit_binding, ensure_dependencies
from consumers.framework.scope import Scope, scope_of
from consumers.framework.sides import READS_COMMITTED, SAME_SECOND_TRIES
from consumers.framework.translator import DELETE_CONFIRM_TRIES, VISIBILITY_WAITS

NAME = "attachment"
ATTACHMENT = "ir.attachment"
MAX_BYTES = 10 * 1024 * 1024  # xero-facts §8: design for ≤ 10 MB a file
MAX_PER_DOCUMENT = 10  # xero-facts §8: at most 10 attachments per document
# Characters Xero refuses in a file name (xero-facts §8, R26 ⚠): each becomes "_", so the name Xero
# keeps is a function of Odoo's and idempotence by name holds.
_REFUSED_IN_NAMES = re.compile(r'[<>:"/\\|?*+\x00]')
FIELDS = [
    "name", "res_model", "res_id", "res_field", "type", "file_size", "checksum", "company_id",
    "write_date",
]  # fmt: skip
NO_DELETE = (
    "deleted in Odoo; Xero's API cannot delete attachments (no DELETE on …/Attachments in ACC 16.1.0), "
    "so the file stays on the Xero document"
)


def xero_file_name(name: str) -> str:
    return _REFUSED_IN_NAMES.sub("_", name).strip() or "attachment"


@dataclass(frozen=True)
class Place:
    """Where an attachment goes in Xero, and what the bridge keeps of it (the binding's snapshot)."""

    line: Attachable
    document_id: str
    owner_label: str  # "Odoo account.move 7 (INV/2026/00001)", for messages
    file_name: str
    include_online: bool

    @property
    def document(self) -> str:
        return f"{self.line.collection}/{self.document_id}"

    def state(self, checksum: str | None, sha256: str, size: int) -> dict:
        return {
            "document": self.document, "file_name": self.file_name, "checksum": checksum, "sha256": sha256,
            "size": size, "include_online": self.include_online,
        }  # fmt: skip


class OdooFiles:
    """Odoo's side as the bulk engine names records (model, ids, names): not a framework Side, since a
    file push reads, finds and merges nothing field by field."""

    system = "odoo"
    label = "Odoo attachment"
    model = ATTACHMENT

    def parse_id(self, text: str) -> int:
        return int(text)

    def record_id(self, record: dict) -> int:
        return record["id"]

    def name(self, record: dict) -> str | None:
        return record.get("name")


class AttachmentExport(Translator):
    source = "odoo"
    entity = NAME
    src = OdooFiles()

    def __repr__(self) -> str:
        return f"<{NAME} odoo → xero>"

    def record_name(self, event: Event) -> str | None:
        return (event.payload or {}).get("name")

    def apply(self, event: Event, ctx: Context, record: dict | None = None) -> Outcome:
        """`record` is accepted for the bulk engine's sake and not used: the file is read here."""
        if event.change_type == "delete":
            return Outcome("skipped", note=NO_DELETE)
        if event.connection is None:
            return self._each_connection(event, ctx)
        attachment_id = int(event.resource_id)
        scope = scope_of(ctx, event, NAME, odoo_id=attachment_id)
        if not scope.policy.allows("odoo"):
            return Outcome("skipped", note=f"{NAME}: direction is {scope.policy.direction}")
        odoo = ctx.services["odoo"].in_company(scope.company_id)
        att = self._current(event, odoo, attachment_id)
        if att is None:
            return Outcome("skipped", note=f"Odoo attachment {attachment_id} was deleted before it was sent")
        name = att.get("name") or f"attachment {attachment_id}"
        if att.get("type") != "binary" or att.get("res_field"):
            return Outcome("skipped", record_name=name, note="a link or a field's file, not an attached file")
        res_model, res_id = att.get("res_model"), att.get("res_id")
        if res_model not in MODELS or not res_id:
            return Outcome(
                "skipped", record_name=name, note=f"attached to {res_model or 'nothing'}: not synced"
            )
        owner = odoo.read_one(res_model, res_id, owner_fields(res_model))
        line = line_for(res_model, owner) if owner is not None else None
        if line is None:
            return Outcome(
                "skipped", record_name=name, note=f"Odoo {res_model} {res_id} is not a synced document"
            )
        label = f"Odoo {res_model} {res_id} ({owner.get('display_name')})"
        size = int(att.get("file_size") or 0)
        if size > MAX_BYTES:
            raise PermanentError(
                f"{name!r} ({size / 1024 / 1024:.1f} MB) on {label} is not sent: Xero takes files of at "
                f"most {MAX_BYTES // 1024 // 1024} MB",
                details={"file_name": name, "size": size, "limit": MAX_BYTES},
            )
        place = Place(
            line,
            self._document_id(ctx, event, scope, line, res_id, label, name),
            label,
            xero_file_name(name),
            owner.get("move_type") in line.online_move_types,
        )
        kept = scope.snapshot("odoo")
        if (
            att.get("checksum")
            and kept
            and _same(kept, place.state(att["checksum"], kept.get("sha256"), size))
        ):
            return Outcome("unchanged", record_name=name)
        stored = odoo.read_one(ATTACHMENT, attachment_id, ["datas"])
        if stored is None:
            return Outcome("skipped", record_name=name, note="deleted in Odoo before it was sent")
        content = base64.b64decode(stored.get("datas") or b"")
        if not content:
            return Outcome("skipped", record_name=name, note="an empty file: Xero refuses empty attachments")
        if len(content) > MAX_BYTES:  # file_size said otherwise: trust the bytes
            raise PermanentError(
                f"{name!r} on {label} is not sent: Xero takes files of at most 10 MB",
                details={"file_name": name, "size": len(content), "limit": MAX_BYTES},
            )
        state = place.state(att.get("checksum"), hashlib.sha256(content).hexdigest(), len(content))
        return self._send(ctx, event, scope, attachment_id, att, place, content, state)

    # ------------------------------------------------------------------------------ steps

    def _send(
        self, ctx: Context, event: Event, scope: Scope, attachment_id: int, att: dict, place: Place,
        content: bytes, state: dict,
    ) -> Outcome:  # fmt: skip
        """Read the document's files, then bind what is there already or upload (PUT new, POST replace)."""
        client = ctx.services["xero"].for_connection(scope.connection_id)
        collection, document_id, file_name = place.line.collection, place.document_id, place.file_name
        files = listed(client, collection, document_id)
        there = next((f for f in files if f.get("FileName") == file_name), None)
        method = "PUT"
        if there is not None:
            holder = self._holder(ctx, scope, there.get("AttachmentID"))
            alike = there.get("ContentLength") == len(content) and (
                hashlib.sha256(download(client, collection, document_id, there)).hexdigest()
                == state["sha256"]
            )
            if alike and holder not in (None, attachment_id):
                return Outcome(
                    "skipped", record_name=att["name"],
                    note=f"the same file is on Xero {place.document} already, as Odoo attachment {holder}'s",
                )  # fmt: skip
            if alike and bool(there.get("IncludeOnline", place.include_online)) == place.include_online:
                return self._bound(attachment_id, there, att, state, "unchanged")
            if not alike and not self._ours(scope, there, holder, attachment_id, state):
                whose = f"Odoo attachment {holder}'s" if holder is not None else "one not sent by the bridge"
                raise PermanentError(
                    f"{att['name']!r} on {place.owner_label} is not sent: Xero {place.document} has another "
                    f"file named {file_name!r} ({whose}), and Xero keeps one file per name (an upload would "
                    "replace it): rename one of them, then replay",
                    details={"file_name": file_name, "document": place.document},
                )
            method = "POST"
        elif len(files) >= MAX_PER_DOCUMENT:
            raise PermanentError(
                f"{att['name']!r} on {place.owner_label} is not sent: Xero takes at most {MAX_PER_DOCUMENT} "
                f"attachments per document, and {place.document} has {len(files)}",
                details={"file_name": file_name, "document": place.document, "limit": MAX_PER_DOCUMENT},
            )
        self._note_pending(ctx, scope, attachment_id, state)
        # The key names this very upload — file, document and content: a redelivery after the file was
        # renamed or moved makes another request, and Xero refuses a key reused for one (xero-facts §3).
        key = idempotency_key(
            scope.connection_id, ATTACHMENT, attachment_id, state["document"], state["file_name"],
            state["sha256"][:16], method, event.correlation_id, event.attempt,
        )  # fmt: skip
        try:
            written = upload(
                client, method, collection, document_id, file_name, content,
                include_online=place.include_online, key=key,
            )  # fmt: skip
        except BridgeError as exc:
            if exc.kind in (TRANSIENT, BLOCKED):
                raise
            raise PermanentError(
                f"Xero refused {file_name!r} for {place.owner_label}: {exc.note}",
                details={**exc.details, "file_name": file_name},
            ) from None
        return self._bound(attachment_id, written, att, state, "created" if method == "PUT" else "updated")

    def _document_id(
        self, ctx: Context, event: Event, scope: Scope, line: Attachable, res_id: int, label: str, name: str
    ) -> str:
        """The owning record's Xero id; a record not bound yet is synced first, through its own entity."""
        bound = self._bound_xero_id(ctx, scope, line.entity, res_id)
        if bound is not None:
            return bound
        try:
            ensure_dependencies(ctx, event, scope, [(line.entity, res_id)])
        except PermanentError as exc:
            raise PermanentError(
                f"{name!r} on {label} is not sent: {exc.note}", details=exc.details
            ) from None
        bound = self._bound_xero_id(ctx, scope, line.entity, res_id)
        if bound is None:
            raise PermanentError(
                f"{name!r} is not sent: {label} is not synced to Xero (its own sync left it out: settings "
                f"or scope); sync or map it (bridge mapping set {line.entity} …), then replay",
                details={"unmapped": {"entity": line.entity, "odoo_id": res_id}},
            )
        return bound

    @staticmethod
    def _bound_xero_id(ctx: Context, scope: Scope, entity: str, odoo_id: int) -> str | None:
        with ctx.db.session() as session:
            found = bindings.by_odoo(session, scope.connection_id, entity, odoo_id)
            return found.xero_id if bindings.is_pair(found) else None

    @staticmethod
    def _holder(ctx: Context, scope: Scope, xero_attachment_id: str | None) -> int | None:
        """The Odoo attachment bound to this Xero file, if any."""
        if not xero_attachment_id:
            return None
        with ctx.db.session() as session:
            found = bindings.by_xero(session, scope.connection_id, NAME, xero_attachment_id)
            return found.odoo_id if found is not None else None

    @staticmethod
    def _ours(scope: Scope, there: dict, holder: int | None, attachment_id: int, state: dict) -> bool:
        """Whether Xero's file of this name is this attachment's earlier upload (bound to it, or the
        upload an earlier try noted and crashed after): then a new version replaces it."""
        if holder == attachment_id:
            return True
        noted = scope.pending or ((scope.binding.snapshot or {}).get("pending") if scope.binding else None)
        return (
            holder is None
            and noted is not None
            and (noted.get("document"), noted.get("file_name")) == (state["document"], state["file_name"])
        )

    @staticmethod
    def _note_pending(ctx: Context, scope: Scope, attachment_id: int, state: dict) -> None:
        """Before an upload, committed: what is about to be sent (scope.intend's note, kept beside the
        binding's last state when there is one)."""
        with ctx.db.session() as session:
            found = bindings.by_odoo(session, scope.connection_id, NAME, attachment_id)
            before = dict(found.snapshot or {}) if found is not None else {}
            bindings.bind(
                session, scope.connection_id, NAME, xero_id=None, odoo_id=attachment_id,
                content_hash=found.content_hash if found is not None else None,
                snapshot={**before, "pending": state},
            )  # fmt: skip

    @staticmethod
    def _bound(attachment_id: int, xero_file: dict, att: dict, state: dict, action: str) -> Outcome:
        binding = BindingUpdate(
            xero_id=xero_file["AttachmentID"], odoo_id=attachment_id, content_hash=state["sha256"],
            odoo_version=None if att.get("write_date") is None else str(att["write_date"]),
            snapshot={"odoo": state},
        )  # fmt: skip
        return Outcome(action, binding, record_name=att.get("name"))

    def _current(self, event: Event, odoo: Any, attachment_id: int) -> dict | None:
        """The attachment as the change left it (Odoo 17/18 notify before their commit, odoo-facts
        §2.1): a few short reads, then the retry ladder. Still missing after DELETE_CONFIRM_TRIES tries,
        or missing on a read of committed rows (bulk, replay of a poll): deleted meanwhile."""
        for wait in (*VISIBILITY_WAITS, None):
            row = odoo.read_one(ATTACHMENT, attachment_id, FIELDS)
            if row is None and (event.origin in READS_COMMITTED or event.attempt >= DELETE_CONFIRM_TRIES):
                return None
            problem = _not_visible(event, row)
            if problem is None:
                return row
            if wait is None:
                raise NotYetVisible(f"Odoo attachment {attachment_id} {problem}")
            time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _each_connection(self, event: Event, ctx: Context) -> Outcome:
        """An event without a connection (several connections, an attachment of no company): each
        connection whose company owns it, or every one; bindings of all but the last committed here."""
        with ctx.db.session() as session:
            active = [c for c in connections.all_connections(session) if c.status == "active"]
            for connection in active:
                session.expunge(connection)
        companies = [c.odoo_company_id for c in active if c.odoo_company_id is not None]
        if not companies:
            return Outcome("skipped", note="no connection maps an Odoo company")
        row = (
            ctx.services["odoo"]
            .in_companies(companies)
            .read_one(ATTACHMENT, int(event.resource_id), ["company_id"])
        )
        company = (row or {}).get("company_id")
        company = company[0] if isinstance(company, list) else company
        targets = [
            c for c in active if c.odoo_company_id is not None and company in (None, False, c.odoo_company_id)
        ]
        outcome = Outcome("skipped", note="no connection maps this attachment's company")
        for number, connection in enumerate(targets):
            one = replace(
                event, connection=connection.id, tenant_id=connection.xero_tenant_id,
                company_id=connection.odoo_company_id,
            )  # fmt: skip
            outcome = replace(self.apply(one, ctx), connection=connection.id)
            if number < len(targets) - 1 and outcome.binding is not None:
                commit_binding(ctx, connection.id, NAME, outcome.binding)
        return outcome


def _same(kept: dict, now: dict) -> bool:
    return all(kept.get(k) == now[k] for k in ("document", "file_name", "checksum", "size", "include_online"))


def _not_visible(event: Event, row: dict | None) -> str | None:
    """Why this read does not show the notified change yet (consumers/framework/sides.py
    confirm_current: RPC reads drop microseconds, so a change of the same second is told by the
    checksum and name the webhook carries)."""
    if row is None:
        return "is not readable yet"
    if event.origin in READS_COMMITTED or event.occurred_at is None:
        return None
    seen = parse_odoo_datetime(row.get("write_date"))
    changed_at = event.occurred_at.replace(microsecond=0)
    if seen is not None and seen < changed_at:
        return "still shows its state before this change"
    payload = event.payload or {}
    differs = any(k in payload and payload[k] != row.get(k) for k in ("checksum", "name"))
    if seen == changed_at and event.attempt < SAME_SECOND_TRIES and differs:
        return "does not show this change yet"
    return None
