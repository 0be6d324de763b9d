"""Xero's side of tax rates: GET/PUT/POST /TaxRates (xero-facts §8; one rate per request)."""

from __future__ import annotations

from bridge.errors import PermanentError
from bridge.xero.client import XeroClient
from consumers.contacts.canonical import name_key, norm_text
from consumers.framework.matching import Candidate, refuse_ambiguous
from consumers.framework.scope import Scope
from consumers.framework.sides import Side
from consumers.tax_rates.canonical import USER_TAX_TYPE, Component, TaxRate, components_of, effective, rate4
from consumers.tax_rates.claimed import remember, taken

# Scope from ReportTaxType first (what Xero derives CanApplyTo… from: OpenAPI TaxRates example, INPUT2
# "ReportTaxType": "INPUT" → CanApplyToRevenue false), then from CanApplyToRevenue/Expenses.
_SALE_WORDS = ("OUTPUT", "SALES", "EXPORT")
_PURCHASE_WORDS = ("INPUT", "EXPENSES", "IMPORTS", "PURCHASES", "CAPITAL", "CAPEX", "CAPIMPORTS")
REPORT_TAX_TYPE = {"sale": "OUTPUT", "purchase": "INPUT", "none": "NONE"}


def xero_scope(record: dict) -> str:
    report = str(record.get("ReportTaxType") or "")
    if any(w in report for w in _SALE_WORDS):
        return "sale"
    if any(w in report for w in _PURCHASE_WORDS):
        return "purchase"
    revenue, expenses = bool(record.get("CanApplyToRevenue")), bool(record.get("CanApplyToExpenses"))
    if revenue != expenses:
        return "sale" if revenue else "purchase"
    return "none"


def is_system(record: dict) -> bool:
    return not USER_TAX_TYPE.match(str(record.get("TaxType") or ""))


class XeroTaxRates(Side):
    system = "xero"
    label = "Xero tax rate"
    model = "TaxRates"

    def client(self, ctx, scope: Scope) -> XeroClient:
        remember(ctx)
        return super().client(ctx, scope)

    def fetch(self, client: XeroClient, record_id: str) -> dict | None:
        return client.get_one("TaxRates", record_id)

    def record_id(self, record: dict) -> str:
        return record["TaxType"]

    def version(self, record: dict) -> str | None:
        return None  # TaxRates carry no UpdatedDateUTC

    def canonical(self, client: XeroClient, record: dict) -> TaxRate:
        parts = [
            Component(bool(c.get("IsCompound")), norm_text(c.get("Name")) or "", rate4(c.get("Rate")))
            for c in record.get("TaxComponents") or []
        ]
        return TaxRate(
            name=norm_text(record.get("Name")) or "",
            rate=effective(tuple(parts)),
            scope=xero_scope(record),
            active=record.get("Status", "ACTIVE") in ("ACTIVE", "PENDING"),
            components=components_of(parts),
            system=is_system(record),
        )

    # ------------------------------------------------------------------ finding

    def find(self, client: XeroClient, scope: Scope, c: TaxRate, odoo_id: int) -> str | None:
        """By name (Xero's rate names are unique among rates not deleted), then by rate and scope among
        active rates; several → ambiguous, with the candidates named. A rate paired with another Odoo
        tax already is no candidate."""
        paired = taken(scope.connection_id, scope.entity, "xero")
        rates = [
            r
            for r in client.get("TaxRates").get("TaxRates") or []
            if r.get("Status") != "DELETED" and r["TaxType"] not in paired
        ]
        named = [r for r in rates if name_key(r.get("Name")) == name_key(c.name)]
        if named:
            return named[0]["TaxType"]
        same = [
            r
            for r in rates
            if r.get("Status") == "ACTIVE"
            and (candidate := self.canonical(client, r)).rate == c.rate
            and candidate.scope == c.scope
            and candidate.components == c.components
        ]
        if len(same) > 1:
            refuse_ambiguous(
                "Odoo tax",
                c.name,
                among=self.label,
                by=f"rate and scope ({c.rate}% {c.scope})",
                candidates=[Candidate(r["TaxType"], r.get("Name")) for r in same],
            )
        return same[0]["TaxType"] if same else None

    # ------------------------------------------------------------------ writing

    @staticmethod
    def element(c: TaxRate) -> dict:
        parts = c.components or (Component(False, c.name, c.rate),)
        return {
            "Name": c.name,
            "ReportTaxType": REPORT_TAX_TYPE[c.scope],
            "TaxComponents": [{"Name": p.name, "Rate": p.rate, "IsCompound": p.compound} for p in parts],
        }

    def create(self, client: XeroClient, scope: Scope, c: TaxRate, odoo_id: int, key: str) -> dict | None:
        if not c.active:
            return None  # an archived Odoo tax Xero never had
        return self._save(client, "PUT", self.element(c), key)

    def update(
        self, client: XeroClient, scope: Scope, tax_type: str, c: TaxRate, before: TaxRate, key: str
    ) -> dict:
        if before.system:
            return self._system(client, tax_type, c, before)
        if before.active and not c.active:
            element = {"TaxType": tax_type, "Status": "DELETED"}  # Xero's delete (OpenAPI updateTaxRate)
        else:
            element = {"TaxType": tax_type, **self.element(c)}
        return self._save(client, "POST", element, key)

    def _system(self, client: XeroClient, tax_type: str, c: TaxRate, before: TaxRate) -> dict:
        """A system rate is bound, never written ("System tax rates cannot be changed", xero-facts §8):
        its name may differ from the Odoo tax's; any other change is a mismatch."""
        differs = [
            f for f in ("rate", "scope", "active", "components") if getattr(c, f) != getattr(before, f)
        ]
        if differs:
            raise PermanentError(
                f"Xero system tax rate {tax_type} ({before.name!r}) is read-only: the Odoo tax {c.name!r} "
                f"changed its {', '.join(differs)}; change it back in Odoo, or map the Odoo tax to a rate of "
                "its own",
                details={"tax_type": tax_type, "fields": differs},
            )
        return self.fetch(client, tax_type) or {"TaxType": tax_type}

    def other_gone(self, client: XeroClient, scope: Scope, tax_type: str, key: str) -> dict | None:
        """An Odoo tax deleted: the Xero rate is deleted too (a system rate stays)."""
        current = self.fetch(client, tax_type)
        if current is None or is_system(current) or current.get("Status") == "DELETED":
            return None
        return self._save(client, "POST", {"TaxType": tax_type, "Status": "DELETED"}, key)

    @staticmethod
    def _save(client: XeroClient, method: str, element: dict, key: str) -> dict:
        try:
            (result,) = client.save("TaxRates", [element], key=key, method=method)
        except PermanentError as exc:  # TaxRates summarise their errors: a 400 ValidationException
            raise PermanentError(str(exc), details=exc.details) from exc
        if not result.ok:
            raise PermanentError(
                "Xero ValidationException: " + "; ".join(result.errors), details={"messages": result.errors}
            )
        return result.record
