"""An in-memory Odoo 16–19 for tests and the demo: ORM, external API over HTTP, automation webhooks.

It imports nothing from the bridge: it plays Odoo, following /work/shared/research/odoo-facts.md.

    sb = OdooSandbox(version=17).start()          # sb.url, sb.db, sb.login/password/api_key
    sb.bridge_uid, sb.bridge_login, sb.bridge_api_key
    sb.env("admin").create("res.partner", {"name": "Acme"})   # acts as a user: rules fire, stamps set
    sb.add_webhook_rule("res.partner", url, trigger_fields=["name"], fields=["name"],
                        filter_domain=f"[('write_uid', '!=', {sb.bridge_uid})]")  # 17+
    sb.install_outbox(["res.partner"])            # 16 (works on all): x_xero_event rows
    with sb.commits_paused(): ...                 # writes wait before commit (17/18 webhooks already sent)
    sb.faults.serialization_failures(2); sb.faults.drop_connections(1, after_commit=True)
    sb.stop()

Modules: fields/catalog_* (models per version), store (rows, snapshot transactions), domain, orm,
computes, business/ (model behaviour and public methods), automation (rules, webhooks, outbox
actions), dispatch/service (method binding, auth, per-call transactions and retries), protocols/app
(XML-RPC, JSON-RPC, JSON-2 over Flask), faults, sandbox (in-process API), cli.
"""

from .sandbox import OdooSandbox, UserEnv

__all__ = ["OdooSandbox", "UserEnv"]
