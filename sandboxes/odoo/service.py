"""The server side of the external API, shared by XML-RPC, JSON-RPC and JSON-2.

Authentication (password or API key, odoo-facts §1.2) and one transaction per call with the server's
own retry loop on serialization failures (§1.1, §1.6).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import dispatch
from .errors import RETRYABLE, AccessDenied, DatabaseNotFound
from .faults import Faults
from .orm import Env
from .store import Database, utcnow

_logger = logging.getLogger("odoo.service.model")


@dataclass
class ApiKey:
    key: str
    uid: int
    name: str = "bridge"
    scope: str | None = None  # None = global, "rpc" accepted too
    expiration_date: dt.datetime | None = None  # 18+ only (§1.2)


class Service:
    def __init__(self, db: Database, faults: Faults) -> None:
        self.db = db
        self.faults = faults

    # -- common ------------------------------------------------------------------------------------
    def version(self) -> dict:
        o = self.db.options
        return {
            "server_version": o.server_version,
            "server_version_info": o.version_info,
            "server_serie": o.server_serie,
            "protocol_version": 1,
        }

    def _check_db(self, db: str) -> None:
        if db != self.db.name:
            raise DatabaseNotFound(f'FATAL:  database "{db}" does not exist')

    def _uid_for_login(self, login: str) -> int | None:
        for uid in self.db.tables["res.users"]:
            row = self.db.tables["res.users"][uid]
            if row["login"] == login and row["active"]:
                return uid
        return None

    def check_credentials(self, uid: int, password: str) -> None:
        """Password first (unless 2FA forces API keys), then an API key of that user (§1.2)."""
        if not isinstance(password, str) or not password:
            raise AccessDenied()
        row = self.db.tables["res.users"].get(uid)
        if row is None or not row["active"]:
            raise AccessDenied()
        if uid not in self.db.totp_users and self.db.passwords.get(uid) == password:
            return
        if self.key_owner(password) == uid:
            return
        raise AccessDenied()

    def key_owner(self, key: str) -> int | None:
        now = utcnow()
        for k in self.db.api_keys:
            if not secrets.compare_digest(k.key, key):
                continue
            if k.scope not in (None, "rpc"):
                continue
            if self.db.version >= 18 and k.expiration_date is not None and k.expiration_date < now:
                return None
            return k.uid
        return None

    def authenticate(self, db: str, login: str, password: str, user_agent_env: Any = None) -> int | bool:
        self._check_db(db)
        uid = self._uid_for_login(login)
        if uid is None:
            return False
        try:
            self.check_credentials(uid, password)
        except AccessDenied:
            return False
        return uid

    def common(self, method: str, args: list) -> Any:
        if method == "version":
            return self.version()
        if method == "login":
            return self.authenticate(*args[:3])
        if method == "authenticate":
            return self.authenticate(*args)
        if method == "about":
            return (
                "See http://openerp.com"
                if not args or not args[0]
                else ["See http://openerp.com", self.version()["server_version"]]
            )
        raise Exception(f"Method not found: {method}")  # noqa: TRY002 - Odoo raises a bare Exception here

    def db_service(self, method: str, args: list) -> Any:
        if method == "list":
            return [self.db.name]
        if method == "server_version":
            return self.db.options.server_version
        raise Exception(f"Method not found: {method}")  # noqa: TRY002

    # -- object ------------------------------------------------------------------------------------
    def execute_kw(
        self,
        db: str,
        uid: int,
        password: str,
        model: str,
        method: str,
        args: list | None = None,
        kwargs: dict | None = None,
    ) -> Any:
        self._check_db(db)
        self.check_credentials(uid, password)
        kwargs = dict(kwargs or {})
        context = kwargs.pop("context", None) or {}
        return self.run(
            uid, context, lambda env: dispatch.call_positional(env, model, method, list(args or []), kwargs)
        )

    def execute(self, db: str, uid: int, password: str, model: str, method: str, *args: Any) -> Any:
        self._check_db(db)
        self.check_credentials(uid, password)
        return self.run(uid, {}, lambda env: dispatch.call_positional(env, model, method, list(args), {}))

    def object(self, method: str, args: list) -> Any:
        if method == "execute_kw":
            return self.execute_kw(*args)
        if method == "execute":
            return self.execute(*args)
        raise NameError(f"Method not available {method}")

    def run(self, uid: int, context: dict, work: Callable[[Env], Any]) -> Any:
        """One transaction per call, retried on serialization failures (MAX_TRIES_ON_CONCURRENCY_FAILURE)."""
        opts = self.db.options
        self.faults.on_call_start()
        for tryno in range(1, opts.max_tries + 1):
            txn = self.db.begin()
            env = Env(txn, uid, context)
            try:
                result = work(env)
                self.faults.on_commit()
                hold = opts.hold_commit_after_webhook
                if hold and txn.data.get("webhooks_sent"):
                    time.sleep(hold)
                if txn.dirty and not self.db.commit_gate.wait(timeout=60):  # read-only calls pass
                    raise TimeoutError("the sandbox's commit gate stayed closed for 60 s")
                txn.commit()
                return result
            except RETRYABLE as exc:
                txn.rollback()
                if tryno == opts.max_tries:
                    _logger.info("%s, maximum number of tries reached!", type(exc).__name__)
                    raise
                wait = random.uniform(0.0, 2**tryno) * opts.retry_sleep_scale
                _logger.info(
                    "%s, %s tries left, try again in %.04f sec...",
                    type(exc).__name__,
                    opts.max_tries - tryno,
                    wait,
                )
                time.sleep(wait)
            except BaseException:
                txn.rollback()
                raise
        raise AssertionError("unreachable")
