"""Xero's side of invoices and bills: GET/POST /Invoices with unitdp=4 (xero-facts §5, §8)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bridge.errors import PermanentError
from bridge.polling.stamps import parse_xero_updated
from bridge.xero.client import XeroClient
from consumers.base import Context
from consumers.framework.matching import Candidate, refuse_ambiguous
from consumers.framework.scope import Scope
from consumers.framework.sides import Side
from consumers.invoices.canonical import (
    CANCELLED,
    DRAFT,
    FROM_XERO_STATUS,
    INVOICES,
    NO_TAX,
    POSTED,
    Document,
    Kind,
    Line,
    Totals,
    amount,
    text,
)
from consumers.invoices.refs import DocumentRefs
from consumers.invoices.rounding import (
    MAX_ADJUSTMENT,
    ROUNDING_LINE,
    adjustment_needed,
    check_totals,
    rounding_account,
)
from consumers.items.xero_side import item_by_code

PRICES = {"unitdp": 4}
DEPENDENCIES = "_dependencies"
NO_TAX_TYPE = "NONE"  # Xero's "no tax" rate on a taxed document (every region's chart has it)
_GENERATED = re.compile(r"^ODOO-(\d+)-(\d+)$")


@dataclass
class XeroHandle:
    xero: XeroClient
    refs: DocumentRefs


def _literal(text: str) -> str:
    """A text inside a `where` string literal (Dynamic LINQ escapes with a backslash)."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def xero_day(value: Any) -> str | None:
    """Xero's MS-JSON date (/Date(1767225600000+0000)/) or ISO text → ISO day."""
    moment = parse_xero_updated(value) if value else None
    return moment.date().isoformat() if moment is not None else None


def generated_owner(number: str | None) -> tuple[int, int] | None:
    """(company, move id) of a number the bridge generated for an Odoo draft, else None."""
    match = _GENERATED.match(number or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def xero_status(wanted: str, before: str | None) -> str | None:
    """The Status to send for a neutral status, given the document's neutral status in Xero now (None:
    a new document). Xero deletes a draft and voids an approved document; PAID is Xero's to set; an
    approved document cannot go back to draft, which Xero itself answers (xero-facts §8)."""
    if wanted == before:
        return None
    if wanted == CANCELLED:
        return "VOIDED" if before == POSTED else "DELETED"
    return "AUTHORISED" if wanted == POSTED else "DRAFT"


class XeroInvoices(Side):
    system = "xero"
    label = "Xero invoice"
    model = "Invoices"

    def __init__(self, kind: Kind = INVOICES):
        self.kind = kind
        self.label, self.model = f"Xero {kind.noun}", kind.collection

    def client(self, ctx: Context, scope: Scope) -> XeroHandle:
        xero = ctx.services["xero"].for_connection(scope.connection_id)
        return XeroHandle(xero, DocumentRefs(ctx, scope.connection_id, lambda: xero))

    def fetch(self, client: XeroHandle, record_id: str) -> dict | None:
        try:
            body = client.xero.get(f"{self.kind.collection}/{record_id}", PRICES)
        except PermanentError as exc:
            if exc.details.get("status") == 404:
                return None
            raise
        found = body.get(self.kind.collection) or []
        return found[0] if found else None

    def record_id(self, record: dict) -> str:
        return record[self.kind.id_field]

    def name(self, record: dict) -> str | None:
        return (
            record.get(self.kind.number_field)
            or record.get("Reference")
            or (record.get("Contact") or {}).get("Name")
        )

    def in_scope(self, client: XeroHandle, scope: Scope, record: dict) -> bool:
        return self.kind.kind_of_type(record.get("Type")) is not None

    def counterpart(self, record: dict, scope: Scope) -> int | None:
        owner = generated_owner(record.get(self.kind.number_field))
        return owner[1] if owner is not None and owner[0] == scope.company_id else None

    def canonical(self, client: XeroHandle, record: dict) -> Document:
        kind = self.kind.kind_of_type(record.get("Type")) or "sale"
        amounts = record.get("LineAmountTypes") or "Exclusive"
        refs = client.refs
        dependencies: list[tuple[str, Any]] = [("contact", record["Contact"]["ContactID"])]
        currency = record.get("CurrencyCode") or ""
        if currency:
            dependencies.append(("currency", currency))
        lines, rounding = [], Decimal(0)
        for row in record.get("LineItems") or []:
            if row.get("Description") == ROUNDING_LINE:  # the bridge's, not the document's
                rounding += amount(row.get("LineAmount"), 2)
                continue
            account, tax, item = (
                text(row.get("AccountCode")),
                text(row.get("TaxType")),
                text(row.get("ItemCode")),
            )
            if amounts == NO_TAX or tax == NO_TAX_TYPE:
                tax = None
            if account and (account_id := row.get("AccountID") or refs.account_id_of_code(account)):
                dependencies.append(("account", account_id))
            if tax:
                dependencies.append(("tax_rate", tax))
            if item:
                item_id = (row.get("Item") or {}).get("ItemID")
                found = {"ItemID": item_id} if item_id else item_by_code(client.xero, item)
                if found is not None:
                    dependencies.append(("item", found["ItemID"]))
            lines.append(
                Line(
                    description=text(row.get("Description")),
                    quantity=amount(row.get("Quantity")),
                    unit_price=amount(row.get("UnitAmount")),
                    discount=amount(row.get("DiscountRate")),
                    account=account,
                    tax=tax,
                    item=item,
                )
            )
        record[DEPENDENCIES] = dependencies
        number = text(record.get(self.kind.number_field))
        return Document(
            kind=kind,
            contact=record["Contact"]["ContactID"],
            status=FROM_XERO_STATUS.get(record.get("Status"), DRAFT),
            date=xero_day(record.get("Date")),
            due_date=xero_day(record.get("DueDate")),
            currency=currency,
            amounts=amounts,
            lines=tuple(lines),
            reference=text(record.get("Reference")) if kind == "sale" else None,
            number=number if kind == "sale" else None,
            supplier_number=None if kind == "sale" or generated_owner(number) else number,
            rounding=rounding,
            totals=Totals(
                amount(record.get("SubTotal"), 2),
                amount(record.get("TotalTax"), 2),
                amount(record.get("Total"), 2),
            ),
        )

    def dependencies(self, record: dict, canonical: Document) -> list[tuple[str, Any]]:
        return list(record.get(DEPENDENCIES) or [])

    # ---------------------------------------------------------------------- finding and writing

    def find(self, client: XeroHandle, scope: Scope, c: Document, move_id: int) -> str | None:
        """The document the bridge made for this Odoo one (its Odoo number, or the generated one of a
        draft), or for a bill the supplier's number from the same contact. Voided and deleted ones are
        history, never a match. A `where` filter (xero-facts §5): /CreditNotes takes no number, status
        or contact parameters (ACC 16.1.0), only `where`, which /Invoices takes too."""
        numbers = [n for n in (c.number if c.kind == "sale" else c.supplier_number,) if n]
        numbers.append(f"ODOO-{scope.company_id}-{move_id}")
        field = self.kind.number_field
        clauses = [
            "(" + " OR ".join(f'{field}=="{_literal(n)}"' for n in numbers) + ")",
            f'Type=="{self.kind.xero_types[c.kind]}"',
            'Status!="DELETED"',
            'Status!="VOIDED"',
        ]
        if c.kind == "purchase" and not c.contact.startswith("odoo:"):
            clauses.append(f'Contact.ContactID==guid("{c.contact}")')
        params = {**PRICES, "where": " AND ".join(clauses)}
        rows = client.xero.get(self.kind.collection, params).get(self.kind.collection) or []
        if len(rows) > 1:
            refuse_ambiguous(
                f"Odoo {self.kind.noun}", c.number or c.supplier_number, code=f"#{move_id}",
                among=f"Xero {self.kind.noun}", by="number",
                candidates=[Candidate(r[self.kind.id_field], r.get(self.kind.number_field)) for r in rows],
            )  # fmt: skip
        return rows[0][self.kind.id_field] if rows else None

    def element(
        self, client: XeroHandle, c: Document, before: Document | None, move_id: int, scope: Scope
    ) -> dict:
        """What to send: on create everything; on update what differs from Xero's current state (a paid
        or allocated invoice refuses even an unchanged LineItems, xero-facts §8)."""
        refs = client.refs
        out: dict[str, Any] = {}
        if before is None or c.contact != before.contact:
            out["Contact"] = {"ContactID": refs.resolved_contact(c.contact)}
        if before is None:
            out["Type"] = self.kind.xero_types[c.kind]
        if c.date and (before is None or c.date != before.date):
            out["Date"] = c.date
        if c.due_date and (before is None or c.due_date != before.due_date):
            out["DueDate"] = c.due_date
        if c.currency and (before is None or c.currency != before.currency):
            out["CurrencyCode"] = c.currency
        if before is None or c.amounts != before.amounts or c.lines != before.lines:
            out["LineAmountTypes"] = c.amounts
            out["LineItems"] = [self._line(refs, c, line) for line in c.lines]
        if c.kind == "sale" and (before is None or c.reference != before.reference):
            out["Reference"] = c.reference or ""
        number = self._number(c, before, move_id, scope)
        if number is not None:
            out[self.kind.number_field] = number
        status = xero_status(c.status, None if before is None else before.status)
        if status is not None:
            out["Status"] = status
        return out

    @staticmethod
    def _number(c: Document, before: Document | None, move_id: int, scope: Scope) -> str | None:
        """Bills: the supplier's number (a generated one while it has none, so a retry finds the bill).
        Sales: Odoo's number once it has one, the generated one for a draft. A number Xero gave (a
        document made in Xero) is never replaced; a generated one is, once Odoo numbers the document."""
        generated = f"ODOO-{scope.company_id}-{move_id}"
        if c.kind == "purchase":
            if before is None:
                return c.supplier_number or generated
            return (
                c.supplier_number
                if c.supplier_number and c.supplier_number != before.supplier_number
                else None
            )
        own = c.number if c.number and not generated_owner(c.number) else None
        if before is None:
            return own or generated
        return own if own and generated_owner(before.number) and own != before.number else None

    @staticmethod
    def _line(refs: DocumentRefs, c: Document, line: Line) -> dict:
        out: dict[str, Any] = {
            "Description": line.description or "",
            "Quantity": line.quantity,
            "UnitAmount": line.unit_price,
        }
        if line.discount:
            out["DiscountRate"] = line.discount
        if line.account:
            out["AccountCode"] = refs.xero_ref(line.account, "account")
        if c.amounts != NO_TAX:
            out["TaxType"] = refs.xero_ref(line.tax, "tax_rate") if line.tax else NO_TAX_TYPE
        if line.item:
            out["ItemCode"] = line.item
        return out

    def create(self, client: XeroHandle, scope: Scope, c: Document, move_id: int, key: str) -> dict:
        if c.status == CANCELLED:
            return None  # a cancelled document never synced stays in Odoo only
        written = self._save(client, self.element(client, c, None, move_id, scope), key)
        return self.to_the_cent(client, scope, c, written, key)

    def update(
        self, client: XeroHandle, scope: Scope, invoice_id: str, c: Document, before: Document, key: str
    ) -> dict:
        element = self.element(client, c, before, 0, scope)
        if not element:
            return self.fetch(client, invoice_id)
        written = self._save(client, element | {self.kind.id_field: invoice_id}, key)
        if c.status == CANCELLED:
            return written
        return self.to_the_cent(client, scope, c, written, key)

    def to_the_cent(self, client: XeroHandle, scope: Scope, c: Document, written: dict, key: str) -> dict:
        """Xero's totals are Odoo's; else, by setting, a rounding line makes them so, or it is reported."""
        got = self.canonical(client, written)
        account = rounding_account(client.refs.ctx.db, scope.connection_id)
        needed = adjustment_needed(c, got)
        if (
            account
            and needed != got.rounding
            and abs(needed) <= MAX_ADJUSTMENT
            and written.get("Status") != "PAID"
        ):
            lines = [self._line(client.refs, c, line) for line in c.lines]
            if needed:
                adjustment = {
                    "Description": ROUNDING_LINE,
                    "Quantity": 1,
                    "UnitAmount": needed,
                    "AccountCode": account,
                }
                lines.append(adjustment | ({} if c.amounts == NO_TAX else {"TaxType": NO_TAX_TYPE}))
            element = {
                self.kind.id_field: self.record_id(written),
                "LineAmountTypes": c.amounts,
                "LineItems": lines,
            }
            written = self._save(client, element, f"{key}:rounding")
            got = self.canonical(client, written)
        check_totals(c, got, "Xero")
        return written

    def other_gone(self, client: XeroHandle, scope: Scope, invoice_id: str, key: str) -> dict | None:
        """An Odoo draft deleted: its Xero draft is deleted too (an approved one is left: Odoo deletes
        drafts and cancelled documents only)."""
        current = self.fetch(client, invoice_id)
        if current is None or current.get("Status") not in ("DRAFT", "SUBMITTED"):
            return None
        return self._save(client, {self.kind.id_field: invoice_id, "Status": "DELETED"}, key)

    def _save(self, client: XeroHandle, element: dict, key: str) -> dict:
        (result,) = client.xero.save(self.kind.collection, [element], key=key, method="POST", params=PRICES)
        if not result.ok:
            raise PermanentError(
                "Xero ValidationException: " + "; ".join(result.errors), details={"messages": result.errors}
            )
        return result.record
