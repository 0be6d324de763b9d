"""Accounting, product, sale, purchase and stock models per Odoo version (odoo-facts §0, §3.2–§3.13)."""

from __future__ import annotations

from collections.abc import Callable

from .fields import (
    Boolean,
    Char,
    Date,
    Datetime,
    Float,
    Integer,
    Json,
    Many2many,
    Many2one,
    ModelDef,
    Monetary,
    One2many,
    Selection,
    Text,
    make_model,
)

ACCOUNT_TYPES = (
    "asset_receivable",
    "asset_cash",
    "asset_current",
    "asset_non_current",
    "asset_prepayments",
    "asset_fixed",
    "liability_payable",
    "liability_credit_card",
    "liability_current",
    "liability_non_current",
    "equity",
    "equity_unaffected",
    "income",
    "income_other",
    "expense",
    "expense_depreciation",
    "expense_direct_cost",
    "off_balance",
)


def _company_default(env) -> int:  # type: ignore[no-untyped-def]
    return env.company_id


def account_account(v: int) -> ModelDef:
    f = {
        "name": Char("Account Name", required=True),
        "code": Char(required=True),
        "account_type": Selection(
            ACCOUNT_TYPES + (("expense_other",) if v >= 19 else ()), "Type", required=True
        ),
        "reconcile": Boolean("Allow Reconciliation", default=False),
        "currency_id": Many2one("res.currency", "Account Currency"),
        "tax_ids": Many2many("account.tax", "Default Taxes"),
        "non_trade": Boolean(default=False),
        "note": Text("Internal Notes"),
    }
    if v >= 18:  # §3.3: shared between companies, code per company
        f["company_ids"] = Many2many(
            "res.company", "Companies", required=True, default=lambda env: [env.company_id]
        )
        company_field = "company_ids"
    else:
        f["company_id"] = Many2one("res.company", "Company", required=True, default=_company_default)
        company_field = "company_id"
    if v >= 19:
        f["active"] = Boolean(default=True)
    else:
        f["deprecated"] = Boolean(default=False)
    return make_model(
        "account.account",
        "Account",
        f,
        order="code, id",
        company_field=company_field,
        rec_name="code",
        read_group="account.group_account_invoice",
        write_group="account.group_account_manager",
        # 16/17: unique (code, company_id); 18+ codes are per company in code_store (not modelled)
        unique=[("code", "company_id")] if v <= 17 else [],
    )


JOURNAL_TYPES = ("sale", "purchase", "cash", "bank", "general")


def account_journal(v: int) -> ModelDef:
    return make_model(
        "account.journal",
        "Journal",
        {
            "name": Char("Journal Name", required=True),
            "code": Char("Short Code", required=True),
            "type": Selection(JOURNAL_TYPES + (("credit",) if v >= 18 else ()), required=True),
            "company_id": Many2one("res.company", "Company", required=True, default=_company_default),
            "currency_id": Many2one("res.currency", "Currency"),
            "default_account_id": Many2one("account.account", "Default Account", check_company=True),
            "suspense_account_id": Many2one("account.account", "Suspense Account"),
            "bank_account_id": Many2one("res.partner.bank", "Bank Account", ondelete="restrict"),
            "active": Boolean(default=True),
            "sequence": Integer(default=10),
        },
        order="sequence, type, code",
        company_field="company_id",
        unique=[("company_id", "code")],
        read_group="account.group_account_invoice",
        write_group="account.group_account_manager",
    )


def account_tax_group(v: int) -> ModelDef:
    return make_model(
        "account.tax.group",
        "Tax Group",
        {"name": Char(required=True), "company_id": Many2one("res.company", default=_company_default)},
        company_field="company_id",
        read_group="account.group_account_invoice",
        write_group="account.group_account_manager",
    )


def account_tax(v: int) -> ModelDef:
    f = {
        "name": Char("Tax Name", required=True),
        "type_tax_use": Selection(("sale", "purchase", "none"), "Tax Type", required=True, default="sale"),
        "tax_scope": Selection(("service", "consu"), "Tax Scope"),
        "amount_type": Selection(
            ("group", "fixed", "percent", "division"), "Tax Computation", required=True, default="percent"
        ),
        "amount": Float(required=True, default=0.0),
        "active": Boolean(default=True),
        "company_id": Many2one("res.company", "Company", required=True, default=_company_default),
        "children_tax_ids": Many2many("account.tax", "Children Taxes"),
        "include_base_amount": Boolean("Affect Base of Subsequent Taxes", default=False),
        "tax_group_id": Many2one("account.tax.group", "Tax Group"),
        "country_id": Many2one("res.country", "Country"),
        "description": Char("Description" if v >= 17 else "Label on Invoices"),
        "sequence": Integer(default=1),
    }
    if v >= 17:
        f["invoice_label"] = Char("Label on Invoices")
    if v >= 18:  # §3.2: price_include becomes computed from price_include_override
        f["price_include_override"] = Selection(("tax_included", "tax_excluded"), "Included in Price")
        f["price_include"] = Boolean(
            compute=lambda env, m, i: env.value(m, i, "price_include_override") == "tax_included"
        )
    else:
        f["price_include"] = Boolean("Included in Price", default=False)
    return make_model(
        "account.tax",
        "Tax",
        f,
        order="sequence,id",
        company_field="company_id",
        unique=[("name", "company_id", "type_tax_use", "tax_scope")],
        read_group="account.group_account_invoice",
        write_group="account.group_account_manager",
    )


def account_payment_term(v: int) -> ModelDef:
    return make_model(
        "account.payment.term",
        "Payment Terms",
        {
            "name": Char("Payment Terms", required=True),
            "active": Boolean(default=True),
            "company_id": Many2one("res.company", "Company"),
            "days": Integer("Due after (days)", default=0),  # simplification of the line table
        },
        company_field="company_id",
        write_group="account.group_account_manager",
    )


def account_payment_method_line(v: int) -> ModelDef:
    return make_model(
        "account.payment.method.line",
        "Payment Methods",
        {
            "name": Char(required=True),
            "journal_id": Many2one("account.journal", "Journal", ondelete="cascade"),
            "payment_type": Selection(("inbound", "outbound"), required=True),
            "payment_account_id": Many2one("account.account", "Outstanding Payments Account"),
        },
        read_group="account.group_account_invoice",
        write_group="account.group_account_manager",
    )


MOVE_TYPES = ("entry", "out_invoice", "out_refund", "in_invoice", "in_refund", "out_receipt", "in_receipt")
PAYMENT_STATES = ("not_paid", "in_payment", "paid", "partial", "reversed", "invoicing_legacy")


def _move_sign(move_type: str) -> int:
    return -1 if move_type in ("out_refund", "in_invoice", "in_receipt") else 1


def account_move(v: int) -> ModelDef:
    f = {
        "name": Char("Number", default="/", readonly=False),
        "ref": Char("Reference"),
        "payment_reference": Char("Payment Reference"),
        "move_type": Selection(MOVE_TYPES, "Type", required=True, default="entry"),
        "state": Selection(
            ("draft", "posted", "cancel"), "Status", required=True, default="draft", readonly=True
        ),
        "partner_id": Many2one("res.partner", "Partner", ondelete="restrict", check_company=True),
        "commercial_partner_id": Many2one(
            "res.partner", compute=lambda env, m, i: env.commercial_partner(env.value(m, i, "partner_id"))
        ),
        "journal_id": Many2one("account.journal", "Journal", required=True, check_company=True),
        "company_id": Many2one("res.company", "Company", required=True, default=_company_default),
        "currency_id": Many2one("res.currency", "Currency", required=True),
        "date": Date(required=True, default=lambda env: env.today()),
        "invoice_date": Date("Invoice/Bill Date"),
        "invoice_date_due": Date("Due Date"),
        "invoice_payment_term_id": Many2one("account.payment.term", "Payment Terms", check_company=True),
        "invoice_origin": Char("Origin"),
        "narration": Text("Terms and Conditions"),
        "partner_bank_id": Many2one("res.partner.bank", "Recipient Bank", check_company=True),
        "auto_post": Selection(
            ("no", "at_date", "monthly", "quarterly", "yearly"), default="no", required=True
        ),
        "posted_before": Boolean(readonly=True, default=False),
        "payment_state": Selection(
            PAYMENT_STATES + (("blocked",) if v >= 18 else ()), readonly=True, default="not_paid"
        ),
        "line_ids": One2many("account.move.line", "move_id", "Journal Items"),
        "invoice_line_ids": One2many(
            "account.move.line",
            "move_id",
            "Invoice lines",
            row_filter=lambda row: row.get("display_type") in ("product", "line_section", "line_note"),
        ),
        "amount_untaxed": Monetary(compute=lambda env, m, i: env.move_amounts(i)["untaxed"]),
        "amount_tax": Monetary(compute=lambda env, m, i: env.move_amounts(i)["tax"]),
        "amount_total": Monetary(compute=lambda env, m, i: env.move_amounts(i)["total"]),
        "amount_residual": Monetary(compute=lambda env, m, i: env.move_amounts(i)["residual"]),
    }
    for key in ("untaxed", "tax", "total", "residual"):  # negative for refunds and bills, as in Odoo
        f[f"amount_{key}_signed"] = Monetary(
            compute=lambda env, m, i, k=key: env.move_amounts(i)[k] * _move_sign(env.value(m, i, "move_type"))
        )
    if v >= 18:
        f["checked"] = Boolean(default=True)
        f["invoice_currency_rate"] = Float("Currency Rate", compute=lambda env, m, i: env.move_factor(i))
    else:
        f["to_check"] = Boolean(default=False)
    return make_model(
        "account.move",
        "Journal Entry",
        f,
        order="date desc, name desc, id desc",
        company_field="company_id",
        read_group="account.group_account_invoice",
        write_group="account.group_account_invoice",
    )


LINE_DISPLAY_16 = (
    "product",
    "cogs",
    "tax",
    "rounding",
    "payment_term",
    "line_section",
    "line_note",
    "epd",
)


def account_move_line(v: int) -> ModelDef:
    display = LINE_DISPLAY_16 + (("discount",) if v >= 17 else ()) + (("line_subsection",) if v >= 19 else ())
    return make_model(
        "account.move.line",
        "Journal Item",
        {
            "move_id": Many2one("account.move", "Journal Entry", required=True, ondelete="cascade"),
            "name": Char("Label"),
            "sequence": Integer(default=10),
            "display_type": Selection(display, default="product"),
            "product_id": Many2one("product.product", "Product", ondelete="restrict"),
            "product_uom_id": Many2one("uom.uom", "Unit of Measure"),
            "quantity": Float(default=1.0),
            "price_unit": Float("Unit Price", default=0.0),
            "discount": Float("Discount (%)", default=0.0),
            "tax_ids": Many2many("account.tax", "Taxes", check_company=True),
            "account_id": Many2one("account.account", "Account", ondelete="restrict", check_company=True),
            "partner_id": Many2one("res.partner", "Partner", ondelete="restrict"),
            "debit": Monetary(default=0.0),
            "credit": Monetary(default=0.0),
            "balance": Monetary(default=0.0),
            "amount_currency": Monetary(default=0.0),
            "currency_id": Many2one("res.currency", "Currency"),
            "date_maturity": Date("Due Date"),
            "price_subtotal": Monetary(readonly=True, default=0.0),
            "price_total": Monetary(readonly=True, default=0.0),
            "reconciled": Boolean(readonly=True, default=False),
            "amount_residual": Monetary(readonly=True, default=0.0),  # company currency
            "amount_residual_currency": Monetary(readonly=True, default=0.0),  # line currency
            "matching_number": Char(readonly=True),
            "analytic_distribution": Json(),
            "parent_state": Selection(
                ("draft", "posted", "cancel"),
                compute=lambda env, m, i: env.value_of_parent(m, i, "move_id", "state"),
            ),
            "company_id": Many2one(
                "res.company", compute=lambda env, m, i: env.value_of_parent(m, i, "move_id", "company_id")
            ),
        },
        order="move_id, sequence, id",
        company_field="company_id",
        read_group="account.group_account_invoice",
        write_group="account.group_account_invoice",
        touch_parent="move_id",
    )


def account_payment(v: int) -> ModelDef:
    common = {
        "payment_type": Selection(("outbound", "inbound"), required=True, default="inbound"),
        "partner_type": Selection(("customer", "supplier"), default="customer"),
        "amount": Monetary(default=0.0),
        "payment_method_line_id": Many2one("account.payment.method.line", "Payment Method"),
        "partner_bank_id": Many2one("res.partner.bank", "Recipient Bank Account"),
        "payment_reference": Char(),
        "is_reconciled": Boolean(readonly=True, default=False),
        "reconciled_invoice_ids": Many2many(
            "account.move", compute=lambda env, m, i: env.payment_reconciled_invoices(i)
        ),
    }
    if v <= 17:  # §3.11: _inherits account.move; state/date/journal/partner/ref live on the move
        common["move_id"] = Many2one("account.move", "Journal Entry", required=True, ondelete="cascade")
        return make_model(
            "account.payment",
            "Payments",
            common,
            read_group="account.group_account_invoice",
            write_group="account.group_account_invoice",
            order="date desc, name desc",
            inherits={"account.move": "move_id"},
            company_field="company_id",
        )
    common.update(
        {
            "name": Char(default="/", readonly=True),
            "state": Selection(
                ("draft", "in_process", "paid", "canceled", "rejected"),
                default="draft",
                required=True,
                readonly=True,
            ),
            "memo": Char(),
            "date": Date(required=True, default=lambda env: env.today()),
            "journal_id": Many2one("account.journal", "Journal", required=True, check_company=True),
            "partner_id": Many2one("res.partner", "Customer/Vendor", ondelete="restrict"),
            "currency_id": Many2one("res.currency", "Currency"),
            "company_id": Many2one("res.company", "Company", required=True, default=_company_default),
            "move_id": Many2one("account.move", "Journal Entry", readonly=True, ondelete="cascade"),
            "invoice_ids": Many2many("account.move", "Invoices"),
        }
    )
    return make_model(
        "account.payment",
        "Payments",
        common,
        order="date desc, name desc",
        company_field="company_id",
        read_group="account.group_account_invoice",
        write_group="account.group_account_invoice",
    )


def account_payment_register(v: int) -> ModelDef:
    return make_model(
        "account.payment.register",
        "Pay",
        {
            "payment_date": Date(required=True, default=lambda env: env.today()),
            "amount": Monetary(),
            "communication": Char("Memo"),
            "group_payment": Boolean(default=True),
            "currency_id": Many2one("res.currency", "Currency"),
            "journal_id": Many2one("account.journal", "Journal"),
            "payment_method_line_id": Many2one("account.payment.method.line", "Payment Method"),
            "partner_bank_id": Many2one("res.partner.bank", "Recipient Bank Account"),
            "payment_difference_handling": Selection(("open", "reconcile"), default="open"),
            "writeoff_account_id": Many2one("account.account", "Difference Account"),
            "writeoff_label": Char(default="Write-Off"),
            "line_ids": Many2many("account.move.line", "Journal items"),
            "partner_id": Many2one("res.partner", "Customer/Vendor"),
            "payment_type": Selection(("outbound", "inbound")),
            "company_id": Many2one("res.company", default=_company_default),
        },
        transient=True,
        read_group="account.group_account_invoice",
        write_group="account.group_account_invoice",
    )


VALUATION_16 = ("manual_periodic", "real_time")
VALUATION_19 = ("periodic", "real_time")


def product_category(v: int) -> ModelDef:
    return make_model(
        "product.category",
        "Product Category",
        {
            "name": Char(required=True),
            "parent_id": Many2one("product.category", "Parent Category", ondelete="cascade"),
            "complete_name": Char(compute=lambda env, m, i: env.display_name(m, i)),
            "property_cost_method": Selection(
                ("standard", "fifo", "average"), "Costing Method", default="standard", company_dependent=True
            ),
            # §3.7: 19 renames manual_periodic to periodic and makes it optional (company fallback)
            "property_valuation": Selection(
                VALUATION_19 if v >= 19 else VALUATION_16,
                "Inventory Valuation",
                default=False if v >= 19 else "manual_periodic",
                company_dependent=True,
            ),
        },
        rec_name="complete_name",
        order="complete_name",
    )


def _product_fields(v: int) -> dict:
    f = {
        "name": Char(required=True),
        "description_sale": Text("Sales Description"),
        "list_price": Float("Sales Price", default=1.0),
        "standard_price": Float("Cost", default=0.0, company_dependent=True),
        "categ_id": Many2one(
            "product.category",
            "Product Category",
            required=True,
            default=lambda env: env.xmlid("product.product_category_all"),
        ),
        "uom_id": Many2one(
            "uom.uom", "Unit of Measure", required=True, default=lambda env: env.xmlid("uom.product_uom_unit")
        ),
        "sale_ok": Boolean("Can be Sold", default=True),
        "purchase_ok": Boolean("Can be Purchased", default=True),
        "taxes_id": Many2many("account.tax", "Sales Taxes"),
        "supplier_taxes_id": Many2many("account.tax", "Purchase Taxes"),
        "company_id": Many2one("res.company", "Company"),
        "active": Boolean(default=True),
        "default_code": Char("Internal Reference"),
        "barcode": Char(),
        "qty_available": Float("Quantity On Hand", compute=lambda env, m, i: env.qty_available(m, i)),
    }
    if v < 19:
        f["uom_po_id"] = Many2one(
            "uom.uom", "Purchase UoM", default=lambda env: env.xmlid("uom.product_uom_unit")
        )
    if v >= 18:  # §3.7: type consu/service/combo + is_storable
        f["type"] = Selection(("consu", "service", "combo"), "Product Type", required=True, default="consu")
        f["is_storable"] = Boolean("Track Inventory", default=False)
    else:
        f["detailed_type"] = Selection(
            ("consu", "service", "product"), "Product Type", required=True, default="consu"
        )
        f["type"] = Selection(
            ("consu", "service", "product"),
            readonly=True,
            compute=lambda env, m, i: env.value(m, i, "detailed_type"),
        )
    return f


def product_template(v: int) -> ModelDef:
    f = _product_fields(v)
    f["product_variant_ids"] = One2many("product.product", "product_tmpl_id", "Products")
    # barcode: one product per barcode (product.product barcode uniqueness; one variant per template here)
    return make_model(
        "product.template", "Product", f, order="name", company_field="company_id", unique=[("barcode",)]
    )


def product_product(v: int) -> ModelDef:
    return make_model(
        "product.product",
        "Product Variant",
        {
            "product_tmpl_id": Many2one(
                "product.template", "Product Template", required=True, ondelete="cascade"
            ),
            "active": Boolean(default=True),
        },
        order="default_code, name, id",
        inherits={"product.template": "product_tmpl_id"},
    )


SO_STATES_16 = ("draft", "sent", "sale", "done", "cancel")
SO_STATES_17 = ("draft", "sent", "sale", "cancel")


def sale_order(v: int) -> ModelDef:
    f = {
        "name": Char("Order Reference", required=True, default="New"),
        "state": Selection(
            SO_STATES_16 if v == 16 else SO_STATES_17, "Status", default="draft", readonly=True
        ),
        "partner_id": Many2one("res.partner", "Customer", required=True, check_company=True),
        "partner_invoice_id": Many2one("res.partner", "Invoice Address"),
        "partner_shipping_id": Many2one("res.partner", "Delivery Address"),
        "client_order_ref": Char("Customer Reference"),
        "date_order": Datetime("Order Date", required=True, default=lambda env: env.now()),
        "validity_date": Date("Expiration"),
        "currency_id": Many2one("res.currency", "Currency", default=lambda env: env.company_currency()),
        "company_id": Many2one("res.company", "Company", required=True, default=_company_default),
        "order_line": One2many("sale.order.line", "order_id", "Order Lines"),
        "origin": Char("Source Document"),
        "reference": Char("Payment Ref."),
        "note": Text("Terms and conditions"),
        "invoice_status": Selection(
            ("upselling", "invoiced", "to invoice", "no"), default="no", readonly=True
        ),
        "amount_untaxed": Monetary(compute=lambda env, m, i: env.order_amounts(m, i)["untaxed"]),
        "amount_tax": Monetary(compute=lambda env, m, i: env.order_amounts(m, i)["tax"]),
        "amount_total": Monetary(compute=lambda env, m, i: env.order_amounts(m, i)["total"]),
    }
    if v >= 17:
        f["locked"] = Boolean(default=False, readonly=True)
    return make_model(
        "sale.order",
        "Sales Order",
        f,
        order="date_order desc, id desc",
        company_field="company_id",
        read_group="sales_team.group_sale_salesman",
        write_group="sales_team.group_sale_salesman",
    )


def sale_order_line(v: int) -> ModelDef:
    return make_model(
        "sale.order.line",
        "Sales Order Line",
        {
            "order_id": Many2one("sale.order", "Order Reference", required=True, ondelete="cascade"),
            "name": Text("Description"),
            "sequence": Integer(default=10),
            "display_type": Selection(("line_section", "line_note")),
            "product_id": Many2one("product.product", "Product", ondelete="restrict"),
            "product_uom_qty": Float("Quantity", default=1.0),
            "price_unit": Float("Unit Price", default=0.0),
            "discount": Float("Discount (%)", default=0.0),
            "tax_id": Many2many("account.tax", "Taxes", check_company=True),
            "price_subtotal": Monetary(compute=lambda env, m, i: env.line_amounts(m, i)["subtotal"]),
            "price_total": Monetary(compute=lambda env, m, i: env.line_amounts(m, i)["total"]),
        },
        order="order_id, sequence, id",
        read_group="sales_team.group_sale_salesman",
        write_group="sales_team.group_sale_salesman",
        touch_parent="order_id",
    )


PO_STATES_16 = ("draft", "sent", "to approve", "purchase", "done", "cancel")
PO_STATES_19 = ("draft", "sent", "to approve", "purchase", "cancel")


def purchase_order(v: int) -> ModelDef:
    f = {
        "name": Char("Order Reference", required=True, default="New"),
        "state": Selection(
            PO_STATES_19 if v >= 19 else PO_STATES_16, "Status", default="draft", readonly=True
        ),
        "partner_id": Many2one("res.partner", "Vendor", required=True, check_company=True),
        "partner_ref": Char("Vendor Reference"),
        "date_order": Datetime("Order Deadline", required=True, default=lambda env: env.now()),
        "date_approve": Datetime("Confirmation Date", readonly=True),
        "date_planned": Datetime("Expected Arrival"),
        "currency_id": Many2one("res.currency", "Currency", default=lambda env: env.company_currency()),
        "company_id": Many2one("res.company", "Company", required=True, default=_company_default),
        "order_line": One2many("purchase.order.line", "order_id", "Order Lines"),
        "origin": Char("Source Document"),
        "notes": Text("Terms and Conditions"),
        "invoice_status": Selection(("no", "to invoice", "invoiced"), default="no", readonly=True),
        "amount_untaxed": Monetary(compute=lambda env, m, i: env.order_amounts(m, i)["untaxed"]),
        "amount_tax": Monetary(compute=lambda env, m, i: env.order_amounts(m, i)["tax"]),
        "amount_total": Monetary(compute=lambda env, m, i: env.order_amounts(m, i)["total"]),
    }
    if v >= 19:
        f["locked"] = Boolean(default=False, readonly=True)
    return make_model(
        "purchase.order",
        "Purchase Order",
        f,
        order="date_order desc, id desc",
        company_field="company_id",
        read_group="purchase.group_purchase_user",
        write_group="purchase.group_purchase_user",
    )


def purchase_order_line(v: int) -> ModelDef:
    return make_model(
        "purchase.order.line",
        "Purchase Order Line",
        {
            "order_id": Many2one("purchase.order", "Order Reference", required=True, ondelete="cascade"),
            "name": Text("Description", required=True),
            "sequence": Integer(default=10),
            "display_type": Selection(("line_section", "line_note")),
            "product_id": Many2one("product.product", "Product"),
            "product_qty": Float("Quantity", default=1.0),
            "price_unit": Float("Unit Price", default=0.0),
            "discount": Float("Discount (%)", default=0.0),
            "taxes_id": Many2many("account.tax", "Taxes", check_company=True),
            "date_planned": Datetime("Expected Arrival"),
            "price_subtotal": Monetary(compute=lambda env, m, i: env.line_amounts(m, i)["subtotal"]),
            "price_total": Monetary(compute=lambda env, m, i: env.line_amounts(m, i)["total"]),
        },
        order="order_id, sequence, id",
        read_group="purchase.group_purchase_user",
        write_group="purchase.group_purchase_user",
        touch_parent="order_id",
    )


def stock_location(v: int) -> ModelDef:
    return make_model(
        "stock.location",
        "Inventory Locations",
        {
            "name": Char("Location Name", required=True),
            "usage": Selection(
                ("supplier", "view", "internal", "customer", "inventory", "production", "transit"),
                default="internal",
                required=True,
            ),
            "company_id": Many2one("res.company", "Company", default=_company_default),
            "active": Boolean(default=True),
        },
        order="name, id",
        company_field="company_id",
        write_group="stock.group_stock_user",
    )


def stock_quant(v: int) -> ModelDef:
    return make_model(
        "stock.quant",
        "Quants",
        {
            "product_id": Many2one("product.product", "Product", required=True, ondelete="restrict"),
            "location_id": Many2one("stock.location", "Location", required=True, ondelete="restrict"),
            "quantity": Float(readonly=True, default=0.0),
            "inventory_quantity": Float("Counted Quantity", default=0.0),
            "inventory_diff_quantity": Float(
                compute=lambda env, m, i: (
                    (env.value(m, i, "inventory_quantity") - env.value(m, i, "quantity"))
                    if env.value(m, i, "inventory_quantity_set")
                    else 0.0
                )
            ),
            "inventory_quantity_set": Boolean(default=False),
            "inventory_date": Date("Scheduled Date"),
            "company_id": Many2one(
                "res.company",
                compute=lambda env, m, i: env.value_of_parent(m, i, "location_id", "company_id"),
            ),
        },
        read_group="stock.group_stock_user",
        write_group="stock.group_stock_user",
    )


BUSINESS_MODELS: list[Callable[[int], ModelDef]] = [
    account_account,
    account_journal,
    account_tax_group,
    account_tax,
    account_payment_term,
    account_payment_method_line,
    account_move,
    account_move_line,
    account_payment,
    account_payment_register,
    product_category,
    product_template,
    product_product,
    sale_order,
    sale_order_line,
    purchase_order,
    purchase_order_line,
    stock_location,
    stock_quant,
]
