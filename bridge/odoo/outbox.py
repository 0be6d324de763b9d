"""Odoo 16's outbox: rows the setup's rules add in the same transaction as each change (odoo-facts
§2.3), turned into the same events a webhook would have given, then removed once the broker has them."""

from __future__ import annotations

from bridge.broker.publisher import Outgoing, Publisher
from bridge.events import from_odoo_webhook, now
from bridge.odoo.client import OdooClient
from bridge.odoo.setup import OUTBOX
from bridge.routing import ConnectionDirectory


def drain_outbox(
    client: OdooClient, publisher: Publisher, directory: ConnectionDirectory, limit: int = 500
) -> int:
    """Publish up to `limit` outbox rows (oldest first), then delete them; returns how many."""
    rows = client.search_read(
        OUTBOX, [], ["x_model", "x_res_id", "x_event", "create_date"], limit=limit, order="id asc"
    )
    if not rows:
        return 0
    received = now()
    _, connection = directory.for_company(None)
    outgoing = []
    for row in rows:
        # The row is written in the change's own transaction: its create_date is the change's write_date.
        body = {
            "_model": row["x_model"],
            "_id": row["x_res_id"],
            "_event": row["x_event"],
            "write_date": row["create_date"],
        }
        event = from_odoo_webhook(body, connection, received, origin="poll")
        if event is not None:
            outgoing.append(Outgoing.of(event))
    publisher.publish(outgoing)
    client.unlink(OUTBOX, [row["id"] for row in rows])
    return len(rows)
