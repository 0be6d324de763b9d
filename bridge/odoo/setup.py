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
from bridge.odoo.client import OdooClient, xmlid_name

RULE_PREFIX = "Xero bridge: "
OUTBOX = "x_xero_event"
OUTBOX_FIELDS = (
    {"name": "x_name", "field_description": "Name", "ttype": "char"},
    {"name": "x_model", "field_description": "Model", "ttype": "char"},
    {"name": "x_res_id", "field_description": "Record id", "ttype": "integer"},
    {"name": "x_event", "field_description": "Event", "ttype": "char"},
)


@dataclass(frozen=True)
class Hook:
    model: str
    trigger_fields: tuple[str, ...]
    payload_fields: tuple[str, ...] = ("write_date", "company_id")


def hooks() -> list[Hook]:
    """What every built entity asks its automation rules to watch (bridge/entities.py), one hook per
    model: entities sharing a model (invoices and credit notes are both account.move) share its rules,
    which watch and send the union of their fields."""
    from bridge.entities import built

    merged: dict[str, Hook] = {}
    for hook in (hook for entity in built() for hook in entity.odoo_hooks):
        seen = merged.get(hook.model)
        merged[hook.model] = (
            hook
            if seen is None
            else Hook(
                hook.model,
                tuple(dict.fromkeys((*seen.trigger_fields, *hook.trigger_fields))),
                tuple(dict.fromkeys((*seen.payload_fields, *hook.payload_fields))),
            )
        )
    return list(merged.values())


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
        hooks_ = hooks()
        models = self._existing_models([h.model for h in hooks_])
        if self.outbox:
            self._ensure_outbox(plan, dry_run)
        for hook in hooks_:
            if hook.model not in models:
                plan.skipped.append(f"{hook.model}: not installed in this database")
                continue
            fields = self._existing_fields(hook.model, hook.trigger_fields)
            # The watched fields travel in the payload too: their values tell the consumer whether its
            # read already sees the change (17/18 post before commit, odoo-facts §2.1).
            payload = self._existing_fields(hook.model, (*hook.payload_fields, *hook.trigger_fields))
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
        """Each record with a stable external id (xero_bridge.setup_…), made in the call that creates
        it: a setup interrupted or retried after a lost answer finds what it made (odoo-facts §3.14)."""
        rule_xmlid = xmlid_name("setup_rule", rule_values["name"])
        if self.outbox:  # 16: the rule *is* its server action (_inherits, odoo-facts §2.2)
            self.client.create("base.automation", [rule_values | action], xmlids=[rule_xmlid])
            return
        # 17+: the webhook action first, then the rule linking it — as the rule form's (0, 0, action)
        # would, but each with its external id (load() links one2many lines by id, not by value).
        (action_id,) = self.client.create(
            "ir.actions.server",
            [action | {"usage": "base_automation"}],
            xmlids=[xmlid_name("setup_action", rule_values["name"])],
        )
        self.client.create(
            "base.automation",
            [rule_values | {"action_server_ids": [(6, 0, [action_id])]}],
            xmlids=[rule_xmlid],
        )

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
        """A manual model the rules write to, in the same transaction as the change (odoo-facts §2.3).
        Its model, fields and access rule are made by separate calls, each record with its external id:
        a setup interrupted half-way completes the outbox on its next run instead of leaving rules that
        would write to a model without its fields."""
        model_id = self._existing_models([OUTBOX]).get(OUTBOX)
        fields = self._existing_fields(OUTBOX, tuple(f["name"] for f in OUTBOX_FIELDS)) if model_id else {}
        access = (
            self.client.search_read("ir.model.access", [("model_id", "=", model_id)], ["id"])
            if model_id
            else []
        )
        if model_id and len(fields) == len(OUTBOX_FIELDS) and access:
            plan.actions.append(f"unchanged outbox model {OUTBOX}")
            return
        plan.actions.append(f"create outbox model {OUTBOX} (+ access for internal users)")
        if dry_run:
            return
        if model_id is None:
            (model_id,) = self.client.create(
                "ir.model",
                [{"name": "Xero bridge outbox", "model": OUTBOX, "state": "manual"}],
                xmlids=[xmlid_name("setup_outbox_model")],
            )
            # Odoo gives a new custom model its x_name field by default (ir.model `field_id` default).
            fields = self._existing_fields(OUTBOX, tuple(f["name"] for f in OUTBOX_FIELDS))
        missing = [f for f in OUTBOX_FIELDS if f["name"] not in fields]
        self.client.create(
            "ir.model.fields",
            [f | {"model_id": model_id} for f in missing],
            xmlids=[xmlid_name("setup_outbox_field", f["name"]) for f in missing],
        )
        if access:
            return
        group = self.client.search_read(
            "ir.model.data", [("module", "=", "base"), ("name", "=", "group_user")], ["res_id"]
        )
        values = {
            "name": f"{OUTBOX} internal users",
            "model_id": model_id,
            "perm_read": True,
            "perm_write": True,
            "perm_create": True,
            "perm_unlink": True,
        }
        if group:
            values["group_id"] = group[0]["res_id"]
        self.client.create("ir.model.access", [values], xmlids=[xmlid_name("setup_outbox_access")])
