"""``python -m sandboxes.odoo``: serve an Odoo sandbox until Ctrl-C.

Every flag has an ODOO_SANDBOX_* environment variable (e.g. ODOO_SANDBOX_VERSION, ODOO_SANDBOX_PORT).
"""

from __future__ import annotations

import argparse
import os
import threading

from .sandbox import OdooSandbox

# Odoo 17/18 post a webhook from inside the user's request, which goes on (other webhooks, automations,
# the commit) after the POST returns: a receiver that reads back at once sees the old state (odoo-facts,
# "Observed on a real Odoo 17.0"). The standalone sandbox keeps the transaction open this long by default.
PRECOMMIT_WINDOW = 0.3


def _env(name: str, default: str | None) -> str | None:
    return os.environ.get(f"ODOO_SANDBOX_{name}", default)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="odoo-sandbox", description="An in-memory Odoo 16–19 over real HTTP.")
    p.add_argument("--version", type=int, choices=(16, 17, 18, 19), default=int(_env("VERSION", "17") or 17))
    p.add_argument("--host", default=_env("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(_env("PORT", "8069") or 8069))
    p.add_argument("--db", default=_env("DB", "odoo"))
    p.add_argument("--login", default=_env("LOGIN", "admin"))
    p.add_argument("--password", default=_env("PASSWORD", "admin"))
    p.add_argument("--api-key", default=_env("API_KEY", None), help="admin's API key (random if unset)")
    p.add_argument("--bridge-login", default=_env("BRIDGE_LOGIN", "bridge"))
    p.add_argument("--bridge-password", default=_env("BRIDGE_PASSWORD", "bridge"))
    p.add_argument("--bridge-api-key", default=_env("BRIDGE_API_KEY", None))
    p.add_argument(
        "--hold-commit",
        type=float,
        default=float(_env("HOLD_COMMIT", "") or -1),
        help="17/18: seconds a transaction stays open after it sent a webhook, as Odoo's request goes on"
        f" after the POST (default {PRECOMMIT_WINDOW}s on 17/18, 0 elsewhere)",
    )
    return p


def commit_hold(version: int, flag: float) -> float:
    """--hold-commit as given, else the 17/18 default (16 posts no webhook, 19 posts after the commit)."""
    if flag >= 0:
        return flag
    return PRECOMMIT_WINDOW if version in (17, 18) else 0.0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    sb = OdooSandbox(
        args.version,
        db=args.db,
        login=args.login,
        password=args.password,
        api_key=args.api_key,
        bridge_login=args.bridge_login,
        bridge_password=args.bridge_password,
        bridge_api_key=args.bridge_api_key,
        hold_commit_after_webhook=commit_hold(args.version, args.hold_commit),
    )
    sb.start(args.host, args.port)
    print(f"Odoo {args.version} sandbox")
    print(f"  URL:      {sb.url}")
    print(f"  database: {sb.db_name}")
    print(f"  login:    {sb.login}")
    print(f"  password: {sb.password}")
    print(f"  API key:  {sb.api_key}")
    print(
        f"  bridge:   login {sb.bridge_login} / password {sb.bridge_password} / API key {sb.bridge_api_key}"
        f" (uid {sb.bridge_uid})",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sb.stop()
    return 0
