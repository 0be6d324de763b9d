"""Odoo's side of invoices and bills: account.move of move_type out_invoice / in_invoice (odoo-facts
§3.10). The header is made with load() under an external id (a retry finds it); each line is its own
account.move.line with an external id derived from the write's key, so a retried write makes no line
twice. A posted document is reset to draft to be edited and posted again (Odoo refuses edits of a
posted entry; 18+ makes its fields read-only), as a user would do it in Odoo."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bridge.errors import PermanentError
from bridge.odoo.client import OdooClient, xmlid_name
from consumers.base import Context
from consumers.framework.matching import Candidate, refuse_ambiguous
from consumers.framework.scope import Scope
from consumers.framework.sides import Side
from consumers.invoices.canonical import (
    CANCELLED,
    DRAFT,
    EXCLUSIVE,
    FROM_ODOO_STATE,
    INCLUSIVE,
    INVOICES,
    NO_TAX,
    POSTED,
    Document,
    Kind,
    Line,
    Totals,
    amount,
    generated_number,
    text,
)
from consumers.invoices.refs import DocumentRefs
from consumers.invoices.rounding import check_totals

MOVE, LINE, TAX = "account.move", "account.move.line", "account.tax"
MOVE_FIELDS = (
    "move_type", "state", "name", "ref", "partner_id", "commercial_partner_id", "invoice_date",
    "invoice_date_due", "currency_id", "company_id", "invoice_line_ids", "amount_untaxed", "amount_tax",
    "amount_total", "write_date",
)  # fmt: skip
LINE_FIELDS = ("name", "quantity", "price_unit", "discount", "account_id", "tax_ids", "product_id", "display_type", "sequence")  # fmt: skip
DEPENDENCIES = "_dependencies"


def _id(value: Any) -> int | None:
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value or None


@dataclass
class OdooHandle:
    odoo: OdooClient
    refs: DocumentRefs
    company_id: int
    _taxes: dict = field(default_factory=dict, repr=False)
    _currencies: dict = field(default_factory=dict, repr=False)

    @cached_property
    def move_fields(self) -> list[str]:
        known = self.odoo.fields_of(MOVE)
        return [f for f in MOVE_FIELDS if f in known]

    def tax(self, tax_id: int) -> dict:
        """amount, scope and whether the price includes it (16/17 price_include; 18+ the computed
        price_include from price_include_override and the company default)."""
        if tax_id not in self._taxes:
            fields = [
                f
                for f in ("amount", "amount_type", "type_tax_use", "price_include")
                if f in self.odoo.fields_of(TAX)
            ]
            self._taxes[tax_id] = self.odoo.with_archived().read_one(TAX, tax_id, fields) or {}
        return self._taxes[tax_id]

    def currency_code(self, currency_id: int | None) -> str:
        if not currency_id:
            return ""
        if currency_id not in self._currencies:
            row = self.odoo.with_archived().read_one("res.currency", currency_id, ["name"]) or {}
            self._currencies[currency_id] = row.get("name") or ""
        return self._currencies[currency_id]

    @staticmethod
    def header_refers(partner: int | None, currency_id: int | None) -> list[tuple[str, Any]]:
        """The records a document's header refers to: its contact and its currency."""
        refers: list[tuple[str, Any]] = [("contact", partner)] if partner else []
        if currency_id:
            refers.append(("currency", currency_id))
        return refers

    def document_lines(
        self, record: dict, *, title: str, noun: str, quantity: str = "quantity", taxes: str = "tax_ids"
    ) -> tuple[tuple[Line, ...], str, list[tuple[str, Any]]]:
        """A document's lines (record["_lines"]) as Xero takes them, the amounts basis they share, and
        the taxes, accounts and items they refer to — for invoices, quotes and purchase orders alike.
        `title` names the document in a refusal, `noun` its kind ("a Xero quote is …"); `quantity` and
        `taxes` are the line model's field names."""
        lines, included, refers = [], set(), []
        for row in record["_lines"]:
            tax_ids = row.get(taxes) or []
            if len(tax_ids) > 1:
                raise PermanentError(
                    f"a line of {title} ({row.get('name')!r}) has {len(tax_ids)} taxes: Xero takes one tax "
                    "rate per line (use a group tax, bound to a Xero tax rate with components)"
                )
            account, product = _id(row.get("account_id")), _id(row.get("product_id"))
            if tax_ids:
                included.add(bool(self.tax(tax_ids[0]).get("price_include")))
                refers.append(("tax_rate", tax_ids[0]))
            if account:
                refers.append(("account", account))
            if product:
                refers.append(("item", product))
            lines.append(
                Line(
                    description=text(row.get("name")),
                    quantity=amount(row.get(quantity)),
                    unit_price=amount(row.get("price_unit")),
                    discount=amount(row.get("discount")),
                    account=self.refs.xero_account_code(account),
                    tax=self.refs.xero_tax_type(tax_ids[0]) if tax_ids else None,
                    item=self.refs.item_code(record["_products"].get(product), self.company_id)
                    if product
                    else None,
                )
            )
        if len(included) > 1:
            raise PermanentError(
                f"{title} mixes taxes that include the price with taxes that do not: "
                f"a Xero {noun} is tax-inclusive or tax-exclusive as a whole"
            )
        amounts = (INCLUSIVE if included.pop() else EXCLUSIVE) if included else NO_TAX
        return tuple(lines), amounts, refers

    def tax_for(self, tax_id: int, inclusive: bool) -> int:
        """The bound Odoo tax, or its twin with the other price-included flag when the document's
        amounts need it (Xero sets inclusive per document, Odoo per tax)."""
        tax = self.tax(tax_id)
        if bool(tax.get("price_include")) == inclusive:
            return tax_id
        domain = [("amount", "=", tax.get("amount")), ("type_tax_use", "=", tax.get("type_tax_use"))]
        for row in self.odoo.search_read(TAX, domain, ["id"]):
            if bool(self.tax(row["id"]).get("price_include")) == inclusive:
                return row["id"]
        how = "includes" if inclusive else "excludes"
        raise PermanentError(
            f"the Xero document's amounts are {'tax-inclusive' if inclusive else 'tax-exclusive'}, and Odoo "
            f"has no tax of {tax.get('amount')}% ({tax.get('type_tax_use')}) whose price {how} it: create one"
        )


class OdooInvoices(Side):
    system = "odoo"
    label = "Odoo invoice"
    model = MOVE

    def __init__(self, kind: Kind = INVOICES):
        self.kind = kind
        self.label = f"Odoo {kind.noun}"

    def client(self, ctx: Context, scope: Scope) -> OdooHandle:
        odoo = ctx.services["odoo"].in_company(scope.company_id)
        refs = DocumentRefs(
            ctx, scope.connection_id, lambda: ctx.services["xero"].for_connection(scope.connection_id)
        )
        return OdooHandle(odoo, refs, scope.company_id)

    def fetch(self, client: OdooHandle, record_id: int) -> dict | None:
        return self.fetch_many(client, [record_id]).get(record_id)

    def fetch_many(self, client: OdooHandle, record_ids: list[int]) -> dict[int, dict]:
        """The moves with their invoice lines and the lines' products: three reads however many (a
        bulk run reads a page at once). Moves that do not exist are left out."""
        if not record_ids:
            return {}
        moves = client.odoo.with_archived().search_read(
            MOVE, [("id", "in", list(record_ids))], client.move_fields
        )
        line_ids = [line for move in moves for line in move.get("invoice_line_ids") or []]
        lines = client.odoo.read(LINE, line_ids, list(LINE_FIELDS)) if line_ids else []
        by_id = {row["id"]: row for row in lines}
        products = sorted({p for row in lines if (p := _id(row.get("product_id")))})
        codes = {
            row["id"]: row
            for row in (
                client.odoo.with_archived().read("product.product", products, ["default_code"])
                if products
                else []
            )
        }
        found = {}
        for move in moves:
            own = [by_id[i] for i in move.get("invoice_line_ids") or [] if i in by_id]
            move["_lines"] = sorted(
                (row for row in own if row.get("display_type") in ("product", False, None)),
                key=lambda row: (row.get("sequence") or 0, row["id"]),
            )
            move["_products"] = {
                p: codes[p] for row in move["_lines"] if (p := _id(row.get("product_id"))) in codes
            }
            found[move["id"]] = move
        return found

    def record_id(self, record: dict) -> int:
        return record["id"]

    def name(self, record: dict) -> str | None:
        name = record.get("name")
        return name if name and name != "/" else record.get("ref")

    def in_scope(self, client: OdooHandle, scope: Scope, record: dict) -> bool:
        return (
            self.kind.kind_of_move(record.get("move_type")) is not None
            and _id(record.get("company_id")) == scope.company_id
        )

    def canonical(self, client: OdooHandle, record: dict) -> Document:
        refs = client.refs
        kind = self.kind.kind_of_move(record.get("move_type")) or "sale"
        partner = _id(record.get("commercial_partner_id")) or _id(record.get("partner_id"))
        currency_id = _id(record.get("currency_id"))
        lines, amounts, refers = client.document_lines(
            record, title=str(self.name(record) or record["id"]), noun="document"
        )
        dependencies = client.header_refers(partner, currency_id) + refers
        record[DEPENDENCIES] = dependencies
        name = record.get("name")
        number = name if name and name != "/" else generated_number(client.company_id, record["id"])
        return Document(
            kind=kind,
            contact=refs.xero_contact(partner) or "",
            status=FROM_ODOO_STATE.get(record.get("state"), DRAFT),
            date=text(record.get("invoice_date")),
            due_date=text(record.get("invoice_date_due")),
            currency=client.currency_code(currency_id),
            amounts=amounts,
            lines=lines,
            reference=text(record.get("ref")) if kind == "sale" else None,
            number=number if kind == "sale" else None,
            supplier_number=text(record.get("ref")) if kind == "purchase" else None,
            totals=Totals(
                amount(record.get("amount_untaxed"), 2),
                amount(record.get("amount_tax"), 2),
                amount(record.get("amount_total"), 2),
            ),
        )

    def dependencies(self, record: dict, canonical: Document) -> list[tuple[str, Any]]:
        return list(record.get(DEPENDENCIES) or [])

    # ---------------------------------------------------------------------- finding and writing

    def find(self, client: OdooHandle, scope: Scope, c: Document, invoice_id: str) -> int | None:
        """The move the bridge made for this Xero document (its external id), else a bill of the same
        supplier with the same number (Odoo's own duplicate check looks at the same pair)."""
        found = client.odoo.xmlid_lookup(MOVE, xmlid_name(self.kind.entity, invoice_id))
        if found is not None or c.kind != "purchase" or not c.supplier_number:
            return found
        partner = client.refs.odoo_partner(c.contact)
        rows = client.odoo.search_read(
            MOVE,
            [
                ("move_type", "=", self.kind.move_types["purchase"]),
                ("ref", "=", c.supplier_number),
                ("partner_id", "=", partner),
                ("state", "!=", "cancel"),
            ],
            ["id", "name"],
            limit=10,
        )
        if len(rows) > 1:
            refuse_ambiguous(
                f"Xero {self.kind.noun}", c.supplier_number, among=f"Odoo {self.kind.noun}", by="supplier and number",
                candidates=[Candidate(r["id"], r.get("name")) for r in rows],
            )  # fmt: skip
        return rows[0]["id"] if rows else None

    def header(self, client: OdooHandle, c: Document, before: Document | None) -> dict:
        refs = client.refs
        wanted = {
            "partner_id": lambda: refs.odoo_partner(c.contact),
            "invoice_date": lambda: c.date or False,
            "invoice_date_due": lambda: c.due_date or False,
            "currency_id": lambda: refs.odoo_currency(client.odoo, c.currency),
            "ref": lambda: (c.reference if c.kind == "sale" else c.supplier_number) or False,
        }
        sources = {
            "partner_id": "contact",
            "invoice_date": "date",
            "invoice_date_due": "due_date",
            "currency_id": "currency",
        }
        values = {}
        for name, make in wanted.items():
            source = sources.get(name, "reference" if c.kind == "sale" else "supplier_number")
            if before is None or getattr(c, source) != getattr(before, source):
                values[name] = make()
        return values

    def line_values(self, client: OdooHandle, move_id: int, c: Document) -> list[dict]:
        refs, inclusive = client.refs, c.amounts == INCLUSIVE
        out = []
        for number, line in enumerate(c.lines):
            tax = refs.odoo_tax(line.tax) if line.tax and c.amounts != NO_TAX else None
            values = {
                "move_id": move_id,
                "sequence": 10 + number,
                "name": line.description or "",
                "quantity": float(line.quantity),
                "price_unit": float(line.unit_price),
                "discount": float(line.discount),
                "tax_ids": [(6, 0, [client.tax_for(tax, inclusive)] if tax else [])],
            }
            if line.account:
                values["account_id"] = refs.odoo_account(line.account)
            if line.item:
                values["product_id"] = refs.odoo_product(client.odoo, line.item, client.company_id)
            out.append(values)
        return out

    def replace_lines(self, client: OdooHandle, move_id: int, c: Document, key: str, old: list[int]) -> None:
        """The new lines under external ids of this write (a retry finds them), then the old ones go."""
        values = self.line_values(client, move_id, c)
        names = [xmlid_name("invoice_line", f"{move_id}-{key}-{n}") for n in range(len(values))]
        made = client.odoo.create(LINE, values, xmlids=names) if values else []
        stale = [line for line in old if line not in made]
        if stale:
            client.odoo.unlink(LINE, stale)

    def create(self, client: OdooHandle, scope: Scope, c: Document, invoice_id: str, key: str) -> dict | None:
        if c.status == CANCELLED:
            return None  # a voided or deleted Xero document never synced stays in Xero only
        values = self.header(client, c, None) | {"move_type": self.kind.move_types[c.kind]}
        name = xmlid_name(self.kind.entity, invoice_id)
        made = client.odoo.xmlid_lookup(MOVE, name)
        if made is not None:  # made meanwhile by another apply of the same document: bring it up to date
            return self.update(client, scope, made, c, self.canonical(client, self.fetch(client, made)), key)
        move_id, _ = client.odoo.upsert(MOVE, name, values)
        current = self.fetch(client, move_id)
        self.replace_lines(client, move_id, c, key, [row["id"] for row in current["_lines"]])
        self._move_to(client, move_id, c.status, "draft")
        written = self.fetch(client, move_id)
        check_totals(c, self.canonical(client, written), "Odoo")
        return written

    def update(
        self, client: OdooHandle, scope: Scope, move_id: int, c: Document, before: Document, key: str
    ) -> dict:
        current = self.fetch(client, move_id)
        state = current.get("state")
        values = self.header(client, c, before)
        lines_change = c.lines != before.lines or c.amounts != before.amounts
        if (values or lines_change) and state != "draft":
            if c.status == CANCELLED and state == "cancel":
                return current  # a cancelled document stays as it is
            client.odoo.call(MOVE, "button_draft", ids=[move_id])
            state = "draft"
        if values:
            client.odoo.write(MOVE, [move_id], values)
        if lines_change:
            self.replace_lines(client, move_id, c, key, [row["id"] for row in current["_lines"]])
        self._move_to(client, move_id, c.status, state)
        written = self.fetch(client, move_id)
        if c.status != CANCELLED:
            check_totals(c, self.canonical(client, written), "Odoo")
        return written

    def other_gone(self, client: OdooHandle, scope: Scope, move_id: int, key: str) -> dict | None:
        """Xero deleted documents stay listed with Status DELETED (so a deletion arrives as a status);
        a document gone from Xero altogether is left in Odoo."""
        return None

    @staticmethod
    def _move_to(client: OdooHandle, move_id: int, status: str, state: str) -> None:
        """draft → posted: action_post; posted/cancel → draft: button_draft; → cancelled: button_cancel
        (17+ resets a posted move first; 16 cancels a draft only, so it is reset first)."""
        wanted = {DRAFT: "draft", POSTED: "posted", CANCELLED: "cancel"}[status]
        if wanted == state:
            return
        if state != "draft":
            client.odoo.call(MOVE, "button_draft", ids=[move_id])
        if wanted == "posted":
            client.odoo.call(MOVE, "action_post", ids=[move_id])
        elif wanted == "cancel":
            client.odoo.call(MOVE, "button_cancel", ids=[move_id])
