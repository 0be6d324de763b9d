"""`bridge odoo setup`: one idempotent command that makes an Odoo database send the bridge its changes.

17+: per synced model, an automation rule "on create and edit" limited to the fields the bridge syncs
(so unrelated writes send nothing), filtered to skip the bridge's own writes (no ping-pong), with a
"Send Webhook Notification" action posting to /webhooks/odoo/<token>, and one "on deletion" rule.
16 cannot post webhooks (odoo-facts §2.3): the same rules instead add a row to an outbox model
`x_xero_event` in the same transaction, which the bridge polls.
Rules are found again by their name; running the command twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bridge.errors import PermanentError
from bridge.odoo.client import OdooClient

RULE_PREFIX = "Xero bridge: "
OUTBOX = "x_xero_event"


@dataclass(frozen=True)
class Hook:
    model: str
    trigger_fields: tuple[str, ...]
    payload_fields: tuple[str, ...] = ("write_date", "company_id")


HOOKS = (
    Hook(
        "res.partner",
        (
            "name",
            "is_company",
            "parent_id",
            "type",
            "ref",
            "vat",
            "email",
            "phone",
            "mobile",
            "street",
            "street2",
            "city",
            "zip",
            "state_id",
            "country_id",
            "category_id",
            "active",
            "company_id",
            "customer_rank",
            "supplier_rank",
        ),
    ),  # fmt: skip
    Hook("res.partner.category", ("name", "parent_id", "active"), ("write_date",)),
    Hook(
        "product.template",
        (
            "name",
            "default_code",
            "list_price",
            "standard_price",
            "sale_ok",
            "purchase_ok",
            "taxes_id",
            "supplier_taxes_id",
            "active",
            "type",
            "detailed_type",
            "is_storable",
        ),
    ),  # fmt: skip
    Hook(
        "account.move",
        (
            "state",
            "partner_id",
            "invoice_date",
            "invoice_date_due",
            "ref",
            "payment_reference",
            "currency_id",
            "invoice_line_ids",
            "payment_state",
            "narration",
        ),
        ("write_date", "company_id", "move_type"),
    ),  # fmt: skip
    Hook(
        "account.payment",
        ("state", "amount", "date", "partner_id", "journal_id"),
        ("write_date", "company_id"),
    ),
    Hook("sale.order", ("state", "partner_id", "order_line", "validity_date", "client_order_ref", "locked")),
    Hook("purchase.order", ("state", "partner_id", "order_line", "partner_ref", "date_planned")),
)


@dataclass
class Plan:
    """What setup would do (dry run) or did."""

    actions: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(1 for a in self.actions if not a.startswith("unchanged"))


class OdooSetup:
    def __init__(self, client: OdooClient, webhook_url: str, bridge_uid: int | None = None):
        self.client = client
        self.webhook_url = webhook_url
        self.bridge_uid = bridge_uid if bridge_uid is not None else client.uid
        self.outbox = client.version < 17

    def check_rights(self) -> None:
        """The setup user must be allowed to create automation rules (Settings / Administration)."""
        try:
            self.client.search("base.automation", [], limit=1)
        except PermanentError as exc:
            raise PermanentError(
                f"{exc.note}. The user running setup needs Settings rights (base.automation); "
                "run with an administrator's login and API key (--login/--api-key)"
            ) from None

    # ------------------------------------------------------------------------------------------

    def run(self, dry_run: bool = False) -> Plan:
        self.check_rights()
        plan = Plan()
        models = self._existing_models([h.model for h in HOOKS])
        if self.outbox:
            self._ensure_outbox(plan, dry_run)
        for hook in HOOKS:
            if hook.model not in models:
                plan.skipped.append(f"{hook.model}: not installed in this database")
                continue
            fields = self._existing_fields(hook.model, hook.trigger_fields)
            payload = self._existing_fields(hook.model, hook.payload_fields)
            self._ensure_rule(plan, dry_run, hook.model, "changed", "on_create_or_write", fields, payload)
            self._ensure_rule(plan, dry_run, hook.model, "deleted", "on_unlink", {}, payload)
        return plan

    def _existing_models(self, names: list[str]) -> dict[str, int]:
        rows = self.client.search_read("ir.model", [("model", "in", names)], ["model"])
        return {r["model"]: r["id"] for r in rows}

    def _existing_fields(self, model: str, names: tuple[str, ...]) -> dict[str, int]:
        rows = self.client.search_read(
            "ir.model.fields", [("model", "=", model), ("name", "in", list(names))], ["name"]
        )
        return {r["name"]: r["id"] for r in rows}

    def _filter_domain(self) -> str:
        # Skip the bridge's own writes: its echoes would bounce back to Xero (odoo-facts §2.2).
        return f"[('write_uid', '!=', {int(self.bridge_uid)})]"

    def _url(self, event: str) -> str:
        separator = "&" if "?" in self.webhook_url else "?"
        return f"{self.webhook_url}{separator}event={event}"

    def _ensure_rule(self, plan, dry_run, model, what, trigger, fields: dict, payload: dict) -> None:
        name = f"{RULE_PREFIX}{model} {what}"
        model_id = self._existing_models([model])[model]
        event = "unlink" if trigger == "on_unlink" else "write"
        rule_values = {
            "name": name,
            "model_id": model_id,
            "trigger": trigger,
            "filter_domain": self._filter_domain() if trigger != "on_unlink" else False,
            "trigger_field_ids": [(6, 0, sorted(fields.values()))],
            "active": True,
        }
        if self.outbox:
            action = {"state": "code", "code": self._outbox_code(event)}
        else:
            action = {
                "name": "Send Webhook Notification",
                "model_id": model_id,
                "state": "webhook",
                "webhook_url": self._url(event),
                "webhook_field_ids": [(6, 0, sorted(payload.values()))],
            }
        existing = self.client.search_read("base.automation", [("name", "=", name)], ["id"])
        if not existing:
            plan.actions.append(f"create rule '{name}' ({trigger}, {len(fields)} trigger fields)")
            if not dry_run:
                self._create_rule(rule_values, action)
            return
        rule_id = existing[0]["id"]
        if self._rule_matches(rule_id, rule_values, action):
            plan.actions.append(f"unchanged rule '{name}'")
            return
        plan.actions.append(f"update rule '{name}'")
        if not dry_run:
            self._update_rule(rule_id, rule_values, action)

    def _create_rule(self, rule_values: dict, action: dict) -> None:
        if self.outbox:  # 16: the rule *is* its server action (_inherits, odoo-facts §2.2)
            self.client.create("base.automation", [rule_values | action])
        else:
            self.client.create("base.automation", [rule_values | {"action_server_ids": [(0, 0, action)]}])

    def _update_rule(self, rule_id: int, rule_values: dict, action: dict) -> None:
        if self.outbox:
            self.client.write("base.automation", [rule_id], rule_values | action)
            return
        self.client.write("base.automation", [rule_id], rule_values)
        actions = self.client.read("base.automation", [rule_id], ["action_server_ids"])[0][
            "action_server_ids"
        ]
        if actions:
            self.client.write("ir.actions.server", actions[:1], action)
        else:
            self.client.write("base.automation", [rule_id], {"action_server_ids": [(0, 0, action)]})

    def _rule_matches(self, rule_id: int, rule_values: dict, action: dict) -> bool:
        fields = ["trigger", "filter_domain", "trigger_field_ids", "active"]
        fields += ["code", "state"] if self.outbox else ["action_server_ids"]
        rule = self.client.read("base.automation", [rule_id], fields)[0]
        if rule["trigger"] != rule_values["trigger"] or not rule["active"]:
            return False
        if (rule["filter_domain"] or False) != rule_values["filter_domain"]:
            return False
        if sorted(rule["trigger_field_ids"]) != rule_values["trigger_field_ids"][0][2]:
            return False
        if self.outbox:
            return rule["state"] == "code" and rule["code"] == action["code"]
        if not rule["action_server_ids"]:
            return False
        current = self.client.read(
            "ir.actions.server", rule["action_server_ids"][:1], ["state", "webhook_url", "webhook_field_ids"]
        )[0]
        return (
            current["state"] == "webhook"
            and current["webhook_url"] == action["webhook_url"]
            and sorted(current["webhook_field_ids"]) == action["webhook_field_ids"][0][2]
        )

    # ------------------------------------------------------------------------------ Odoo 16

    @staticmethod
    def _outbox_code(event: str) -> str:
        return (
            "for record in records:\n"
            f"    env['{OUTBOX}'].sudo().create({{'x_name': record._name, 'x_model': record._name, "
            f"'x_res_id': record.id, 'x_event': '{event}'}})\n"
        )

    def _ensure_outbox(self, plan: Plan, dry_run: bool) -> None:
        """A manual model the rules write to, in the same transaction as the change (odoo-facts §2.3)."""
        if OUTBOX in self._existing_models([OUTBOX]):
            plan.actions.append(f"unchanged outbox model {OUTBOX}")
            return
        plan.actions.append(f"create outbox model {OUTBOX} (+ access for internal users)")
        if dry_run:
            return
        fields = [
            (0, 0, {"name": "x_name", "field_description": "Name", "ttype": "char"}),
            (0, 0, {"name": "x_model", "field_description": "Model", "ttype": "char"}),
            (0, 0, {"name": "x_res_id", "field_description": "Record id", "ttype": "integer"}),
            (0, 0, {"name": "x_event", "field_description": "Event", "ttype": "char"}),
        ]
        (model_id,) = self.client.create(
            "ir.model",
            [{"name": "Xero bridge outbox", "model": OUTBOX, "state": "manual", "field_id": fields}],
        )
        group = self.client.search_read(
            "ir.model.data", [("module", "=", "base"), ("name", "=", "group_user")], ["res_id"]
        )
        access = {
            "name": f"{OUTBOX} internal users",
            "model_id": model_id,
            "perm_read": True,
            "perm_write": True,
            "perm_create": True,
            "perm_unlink": True,
        }
        if group:
            access["group_id"] = group[0]["res_id"]
        self.client.create("ir.model.access", [access])
