"""Xero's official Python SDK (xero-python) as a client of the Xero sandbox (issue 10).

The SDK is pointed at the sandbox through its URLs only: `AccountingApi(base_url=…)`, `IdentityApi(base_url=…)`
and `TokenApi`'s token and revocation URLs (class attributes, patched for the duration of a module). Its
request building, serialization, HTTP layer (urllib3, with urllib3's default retries) and deserialization
run unchanged, so a request the sandbox refuses here is one the SDK would send to Xero.

Every test gets a fresh token set and `ApiClient`; a module shares one sandbox whose data is reset before
each test. After each test the sandbox must have recorded no new OpenAPI violation and dropped no field of
the SDK's as unknown: the check lives in the `sdk` fixture (and `make_sdk_sandbox`), so a test cannot
forget it.

Test modules import the fixtures by their function names (the fixtures are named `sdk`, `sdk_sandbox` and
`make_sdk_sandbox`):

    from .sdk_support import make_sdk_sandbox_fixture, sdk_fixture, sdk_sandbox_fixture  # noqa: F401
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from xero_python.accounting import (
    AccountingApi,
    Contact,
    Contacts,
    Invoice,
    Invoices,
    LineItem,
)
from xero_python.api_client import ApiClient, Configuration
from xero_python.api_client.oauth2 import OAuth2Token, TokenApi
from xero_python.identity import IdentityApi

from sandboxes.xero import FULL_SCOPES, ManualClock, XeroSandbox

START = 1795500000.0  # 2026-11-24T03:20:00Z, as the other sandbox tests
INVOICE_DATE = date(2026, 11, 1)
DUE_DATE = date(2026, 12, 1)
_TOKEN_KEYS = ("access_token", "refresh_token", "expires_in", "token_type", "id_token")


def sdk_token(response: dict[str, Any]) -> dict[str, Any]:
    """A token response as the SDK keeps it (what `OAuth2Token.fetch_access_token` makes of a refresh):
    scope as a list, `expires_at` from `expires_in`. `OAuth2Token.update_token` takes exactly these keys."""
    token = {k: response.get(k) for k in _TOKEN_KEYS}
    token["scope"] = str(response.get("scope") or "").split()
    token["expires_at"] = time.time() + float(response["expires_in"])
    return token


@dataclass
class Sdk:
    """One SDK client bound to the sandbox: the token store the SDK reads and writes, the ApiClient and the
    Accounting and Identity APIs."""

    sb: XeroSandbox
    tenant_id: str
    token: dict[str, Any]
    client: ApiClient = field(init=False)
    accounting: AccountingApi = field(init=False)
    identity: IdentityApi = field(init=False)
    saved: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Configuration's metaclass hands out copies of the *first* instance ever made, whatever arguments a
        # later call passes (xero_python/api_client/configuration.py, TypeWithDefault), so the token object is
        # set on the copy instead of passed to the constructor.
        configuration = Configuration()
        configuration.oauth2_token = OAuth2Token(
            client_id=self.sb.credentials.client_id, client_secret=self.sb.credentials.client_secret
        )
        self.client = ApiClient(
            configuration,
            oauth2_token_getter=lambda: self.token,
            oauth2_token_saver=self._save_token,
        )
        self.accounting = AccountingApi(self.client, base_url=self.sb.api_url)
        self.identity = IdentityApi(self.client, base_url=self.sb.url)

    def _save_token(self, token: dict[str, Any]) -> None:
        self.saved.append(dict(token))
        self.token = dict(token)

    # -- HTTP layer ------------------------------------------------------------------------------------
    def without_http_retries(self) -> None:
        """urllib3's pools retry 429/413/503 that carry Retry-After (Retry.DEFAULT: 3 tries, idempotent
        methods) unless told otherwise; the SDK exposes no switch, so its PoolManager is told here."""
        pool_manager = self.client.rest_client.pool_manager
        pool_manager.connection_pool_kw["retries"] = False
        pool_manager.clear()

    # -- builders --------------------------------------------------------------------------------------
    def contact(self, name: str | None = None, **fields: Any) -> Contact:
        """A new contact created through the SDK (a unique name unless given)."""
        name = name or f"Customer {uuid.uuid4().hex[:8]}"
        created = self.accounting.create_contacts(
            self.tenant_id, Contacts(contacts=[Contact(name=name, **fields)])
        )
        return created.contacts[0]

    def invoice(
        self,
        contact: Contact,
        lines: list[LineItem] | None = None,
        *,
        status: str = "AUTHORISED",
        type: str = "ACCREC",
        **fields: Any,
    ) -> Invoice:
        """A new invoice through the SDK: by default one 100.00 + 15% GST sales line (total 115.00)."""
        body = Invoice(
            type=type,
            contact=Contact(contact_id=contact.contact_id),
            line_items=lines or [line(100)],
            date=INVOICE_DATE,
            due_date=DUE_DATE,
            status=status,
            **fields,
        )
        return self.accounting.create_invoices(self.tenant_id, Invoices(invoices=[body])).invoices[0]


def line(
    amount: float, quantity: float = 1, account: str = "200", tax: str | None = "OUTPUT2", **fields: Any
) -> LineItem:
    return LineItem(
        description=fields.pop("description", "Widget"),
        quantity=quantity,
        unit_amount=amount,
        account_code=account,
        tax_type=tax,
        **fields,
    )


def _point_token_api_at(monkeypatch: pytest.MonkeyPatch, sb: XeroSandbox) -> None:
    """TokenApi builds its URLs from class attributes; these are the only SDK names the suite patches."""
    monkeypatch.setattr(TokenApi, "refresh_token_url", sb.token_url)
    monkeypatch.setattr(TokenApi, "client_credentials_token_url", sb.token_url)
    monkeypatch.setattr(TokenApi, "revoke_token_url", sb.revocation_url)


def _new_violations(sb: XeroSandbox, before: tuple[int, int]) -> list[str]:
    """Responses that broke the spec, and fields the SDK sent that the spec does not know (the SDK is
    generated from the spec, so an "unknown" field means the sandbox read its body against the wrong
    schema and dropped data). Read-only fields are expected: the SDK sends e.g. HasAttachments: false."""
    unknown = [
        f"{f.method} {f.path}: the sandbox dropped {f.pointer} as unknown"
        for f in sb.ignored_fields[before[1] :]
        if f.reason != "read-only"
    ]
    return list(sb.spec_violations[before[0] :]) + unknown


def _mark(sb: XeroSandbox) -> tuple[int, int]:
    return len(sb.spec_violations), len(sb.ignored_fields)


def _fail_on(violations: list[str]) -> None:
    if violations:
        pytest.fail(
            f"the Xero sandbox saw {len(violations)} violation(s) of Xero's OpenAPI files or dropped fields:\n"
            + "\n".join(f"  {v[:600]}" for v in violations[:20]),
            pytrace=False,
        )


@pytest.fixture(scope="module", name="sdk_sandbox")
def sdk_sandbox_fixture(spec_dir: Path) -> Iterator[XeroSandbox]:
    """One sandbox per test module (validation on, a ManualClock); `sdk` resets its data per test.
    `spec_dir` is conftest's: it skips without Xero's OpenAPI files (fails with BRIDGE_REQUIRE_SHARED=1)."""
    sb = XeroSandbox(clock=ManualClock(start=START), spec_dir=spec_dir, webhook_batch_window=0.0)
    sb.start()
    with pytest.MonkeyPatch.context() as monkeypatch:
        _point_token_api_at(monkeypatch, sb)
        yield sb
    sb.stop()


@pytest.fixture(name="sdk")
def sdk_fixture(sdk_sandbox: XeroSandbox, tmp_path: Path) -> Iterator[Sdk]:
    """An SDK client with a fresh token set for every tenant, acting for the first tenant, on fresh data."""
    sdk_sandbox.reset_data()
    sdk_sandbox.clear_faults()
    before = _mark(sdk_sandbox)
    client = Sdk(sdk_sandbox, sdk_sandbox.tenants[0].tenant_id, sdk_token(sdk_sandbox.issue_tokens()))
    client.client.configuration.temp_folder_path = str(tmp_path)
    yield client
    _fail_on(_new_violations(sdk_sandbox, before))


@pytest.fixture(name="make_sdk_sandbox")
def make_sdk_sandbox_fixture(
    spec_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., tuple[XeroSandbox, Sdk]]]:
    """For tests that need their own sandbox (limits, a real clock): (sandbox, SDK client on it)."""
    made: list[XeroSandbox] = []

    def make(
        scopes: str = FULL_SCOPES, tenant_ids: list[str] | None = None, **options: Any
    ) -> tuple[XeroSandbox, Sdk]:
        """tenant_ids: the organisations the consent connects (default: all of them)."""
        options.setdefault("clock", ManualClock(start=START))
        options.setdefault("webhook_batch_window", 0.0)
        sb = XeroSandbox(spec_dir=spec_dir, **options)
        sb.start()
        made.append(sb)
        _point_token_api_at(monkeypatch, sb)
        return sb, Sdk(sb, sb.tenants[0].tenant_id, sdk_token(sb.issue_tokens(scopes, tenant_ids)))

    yield make
    for sb in made:
        sb.stop()
    _fail_on([v for sb in made for v in _new_violations(sb, (0, 0))])
