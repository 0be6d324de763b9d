"""``OdooSandbox``: an in-memory Odoo 16–19 served over real HTTP, for tests and the demo."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from . import dispatch
from .app import create_app
from .automation import WebhookCall
from .faults import Faults
from .options import Options
from .orm import Env
from .seed import create_database
from .service import ApiKey, Service

# Internal user, Access Rights (ir.model.data, §3.14) and the app groups a sync needs.
API_KEY_MAX_DAYS = 90


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


BRIDGE_GROUPS = (
    "base.group_user",
    "base.group_erp_manager",
    "account.group_account_manager",
    "sales_team.group_sale_salesman",
    "purchase.group_purchase_user",
    "stock.group_stock_user",
)


class UserEnv:
    """Acts as one Odoo user in-process: each method call is its own transaction, like an RPC call,
    and goes through the same ORM path (access rules, timestamps, automation rules). Results are the
    server-side Python values (``datetime``/``date`` objects), not their RPC string form."""

    def __init__(self, sandbox: OdooSandbox, uid: int, context: dict | None = None) -> None:
        self._sb = sandbox
        self.uid = uid
        self.context = dict(context or {})

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self._sb.service.run(
            self.uid,
            self.context,
            lambda env: dispatch.call_positional(env, model, method, list(args), kwargs),
        )

    def create(self, model: str, vals: dict | list[dict]) -> Any:
        return self.call(model, "create", vals)

    def write(self, model: str, ids: int | list[int], vals: dict) -> bool:
        return self.call(model, "write", ids, vals)

    def unlink(self, model: str, ids: int | list[int]) -> bool:
        return self.call(model, "unlink", ids)

    def read(
        self, model: str, ids: int | list[int], fields: list[str] | None = None, load: Any = "_classic_read"
    ) -> list[dict]:
        return self.call(model, "read", ids, fields, load=load)

    def search(self, model: str, domain: list | None = None, **kw: Any) -> list[int]:
        return self.call(model, "search", domain or [], **kw)

    def search_read(
        self, model: str, domain: list | None = None, fields: list[str] | None = None, **kw: Any
    ) -> list[dict]:
        return self.call(model, "search_read", domain or [], fields, **kw)

    def search_count(self, model: str, domain: list | None = None) -> int:
        return self.call(model, "search_count", domain or [])

    def with_context(self, **kw: Any) -> UserEnv:
        return UserEnv(self._sb, self.uid, {**self.context, **kw})


class OdooSandbox:
    """An Odoo server of one version with one database.

    Credentials: ``login``/``password``/``api_key`` (admin, uid ``uid``) and ``bridge_login``/
    ``bridge_password``/``bridge_api_key`` (the bridge's bot user, uid ``bridge_uid``, groups
    ``bridge_groups``: internal user, Access Rights (ir.model.data) and the accounting, sales, purchase
    and inventory user groups by default). A ``demo`` user (password ``demo``, internal user of the
    first company only, no app groups) is there for access-right tests.

    Options: ``api_key_expiration`` (18/19: for both keys; the bridge's defaults to 90 days),
    ``companies`` (1–3), ``hold_commit_after_webhook`` (17/18: seconds a transaction stays open after
    it sent a webhook), ``untriggered_create_repeats``/``untriggered_write_repeats`` (webhooks per
    create/write for rules without trigger fields; observed 14 and 2), ``webhook_timeout`` (1 s as in
    Odoo), ``retry_sleep_scale`` (Odoo sleeps uniform(0, 2**try) s between retries; scaled down here).
    """

    def __init__(
        self,
        version: int = 17,
        *,
        db: str = "odoo",
        login: str = "admin",
        password: str = "admin",
        api_key: str | None = None,
        bridge_login: str = "bridge",
        bridge_password: str = "bridge",
        bridge_api_key: str | None = None,
        bridge_groups: tuple[str, ...] = BRIDGE_GROUPS,
        api_key_expiration: dt.datetime | None = None,
        companies: int = 2,
        hold_commit_after_webhook: float = 0.0,
        untriggered_create_repeats: int = 1,
        untriggered_write_repeats: int = 1,
        webhook_timeout: float = 1.0,
        retry_sleep_scale: float = 0.001,
    ) -> None:
        if version not in (16, 17, 18, 19):
            raise ValueError("version must be 16, 17, 18 or 19")
        self.version = version
        self.options = Options(
            version=version,
            webhook_timeout=webhook_timeout,
            hold_commit_after_webhook=hold_commit_after_webhook,
            untriggered_create_repeats=untriggered_create_repeats,
            untriggered_write_repeats=untriggered_write_repeats,
            retry_sleep_scale=retry_sleep_scale,
        )
        self.db = self.db_name = db  # the database name, as a client passes it
        self.login, self.password = login, password
        self.bridge_login, self.bridge_password = bridge_login, bridge_password
        self.database, self.ids = create_database(
            db, self.options, login, password, bridge_login, bridge_password, bridge_groups, companies
        )
        self.uid: int = self.ids["admin_uid"]
        self.bridge_uid: int = self.ids["bridge_uid"]
        self.demo_uid: int = self.ids["demo_uid"]
        self.company_ids: list[int] = self.ids["company_ids"]
        # §1.2: keys never expire on 16/17; on 18/19 an expiration date may be set
        self.faults = Faults(version)
        self.api_key = self.add_api_key(self.uid, api_key, api_key_expiration)
        # 18+: the bot is no Settings admin, so its key needs an expiry within 90 days (§1.2)
        if version >= 18 and api_key_expiration is None and "base.group_system" not in bridge_groups:
            api_key_expiration = _utcnow() + dt.timedelta(days=API_KEY_MAX_DAYS)
        self.bridge_api_key = self.add_api_key(self.bridge_uid, bridge_api_key, api_key_expiration)
        self.service = Service(self.database, self.faults)
        self.app = create_app(self.service, self.faults)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.url: str | None = None

    # -- server ------------------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> OdooSandbox:
        self._server = make_server(host, port, self.app, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="odoo-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> OdooSandbox:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- acting as users ---------------------------------------------------------------------------
    def _is_settings_admin(self, uid: int) -> bool:
        txn = self.database.begin()
        return Env(txn, uid).has_group("base.group_system")

    def uid_of(self, user: str | int) -> int:
        if isinstance(user, int):
            return user
        for uid, row in self.database.tables["res.users"].items():
            if row["login"] == user:
                return uid
        raise KeyError(f"no user with login {user!r}")

    def env(self, user: str | int = "admin", context: dict | None = None) -> UserEnv:
        """``sb.env(user="admin").create("res.partner", {...})``: one committed transaction per call."""
        return UserEnv(self, self.uid_of(user), context)

    @contextmanager
    def transaction(self, user: str | int = "admin", context: dict | None = None) -> Iterator[Env]:
        """Several ORM operations in one transaction: committed at exit, rolled back on an exception
        (17/18 webhooks sent inside it stay sent: phantom events; 19's are dropped)."""
        txn = self.database.begin()
        env = Env(txn, self.uid_of(user), context)
        try:
            yield env
        except BaseException:
            txn.rollback()
            raise
        try:
            txn.commit()
        except BaseException:
            txn.rollback()
            raise

    @contextmanager
    def commits_paused(self) -> Iterator[None]:
        """Every writing RPC call that reaches its commit point waits there until the block exits: its work is
        done (17/18 webhooks sent) but invisible to other callers. Deterministic before-commit window."""
        self.database.commit_gate.clear()
        try:
            yield
        finally:
            self.database.commit_gate.set()

    def add_api_key(
        self, user: str | int, key: str | None = None, expiration: dt.datetime | None = None
    ) -> str:
        """16/17 keys never expire. 18/19: Settings admins may create keys without expiry; anyone else
        needs an expiration at most 90 days away (Internal User's api_key_duration, odoo-facts §1.2)."""
        uid = self.uid_of(user)
        if self.version < 18:
            expiration = None
        elif not self._is_settings_admin(uid):
            limit = _utcnow() + dt.timedelta(days=API_KEY_MAX_DAYS, minutes=1)
            if expiration is None or expiration > limit:
                raise ValueError(
                    f"On Odoo {self.version} a non-admin API key needs an expiration within 90 days"
                )
        key = key or secrets.token_hex(20)
        self.database.api_keys.append(ApiKey(key, uid, expiration_date=expiration))
        return key

    def enable_2fa(self, user: str | int) -> None:
        """With TOTP enabled, RPC refuses the password: only API keys work (§1.2)."""
        self.database.totp_users.add(self.uid_of(user))

    # -- automation helpers (the same records a setup command would create, made as admin) -----------
    def field_ids(self, model: str, names: list[str] | tuple[str, ...]) -> list[int]:
        env = self.env("admin")
        out = []
        for name in names:
            found = env.search("ir.model.fields", [("model", "=", model), ("name", "=", name)])
            if not found:
                raise KeyError(f"{model}.{name} does not exist on Odoo {self.version}")
            out.append(found[0])
        return out

    def model_id(self, model: str) -> int:
        return self.env("admin").search("ir.model", [("model", "=", model)])[0]

    def add_webhook_rule(
        self,
        model: str,
        url: str,
        *,
        trigger: str = "on_create_or_write",
        trigger_fields: tuple[str, ...] | list[str] = (),
        fields: tuple[str, ...] | list[str] = (),
        filter_domain: str | None = None,
        name: str | None = None,
    ) -> tuple[int, int]:
        """A base.automation rule with one "Send Webhook Notification" action (17+). Returns (rule, action)."""
        if self.version < 17:
            raise ValueError("Odoo 16 has no webhook server action (odoo-facts §2.1); use an outbox rule")
        env = self.env("admin")
        mid = self.model_id(model)
        rule = env.create(
            "base.automation",
            {
                "name": name or f"Webhook {model} {trigger}",
                "model_id": mid,
                "trigger": trigger,
                "trigger_field_ids": [(6, 0, self.field_ids(model, trigger_fields))],
                "filter_domain": filter_domain or False,
                "action_server_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Send Webhook Notification",
                            "model_id": mid,
                            "state": "webhook",
                            "webhook_url": url,
                            "webhook_field_ids": [(6, 0, self.field_ids(model, fields))],
                        },
                    )
                ],
            },
        )
        action = env.read("base.automation", rule, ["action_server_ids"])[0]["action_server_ids"][0]
        return rule, action

    def install_outbox(
        self,
        models: tuple[str, ...] | list[str] = ("res.partner",),
        *,
        outbox: str = "x_xero_event",
        skip_bridge_writes: bool = True,
    ) -> int:
        """The transactional outbox of odoo-facts §2.3 option 2, built through the ORM as admin the way a
        setup command would on any version: a manual model ``outbox`` (x_model, x_res_id, x_event,
        x_write_date), full access for everyone, and per model two rules (create/write, unlink) whose
        code action inserts a row in the same transaction. Returns the ir.model id of the outbox."""
        env = self.env("admin")
        found = env.search("ir.model", [("model", "=", outbox)])
        if found:
            model_id = found[0]
        else:
            model_id = env.create(
                "ir.model",
                {
                    "name": "Xero bridge events",
                    "model": outbox,
                    "field_id": [
                        (0, 0, {"name": "x_name", "field_description": "Name", "ttype": "char"}),
                        (0, 0, {"name": "x_model", "field_description": "Model", "ttype": "char"}),
                        (0, 0, {"name": "x_res_id", "field_description": "Record ID", "ttype": "integer"}),
                        (0, 0, {"name": "x_event", "field_description": "Event", "ttype": "char"}),
                        (
                            0,
                            0,
                            {"name": "x_write_date", "field_description": "Write date", "ttype": "datetime"},
                        ),
                    ],
                },
            )
            env.create(
                "ir.model.access",
                {
                    "name": f"{outbox} all",
                    "model_id": model_id,
                    "perm_read": True,
                    "perm_write": True,
                    "perm_create": True,
                    "perm_unlink": True,
                },
            )
        domain = f"[('write_uid', '!=', {self.bridge_uid})]" if skip_bridge_writes else False
        for model in models:
            for trigger, event in (("on_create_or_write", "write"), ("on_unlink", "unlink")):
                code = (
                    f"env['{outbox}'].sudo().create({{'x_model': record._name, 'x_res_id': record.id, "
                    f"'x_event': '{event}', 'x_write_date': record.write_date}})"
                )
                action = {
                    "name": f"Outbox {model} {event}",
                    "model_id": self.model_id(model),
                    "state": "code",
                    "code": code,
                }
                rule = {
                    "name": f"Outbox {model} {event}",
                    "model_id": self.model_id(model),
                    "trigger": trigger,
                }
                rule["filter_domain"] = domain if trigger != "on_unlink" else False
                if self.version == 16:
                    env.create(
                        "base.automation", {**rule, **{k: v for k, v in action.items() if k != "model_id"}}
                    )
                else:
                    env.create("base.automation", {**rule, "action_server_ids": [(0, 0, action)]})
        return model_id

    def webhook_calls(self) -> list[WebhookCall]:
        return list(self.database.webhook_log)
