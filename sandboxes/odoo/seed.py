"""A fresh database: registry for the version, ir.model rows, companies, users, chart of accounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .catalog_base import BASE_MODELS
from .catalog_business import BUSINESS_MODELS, MODEL_EXTENSIONS
from .fields import ModelDef
from .options import Options
from .orm import SUPERUSER_ID, Env
from .store import Database

GROUPS = [  # xml id, name (every group the catalog's access rights use)
    ("base.group_user", "Role / User"),
    ("base.group_erp_manager", "Access Rights"),
    ("base.group_system", "Settings"),
    ("account.group_account_invoice", "Billing"),
    ("account.group_account_manager", "Billing Administrator"),
    ("sales_team.group_sale_salesman", "User: Own Documents Only"),
    ("purchase.group_purchase_user", "Purchase User"),
    # approves purchase orders above the company's double validation amount (purchase_order.py _approval_allowed)
    ("purchase.group_purchase_manager", "Purchase Administrator"),
    ("stock.group_stock_user", "Inventory User"),
    # 16/17: only a stock manager applies an inventory (stock_quant.py _apply_inventory)
    ("stock.group_stock_manager", "Inventory Administrator"),
]
ADMIN_GROUPS = tuple(g for g, _ in GROUPS if g != "base.group_erp_manager")
CURRENCIES = [  # name, symbol, full name, active, position
    ("USD", "$", "United States dollar", True, "before"),
    ("EUR", "€", "Euro", True, "after"),
    ("AUD", "$", "Australian dollar", True, "before"),
    ("NZD", "$", "New Zealand dollar", False, "before"),
    ("GBP", "£", "Pound sterling", False, "before"),
]
# More of the ISO 4217 currencies Odoo ships inactive (base/data/res_currency_data.xml), so a currency
# another system adds can be activated, as in Odoo: code, symbol, full name, rounding, position.
MORE_CURRENCIES = [
    ("AED", "د.إ", "UAE Dirham", 0.01, "after"),
    ("ARS", "$", "Argentine Peso", 0.01, "before"),
    ("BRL", "R$", "Brazilian Real", 0.01, "before"),
    ("CAD", "$", "Canadian Dollar", 0.01, "before"),
    ("CHF", "CHF", "Swiss Franc", 0.01, "after"),
    ("CLP", "$", "Chilean Peso", 1.0, "before"),
    ("CNY", "¥", "Chinese Yuan", 0.01, "before"),
    ("COP", "$", "Colombian Peso", 0.01, "before"),
    ("CZK", "Kč", "Czech Koruna", 0.01, "after"),
    ("DKK", "kr", "Danish Krone", 0.01, "after"),
    ("FJD", "FJ$", "Fiji Dollar", 0.01, "after"),
    ("HKD", "$", "Hong Kong Dollar", 0.01, "before"),
    ("HUF", "Ft", "Hungarian Forint", 0.01, "after"),
    ("IDR", "Rp", "Indonesian Rupiah", 0.01, "before"),
    ("ILS", "₪", "Israeli New Shekel", 0.01, "after"),
    ("INR", "₹", "Indian Rupee", 0.01, "before"),
    ("JPY", "¥", "Japanese Yen", 1.0, "before"),
    ("KRW", "₩", "South Korean Won", 1.0, "before"),
    ("MXN", "$", "Mexican Peso", 0.01, "before"),
    ("MYR", "RM", "Malaysian Ringgit", 0.01, "before"),
    ("NOK", "kr", "Norwegian Krone", 0.01, "after"),
    ("PGK", "K", "Papua New Guinean Kina", 0.01, "after"),
    ("PHP", "₱", "Philippine Peso", 0.01, "before"),
    ("PLN", "zł", "Polish Zloty", 0.01, "after"),
    ("SEK", "kr", "Swedish Krona", 0.01, "after"),
    ("SGD", "$", "Singapore Dollar", 0.01, "before"),
    ("THB", "฿", "Thai Baht", 0.01, "before"),
    ("TOP", "T$", "Tongan Paʻanga", 0.01, "before"),
    ("TWD", "NT$", "New Taiwan Dollar", 1.0, "before"),
    ("VND", "₫", "Vietnamese Dong", 1.0, "after"),
    ("WST", "WS$", "Samoan Tala", 0.01, "before"),
    ("XPF", "XPF", "CFP Franc", 1.0, "after"),
    ("ZAR", "R", "South African Rand", 0.01, "before"),
]
COUNTRIES = [
    ("US", "United States", "USD", 1),
    ("AU", "Australia", "AUD", 61),
    ("NZ", "New Zealand", "NZD", 64),
    ("GB", "United Kingdom", "GBP", 44),
    ("BE", "Belgium", "EUR", 32),
    ("FR", "France", "EUR", 33),
]
STATES = [
    ("US", "CA", "California"),
    ("US", "NY", "New York"),
    ("AU", "NSW", "New South Wales"),
    ("AU", "VIC", "Victoria"),
]
ACCOUNTS = [  # key, code, name, type, reconcile
    ("receivable", "121000", "Account Receivable", "asset_receivable", True),
    ("payable", "211000", "Account Payable", "liability_payable", True),
    ("income", "400000", "Product Sales", "income", False),
    ("expense", "600000", "Expenses", "expense", False),
    ("tax_received", "251000", "Tax Received", "liability_current", False),
    ("tax_paid", "131000", "Tax Paid", "asset_current", False),
    ("bank", "101401", "Bank", "asset_cash", False),
    ("outstanding_receipts", "101402", "Outstanding Receipts", "asset_current", True),
    ("outstanding_payments", "101403", "Outstanding Payments", "asset_current", True),
    ("cash", "101501", "Cash", "asset_cash", False),
    ("suspense", "101404", "Bank Suspense Account", "asset_current", False),
    ("income_currency_exchange", "441000", "Foreign Exchange Gain", "income", False),
    ("expense_currency_exchange", "641000", "Foreign Exchange Loss", "expense", False),
]


def build_registry(version: int) -> dict[str, ModelDef]:
    registry = {m.name: m for m in (factory(version) for factory in BASE_MODELS + BUSINESS_MODELS)}
    for model, extension in MODEL_EXTENSIONS.items():  # fields a module adds to another's model (_inherit)
        for fname, f in extension(version).items():
            f.name = fname
            f.string = f.string or fname.replace("_", " ").title()
            registry[model].fields[fname] = f
    return registry


def _xmlid(env: Env, xmlid: str, model: str, rid: int) -> None:
    module, name = xmlid.split(".", 1)
    env.create(
        "ir.model.data", [{"module": module, "name": name, "model": model, "res_id": rid, "noupdate": True}]
    )


def create_database(
    name: str,
    options: Options,
    admin_login: str,
    admin_password: str,
    bridge_login: str,
    bridge_password: str,
    bridge_groups: tuple[str, ...],
    companies: int = 2,
) -> tuple[Database, dict[str, Any]]:
    """Build and commit the initial data. Returns the database and a dict of useful ids."""
    db = Database(name, options.version, build_registry(options.version), options)
    txn = db.begin()
    env = Env(txn, SUPERUSER_ID, {"_no_automation": True}, su=True)
    ids: dict[str, Any] = {}
    _seed_models(env)
    group_ids = {}
    for xmlid, label in GROUPS:
        gid = env.create("res.groups", [{"name": label, "full_name": label}])[0]
        _xmlid(env, xmlid, "res.groups", gid)
        group_ids[xmlid] = gid
    cur = {}
    for code, symbol, full, active, position in CURRENCIES:
        cur[code] = env.create(
            "res.currency",
            [{"name": code, "symbol": symbol, "full_name": full, "active": active, "position": position}],
        )[0]
        _xmlid(env, f"base.{code}", "res.currency", cur[code])
    for code, symbol, full, rounding, position in MORE_CURRENCIES:
        cur[code] = env.create(
            "res.currency",
            [
                {
                    "name": code,
                    "symbol": symbol,
                    "full_name": full,
                    "rounding": rounding,
                    "active": False,
                    "position": position,
                }
            ],
        )[0]
        _xmlid(env, f"base.{code}", "res.currency", cur[code])
    countries = {}
    for code, cname, ccy, phone in COUNTRIES:
        countries[code] = env.create(
            "res.country", [{"code": code, "name": cname, "currency_id": cur[ccy], "phone_code": phone}]
        )[0]
        _xmlid(env, f"base.{code.lower()}", "res.country", countries[code])
    for ccode, scode, sname in STATES:
        env.create("res.country.state", [{"country_id": countries[ccode], "code": scode, "name": sname}])
    # superuser first (id 1), as in Odoo; companies and users need each other, so create then link
    company_specs = [
        ("My Company", "USD", "US"),
        ("My Company (AU)", "AUD", "AU"),
        ("My Company (NZ)", "NZD", "NZ"),
    ]
    company_ids = []
    for i in range(companies):
        cname, ccy, country = company_specs[i]
        if ccy == "NZD":
            env.write("res.currency", [cur[ccy]], {"active": True})
        partner = env.create(
            "res.partner", [{"name": cname, "is_company": True, "country_id": countries[country]}]
        )[0]
        cid = env.create(
            "res.company",
            [
                {
                    "name": cname,
                    "partner_id": partner,
                    "currency_id": cur[ccy],
                    "country_id": countries[country],
                }
            ],
        )[0]
        env.write("res.partner", [partner], {"company_id": cid})
        _xmlid(env, "base.main_company" if i == 0 else f"base.company_{i + 1}", "res.company", cid)
        company_ids.append(cid)
    ids["company_ids"] = company_ids
    ids["currencies"] = cur
    ids["countries"] = countries

    def user(login: str, uname: str, groups: tuple[str, ...], comps: list[int], active: bool = True) -> int:
        partner = env.create(
            "res.partner", [{"name": uname, "email": f"{login}@example.com", "active": active}]
        )[0]
        return env.create(
            "res.users",
            [
                {
                    "login": login,
                    "name": uname,
                    "partner_id": partner,
                    "company_id": comps[0],
                    "company_ids": [(6, 0, comps)],
                    "groups_id": [(6, 0, [group_ids[g] for g in groups])],
                    "active": active,
                    "email": f"{login}@example.com",
                }
            ],
        )[0]

    root = user("__system__", "OdooBot", ("base.group_system",), company_ids, active=False)
    assert root == SUPERUSER_ID
    ids["admin_uid"] = user(admin_login, "Mitchell Admin", ADMIN_GROUPS, company_ids)
    ids["bridge_uid"] = user(bridge_login, "Xero Bridge", bridge_groups, company_ids)
    ids["demo_uid"] = user("demo", "Marc Demo", ("base.group_user",), company_ids[:1])
    _xmlid(env, "base.user_admin", "res.users", ids["admin_uid"])
    db.passwords[ids["admin_uid"]] = admin_password
    db.passwords[ids["bridge_uid"]] = bridge_password
    db.passwords[ids["demo_uid"]] = "demo"
    uom = env.create("uom.uom", [{"name": "Units"}])[0]
    _xmlid(env, "uom.product_uom_unit", "uom.uom", uom)
    categ = env.create("product.category", [{"name": "All"}])[0]
    _xmlid(env, "product.product_category_all", "product.category", categ)
    env.create("product.category", [{"name": "Saleable", "parent_id": categ}])
    for days, tname in ((0, "Immediate Payment"), (30, "30 Days")):
        tid = env.create("account.payment.term", [{"name": tname, "days": days}])[0]
        _xmlid(
            env,
            f"account.account_payment_term_{'immediate' if days == 0 else '30days'}",
            "account.payment.term",
            tid,
        )
    for cid in company_ids:
        _seed_accounting(env, cid, ids)
    txn.commit()
    return db, ids


def _seed_models(env: Env) -> None:
    """ir.model / ir.model.fields rows for every model (automation rules reference them)."""
    txn = env.txn
    for mname in sorted(env.registry):
        mid = env.db.next_id("ir.model")
        base = {
            "create_uid": SUPERUSER_ID,
            "write_uid": SUPERUSER_ID,
            "create_date": txn.now,
            "write_date": txn.now,
        }
        mdef = env.registry[mname]
        txn.put(
            "ir.model",
            mid,
            {
                "id": mid,
                "name": mdef.description,
                "model": mname,
                "state": "base",
                "transient": mdef.transient,
                **base,
            },
        )
        for fname, f in env.all_fields(mname).items():
            fid = env.db.next_id("ir.model.fields")
            txn.put(
                "ir.model.fields",
                fid,
                {
                    "id": fid,
                    "name": fname,
                    "model": mname,
                    "model_id": mid,
                    "field_description": f.string,
                    "ttype": f.type,
                    "relation": f.comodel or False,
                    "relation_field": f.inverse or False,
                    "required": f.required,
                    "readonly": f.readonly,
                    "store": f.stored,
                    "state": "base",
                    "groups": f.groups or False,
                    **base,
                },
            )
        xml = "model_" + mname.replace(".", "_")
        did = env.db.next_id("ir.model.data")
        txn.put(
            "ir.model.data",
            did,
            {
                "id": did,
                "module": "base",
                "name": xml,
                "model": "ir.model",
                "res_id": mid,
                "noupdate": False,
                **base,
            },
        )


def _seed_accounting(env: Env, cid: int, ids: dict[str, Any]) -> None:
    v = env.db.version
    acc = {}
    for key, code, aname, atype, reconcile in ACCOUNTS:
        vals: dict[str, Any] = {"code": code, "name": aname, "account_type": atype, "reconcile": reconcile}
        vals["company_ids" if v >= 18 else "company_id"] = [(6, 0, [cid])] if v >= 18 else cid
        acc[key] = env.create("account.account", [vals])[0]
        _xmlid(env, f"account.{cid}_{key}", "account.account", acc[key])
    journals = {}
    for code, jname, jtype, default in (
        ("INV", "Customer Invoices", "sale", "income"),
        ("BILL", "Vendor Bills", "purchase", "expense"),
        ("MISC", "Miscellaneous Operations", "general", None),
        ("BNK1", "Bank", "bank", "bank"),
        ("CSH1", "Cash", "cash", "cash"),
        ("EXCH", "Exchange Difference", "general", None),
    ):
        journals[code] = env.create(
            "account.journal",
            [
                {
                    "code": code,
                    "name": jname,
                    "type": jtype,
                    "company_id": cid,
                    "default_account_id": acc[default] if default else False,
                    "suspense_account_id": acc["suspense"] if jtype in ("bank", "cash") else False,
                }
            ],
        )[0]
    # the accounting settings of the company (17 account/models/company.py, set by the chart template;
    # the generic chart's prefixes: 17 template_generic_coa.py, 16 l10n_generic_coa.xml)
    env.write(
        "res.company",
        [cid],
        {
            "bank_account_code_prefix": "1014",
            "cash_account_code_prefix": "1015",
            "account_journal_suspense_account_id": acc["suspense"],
            "account_journal_payment_debit_account_id": acc["outstanding_receipts"],
            "account_journal_payment_credit_account_id": acc["outstanding_payments"],
            "currency_exchange_journal_id": journals["EXCH"],
            "income_currency_exchange_account_id": acc["income_currency_exchange"],
            "expense_currency_exchange_account_id": acc["expense_currency_exchange"],
        },
    )
    # the bank journal's Manual payment methods (created with the journal) post to the outstanding accounts
    for ptype, key in (("inbound", "outstanding_receipts"), ("outbound", "outstanding_payments")):
        lines = env.search(
            "account.payment.method.line",
            [("journal_id", "=", journals["BNK1"]), ("payment_type", "=", ptype)],
        )
        env.write("account.payment.method.line", lines, {"payment_account_id": acc[key]})
    group = env.create("account.tax.group", [{"name": "Tax 15%", "company_id": cid}])[0]
    for use in ("sale", "purchase"):
        tvals: dict[str, Any] = {
            "name": "15%",
            "amount": 15.0,
            "type_tax_use": use,
            "company_id": cid,
            "tax_group_id": group,
        }
        env.create("account.tax", [tvals])
    location = env.create("stock.location", [{"name": "WH/Stock", "usage": "internal", "company_id": cid}])[0]
    env.create(
        "stock.location",
        [{"name": "Virtual Locations/Inventory adjustment", "usage": "inventory", "company_id": cid}],
    )
    ids.setdefault("accounts", {})[cid] = acc
    ids.setdefault("journals", {})[cid] = journals
    ids.setdefault("stock_location", {})[cid] = location
    if cid == ids["company_ids"][0]:
        _xmlid(env, "stock.stock_location_stock", "stock.location", location)
    env.create(
        "res.currency.rate",
        [
            {
                "name": dt.date(2020, 1, 1),
                "rate": 1.0,
                "currency_id": ids["currencies"]["USD"],
                "company_id": cid,
            }
        ],
    )
