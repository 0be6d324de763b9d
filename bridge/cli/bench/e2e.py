"""`bridge bench e2e`: a change made in one system → visible in the other, both ways, over the whole
path (webhook, broker, worker, the other system's API), against the built-in sandboxes.

Changes are made at a steady pace that keeps the Xero tenant under its 60 calls a minute. To measure
a few hundred changes without waiting an hour, Xero's clock (its limits, token lifetimes) may run
faster than real time; latencies are always measured in real time, and the report says whether the
clock was scaled.
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

# One change each way costs Xero 5 calls: Xero→Odoo the user's write + the bridge's read;
# Odoo→Xero the bridge's read + write + its read of the echo webhook.
XERO_CALLS_PER_PAIR = 5


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class Watcher:
    """Records when each pending change became visible. One read of both sides per round (every 10 ms):
    the sandboxes are in this process, and a read per pending change would starve their servers.
    `read(keys)` returns the round's snapshot of the pending changes (their keys); each change's
    `arrived` test looks for itself in it."""

    def __init__(self, read: Callable[[list[str]], Any]):
        self.read = read
        self.pending: dict[str, tuple[float, str, Callable[[Any], bool]]] = {}
        self.latencies: dict[str, list[float]] = {"xero_to_odoo": [], "odoo_to_xero": []}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def expect(self, key: str, direction: str, arrived: Callable[[Any], bool]) -> None:
        with self.lock:
            self.pending[key] = (time.monotonic(), direction, arrived)

    def drain(self, timeout: float) -> int:
        """Waits up to `timeout` s for the pending changes; how many never arrived."""
        deadline = time.monotonic() + timeout
        while self.pending and time.monotonic() < deadline:
            time.sleep(0.05)
        return len(self.pending)

    def _run(self) -> None:
        while not self.stop.is_set():
            with self.lock:
                items = list(self.pending.items())
            if items:
                snapshot = self.read([key for key, _ in items])
                now = time.monotonic()
                for key, (started, direction, arrived) in items:
                    if arrived(snapshot):
                        with self.lock:
                            self.pending.pop(key, None)
                            self.latencies[direction].append((now - started) * 1000)
            time.sleep(0.01)


def pace(world, calls_per_pair: float, time_scale: float) -> float:  # noqa: ANN001 - a SandboxedBridge
    """Real seconds between two changes (one per direction) so that both directions together spend
    80 % of the tenant's minute budget (60 Xero calls a scaled minute)."""
    return 60.0 / (world.xero.limits.per_minute * 0.8) * calls_per_pair / time_scale / 2


def figures(
    bench: str, latencies: dict[str, list[float]], lost: int, time_scale: float, violations: list | None
) -> dict:
    """The bench's JSON line: p50/p99 both ways together and per direction, in ms. `violations`: the
    Xero client mistakes found, None when the Xero sandbox could not validate."""
    both = latencies["xero_to_odoo"] + latencies["odoo_to_xero"]
    out = {"bench": bench, "p50_ms": round(statistics.median(both), 1) if both else None,
           "p99_ms": round(_percentile(both, 0.99), 1) if both else None, "changes": len(both)}  # fmt: skip
    for direction, values in latencies.items():
        out[f"{direction}_p50_ms"] = round(statistics.median(values), 1) if values else None
        out[f"{direction}_p99_ms"] = round(_percentile(values, 0.99), 1) if values else None
    out.update(
        {"not_visible_after_60s": lost, "scaled_clock": time_scale != 1.0, "time_scale": time_scale,
         "xero_spec_violations": len(violations) if violations is not None else None}
    )  # fmt: skip
    return out


def outcomes(world, echo) -> list[str]:  # noqa: ANN001 - a SandboxedBridge
    """Prints the workers' outcomes and the bridge's Xero spec mistakes (up to ten); returns them all."""
    from bridge.cli.sandboxed import xero_client_mistakes

    echo(f"worker outcomes: {world.stats()}")
    violations = xero_client_mistakes(world.xero)
    for violation in violations[:10]:
        echo(f"Xero OpenAPI violation: {violation}")
    return violations


def run(changes: int, time_scale: float, echo=print) -> dict:
    from bridge.cli.sandboxed import SandboxedBridge

    world = SandboxedBridge(time_scale=time_scale, port=0).start()
    if world.xero.validator is None:
        echo(f"Xero sandbox: {world.xero.validation_note}")
    org = world.xero.org()
    odoo = world.odoo.env("admin")

    def odoo_phones() -> dict:
        rows = odoo.search_read("res.partner", [("name", "like", "E2E Xero")], ["name", "phone"])
        return {row["name"]: row["phone"] for row in rows}

    def xero_phones() -> dict:
        with org.lock:
            return {
                c.get("Name"): {p.get("PhoneNumber") for p in c.get("Phones", [])}
                for c in org.contacts.values()
                if str(c.get("Name", "")).startswith("E2E Odoo")
            }

    watcher = Watcher(lambda keys: (odoo_phones(), xero_phones()))
    try:
        contacts = 10
        interval = pace(world, XERO_CALLS_PER_PAIR, time_scale)
        # pairs to edit: created in Xero (→ Odoo) and created in Odoo (→ Xero)
        xero_ids, odoo_ids = [], []
        for i in range(contacts):
            created = world.xero_api(
                "PUT", "Contacts", json={"Contacts": [{"Name": f"E2E Xero {i:02d}"}]}
            ).json()
            xero_ids.append(created["Contacts"][0]["ContactID"])
            odoo_ids.append(odoo.create("res.partner", {"name": f"E2E Odoo {i:02d}", "is_company": True}))
            time.sleep(interval * 2)

        def bound(kind: str, ident) -> bool:
            from bridge.store import bindings

            with world.runtime.db.session() as session:
                finder = bindings.by_xero if kind == "xero" else bindings.by_odoo
                return finder(session, world.connection_id, "contact", ident) is not None

        world.wait(
            lambda: all(bound("xero", x) for x in xero_ids) and all(bound("odoo", o) for o in odoo_ids), 120
        )
        echo(
            f"{contacts} + {contacts} contacts paired; {changes} changes each way at one every {interval:.2f} s"
        )

        def odoo_phone_is(partner_name: str, phone: str):
            return lambda: bool(
                odoo.search("res.partner", [("name", "=", partner_name), ("phone", "=", phone)])
            )

        def xero_phone_is(name: str, phone: str):
            def check() -> bool:
                with org.lock:
                    return any(
                        c.get("Name") == name
                        and any(p.get("PhoneNumber") == phone for p in c.get("Phones", []))
                        for c in org.contacts.values()
                    )

            return check

        started = time.monotonic()
        for n in range(changes):
            i = n % contacts
            phone = f"+64 9 {uuid.uuid4().int % 10_000_000:07d}"
            name = f"E2E Xero {i:02d}"
            element = {"ContactID": xero_ids[i], "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": phone}]}
            watcher.expect(
                f"x{n}", "xero_to_odoo", lambda seen, name=name, phone=phone: seen[0].get(name) == phone
            )
            world.xero_api("POST", f"Contacts/{xero_ids[i]}", json={"Contacts": [element]})
            time.sleep(interval)
            phone = f"+64 4 {uuid.uuid4().int % 10_000_000:07d}"
            name = f"E2E Odoo {i:02d}"
            watcher.expect(
                f"o{n}", "odoo_to_xero", lambda seen, name=name, phone=phone: phone in seen[1].get(name, ())
            )
            odoo.write("res.partner", odoo_ids[i], {"phone": phone})
            time.sleep(interval)
            if (n + 1) % 50 == 0:
                echo(f"  {n + 1}/{changes} changes each way, {time.monotonic() - started:.0f} s")
        lost = watcher.drain(60)
        violations = outcomes(world, echo)
    finally:
        watcher.stop.set()
        world.stop()
    return figures(
        "e2e", watcher.latencies, lost, time_scale, violations if world.xero.validator is not None else None
    )
