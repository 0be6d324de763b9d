"""Xero Currencies ⇄ Odoo res.currency: the organisation's currencies, enabled on both sides.

A currency added in Xero (`PUT Currencies`) is activated in Odoo (res.currency `active`); one
activated in Odoo is added to Xero (needs a multi-currency plan, xero-facts §8 Currencies). Xero's
API has no update or delete for currencies (xero-facts §8: "no update or delete via the API";
OpenAPI xero_accounting.yaml `/Currencies` has GET and PUT only), so a currency archived in Odoo
cannot be removed from Xero: that change is a mismatch saying so (remove it in Xero by hand, or
re-activate it in Odoo); a currency removed from Xero by hand leaves Odoo as it is.

The base currency is never changed. Xero's (Organisation.BaseCurrency) and the Odoo company's
(res.company.currency_id) are paired from the Xero side only: when they differ, that one event is
the connection's mismatch, and the Odoo company currency is not exported. Xero sends no webhooks
for currencies (xero-facts §1): its changes come from the Currencies hash poller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bridge.entities import Entity
from bridge.errors import PermanentError
from bridge.odoo.client import OdooClient
from bridge.odoo.setup import Hook
from bridge.xero.client import XeroClient
from consumers.framework.canonical import Canonical
from consumers.framework.scope import Scope
from consumers.framework.sides import Side
from consumers.framework.translator import SyncTranslator

NAME = "currency"
MODEL = "res.currency"
FIELDS = ["name", "active", "full_name", "write_date"]


@dataclass(frozen=True)
class Currency(Canonical):
    code: str  # ISO 4217, as both sides key it (Xero Code, Odoo name)
    active: bool = True
    # Whether this is its own side's base currency: compared across sides, never synced or hashed.
    base: bool = field(default=False, metadata={"hash": False})


def base_mismatch(xero_base: str, odoo_base: str) -> PermanentError:
    return PermanentError(
        f"base currencies differ: the Xero organisation's is {xero_base}, the Odoo company's is "
        f"{odoo_base}; the bridge never changes a base currency, so documents in either cannot be "
        "synced until this connection pairs an organisation and a company with the same base currency",
        details={"xero_base": xero_base, "odoo_base": odoo_base},
    )


class XeroCurrencies(Side):
    system = "xero"
    label = "Xero currency"
    model = "Currencies"

    def parse_id(self, text: str) -> str:
        return text.upper()

    def fetch(self, client: XeroClient, record_id: str) -> dict | None:
        """GET Currencies has no /{Code} form: the (short) list, filtered."""
        return next((c for c in self._all(client) if c.get("Code") == record_id), None)

    @staticmethod
    def _all(client: XeroClient) -> list[dict]:
        return client.get("Currencies").get("Currencies") or []

    @staticmethod
    def base_currency(client: XeroClient) -> str | None:
        organisations = client.get("Organisation").get("Organisations") or [{}]
        return organisations[0].get("BaseCurrency")

    def record_id(self, record: dict) -> str:
        return record["Code"]

    def name(self, record: dict) -> str | None:
        return record.get("Code")

    def version(self, record: dict) -> str | None:
        return None  # Xero currencies carry no UpdatedDateUTC

    def canonical(self, client: XeroClient, record: dict) -> Currency:
        code = record["Code"]
        return Currency(code, True, code == self.base_currency(client))

    def find(self, client: XeroClient, scope: Scope, c: Currency, odoo_id: int) -> str | None:
        return c.code if self.fetch(client, c.code) is not None else None

    def create(self, client: XeroClient, scope: Scope, c: Currency, odoo_id: int, key: str) -> dict | None:
        if not c.active:
            return None  # an inactive Odoo currency Xero never had
        (result,) = client.save("Currencies", [{"Code": c.code}], key=key, method="PUT")
        if not result.ok:
            raise PermanentError(
                "Xero ValidationException: " + "; ".join(result.errors), details={"messages": result.errors}
            )
        return result.record

    def update(
        self, client: XeroClient, scope: Scope, code: str, c: Currency, before: Currency, key: str
    ) -> dict:
        if not c.active:
            raise PermanentError(
                f"{c.code} was archived in Odoo, but Xero's API cannot remove or disable a currency "
                "(GET/PUT /Currencies only): remove it in Xero by hand, or re-activate it in Odoo"
            )
        return self.fetch(client, code) or {"Code": code}


class OdooCurrencies(Side):
    system = "odoo"
    label = "Odoo currency"
    model = MODEL

    def fetch(self, client: OdooClient, record_id: int) -> dict | None:
        return client.read_one(MODEL, record_id, FIELDS)

    def record_id(self, record: dict) -> int:
        return record["id"]

    @staticmethod
    def company_currency(client: OdooClient) -> str | None:
        """The code of the company's currency (the client acts in the connection's company)."""
        company = (client.context.get("allowed_company_ids") or [None])[0]
        if company is None:
            return None
        row = client.read_one("res.company", company, ["currency_id"])
        currency = (row or {}).get("currency_id")
        return currency[1] if isinstance(currency, list) else None

    def canonical(self, client: OdooClient, record: dict) -> Currency:
        code = record["name"]
        return Currency(code, bool(record.get("active")), code == self.company_currency(client))

    def in_scope(self, client: OdooClient, scope: Scope, record: dict) -> bool:
        """The company's own currency is the base: paired from Xero's side, never exported."""
        return record.get("name") != self.company_currency(client)

    def find(self, client: OdooClient, scope: Scope, c: Currency, code: str) -> int | None:
        if c.base:
            odoo_base = self.company_currency(client)
            if odoo_base != c.code:
                raise base_mismatch(c.code, str(odoo_base))
        rows = client.with_archived().search_read(MODEL, [("name", "=", c.code)], ["name"])
        return rows[0]["id"] if rows else None

    def create(self, client: OdooClient, scope: Scope, c: Currency, code: str, key: str) -> dict | None:
        """Odoo ships every ISO 4217 currency as data (base/data/res_currency_data.xml): one that is
        not there is not a currency Odoo knows, and the bridge does not invent one."""
        if not c.active:
            return None
        raise PermanentError(f"Odoo has no currency {c.code} to activate")

    def update(
        self, client: OdooClient, scope: Scope, record_id: int, c: Currency, before: Currency, key: str
    ) -> dict:
        if c.active != before.active:
            client.write(MODEL, [record_id], {"active": c.active})
        return self.fetch(client, record_id)


def _translators() -> list:
    xero, odoo = XeroCurrencies(), OdooCurrencies()
    return [SyncTranslator(NAME, xero, odoo), SyncTranslator(NAME, odoo, xero)]


def _pollers() -> list:
    from consumers.currencies.polling import OdooCurrencyChanges, XeroCurrencyChanges

    return [OdooCurrencyChanges(), XeroCurrencyChanges()]


ENTITY = Entity(
    name=NAME,
    group="settings",
    xero_model="Currency",
    odoo_model=MODEL,
    odoo_hooks=(Hook(MODEL, ("active",), ("write_date", "active")),),
    translators=_translators,
    pollers=_pollers,
    bulk=lambda ctx, connection_id, progress=None: CurrencyBulk(ctx, connection_id, progress),
)


from consumers.framework.bulk import BulkSync  # noqa: E402 - the engine needs the module's Sides first


class CurrencyBulk(BulkSync):
    entity_name = NAME
    xero_collection = "Currencies"
    xero_ordered = False  # no paging, order or If-Modified-Since on Currencies (xero-facts §5)
    xero_paged = False
    odoo_model = MODEL

    def export_domain(self, since: datetime | None, after_id: int) -> list:
        """Active currencies only (an inactive one Xero never had is nothing to export); they belong
        to no company."""
        domain = [("active", "=", True), ("id", ">", after_id)]
        if since is not None:
            domain.append(("write_date", ">=", since.strftime("%Y-%m-%d %H:%M:%S")))
        return domain
