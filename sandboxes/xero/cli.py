"""Command line: start the Xero sandbox and print what a person or a script needs to use it.

    python -m sandboxes.xero --port 8085 --tenant 11111111-2222-3333-4444-555555555555="My Org"

Every flag has an environment variable (XERO_SANDBOX_HOST, _PORT, _CLIENT_ID, _CLIENT_SECRET,
_WEBHOOK_KEY, _TENANTS as a comma-separated list, _AUTO_APPROVE=1); XERO_OPENAPI_DIR names the spec folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import uuid
from collections.abc import Callable
from typing import TextIO

from .sandbox import XeroSandbox
from .settings import Tenant, default_tenants

ENV = "XERO_SANDBOX_"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(ENV + name, default)


def parse_tenant(text: str, index: int) -> Tenant:
    """`UUID`, `UUID=Name`, or `UUID=Name:CUR:CC` (base currency and country, e.g. GBP:GB)."""
    tenant_id, _, rest = text.partition("=")
    try:
        tenant_id = str(uuid.UUID(tenant_id.strip()))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"tenant id must be a UUID: {text!r}") from exc
    name, currency, country = (rest.split(":") + ["", "", ""])[:3]
    defaults = default_tenants()[index % 2]
    return Tenant(
        tenant_id,
        name.strip() or f"Sandbox Organisation {index + 1}",
        (currency.strip() or defaults.base_currency).upper(),
        (country.strip() or defaults.country).upper(),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandboxes.xero", description="Run the Xero sandbox.")
    parser.add_argument("--host", default=_env("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(_env("PORT", "8085") or 8085))
    parser.add_argument("--client-id", default=_env("CLIENT_ID"))
    parser.add_argument("--client-secret", default=_env("CLIENT_SECRET"))
    parser.add_argument("--webhook-key", default=_env("WEBHOOK_KEY"))
    parser.add_argument(
        "--tenant",
        action="append",
        default=None,
        help="UUID[=Name[:CUR:CC]]; repeatable (env XERO_SANDBOX_TENANTS, comma-separated)",
    )
    parser.add_argument(
        "--spec-dir",
        default=os.environ.get("XERO_OPENAPI_DIR"),
        help="folder with xero_accounting.yaml (env XERO_OPENAPI_DIR)",
    )
    parser.add_argument(
        "--auto-approve",
        action="store_true",
        default=_env("AUTO_APPROVE", "") == "1",
        help="skip the consent page and redirect at once (env XERO_SANDBOX_AUTO_APPROVE=1)",
    )
    return parser


def describe(sb: XeroSandbox, out: TextIO) -> None:
    info = sb.describe()
    lines = [
        "Xero sandbox is running",
        f"  API:            {info['api_url']}",
        f"  Token:          {info['token_url']}",
        f"  Authorize:      {info['authorize_url']}",
        f"  Connections:    {info['connections_url']}",
        f"  Client id:      {info['client_id']}",
        f"  Client secret:  {info['client_secret']}",
        f"  Webhook key:    {info['webhook_key']}",
        "  Tenants:",
        *[f"    {t['tenant_id']}  {t['name']}" for t in info["tenants"]],
        f"  Custom connection (client_credentials) tenant: {info['custom_connection_tenant']}",
        f"  {info['validation']}",
        "",
        "# for the bridge:",
        f"export XERO_API_URL={info['api_url']}",
        f"export XERO_TOKEN_URL={info['token_url']}",
        f"export XERO_AUTHORIZE_URL={info['authorize_url']}",
        f"export XERO_CONNECTIONS_URL={info['connections_url']}",
        f"export XERO_CLIENT_ID={info['client_id']}",
        f"export XERO_CLIENT_SECRET={info['client_secret']}",
        f"export XERO_WEBHOOK_KEY={info['webhook_key']}",
    ]
    out.write("\n".join(lines) + "\n")
    out.flush()


def main(argv: list[str] | None = None, *, wait: Callable[[], None] | None = None) -> int:
    """Starts the sandbox, prints its details, serves until Ctrl-C. `wait` replaces the blocking wait
    (tests pass a function that returns once they are done)."""
    args = build_parser().parse_args(argv)
    raw_tenants = args.tenant
    if raw_tenants is None and _env("TENANTS"):
        raw_tenants = [t for t in (_env("TENANTS") or "").split(",") if t.strip()]
    try:
        tenants = [parse_tenant(t, i) for i, t in enumerate(raw_tenants)] if raw_tenants else None
    except argparse.ArgumentTypeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sb = XeroSandbox(
        tenants=tenants,
        client_id=args.client_id,
        client_secret=args.client_secret,
        webhook_key=args.webhook_key,
        spec_dir=args.spec_dir,
        auto_approve=args.auto_approve,
    )
    try:
        sb.start(args.host, args.port)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    describe(sb, sys.stdout)
    try:
        (wait or threading.Event().wait)()
    except KeyboardInterrupt:
        pass
    finally:
        sb.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
