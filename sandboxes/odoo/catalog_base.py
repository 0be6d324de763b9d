"""Base models (res.*, ir.*, base.automation) per Odoo version (odoo-facts §0, §2, §3.1, §3.5, §3.6, §3.14).

One function per model returning a ModelDef; a version difference is one ``if`` next to the field.
"""

from __future__ import annotations

from collections.abc import Callable

from .fields import (
    Binary,
    Boolean,
    Char,
    Date,
    Datetime,
    Float,
    Html,
    Integer,
    Many2many,
    Many2one,
    ModelDef,
    One2many,
    Selection,
    Text,
    make_model,
)

SYSTEM = "base.group_system"
ERP_MANAGER = "base.group_erp_manager"


def res_company(v: int) -> ModelDef:
    return make_model(
        "res.company",
        "Companies",
        {
            "name": Char("Company Name", required=True),
            "partner_id": Many2one("res.partner", "Partner"),
            "currency_id": Many2one("res.currency", "Currency", required=True),
            "country_id": Many2one("res.country", "Country"),
            "parent_id": Many2one("res.company", "Parent Company"),
            "email": Char(),
            "phone": Char(),
            "vat": Char("Tax ID"),
            "active": Boolean(default=True),
            "sequence": Integer(default=10),
            # added by account (account/models/company.py, 16–19): how taxes are rounded (computes.py)
            "tax_calculation_rounding_method": Selection(
                ("round_per_line", "round_globally"),
                "Tax Calculation Rounding Method",
                default="round_per_line",
            ),
        },
        order="sequence, name",
        write_group=SYSTEM,
    )


def res_groups(v: int) -> ModelDef:
    return make_model(
        "res.groups",
        "Access Groups",
        {"name": Char(required=True), "full_name": Char("Group Name")},
        write_group=SYSTEM,
    )


def res_users(v: int) -> ModelDef:
    return make_model(
        "res.users",
        "User",
        {
            "login": Char(required=True),
            "name": Char(required=True),
            "partner_id": Many2one("res.partner", "Related Partner", ondelete="restrict"),
            "email": Char(),
            "company_id": Many2one("res.company", "Company", required=True),
            "company_ids": Many2many("res.company", "Companies"),
            "groups_id": Many2many("res.groups", "Groups"),
            "active": Boolean(default=True),
            "share": Boolean("Share User", default=False),
            "lang": Char(default="en_US"),
            "tz": Char(default=False),
        },
        rec_name="name",
        order="name, login",
        write_group=ERP_MANAGER,
        unique=[("login",)],
        # res_users.py _sql_constraints login_key (19: models.Constraint _login_key)
        sql_constraints={
            ("login",): (
                "login_key",
                f"You can not have two users with the same login{' !' if v <= 16 else '!'}",
            )
        },
    )


def res_country(v: int) -> ModelDef:
    return make_model(
        "res.country",
        "Country",
        {
            "name": Char("Country Name", required=True),
            "code": Char("Country Code", required=True, size=2),  # res_country.py code: size=2
            "currency_id": Many2one("res.currency", "Currency"),
            "phone_code": Integer(),
            "state_ids": One2many("res.country.state", "country_id", "States"),
        },
        order="name",
        write_group=SYSTEM,
        unique=[("code",)],
        # res_country.py _sql_constraints code_uniq (19: _code_uniq)
        sql_constraints={
            ("code",): ("code_uniq", f"The code of the country must be unique{' !' if v <= 16 else '!'}")
        },
    )


def res_country_state(v: int) -> ModelDef:
    return make_model(
        "res.country.state",
        "Country state",
        {
            "name": Char("State Name", required=True),
            "code": Char("State Code", required=True),
            "country_id": Many2one("res.country", "Country", required=True),
        },
        order="code",
        write_group=SYSTEM,
        unique=[("country_id", "code")],
        # res_country.py ResCountryState _sql_constraints name_code_uniq (19: _name_code_uniq)
        sql_constraints={
            ("country_id", "code"): (
                "name_code_uniq",
                f"The code of the state must be unique by country{' !' if v <= 16 else '!'}",
            )
        },
    )


def res_currency(v: int) -> ModelDef:
    return make_model(
        "res.currency",
        "Currency",
        {
            "name": Char("Currency", required=True, size=3),  # res_currency.py name: size=3
            "full_name": Char("Name"),
            "symbol": Char(required=True),
            "rounding": Float("Rounding Factor", default=0.01),
            "decimal_places": Integer(compute=lambda env, m, i: env.currency_decimals(i)),
            "active": Boolean(default=True),
            "position": Selection(("after", "before"), "Symbol Position", default="after"),
            "rate": Float("Current Rate", compute=lambda env, m, i: env.currency_rate(i)),
            "inverse_rate": Float(compute=lambda env, m, i: 1.0 / (env.currency_rate(i) or 1.0)),
            "rate_ids": One2many("res.currency.rate", "currency_id", "Rates"),
        },
        order="active desc, name",
        # base grants res.currency to Settings; account to Billing Administrators too
        # (addons/account/security/ir.model.access.csv access_res_currency_account_manager, 16–19)
        write_group=(SYSTEM, "account.group_account_manager"),
        unique=[("name",)],
        # res_currency.py _sql_constraints unique_name (19: _unique_name)
        sql_constraints={("name",): ("unique_name", "The currency code must be unique!")},
    )


def res_currency_rate(v: int) -> ModelDef:
    return make_model(
        "res.currency.rate",
        "Currency Rate",
        {
            "name": Date("Date", required=True, default=lambda env: env.today()),
            "rate": Float("Technical Rate", default=1.0),
            # §3.1: company_rate = rate / company currency's rate at that date; both writable (inverse)
            "company_rate": Float(
                compute=lambda env, m, i: env.value(m, i, "rate") / env.company_currency_rate(m, i),
                inverse_fn=lambda env, m, i, v: {"rate": float(v) * env.company_currency_rate(m, i)},
            ),
            "inverse_company_rate": Float(
                compute=lambda env, m, i: env.company_currency_rate(m, i) / (env.value(m, i, "rate") or 1.0),
                inverse_fn=lambda env, m, i, v: {"rate": env.company_currency_rate(m, i) / float(v)},
            ),
            "currency_id": Many2one("res.currency", "Currency", required=True, ondelete="cascade"),
            "company_id": Many2one("res.company", "Company", default=lambda env: env.company_id),
        },
        # base: everyone reads rates, Settings writes; account adds Billing Administrators (ir.model.access.csv)
        write_group=(SYSTEM, "account.group_account_manager"),
        rec_name="name",
        order="name desc",
        company_field="company_id",
        unique=[("name", "currency_id", "company_id")],
        # res_currency.py ResCurrencyRate _sql_constraints unique_name_per_day (19: _unique_name_per_day)
        sql_constraints={
            ("name", "currency_id", "company_id"): (
                "unique_name_per_day",
                "Only one currency rate per day allowed!",
            )
        },
    )


PARTNER_TYPES_16 = ("contact", "invoice", "delivery", "private", "other")
PARTNER_TYPES_17 = ("contact", "invoice", "delivery", "other")


def res_partner(v: int) -> ModelDef:
    f = {
        "name": Char(),
        "complete_name": Char(compute=lambda env, m, i: env.display_name(m, i)),
        "is_company": Boolean("Is a Company", default=False),
        "company_type": Selection(
            ("person", "company"),
            compute=lambda env, m, i: "company" if env.value(m, i, "is_company") else "person",
        ),
        "parent_id": Many2one("res.partner", "Related Company"),
        "child_ids": One2many("res.partner", "parent_id", "Contact"),
        "commercial_partner_id": Many2one("res.partner", compute=lambda env, m, i: env.commercial_partner(i)),
        "type": Selection(
            PARTNER_TYPES_16 if v == 16 else PARTNER_TYPES_17, "Address Type", default="contact"
        ),
        "ref": Char("Reference"),
        "vat": Char("Tax ID"),
        "company_registry": Char("Company ID"),
        "email": Char(),
        "phone": Char(),
        "website": Char(),
        "function": Char("Job Position"),
        "comment": Html("Notes"),
        "date": Date(),
        "color": Integer("Color Index"),
        "street": Char(),
        "street2": Char(),
        "city": Char(),
        "zip": Char(),
        "state_id": Many2one("res.country.state", "State", ondelete="restrict"),
        "country_id": Many2one("res.country", "Country", ondelete="restrict"),
        "lang": Selection(("en_US", "en_AU", "en_GB", "fr_FR", "de_DE"), "Language", default="en_US"),
        "tz": Char("Timezone"),
        "company_id": Many2one("res.company", "Company"),
        "bank_ids": One2many("res.partner.bank", "partner_id", "Banks"),
        "category_id": Many2many("res.partner.category", "Tags"),
        "user_ids": One2many("res.users", "partner_id", "Users"),
        "active": Boolean(default=True),
        "customer_rank": Integer(default=0),
        "supplier_rank": Integer(default=0),
        "property_account_receivable_id": Many2one(
            "account.account", "Account Receivable", company_dependent=True
        ),
        "property_account_payable_id": Many2one("account.account", "Account Payable", company_dependent=True),
        "property_payment_term_id": Many2one(
            "account.payment.term", "Customer Payment Terms", company_dependent=True
        ),
        "property_supplier_payment_term_id": Many2one(
            "account.payment.term", "Vendor Payment Terms", company_dependent=True
        ),
        # Group-restricted (observed: refused in webhook payloads).
        "credit_limit": Float(groups="account.group_account_invoice"),
        "credit": Float(
            "Total Receivable",
            groups="account.group_account_invoice",
            compute=lambda env, m, i: env.partner_open_amount(i, "asset_receivable"),
        ),
        "debit": Float(
            "Total Payable",
            groups="account.group_account_invoice",
            compute=lambda env, m, i: -env.partner_open_amount(i, "liability_payable"),
        ),
        "total_invoiced": Float(
            groups="account.group_account_invoice", compute=lambda env, m, i: env.partner_total_invoiced(i)
        ),
    }
    if v < 19:
        f["mobile"] = Char()  # odoo-facts §3.6: removed in 19
    if v >= 18:
        f["invoice_edi_format"] = Selection(("ubl_bis3", "xrechnung", "ubl_a_nz"), "eInvoice format")
        f["autopost_bills"] = Selection(("always", "ask", "never"), "Auto-post bills", default="ask")
    return make_model(
        "res.partner", "Contact", f, order="complete_name ASC, id DESC", company_field="company_id"
    )


def res_partner_category(v: int) -> ModelDef:
    return make_model(
        "res.partner.category",
        "Partner Tags",
        {
            "name": Char("Tag Name", required=True),
            "color": Integer("Color"),
            "parent_id": Many2one("res.partner.category", "Parent Category", ondelete="cascade"),
            "child_ids": One2many("res.partner.category", "parent_id", "Child Tags"),
            "active": Boolean(default=True),
        },
        order="name",
    )


def res_bank(v: int) -> ModelDef:
    return make_model("res.bank", "Bank", {"name": Char(required=True), "bic": Char("Bank Identifier Code")})


def res_partner_bank(v: int) -> ModelDef:
    return make_model(
        "res.partner.bank",
        "Bank Accounts",
        {
            "acc_number": Char("Account Number", required=True),
            "sanitized_acc_number": Char(readonly=True),
            "acc_holder_name": Char("Account Holder Name"),
            "partner_id": Many2one("res.partner", "Account Holder", required=True, ondelete="cascade"),
            "bank_id": Many2one("res.bank", "Bank"),
            "currency_id": Many2one("res.currency", "Currency"),
            "allow_out_payment": Boolean("Send Money", default=False),
            "company_id": Many2one("res.company", "Company"),
            "active": Boolean(default=True),
            "sequence": Integer(default=10),
        },
        rec_name="acc_number",
        order="sequence, id",
        company_field="company_id",
        unique=[("sanitized_acc_number", "partner_id")],
        # res_bank.py _sql_constraints unique_number (19: _unique_number)
        sql_constraints={
            ("sanitized_acc_number", "partner_id"): (
                "unique_number",
                "The combination Account Number/Partner must be unique.",
            )
        },
    )


def ir_model(v: int) -> ModelDef:
    return make_model(
        "ir.model",
        "Models",
        {
            "name": Char("Model Description", required=True),
            "model": Char("Model", required=True),
            "state": Selection(("manual", "base"), "Type", default="manual"),
            "field_id": One2many("ir.model.fields", "model_id", "Fields"),
            "transient": Boolean(default=False),
            "access_ids": One2many("ir.model.access", "model_id", "Access"),
        },
        order="model",
        write_group=SYSTEM,
        unique=[("model",)],
        # ir_model.py _sql_constraints obj_name_uniq (19: _obj_name_uniq)
        sql_constraints={("model",): ("obj_name_uniq", "Each model must have a unique name.")},
    )


TTYPES = (
    "binary",
    "boolean",
    "char",
    "date",
    "datetime",
    "float",
    "html",
    "integer",
    "json",
    "many2many",
    "many2one",
    "monetary",
    "one2many",
    "selection",
    "text",
)


def ir_model_fields(v: int) -> ModelDef:
    return make_model(
        "ir.model.fields",
        "Fields",
        {
            "name": Char("Field Name", required=True),
            "model": Char("Model Name"),
            "model_id": Many2one("ir.model", "Model", required=True, ondelete="cascade"),
            "field_description": Char("Field Label", required=True),
            "ttype": Selection(TTYPES, "Field Type", required=True),
            "relation": Char("Related Model"),
            "relation_field": Char("Relation Field"),
            "required": Boolean(default=False),
            "readonly": Boolean(default=False),
            "store": Boolean("Stored", default=True),
            "state": Selection(("manual", "base"), "Type", default="manual"),
            "groups": Char(),
        },
        order="name",
        write_group=SYSTEM,
        unique=[("model", "name")],
        # ir_model.py IrModelFields _sql_constraints name_unique (19: _name_unique)
        sql_constraints={("model", "name"): ("name_unique", "Field names must be unique per model.")},
    )


def ir_model_access(v: int) -> ModelDef:
    return make_model(
        "ir.model.access",
        "Model Access",
        {
            "name": Char(required=True),
            "model_id": Many2one("ir.model", "Model", required=True, ondelete="cascade"),
            "group_id": Many2one("res.groups", "Group", ondelete="restrict"),
            "perm_read": Boolean("Read Access", default=False),
            "perm_write": Boolean("Write Access", default=False),
            "perm_create": Boolean("Create Access", default=False),
            "perm_unlink": Boolean("Delete Access", default=False),
            "active": Boolean(default=True),
        },
        read_group=SYSTEM,
        write_group=SYSTEM,
    )


def ir_model_data(v: int) -> ModelDef:
    # odoo-facts §3.14: unique (module, name); only Access Rights admins may read or write.
    return make_model(
        "ir.model.data",
        "Model Data",
        {
            "module": Char(required=True, default=""),
            "name": Char("External Identifier", required=True),
            "model": Char("Model Name", required=True),
            "res_id": Integer("Record ID"),
            "noupdate": Boolean("Non Updatable", default=False),
            "complete_name": Char(
                compute=lambda env, m, i: f"{env.value(m, i, 'module')}.{env.value(m, i, 'name')}"
            ),
        },
        rec_name="complete_name",
        order="module, model, name",
        read_group=ERP_MANAGER,
        write_group=ERP_MANAGER,
        unique=[("module", "name")],
    )


def ir_attachment(v: int) -> ModelDef:
    return make_model(
        "ir.attachment",
        "Attachment",
        {
            "name": Char(required=True),
            "description": Text(),
            "res_model": Char("Resource Model"),
            "res_id": Integer("Resource ID", default=0),
            "res_field": Char(),
            "type": Selection(("url", "binary"), default="binary", required=True),
            "url": Char(),
            "datas": Binary("File Content (base64)"),
            "mimetype": Char("Mime Type"),
            "file_size": Integer(readonly=True),
            "checksum": Char(readonly=True),
            "company_id": Many2one("res.company", "Company", default=lambda env: env.company_id),
            "public": Boolean("Is public document", default=False),
        },
        order="id desc",
        company_field="company_id",
    )


SERVER_ACTION_STATES_16 = ("code", "object_create", "object_write", "multi", "email", "followers")
SERVER_ACTION_STATES_17 = SERVER_ACTION_STATES_16 + ("webhook",)


def ir_actions_server(v: int) -> ModelDef:
    f = {
        "name": Char("Action Name", required=True),
        "type": Char(default="ir.actions.server"),
        "usage": Selection(("ir_actions_server", "ir_cron", "base_automation"), default="ir_actions_server"),
        "model_id": Many2one("ir.model", "Model", required=True, ondelete="cascade"),
        "model_name": Char(compute=lambda env, m, i: env.model_name_of(env.value(m, i, "model_id"))),
        "state": Selection(
            SERVER_ACTION_STATES_16 if v == 16 else SERVER_ACTION_STATES_17,
            "Type",
            default="object_write",
            required=True,
        ),
        "sequence": Integer(default=5),
        "code": Text("Python Code"),
        "crud_model_id": Many2one("ir.model", "Record to Create"),
        "active": Boolean(default=True),
    }
    if v == 16:
        f["fields_lines"] = One2many("ir.server.object.lines", "server_id", "Value Mapping")
    else:
        f["webhook_url"] = Char("Webhook URL")
        f["webhook_field_ids"] = Many2many("ir.model.fields", "Webhook Fields")
        f["webhook_sample_payload"] = Text(compute=lambda env, m, i: env.webhook_sample(i))
        f["base_automation_id"] = Many2one("base.automation", "Automation Rule", ondelete="cascade")
        f["fields_lines"] = One2many("ir.server.object.lines", "server_id", "Value Mapping")
    return make_model("ir.actions.server", "Server Actions", f, order="sequence,name", write_group=SYSTEM)


def ir_server_object_lines(v: int) -> ModelDef:
    return make_model(
        "ir.server.object.lines",
        "Server Action value mapping",
        {
            "server_id": Many2one("ir.actions.server", "Related Server Action", ondelete="cascade"),
            "col1": Many2one("ir.model.fields", "Field", required=True, ondelete="cascade"),
            "value": Text(required=True),
            "evaluation_type": Selection(("value", "reference", "equation"), default="value", required=True),
        },
        rec_name="value",
        write_group=SYSTEM,
    )


TRIGGERS_16 = ("on_create", "on_write", "on_create_or_write", "on_unlink", "on_change", "on_time")
TRIGGERS_17 = (
    "on_stage_set",
    "on_user_set",
    "on_tag_set",
    "on_state_set",
    "on_priority_set",
    "on_archive",
    "on_unarchive",
    "on_create_or_write",
    "on_create",
    "on_write",
    "on_unlink",
    "on_change",
    "on_time",
    "on_time_created",
    "on_time_updated",
    "on_message_received",
    "on_message_sent",
    "on_webhook",
)


def base_automation(v: int) -> ModelDef:
    # odoo-facts §2.2: 16 delegates to one server action (_inherits); 17+ has action_server_ids.
    f = {
        "name": Char("Automation Rule Name", required=True),
        "model_id": Many2one("ir.model", "Model", required=True, ondelete="cascade"),
        "model_name": Char(compute=lambda env, m, i: env.model_name_of(env.value(m, i, "model_id"))),
        "trigger": Selection(TRIGGERS_16 if v == 16 else TRIGGERS_17, required=True),
        "trigger_field_ids": Many2many("ir.model.fields", "Trigger Fields"),
        "filter_pre_domain": Char("Before Update Domain"),
        "filter_domain": Char("Apply on"),
        "active": Boolean(default=True),
        "last_run": Datetime(readonly=True),
    }
    inherits: dict[str, str] = {}
    if v == 16:  # name, model_id, state, code... come from the delegated ir.actions.server
        for inherited in ("name", "model_id", "model_name"):
            del f[inherited]
        f["action_server_id"] = Many2one(
            "ir.actions.server", "Server Actions", required=True, ondelete="restrict"
        )
        inherits = {"ir.actions.server": "action_server_id"}
    else:
        f["action_server_ids"] = One2many("ir.actions.server", "base_automation_id", "Actions")
        f["description"] = Html()
    return make_model(
        "base.automation",
        "Automation Rule",
        f,
        order="id",
        write_group=SYSTEM,
        read_group=SYSTEM,
        inherits=inherits,
    )


def uom_uom(v: int) -> ModelDef:
    return make_model(
        "uom.uom",
        "Product Unit of Measure",
        {
            "name": Char("Unit", required=True),
            "rounding": Float(default=0.01),
            "active": Boolean(default=True),
        },
        order="name",
    )


BASE_MODELS: list[Callable[[int], ModelDef]] = [
    res_company,
    res_groups,
    res_users,
    res_country,
    res_country_state,
    res_currency,
    res_currency_rate,
    res_partner,
    res_partner_category,
    res_bank,
    res_partner_bank,
    ir_model,
    ir_model_fields,
    ir_model_access,
    ir_model_data,
    ir_attachment,
    ir_actions_server,
    ir_server_object_lines,
    base_automation,
    uom_uom,
]
