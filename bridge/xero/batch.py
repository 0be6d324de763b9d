"""Writing many records to Xero at once, each element's outcome mapped back to its own record:
the ones Xero took are bound, the ones it refused go to the mismatch log with Xero's own words."""

from __future__ import annotations

from dataclasses import dataclass

from bridge.events import Event
from bridge.store import Database, bindings, mismatches
from bridge.xero.client import ElementResult, XeroClient

ID_FIELDS = {
    "Contacts": "ContactID",
    "Items": "ItemID",
    "Invoices": "InvoiceID",
    "CreditNotes": "CreditNoteID",
}


@dataclass(frozen=True)
class BatchItem:
    odoo_id: int
    element: dict
    event: Event  # what the record's change is, for the mismatch log and a later replay
    record_name: str | None = None


@dataclass(frozen=True)
class BatchOutcome:
    bound: int
    refused: int
    results: list[ElementResult]


def export_batch(
    client: XeroClient,
    db: Database,
    connection_id: str,
    entity: str,
    collection: str,
    items: list[BatchItem],
    key: str,
) -> BatchOutcome:
    results = client.save(collection, [item.element for item in items], key=key)
    id_field = ID_FIELDS[collection]
    bound = refused = 0
    with db.session() as session:
        for item, result in zip(items, results, strict=True):
            if result.ok:
                bindings.bind(
                    session, connection_id, entity, xero_id=result.record[id_field], odoo_id=item.odoo_id
                )
                bound += 1
                continue
            mismatches.record(
                session,
                event=item.event.to_dict(),
                kind="permanent",
                note="Xero ValidationException: " + "; ".join(result.errors or ["refused"]),
                details={"messages": result.errors, "element": item.element},
                source="odoo",
                source_model=item.event.source_model,
                entity=entity,
                target="xero",
                attempts=1,
                record_name=item.record_name,
            )
            refused += 1
    return BatchOutcome(bound, refused, results)
