"""`bridge bench sync`: export N contacts (or products, accounts, invoices) from the Odoo sandbox to
the Xero sandbox with Xero's real limits (60 calls a minute per tenant), and report Xero calls per
record, records per minute against the 3,000-a-minute ceiling (60 calls x 50 records), and the
exporting process's peak memory.

The sandboxes run in a process of their own, so the memory figure is the bridge's alone; each size
is exported by a fresh process, so "memory flat from 1,000 to 10,000" compares like with like.
Xero's clock may run faster than real time (the report says so); rates are given in Xero's minutes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bridge.cli.bench.documents import usd_organisation

REPO = Path(__file__).resolve().parents[3]
CEILING_PER_MINUTE = 60 * 50

# What each entity's export starts from: the Odoo model and one record as a person would type it.
ENTITIES = {
    "contact": (
        "res.partner",
        lambda i: {"name": f"Bench Partner {i:06d}", "email": f"p{i}@bench.test", "is_company": True},
    ),
    "item": (
        "product.product",
        lambda i: {
            "name": f"Bench Product {i:06d}",
            "default_code": f"BENCH-{i:06d}",
            "list_price": 10 + i % 90,
        },
    ),
    "account": (
        "account.account",
        lambda i: {"code": f"9{i:05d}", "name": f"Bench Account {i:06d}", "account_type": "expense"},
    ),
}


# Invoices: 5 product lines each, for one new customer in ten, from a catalogue of 25 new products.
INVOICE_LINES, INVOICES_PER_CUSTOMER, PRODUCTS = 5, 10, 25


def _invoices(admin, records: int) -> None:
    """What the invoice export starts from: new customers and products, and `records` draft customer
    invoices as an accountant would type them (product lines, the 15 % sales tax)."""
    customers = admin.call(
        "res.partner",
        "create",
        [
            {"name": f"Bench Customer {i:05d}", "email": f"c{i}@bench.test", "is_company": True}
            for i in range(max(1, records // INVOICES_PER_CUSTOMER))
        ],
    )
    products = admin.call(
        "product.product",
        "create",
        [
            {"name": f"Bench Part {i:03d}", "default_code": f"PART-{i:03d}", "list_price": 5 + i}
            for i in range(PRODUCTS)
        ],
    )
    (income,) = admin.call("account.account", "search", [("code", "=", "400000")], limit=1)
    (tax,) = admin.call(
        "account.tax", "search", [("type_tax_use", "=", "sale"), ("amount", "=", 15.0)], limit=1
    )
    for start in range(0, records, 200):
        admin.call(
            "account.move",
            "create",
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customers[i % len(customers)],
                    "invoice_date": "2026-11-20",
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": products[(i + n) % PRODUCTS],
                                "name": f"Part {(i + n) % PRODUCTS}",
                                "quantity": 1 + n,
                                "price_unit": 5 + (i + n) % PRODUCTS + 0.25 * n,
                                "account_id": income,
                                "tax_ids": [(6, 0, [tax])],
                            },
                        )  # fmt: skip
                        for n in range(INVOICE_LINES)
                    ],
                }
                for i in range(start, min(records, start + 200))
            ],
        )


def _map_accounts_and_taxes(db, xero_client, admin, connection_id: str) -> None:
    """As `bridge mapping` would: Odoo's 400000 ⇄ Xero's sales account 200, the 15 % sales tax ⇄
    OUTPUT2 (before the measured run; its calls are not the export's)."""
    from bridge.store import bindings

    (account,) = admin.call("account.account", "search", [("code", "=", "400000")], limit=1)
    (tax,) = admin.call(
        "account.tax", "search", [("type_tax_use", "=", "sale"), ("amount", "=", 15.0)], limit=1
    )
    (sales,) = xero_client.get("Accounts", {"where": 'Code=="200"'})["Accounts"]
    with db.session() as session:
        bindings.bind(session, connection_id, "account", xero_id=sales["AccountID"], odoo_id=account)
        bindings.bind(session, connection_id, "tax_rate", xero_id="OUTPUT2", odoo_id=tax)


def _serve_sandboxes(scale: float, ready, stop, entity: str = "contact") -> None:
    """Child process: both sandboxes, until told to stop; then the Xero sandbox's spec violations."""
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from bridge.cli.sandboxed import default_xero_spec_dir, xero_client_mistakes
    from sandboxes.odoo import OdooSandbox
    from sandboxes.xero import XeroSandbox
    from sandboxes.xero.clock import ShiftedClock

    clock = ShiftedClock(scale=scale)
    xero = XeroSandbox(auto_approve=True, clock=clock, spec_dir=default_xero_spec_dir())
    xero.start()
    if entity == "invoice":
        usd_organisation(xero)
    odoo = OdooSandbox(version=17)
    odoo.start()
    ready.put(
        {
            "origin": clock._origin,
            "xero_validation_off": xero.validation_note if xero.validator is None else None,
            "xero": xero.describe() | {"url": xero.url},
            "odoo": {
                "url": odoo.url,
                "db": odoo.db_name,
                "login": odoo.login,
                "api_key": odoo.api_key,
                "bridge_login": odoo.bridge_login,
                "bridge_api_key": odoo.bridge_api_key,
                "company": odoo.company_ids[0],
            },
        }  # fmt: skip
    )
    stop.wait()
    xero.stop()
    odoo.stop()
    ready.put(xero_client_mistakes(xero))


def export_once(records: int, scale: float, entity: str = "contact") -> dict:
    """One measured export in this process (`python -m bridge.cli.bench.sync RECORDS SCALE [ENTITY]`)."""
    import logging

    logging.basicConfig(level=logging.WARNING)
    import requests

    context = multiprocessing.get_context("spawn")
    ready, stop = context.Queue(), context.Event()
    server = context.Process(target=_serve_sandboxes, args=(scale, ready, stop, entity), daemon=True)
    server.start()
    info = ready.get(timeout=60)
    try:
        from bridge.config import OdooSettings, load_settings
        from bridge.entities import get as entity_named
        from bridge.odoo.client import OdooClient
        from bridge.services import build_services
        from bridge.store import Database, connections
        from bridge.xero.oauth import XeroConnector
        from consumers.base import Context

        home = tempfile.mkdtemp(prefix="bridge-bench-sync-")
        xero, odoo = info["xero"], info["odoo"]
        settings = load_settings(
            {
                "BRIDGE_HOME": home,
                "XERO_API_URL": xero["api_url"],
                "XERO_TOKEN_URL": xero["token_url"],
                "XERO_AUTHORIZE_URL": xero["authorize_url"],
                "XERO_CONNECTIONS_URL": xero["connections_url"],
                "XERO_CLIENT_ID": xero["client_id"],
                "XERO_CLIENT_SECRET": xero["client_secret"],
                "ODOO_URL": odoo["url"],
                "ODOO_DB": odoo["db"],
                "ODOO_USERNAME": odoo["bridge_login"],
                "ODOO_API_KEY": odoo["bridge_api_key"],
                "XERO_BULK_SHARE": "0.95",
            }  # fmt: skip
        )
        origin = info["origin"]

        def clock() -> float:
            return origin + (time.time() - origin) * scale

        def sleep(seconds: float) -> None:
            time.sleep(seconds / scale)

        db = Database(settings.database_url)
        db.migrate()
        services = build_services(settings, db, clock=clock, sleep=sleep)
        from bridge.store.credentials import load_or_create_key

        connector = XeroConnector(
            settings.xero, services["xero"].keeper, db, load_or_create_key(None, settings.home)
        )
        consent = requests.get(connector.authorization_url(), allow_redirects=False, timeout=30).headers[
            "Location"
        ]
        from urllib.parse import parse_qs, urlsplit

        token_set, organisations = connector.complete(consent, parse_qs(urlsplit(consent).query)["state"][0])
        with db.session() as session:
            connection = connections.add(
                session, "Bench", organisations[0].tenant_id, odoo["company"], id="bench"
            )
            connection.xero_token_set = token_set
        admin = OdooClient.connect(
            OdooSettings(url=odoo["url"], db=odoo["db"], username=odoo["login"], api_key=odoo["api_key"])
        )
        if entity == "invoice":
            _invoices(admin, records)
            _map_accounts_and_taxes(db, services["xero"].for_connection("bench"), admin, "bench")
        else:
            model, make_row = ENTITIES[entity]
            for start in range(0, records, 1000):
                rows = [make_row(i) for i in range(start, min(records, start + 1000))]
                admin.call(model, "create", rows)  # as a person importing them would: plain creates
        engine = entity_named(entity).bulk(Context(settings, db, services), "bench")
        forecast = engine.forecast("export")
        started_xero, started_real = clock(), time.monotonic()
        report = engine.export()
        xero_minutes = (clock() - started_xero) / 60
        exported = report.created + report.updated
        rate = exported / xero_minutes if xero_minutes else 0.0
        figures = {
            "records": exported,
            "forecast_records": forecast.records,
            "refused": report.refused,
            "xero_calls": report.xero_calls,
            "xero_calls_per_record": round(report.xero_calls / exported, 4) if exported else None,
            "records_per_minute": round(rate, 1),
            "ceiling_ratio": round(rate / CEILING_PER_MINUTE, 3),
            "real_seconds": round(time.monotonic() - started_real, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    finally:
        stop.set()
        try:
            violations = ready.get(timeout=30)
        except queue.Empty:
            violations = None
        server.join(30)
    figures["xero_validation_off"] = info["xero_validation_off"]
    figures["xero_spec_violations"] = violations
    return figures


def run(records: int, scale: float, compare_with: int, echo=print, entity: str = "contact") -> dict:
    """Each size in a fresh process; the figures for `records`, with the smaller run's memory beside."""
    results = {}
    for size in sorted({compare_with, records}):
        echo(f"exporting {size:,} {entity} records (Xero's clock x{scale:g}) …")
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        done = subprocess.run(
            [sys.executable, "-m", "bridge.cli.bench.sync", str(size), str(scale), entity],
            env=env, capture_output=True, text=True, timeout=3600,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"the {size} run failed:\n{done.stderr[-2000:]}")
        results[size] = json.loads(done.stdout.strip().splitlines()[-1])
        r = results[size]
        echo(
            f"  {r['records']:,} exported, {r['xero_calls']} Xero calls ({r['xero_calls_per_record']}/record), "
            f"{r['records_per_minute']:,.0f} records/min ({r['ceiling_ratio']:.0%} of 3,000), peak RSS {r['peak_rss_mb']} MB, "
            f"{r['real_seconds']} s"
        )
    main = results[records]
    if main["xero_validation_off"]:
        echo(f"Xero sandbox: {main['xero_validation_off']}")
    for violation in (main["xero_spec_violations"] or [])[:10]:
        echo(f"Xero OpenAPI violation: {violation}")
    return {
        "bench": "sync",
        "entity": entity,
        "records": main["records"],
        "xero_calls": main["xero_calls"],
        "xero_calls_per_record": main["xero_calls_per_record"],
        "records_per_minute": main["records_per_minute"],
        "ceiling_ratio": main["ceiling_ratio"],
        "peak_rss_mb": main["peak_rss_mb"],
        f"peak_rss_mb_at_{compare_with}": results[compare_with]["peak_rss_mb"],
        "refused": main["refused"],
        # None: not checked (validation off, or the sandbox process did not report)
        "xero_spec_violations": None
        if main["xero_validation_off"] or main["xero_spec_violations"] is None
        else len(main["xero_spec_violations"]),
        "scaled_clock": scale != 1.0,
        "time_scale": scale,
    }


if __name__ == "__main__":
    print(json.dumps(export_once(int(sys.argv[1]), float(sys.argv[2]), *sys.argv[3:4])))
