"""Accounting, product, sale, purchase and stock models per Odoo version (odoo-facts §0, §3.2–§3.13)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .computes import order_line_tax_field
from .fields import (
    Boolean,
    Char,
    Date,
    Datetime,
    Field,
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
        "code": Char(required=True, size=64),  # account_account.py code: size=64
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
        # 16 account_account.py _sql_constraints code_company_uniq; 17 has a Python constraint instead
        # (_constrains_code, another message: not modelled, the index's raw text answers)
        sql_constraints={
            ("code", "company_id"): (
                "code_company_uniq",
                "The code of the account must be unique per company !",
            )
        }
        if v <= 16
        else {},
    )


JOURNAL_TYPES = ("sale", "purchase", "cash", "bank", "general")


def _bank_acc_number(env, model, rid):  # type: ignore[no-untyped-def]
    from .business.journals import bank_acc_number

    return bank_acc_number(env, model, rid)


def _set_bank_acc_number(env, model, rid, value):  # type: ignore[no-untyped-def]
    from .business.journals import set_bank_acc_number

    return set_bank_acc_number(env, model, rid, value)


def account_journal(v: int) -> ModelDef:
    """16–19 account_journal.py; create/write behaviour in business/journals.py."""
    return make_model(
        "account.journal",
        "Journal",
        {
            "name": Char("Journal Name", required=True),
            # account_journal.py code: size=5 (Odoo cuts longer codes); 19 relabels it
            "code": Char("Sequence Prefix" if v >= 19 else "Short Code", required=True, size=5),
            "type": Selection(JOURNAL_TYPES + (("credit",) if v >= 18 else ()), required=True),
            "company_id": Many2one("res.company", "Company", required=True, default=_company_default),
            "currency_id": Many2one("res.currency", "Currency"),
            "default_account_id": Many2one("account.account", "Default Account", check_company=True),
            "suspense_account_id": Many2one("account.account", "Suspense Account"),
            "bank_account_id": Many2one("res.partner.bank", "Bank Account", ondelete="restrict"),
            # related='bank_account_id.acc_number', readonly=False
            "bank_acc_number": Char(
                "Account Number", compute=_bank_acc_number, inverse_fn=_set_bank_acc_number
            ),
            "active": Boolean(default=True),
            "sequence": Integer(default=10),
        },
        order="sequence, type, code",
        company_field="company_id",
        unique=[("company_id", "code")],
        # account_journal.py _sql_constraints code_company_uniq (19: _code_company_uniq)
        sql_constraints={
            ("company_id", "code"): ("code_company_uniq", "Journal codes must be unique per company.")
        },
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
        # 16 account_tax.py _sql_constraints name_company_uniq; 17+ a Python constraint (_constrains_name,
        # another message and key: not modelled, the index's raw text answers)
        sql_constraints={
            ("name", "company_id", "type_tax_use", "tax_scope"): (
                "name_company_uniq",
                "Tax names must be unique !",
            )
        }
        if v <= 16
        else {},
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
        "reversed_entry_id": Many2one("account.move", "Reversal of", readonly=True),
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
    for key in ("untaxed", "tax", "total", "residual"):
        # 17 account_move.py _compute_amount: company-currency amounts from the lines' balances (negative
        # for refunds and bills), not the document amounts times a sign
        f[f"amount_{key}_signed"] = Monetary(
            compute=lambda env, m, i, k=key: env.move_amounts(i)[f"{k}_signed"]
        )
    if v >= 18:
        f["checked"] = Boolean(default=True)
        f["invoice_currency_rate"] = Float("Currency Rate", compute=lambda env, m, i: env.move_factor(i))
    else:
        f["to_check"] = Boolean(default=False)
    # 17/18 account_move.py _auto_init: CREATE UNIQUE INDEX account_move_unique_name ON account_move(name,
    # journal_id) WHERE (state = 'posted' AND name != '/'), its message from _sql_constraints unique_name
    # (19: models.UniqueIndex _unique_name). 16 has a Python constraint instead (business/account.py).
    cols = ("name", "journal_id")
    index: dict[str, Any] = {
        "unique": [cols],
        "sql_constraints": {cols: ("unique_name", "Another entry with the same name already exists.")},
        "unique_where": {cols: lambda row: row.get("state") == "posted" and row.get("name") != "/"},
    }
    return make_model(
        "account.move",
        "Journal Entry",
        f,
        order="date desc, name desc, id desc",
        company_field="company_id",
        read_group="account.group_account_invoice",
        write_group="account.group_account_invoice",
        **(index if v >= 17 else {}),
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
            # reconciliation (17 account_move_line.py / account_partial_reconcile.py): matched_debit_ids are
            # the partials where this line is the credit, matched_credit_ids those where it is the debit
            "matched_debit_ids": One2many("account.partial.reconcile", "credit_move_id", "Matched Debits"),
            "matched_credit_ids": One2many("account.partial.reconcile", "debit_move_id", "Matched Credits"),
            "full_reconcile_id": Many2one("account.full.reconcile", "Matching", readonly=True),
            "tax_line_id": Many2one("account.tax", "Originator Tax", readonly=True),
            "date": Date(compute=lambda env, m, i: env.value_of_parent(m, i, "move_id", "date")),
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


def account_partial_reconcile(v: int) -> ModelDef:
    """17 account_partial_reconcile.py: one match between a debit and a credit line (amounts positive)."""

    def company_currency(env, m, i):  # type: ignore[no-untyped-def]
        company = env.value(m, i, "company_id")
        return env.value("res.company", company, "currency_id") if company else False

    return make_model(
        "account.partial.reconcile",
        "Partial Reconcile",
        {
            "debit_move_id": Many2one("account.move.line", required=True),
            "credit_move_id": Many2one("account.move.line", required=True),
            "full_reconcile_id": Many2one("account.full.reconcile", "Full Reconcile"),
            "exchange_move_id": Many2one("account.move"),
            "company_currency_id": Many2one("res.currency", "Company Currency", compute=company_currency),
            "debit_currency_id": Many2one("res.currency", "Currency of the debit journal item."),
            "credit_currency_id": Many2one("res.currency", "Currency of the credit journal item."),
            "amount": Monetary(default=0.0),
            "debit_amount_currency": Monetary(default=0.0),
            "credit_amount_currency": Monetary(default=0.0),
            "company_id": Many2one("res.company", "Company"),
            "max_date": Date("Max Date of Matched Lines"),
        },
        company_field="company_id",
        read_group="account.group_account_invoice",
        write_group="account.group_account_invoice",
    )


def account_full_reconcile(v: int) -> ModelDef:
    """17 account_full_reconcile.py: the set of partials and lines that are fully matched together."""
    return make_model(
        "account.full.reconcile",
        "Full Reconcile",
        {
            "partial_reconcile_ids": One2many(
                "account.partial.reconcile", "full_reconcile_id", "Reconciliation Parts"
            ),
            "reconciled_line_ids": One2many(
                "account.move.line", "full_reconcile_id", "Matched Journal Items"
            ),
            "exchange_move_id": Many2one("account.move"),
        },
        read_group="account.group_account_invoice",
        write_group="account.group_account_invoice",
    )


def res_company_accounting(v: int) -> dict[str, Field]:
    """Fields the account module adds to res.company (17 account/models/company.py), merged into the base
    res.company by the seed. Lock dates per version: 16/17 period/fiscal year/tax; 18/19 (18.0 and 19.0
    company.py) global, tax, sale, purchase and hard lock dates, with Odoo's labels (error messages
    quote them)."""
    f: dict[str, Field] = {
        "bank_account_code_prefix": Char("Prefix of the bank accounts"),
        "cash_account_code_prefix": Char("Prefix of the cash accounts"),
        "account_journal_suspense_account_id": Many2one("account.account", "Journal Suspense Account"),
        "account_journal_payment_debit_account_id": Many2one(
            "account.account", "Journal Outstanding Receipts"
        ),
        "account_journal_payment_credit_account_id": Many2one(
            "account.account", "Journal Outstanding Payments"
        ),
        "currency_exchange_journal_id": Many2one("account.journal", "Exchange Gain or Loss Journal"),
        "income_currency_exchange_account_id": Many2one("account.account", "Gain Exchange Rate Account"),
        "expense_currency_exchange_account_id": Many2one("account.account", "Loss Exchange Rate Account"),
    }
    if v <= 17:
        f["period_lock_date"] = Date("Journals Entries Lock Date")
        f["fiscalyear_lock_date"] = Date("All Users Lock Date")
        f["tax_lock_date"] = Date("Tax Return Lock Date")
    else:
        f["fiscalyear_lock_date"] = Date("Global Lock Date")
        f["tax_lock_date"] = Date("Tax Return Lock Date")
        f["sale_lock_date"] = Date("Sales Lock Date")
        f["purchase_lock_date"] = Date("Purchase Lock date")  # sic, 18.0/19.0 company.py
        f["hard_lock_date"] = Date("Hard Lock Date")
    return f


MODEL_EXTENSIONS: dict[str, Callable[[int], dict[str, Field]]] = {"res.company": res_company_accounting}


def account_payment(v: int) -> ModelDef:
    common = {
        "payment_type": Selection(("outbound", "inbound"), required=True, default="inbound"),
        "partner_type": Selection(("customer", "supplier"), default="customer"),
        "amount": Monetary(default=0.0),
        "payment_method_line_id": Many2one("account.payment.method.line", "Payment Method"),
        "partner_bank_id": Many2one("res.partner.bank", "Recipient Bank Account"),
        "payment_reference": Char(),
        "is_reconciled": Boolean(readonly=True, default=False),
        "is_matched": Boolean("Is Matched With a Bank Statement", readonly=True, default=False),
        "outstanding_account_id": Many2one("account.account", "Outstanding Account", readonly=True),
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


def _trade():  # type: ignore[no-untyped-def]
    """business.trade, imported late (it imports the ORM, which imports this catalog)."""
    from .business import trade

    return trade


def product_category(v: int) -> ModelDef:
    """stock_account is installed on every version's sandbox, so the valuation properties always exist
    (stock_account/models/product.py, ProductCategory, 16–19)."""
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
            # account/models/product.py ProductCategory (16–19)
            "property_account_income_categ_id": Many2one(
                "account.account", "Income Account", company_dependent=True
            ),
            "property_account_expense_categ_id": Many2one(
                "account.account", "Expense Account", company_dependent=True
            ),
            # stock_account/models/product.py ProductCategory (16–19)
            "property_stock_valuation_account_id": Many2one(
                "account.account", "Stock Valuation Account", company_dependent=True
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
        "description_purchase": Text("Purchase Description"),  # product_template.py, 16–19
        # account/models/product.py ProductTemplate (16–19): company-dependent, empty = the category's
        "property_account_income_id": Many2one("account.account", "Income Account", company_dependent=True),
        "property_account_expense_id": Many2one("account.account", "Expense Account", company_dependent=True),
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
        "default_code": Char("Internal Reference"),  # not unique in any version
        "barcode": Char(),  # unique per company from 17 (business/trade.py _check_barcode_uniqueness)
        "qty_available": Float("Quantity On Hand", compute=lambda env, m, i: env.qty_available(m, i)),
        # sale/models/product_template.py: 'order' by default and whenever the type becomes consu
        "invoice_policy": Selection(("order", "delivery"), "Invoicing Policy", default="order"),
        # purchase/models/product.py: 'receive' by default, 'purchase' for services (_compute_purchase_method)
        "purchase_method": Selection(("purchase", "receive"), "Control Policy", default="receive"),
    }
    if v < 19:
        f["uom_po_id"] = Many2one(
            "uom.uom", "Purchase UoM", default=lambda env: env.xmlid("uom.product_uom_unit")
        )
    if (
        v >= 18
    ):  # §3.7: type consu/service/combo + is_storable (18 product_template.py, stock/models/product.py)
        f["type"] = Selection(("consu", "service", "combo"), "Product Type", required=True, default="consu")
        f["is_storable"] = Boolean("Track Inventory", default=False)
    else:
        # 16/17 product_template.py: detailed_type, and type stored and writable (readonly=False);
        # _sanitize_vals keeps them equal (business/trade.py). stock adds 'product' to both.
        f["detailed_type"] = Selection(
            ("consu", "service", "product"), "Product Type", required=True, default="consu"
        )
        f["type"] = Selection(("consu", "service", "product"), "Type", default="consu")
    return f


def product_template(v: int) -> ModelDef:
    f = _product_fields(v)
    f["product_variant_ids"] = One2many("product.product", "product_tmpl_id", "Products")
    return make_model("product.template", "Product", f, order="name", company_field="company_id")


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
            ("upselling", "invoiced", "to invoice", "no"),
            "Invoice Status",
            readonly=True,
            compute=lambda env, m, i: _trade().sale_invoice_status(env, i),
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


def _line_uom_field(v: int) -> str:
    """16–18 product_uom, 19 product_uom_id on sale and purchase order lines (19 sale_order_line.py)."""
    return "product_uom_id" if v >= 19 else "product_uom"


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
            _line_uom_field(v): Many2one("uom.uom", "Unit" if v >= 19 else "Unit of Measure"),
            "product_uom_qty": Float("Quantity", default=1.0),
            "price_unit": Float("Unit Price", default=0.0),
            "discount": Float("Discount (%)", default=0.0),
            order_line_tax_field("sale.order.line", v): Many2many("account.tax", "Taxes", check_company=True),
            "price_subtotal": Monetary(compute=lambda env, m, i: env.line_amounts(m, i)["subtotal"]),
            "price_total": Monetary(compute=lambda env, m, i: env.line_amounts(m, i)["total"]),
            "state": Selection(
                SO_STATES_16 if v == 16 else SO_STATES_17,
                "Order Status",
                compute=lambda env, m, i: env.value_of_parent(m, i, "order_id", "state"),
            ),
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
        "invoice_status": Selection(
            ("no", "to invoice", "invoiced"),
            "Billing Status",
            readonly=True,
            compute=lambda env, m, i: _trade().purchase_invoice_status(env, i),
        ),
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
            # required, computed from the product when not given (_compute_price_unit_and_date_planned_and_name)
            "name": Text("Description", required=True),
            "sequence": Integer(default=10),
            "display_type": Selection(("line_section", "line_note")),
            "product_id": Many2one("product.product", "Product"),
            _line_uom_field(v): Many2one("uom.uom", "Unit" if v >= 19 else "Unit of Measure"),
            "product_qty": Float("Quantity", default=1.0),
            "price_unit": Float("Unit Price", default=0.0),
            "discount": Float("Discount (%)", default=0.0),
            order_line_tax_field("purchase.order.line", v): Many2many(
                "account.tax", "Taxes", check_company=True
            ),
            "date_planned": Datetime("Expected Arrival"),
            "price_subtotal": Monetary(compute=lambda env, m, i: env.line_amounts(m, i)["subtotal"]),
            "price_total": Monetary(compute=lambda env, m, i: env.line_amounts(m, i)["total"]),
            "state": Selection(
                PO_STATES_19 if v >= 19 else PO_STATES_16,
                "Status",
                compute=lambda env, m, i: env.value_of_parent(m, i, "order_id", "state"),
            ),
        },
        order="order_id, sequence, id",
        read_group="purchase.group_purchase_user",
        write_group="purchase.group_purchase_user",
        touch_parent="order_id",
    )


def res_company_purchase(v: int) -> dict[str, Field]:
    """Fields purchase adds to res.company (purchase/models/res_company.py, 16–19)."""
    return {
        "po_lock": Selection(("edit", "lock"), "Purchase Order Modification", default="edit"),
        "po_double_validation": Selection(
            ("one_step", "two_step"), "Levels of Approvals", default="one_step"
        ),
        "po_double_validation_amount": Monetary("Double validation amount", default=5000.0),
    }


def _extend_model(model: str, extension: Callable[[int], dict[str, Field]]) -> None:
    """Several modules add fields to one model: chain the extensions registered for it."""
    previous = MODEL_EXTENSIONS.get(model)
    MODEL_EXTENSIONS[model] = lambda v: {**(previous(v) if previous else {}), **extension(v)}


_extend_model("res.company", res_company_purchase)


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
            # stock_quant.py _compute_inventory_diff_quantity: 16–18 counted − on hand, whether or not
            # the count is set (so −quantity for an uncounted quant); 19 only when inventory_quantity_set,
            # else 0. Odoo stores it (depends on inventory_quantity): not recomputed when only quantity moves.
            "inventory_diff_quantity": Float(
                "Difference",
                compute=lambda env, m, i: (
                    (env.value(m, i, "inventory_quantity") - env.value(m, i, "quantity"))
                    if v <= 18 or env.value(m, i, "inventory_quantity_set")
                    else 0.0
                ),
            ),
            "inventory_quantity_set": Boolean(default=False),
            "inventory_date": Date("Scheduled Date"),
            "user_id": Many2one("res.users", "Assigned To"),
            "company_id": Many2one(
                "res.company",
                compute=lambda env, m, i: env.value_of_parent(m, i, "location_id", "company_id"),
            ),
        },
        read_group="stock.group_stock_user",
        write_group="stock.group_stock_user",
    )


MOVE_STATES = ("draft", "waiting", "confirmed", "partially_available", "assigned", "done", "cancel")


def stock_move(v: int) -> ModelDef:
    """The done moves an applied inventory leaves (stock_quant.py _apply_inventory, _get_inventory_move_values):
    what Odoo → Xero inventory adjustments read. 16 names the done quantity quantity_done, 17+ quantity."""
    return make_model(
        "stock.move",
        "Stock Move",
        {
            "name": Char("Description", required=True),
            "reference": Char(),
            "sequence": Integer(default=10),
            "date": Datetime("Date Scheduled", required=True, default=lambda env: env.now()),
            "product_id": Many2one("product.product", "Product", required=True),
            "product_uom": Many2one("uom.uom", "UoM", required=True),
            "product_uom_qty": Float("Demand", required=True, default=0.0),
            "quantity_done" if v == 16 else "quantity": Float("Quantity", default=0.0),
            "location_id": Many2one("stock.location", "Source Location", required=True),
            "location_dest_id": Many2one("stock.location", "Destination Location", required=True),
            "state": Selection(MOVE_STATES, "Status", default="draft", readonly=True),
            "is_inventory": Boolean("Inventory", default=False),
            "company_id": Many2one("res.company", "Company", required=True, default=_company_default),
        },
        order="sequence, id",
        company_field="company_id",
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
    account_partial_reconcile,
    account_full_reconcile,
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
    stock_move,
]
