"""Line items, tax and totals as Xero computes them: tax per line rounded to 2 decimals, then summed
(xero-facts §5 "unitdp"; ⚠ R26 'rounding in Xero'); UnitAmount kept at 2 or, with unitdp=4, 4 decimals."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .formats import money, round_money, to_decimal

LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")
ZERO = Decimal(0)


@dataclass
class Totals:
    lines: list[dict[str, Any]] = field(default_factory=list)
    sub_total: Decimal = ZERO
    total_tax: Decimal = ZERO
    total: Decimal = ZERO
    total_discount: Decimal = ZERO
    errors: list[str] = field(default_factory=list)


def compute(
    org: Any,
    raw_lines: list[Any],
    line_amount_types: str,
    unitdp: int,
    *,
    require_accounts: bool,
    allow_discount: bool,
    existing_ids: set[str] | None = None,
    side: str = "sales",
) -> Totals:
    """Validates and prices line items. `require_accounts`: documents past DRAFT need an account per line.
    `side` ("sales"/"purchases") picks the item's SalesDetails or PurchaseDetails for missing values."""
    out = Totals()
    for index, raw in enumerate(raw_lines, start=1):
        if not isinstance(raw, dict):
            out.errors.append(f"Line {index} is not an object.")
            continue
        line = {k: v for k, v in raw.items() if k not in ("ValidationErrors",)}
        item = None
        if line.get("ItemCode"):
            item = org.find_item(line["ItemCode"])
            if item is None:
                out.errors.append(f"Item code '{line['ItemCode']}' is not valid.")
                continue
            _item_defaults(line, item, side)
        account = None
        if line.get("AccountCode"):
            account = org.account_by_code(line["AccountCode"])
            if account is None or account.get("Status") != "ACTIVE":
                out.errors.append(
                    f"Account code '{line['AccountCode']}' is not a valid code for this document."
                )
                continue
        elif line.get("AccountID"):
            account = org.accounts.get(str(line["AccountID"]).lower())
            if account is None:
                out.errors.append(f"Account '{line['AccountID']}' is not a valid account for this document.")
                continue
            line["AccountCode"] = account.get("Code")
        if account is not None:
            line["AccountID"] = account["AccountID"]
        elif require_accounts:
            out.errors.append("Account code must be specified.")
            continue
        if not line.get("Description") and not line.get("ItemCode"):
            out.errors.append("Description must be specified.")
            continue
        # TrackingCategories are not modelled: Tracking options are taken by name as given and echoed;
        # an untracked line carries an empty list, as Xero serves it (ACC examples of getInvoice).
        tracking = line.get("Tracking")
        line["Tracking"] = tracking if isinstance(tracking, list) else []
        if len(line["Tracking"]) > 2:
            out.errors.append("A line item can have at most 2 tracking categories.")
        qty = to_decimal(line.get("Quantity"))
        unit = to_decimal(line.get("UnitAmount"))
        given_amount = to_decimal(line.get("LineAmount"))
        disc_rate = to_decimal(line.get("DiscountRate")) or ZERO
        disc_amount = to_decimal(line.get("DiscountAmount")) or ZERO
        if (disc_rate or disc_amount) and not allow_discount:
            out.errors.append("Discounts are only supported on sales documents.")
            continue
        if qty is None:
            qty = Decimal(1)
        if unit is None:
            unit = given_amount / qty if given_amount is not None and qty else ZERO
        unit = round_money(unit, unitdp)
        gross = qty * unit
        discount = round_money(gross * disc_rate / 100) + disc_amount
        expected = round_money(gross - discount)
        if given_amount is not None and round_money(given_amount) != expected:
            out.errors.append(
                f"The line total {given_amount} does not match the expected line total {expected}."
            )
            continue
        tax_type = line.get("TaxType")
        if not tax_type:
            tax_type = (account or {}).get("TaxType") or "NONE"
        rate = org.tax_percent(tax_type)
        if rate is None:
            out.errors.append(
                f"The TaxType code {tax_type} does not exist or cannot be used with this type of data."
            )
            continue
        if line_amount_types == "Exclusive":
            tax = round_money(expected * rate / 100)
        elif line_amount_types == "Inclusive":
            tax = round_money(expected * rate / (100 + rate))
        else:
            tax = ZERO
        given_tax = to_decimal(line.get("TaxAmount"))
        if given_tax is not None and line_amount_types != "NoTax":
            tax = round_money(given_tax)  # Xero accepts a tax adjustment on the line
        line_id = str(line.get("LineItemID") or "").lower()
        if not line_id or (existing_ids is not None and line_id not in existing_ids):
            line_id = str(uuid.uuid4())
        line.update(
            {
                "LineItemID": line_id,
                "Quantity": float(qty),
                "UnitAmount": float(unit),
                "LineAmount": money(expected),
                "TaxType": tax_type,
                "TaxAmount": money(tax),
            }
        )
        if disc_rate:
            line["DiscountRate"] = float(disc_rate)
        out.total_discount += discount
        out.lines.append(line)
        out.total_tax += tax
        if line_amount_types == "Inclusive":
            out.sub_total += expected - tax
            out.total += expected
        else:
            out.sub_total += expected
            out.total += expected + tax
    return out


def _item_defaults(line: dict[str, Any], item: dict[str, Any], side: str) -> None:
    """Missing description, account, price and tax come from the item's sales or purchase details."""
    details = item.get("SalesDetails" if side == "sales" else "PurchaseDetails") or {}
    description = item.get("Description") if side == "sales" else item.get("PurchaseDescription")
    line.setdefault("Description", description or item.get("Name") or item["Code"])
    if not line.get("AccountCode") and not line.get("AccountID") and details.get("AccountCode"):
        line["AccountCode"] = details["AccountCode"]
    if (
        line.get("UnitAmount") is None
        and line.get("LineAmount") is None
        and details.get("UnitPrice") is not None
    ):
        line["UnitAmount"] = details["UnitPrice"]
    if not line.get("TaxType") and details.get("TaxType"):
        line["TaxType"] = details["TaxType"]
