"""`bridge bench e2e --entity invoice`: an invoice approved in one system → approved in the other, both
ways, over the whole path (webhook, broker, worker, the other system's API), against the sandboxes.

- Odoo → Xero: an Odoo draft customer invoice, already in Xero as a DRAFT, is posted (action_post);
  measured until the bound Xero invoice reads Status AUTHORISED.
- Xero → Odoo: a Xero DRAFT ACCREC invoice, already in Odoo as a draft, is approved (POST /Invoices
  with Status AUTHORISED); measured until the bound Odoo move is `posted`.

Approving cannot be undone in Xero (an AUTHORISED invoice never goes back to DRAFT, xero-facts §8), so
each measured change has a draft of its own, made and synced before the clock starts. Pacing, the
scaled Xero clock and the report are e2e.py's.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from bridge.cli.bench.documents import usd_organisation
from bridge.cli.bench.e2e import Watcher, figures, outcomes, pace

# One change each way costs Xero 7 calls (counted in the sandbox): Xero→Odoo the user's approval, the
# bridge's read of it, and for the echo of the move it posted a read of the invoice and of the chart of
# accounts; Odoo→Xero the bridge's read of the chart (Odoo's lines name accounts by Xero Code, and the
# chart is cached per Xero client, which is one per event), its read of the invoice, its write, and its
# read of the echo webhook. The bench prints the count it observed.
XERO_CALLS_PER_PAIR = 7
# Setting up costs about 9 calls a pair more (each draft made, read, written, its echo read). 80 % of
# Xero's 5,000 calls a day (xero-facts §2; even a clock at 20x does not renew the day during a run):
SETUP_CALLS_PER_PAIR = 9
MAX_CHANGES = int(5000 * 0.8) // (XERO_CALLS_PER_PAIR + SETUP_CALLS_PER_PAIR)  # 250
PARTNERS = 10  # contacts the invoices are addressed to, on each side
BATCH = 10  # drafts made per round while setting up (Xero takes up to 50 documents a call)
# The accounts and taxes documents use, mapped as `bridge mapping set` would (as tests/support/
# documents.py does): Odoo's 400000 ⇄ Xero's sales account 200, Odoo's 15 % sale tax ⇄ OUTPUT2.
SALES_ACCOUNT = ("400000", "200")
SALES_TAX = (15.0, "OUTPUT2")


def _ready_for_invoices(world) -> tuple[int, int]:  # noqa: ANN001 - a SandboxedBridge
    """A USD Xero organisation like the Odoo company (equal bases; a foreign-currency invoice would
    need its currency enabled first) with the sales account and tax bound. (Odoo account, tax) ids."""
    from bridge.store import bindings

    org, admin = world.xero.org(), world.odoo.env("admin")
    usd_organisation(world.xero)
    with org.lock:
        xero_account = org.account_by_code(SALES_ACCOUNT[1])["AccountID"]
    (account,) = admin.search("account.account", [("code", "=", SALES_ACCOUNT[0])], limit=1)
    (tax,) = admin.search(
        "account.tax", [("type_tax_use", "=", "sale"), ("amount", "=", SALES_TAX[0])], limit=1
    )
    with world.runtime.db.session() as session:
        bindings.bind(session, world.connection_id, "account", xero_id=xero_account, odoo_id=account)
        bindings.bind(session, world.connection_id, "tax_rate", xero_id=SALES_TAX[1], odoo_id=tax)
    return account, tax


def _as_user(world, method: str, path: str, **kwargs) -> dict:  # noqa: ANN001 - a SandboxedBridge
    """A Xero user's call; one refused by the tenant's minute limit (which the bridge's calls share) is
    made again once the limit allows, as a person would."""
    for _ in range(120):
        response = world.xero_api(method, path, **kwargs)
        if response.status_code != 429:
            if response.status_code != 200:
                raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:300]}")
            return response.json()
        time.sleep(float(response.headers.get("Retry-After", 1)) / world.time_scale)
    raise RuntimeError(f"{method} {path}: still refused by Xero's rate limit")


def _xero_calls(world) -> int:  # noqa: ANN001 - a SandboxedBridge
    """Calls the tenant has made today, by the sandbox's own count (for the calls-per-change line)."""
    window = world.xero.limiter._day.get(world.xero.tenants[0].tenant_id)
    return window.count if window is not None else 0


def run(changes: int, time_scale: float, echo=print) -> dict:
    if not 0 < changes <= MAX_CHANGES:
        raise ValueError(f"1 to {MAX_CHANGES} invoice changes each way fit in Xero's day of calls")
    from bridge.cli.sandboxed import SandboxedBridge
    from bridge.store import bindings

    world = SandboxedBridge(time_scale=time_scale, port=0).start()
    if world.xero.validator is None:
        echo(f"Xero sandbox: {world.xero.validation_note}")
    org = world.xero.org()
    odoo = world.odoo.env("admin")
    # Odoo → Xero: move id → Xero InvoiceID; Xero → Odoo: InvoiceID → move id (bound before measuring)
    to_xero: dict[int, str] = {}
    to_odoo: dict[str, int] = {}

    def read(keys: list[str]) -> dict[str, bool]:
        """Whether each pending change has arrived: one read of each side for all of them."""
        moves = [to_odoo[key[2:]] for key in keys if key.startswith("x:")]
        posted = set()
        if moves:
            found = odoo.search_read("account.move", [("id", "in", moves), ("state", "=", "posted")], ["id"])
            posted = {row["id"] for row in found}
        with org.lock:
            approved = {
                key
                for key in keys
                if key.startswith("o:")
                and org.invoices.get(to_xero[int(key[2:])], {}).get("Status") == "AUTHORISED"
            }
        return {
            key: (to_odoo[key[2:]] in posted if key.startswith("x:") else key in approved) for key in keys
        }

    def bound(kind: str, entity: str, ident) -> Any:
        with world.runtime.db.session() as session:
            finder = bindings.by_xero if kind == "xero" else bindings.by_odoo
            found = finder(session, world.connection_id, entity, ident)
            return found if bindings.is_pair(found) else None

    watcher = Watcher(read)
    try:
        account, tax = _ready_for_invoices(world)
        interval = pace(world, XERO_CALLS_PER_PAIR, time_scale)
        today = dt.date.today()
        date, due = today.isoformat(), (today + dt.timedelta(days=30)).isoformat()

        partners = odoo.create(
            "res.partner", [{"name": f"E2E Inv Odoo {i:02d}", "is_company": True} for i in range(PARTNERS)]
        )
        made = _as_user(
            world,
            "PUT",
            "Contacts",
            json={"Contacts": [{"Name": f"E2E Inv Xero {i:02d}"} for i in range(PARTNERS)]},
        )
        contacts = [c["ContactID"] for c in made["Contacts"]]
        world.wait(
            lambda: (
                all(bound("odoo", "contact", p) for p in partners)
                and all(bound("xero", "contact", c) for c in contacts)
            ),
            120,
            message="the bench's contacts paired",
        )

        # A draft per measured change on each side, in rounds of BATCH, each synced before the next.
        for start in range(0, changes, BATCH):
            count = min(BATCH, changes - start)
            moves = odoo.create("account.move", [
                {"move_type": "out_invoice", "partner_id": partners[(start + i) % PARTNERS],
                 "invoice_date": date, "invoice_date_due": due,
                 "invoice_line_ids": [(0, 0, {"name": f"E2E work {start + i}", "quantity": 1, "price_unit": 100.0,
                                              "account_id": account, "tax_ids": [(6, 0, [tax])]})]}
                for i in range(count)
            ])  # fmt: skip
            made = _as_user(world, "PUT", "Invoices", json={"Invoices": [
                {"Type": "ACCREC", "Contact": {"ContactID": contacts[(start + i) % PARTNERS]}, "Date": date,
                 "DueDate": due, "Status": "DRAFT", "LineAmountTypes": "Exclusive",
                 "LineItems": [{"Description": f"E2E design {start + i}", "Quantity": 1, "UnitAmount": 100,
                                "AccountCode": SALES_ACCOUNT[1], "TaxType": SALES_TAX[1]}]}
                for i in range(count)
            ]})  # fmt: skip
            invoices = [doc["InvoiceID"] for doc in made["Invoices"]]

            def synced(moves=moves, invoices=invoices) -> bool:
                pairs = [bound("odoo", "invoice", m) for m in moves]
                pairs += [bound("xero", "invoice", i) for i in invoices]
                return all(pairs) and bool(pairs)

            world.wait(synced, 120, message=f"drafts {start + 1}–{start + count} synced both ways")
            for move_id in moves:
                to_xero[move_id] = bound("odoo", "invoice", move_id).xero_id
            for invoice_id in invoices:
                to_odoo[invoice_id] = bound("xero", "invoice", invoice_id).odoo_id
        world.settle(timeout=120)
        states = {row["state"] for row in odoo.read("account.move", list(to_odoo.values()), ["state"])}
        with org.lock:
            statuses = {org.invoices[i]["Status"] for i in to_xero.values()}
        if states != {"draft"} or statuses != {"DRAFT"}:
            raise RuntimeError(f"the drafts did not sync as drafts: Odoo {states}, Xero {statuses}")
        # Start the measured changes on a fresh Xero minute: setting up spent this one's calls.
        time.sleep(world.xero.limits.minute_seconds / time_scale)
        echo(
            f"{changes} + {changes} draft invoices synced; {changes} approvals each way at one every "
            f"{interval:.2f} s"
        )

        started, calls_before, refused = time.monotonic(), _xero_calls(world), 0
        move_ids, invoice_ids = list(to_xero), list(to_odoo)
        for n in range(changes):
            invoice_id = invoice_ids[n]
            watcher.expect(f"x:{invoice_id}", "xero_to_odoo", lambda seen, key=f"x:{invoice_id}": seen[key])
            approval = {"Invoices": [{"InvoiceID": invoice_id, "Status": "AUTHORISED"}]}
            response = world.xero_api("POST", "Invoices", json=approval)
            if response.status_code == 429:  # counted: pacing should leave the user's call room
                refused += 1
                _as_user(world, "POST", "Invoices", json=approval)
            elif response.status_code != 200:
                raise RuntimeError(f"approving {invoice_id} in Xero: {response.text[:300]}")
            time.sleep(interval)
            move_id = move_ids[n]
            watcher.expect(f"o:{move_id}", "odoo_to_xero", lambda seen, key=f"o:{move_id}": seen[key])
            odoo.call("account.move", "action_post", [move_id])
            time.sleep(interval)
            if (n + 1) % 50 == 0:
                echo(f"  {n + 1}/{changes} changes each way, {time.monotonic() - started:.0f} s")
        lost = watcher.drain(60)
        try:
            world.settle(timeout=60)  # the echoes too, for the count of calls
        except AssertionError as exc:
            echo(str(exc))
        calls = _xero_calls(world) - calls_before
        if calls >= 0 and changes:
            echo(
                f"Xero calls per change pair: {calls / changes:.1f} (paced for {XERO_CALLS_PER_PAIR}); "
                f"user calls refused by the rate limit: {refused}"
            )
        violations = outcomes(world, echo)
    finally:
        watcher.stop.set()
        world.stop()
    result = figures(
        "e2e", watcher.latencies, lost, time_scale, violations if world.xero.validator is not None else None
    )
    return {"bench": "e2e", "entity": "invoice", **result}
