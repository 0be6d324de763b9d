"""`bridge demo`: the bridge with its built-in Xero and Odoo sandboxes, and a scenario to watch."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable

import click


class Step:
    def __init__(self, title: str):
        self.title = title
        self.ok = False
        self.seconds = 0.0
        self.detail = ""


def _timed(
    step: Step, action: Callable[[], None], check: Callable[[], object], timeout: float, world
) -> None:
    click.echo(f"▶ {step.title} … ", nl=False)
    started = time.monotonic()
    action()
    try:
        result = world.wait(check, timeout=timeout, interval=0.02)
    except AssertionError:
        result = None
    step.seconds = time.monotonic() - started
    step.ok = bool(result)
    step.detail = result if isinstance(result, str) else ""
    mark = "ok" if step.ok else "FAILED"
    click.echo(f"{mark} in {step.seconds * 1000:.0f} ms{(' — ' + step.detail) if step.detail else ''}")


def run_scenario(world) -> list[Step]:
    from bridge.cli.mismatch import replay_entries
    from bridge.store import mismatches
    from bridge.store.mismatches import MismatchFilter

    org = world.xero.org()
    odoo = world.odoo.env("admin")
    steps: list[Step] = []

    def xero_named(name: str) -> list[dict]:
        with org.lock:
            return [dict(c) for c in org.contacts.values() if c.get("Name") == name]

    def odoo_named(name: str) -> list[dict]:
        return odoo.search_read("res.partner", [("name", "=", name)], ["name", "phone", "email"])

    def open_entries():
        with world.runtime.db.session() as session:
            return mismatches.find(session, MismatchFilter())

    created: dict = {}

    # 1. Xero → Odoo
    step = Step("a contact created in Xero appears in Odoo")
    steps.append(step)

    def create_in_xero() -> None:
        contact = {"Name": "Harbour Supplies Ltd", "EmailAddress": "accounts@harbour.test",
                   "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": "+64 9 555 0100"}]}  # fmt: skip
        created.update(world.xero_api("PUT", "Contacts", json={"Contacts": [contact]}).json()["Contacts"][0])

    _timed(step, create_in_xero, lambda: odoo_named("Harbour Supplies Ltd"), 15, world)
    partner_id = (odoo_named("Harbour Supplies Ltd") or [{"id": None}])[0]["id"]

    # 2. Odoo → Xero
    step = Step("the same contact edited in Odoo changes in Xero")
    steps.append(step)

    def phone_in_xero():
        for contact in xero_named("Harbour Supplies Ltd"):
            if any(p.get("PhoneNumber") == "+64 9 555 0199" for p in contact.get("Phones", [])):
                return True
        return False

    _timed(
        step,
        lambda: odoo.write("res.partner", partner_id, {"phone": "+64 9 555 0199"}),
        phone_in_xero,
        15,
        world,
    )

    # 3. a bad change → mismatch log → fix → replay
    step = Step("a bad change lands in the mismatch log (Xero refuses a duplicate name)")
    steps.append(step)

    def bad_change() -> None:
        world.xero_api("PUT", "Contacts", json={"Contacts": [{"Name": "Kiwi Fruit Co"}]})
        with contextlib.suppress(AssertionError):  # if it never comes, the step's check fails
            world.wait(lambda: odoo_named("Kiwi Fruit Co"), timeout=10)
        odoo.write("res.partner", partner_id, {"name": "Kiwi Fruit Co"})

    def logged():
        entries = open_entries()
        return entries[0].note if entries else None

    _timed(step, bad_change, logged, 15, world)

    step = Step("after the fix in Xero, replaying the entry applies the change once")
    steps.append(step)

    def fix_and_replay() -> None:
        kiwi = xero_named("Kiwi Fruit Co")[0]
        element = {"ContactID": kiwi["ContactID"], "Name": "Kiwi Fruit Co (old)"}
        world.xero_api("POST", f"Contacts/{kiwi['ContactID']}", json={"Contacts": [element]})
        entries = open_entries()
        replay_entries(world.runtime, [(e.id, e.event) for e in entries])

    def replayed():
        return len(xero_named("Kiwi Fruit Co")) == 1 and not open_entries() and "resolved"

    _timed(step, fix_and_replay, replayed, 20, world)
    return steps


@click.command()
@click.option(
    "--exit",
    "exit_after",
    is_flag=True,
    help="end after the scenario with a summary (non-zero if a step failed)",
)
@click.option("--odoo-version", default=17, type=click.Choice(["16", "17", "18", "19"]), show_default=True)
@click.option("--port", default=8000, show_default=True, help="the bridge's port (0: any free port)")
def demo(exit_after: bool, odoo_version: str, port: int) -> None:
    """Start Xero and Odoo sandboxes, the bridge (web + worker) on its embedded default, and walk
    through a scenario: Xero → Odoo, Odoo → Xero, a bad change, its fix and replay."""
    from bridge.cli.sandboxed import SandboxedBridge, xero_client_mistakes

    click.echo("starting the Xero sandbox, the Odoo sandbox and the bridge …")
    world = SandboxedBridge(odoo_version=int(odoo_version), port=port)
    try:
        world.start()
    except OSError as exc:
        click.echo(f"cannot start: {exc} (is port {port} taken? try --port 0)", err=True)
        sys.exit(2)
    try:
        click.echo(f"bridge  {world.url}   (store and broker in {world.home})")
        click.echo(
            f"Xero    {world.xero.url}   tenant {world.xero.tenants[0].tenant_id} ({world.xero.tenants[0].name})"
        )
        click.echo(
            f"Odoo {odoo_version} {world.odoo.url}   db {world.odoo.db_name}, login {world.odoo.login} / {world.odoo.password}"
        )
        if world.xero.validator is None:
            click.echo(f"Xero sandbox: {world.xero.validation_note}")
        click.echo("")
        steps = run_scenario(world)
        failed = [s for s in steps if not s.ok]
        click.echo("")
        click.echo(f"{len(steps) - len(failed)} of {len(steps)} steps passed; worker: {world.stats()}")
        violations = xero_client_mistakes(world.xero)
        if violations:
            click.echo(f"the Xero sandbox saw {len(violations)} violation(s) of Xero's OpenAPI file:")
            for violation in violations[:10]:
                click.echo(f"  {violation}")
        if exit_after:
            sys.exit(1 if failed or violations else 0)
        click.echo(
            "the bridge keeps running: try `bridge status` with BRIDGE_HOME="
            + world.home
            + "; Ctrl-C ends it"
        )
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        world.stop()
