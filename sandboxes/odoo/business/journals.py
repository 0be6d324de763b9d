"""account.journal: what creating and editing a journal does, per version (read in 16.0–19.0
account/models/account_journal.py: create, _fill_missing_values, _compute_code,
_compute_suspense_account_id, get_next_bank_cash_default_code / 19 _get_next_journal_default_code,
_create_default_account, set_bank_account, write, _check_bank_account; account_account.py
_search_new_account_code).

- Types: sale, purchase, cash, bank, general; 18+ also credit (credit card).
- ``code`` is a Char(size=5): Odoo cuts a longer value to 5 characters without a word (fields.py
  Char.convert_to_cache; the catalog's ``size``), and (company_id, code) is the named constraint
  code_company_uniq ("Journal codes must be unique per company.", the catalog's ``sql_constraints``).
  Left empty, it is generated: 16 for bank/cash when no code is given, 17/18 for bank/cash(/credit),
  19 for every type (BNK1, CSH1, CCD1, GEN1 or 19's INV1, BILL1, MISC1, …).
- A bank or cash journal without a default account gets a new liquidity account (code from the
  company's bank/cash prefix, the journal's name and currency), the company's suspense account, and
  Manual inbound/outbound payment methods; 18+ a credit journal takes the company's first credit card
  account or gets one. ``bank_acc_number`` on a bank journal links the company's bank account with that
  number, or creates it.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import UserError, ValidationError
from .base_rules import _sanitize
from .registry import register

JOURNAL = "account.journal"


def liquidity_types(version: int) -> tuple[str, ...]:
    """Types with a suspense account and payment methods: bank, cash (18+: credit)."""
    return ("bank", "cash", "credit") if version >= 18 else ("bank", "cash")


def _code_prefixes(version: int) -> dict[str, str]:
    """get_next_bank_cash_default_code's prefix_map (16/17), 18 adds credit, 19
    _get_next_journal_default_code covers every type."""
    if version >= 19:
        return {
            "sale": "INV",
            "purchase": "BILL",
            "cash": "CSH",
            "bank": "BNK",
            "credit": "CCD",
            "general": "MISC",
        }
    prefixes = {"cash": "CSH", "general": "GEN", "bank": "BNK"}
    if version >= 18:
        prefixes["credit"] = "CCD"
    return prefixes


def next_journal_code(env: Any, jtype: str, company: int) -> str | None:
    """The first free <prefix><n> (n < 100) among the company's journals, archived ones included."""
    base = _code_prefixes(env.db.version).get(jtype)
    if not base:
        return None
    su = env.sudo()
    existing = {
        su.value(JOURNAL, jid, "code")
        for jid in su.txn.ids(JOURNAL)
        if su.value(JOURNAL, jid, "company_id") == company
    }
    for num in range(1, 100):
        if f"{base}{num}" not in existing:
            return f"{base}{num}"
    return None


def _account_companies(env: Any, aid: int) -> set[int]:
    su = env.sudo()
    if su.field("account.account", "company_ids") is not None:
        return set(su.value("account.account", aid, "company_ids"))
    return {su.value("account.account", aid, "company_id")}


def _company_family(env: Any, company: int) -> set[int]:
    """The company, its parents and its children (where 17+ look for a clashing account code)."""
    su = env.sudo()

    def parents(cid: int) -> list[int]:
        chain = []
        while cid and cid not in chain:
            chain.append(cid)
            cid = su.value("res.company", cid, "parent_id")
        return chain

    return {cid for cid in su.txn.ids("res.company") if company in parents(cid) or cid in parents(company)}


def _account_codes(env: Any, company: int) -> list[str]:
    su = env.sudo()
    family = {company} if env.db.version <= 16 else _company_family(env, company)
    return [
        su.value("account.account", aid, "code")
        for aid in sorted(
            su.txn.ids("account.account"), key=lambda a: (su.value("account.account", a, "code"), a)
        )
        if _account_companies(env, aid) & family
    ]


def new_account_code(env: Any, company: int, prefix: str) -> str:
    """account.account._search_new_account_code. Digits: the length of the company's first account's
    code (6 without accounts). 16/17: prefix padded to digits-1, then 1, 2, …; 18+: prefix padded to
    digits, then the next free number, then '<code>.copy', '.copy2', …"""
    used = set(_account_codes(env, company))
    ordered = _account_codes(env, company)
    digits = len(ordered[0]) if ordered else 6
    if env.db.version <= 17:
        for num in range(1, 10000):
            code = prefix.ljust(digits - 1, "0") + str(num)
            if code not in used:
                return code
        raise UserError("Cannot generate an unused account code.")
    start = prefix.ljust(digits, "0")
    cache = {start}
    match = re.match(r"(.*?)(\d*)(\D*?)$", start)
    head, number, tail = match.groups()  # type: ignore[union-attr]
    if number:
        width = len(number)
        for num in range(int(number) + 1, 10**width):
            code = f"{head}{num:0{width}}{tail}"
            if code not in cache and code not in used:
                return code
    for num in range(99):
        code = f"{start}.copy{num + 1 if num else ''}"
        if code not in used:
            return code
    raise UserError("Cannot generate an unused account code.")


def _create_default_account(env: Any, company: int, jtype: str, vals: dict) -> int:
    """_fill_missing_values (16/17) / 18+ _create_default_account: a liquidity (or 18+ credit card)
    account named after the journal, in its currency, with an external id like Odoo's."""
    su = env.sudo()
    bank_prefix = su.value("res.company", company, "bank_account_code_prefix") or ""
    if jtype == "cash":
        prefix = su.value("res.company", company, "cash_account_code_prefix") or bank_prefix
    else:
        prefix = bank_prefix
    account_vals: dict[str, Any] = {
        "name": vals.get("name"),
        "code": new_account_code(env, company, prefix),
        "account_type": "liability_credit_card" if jtype == "credit" else "asset_cash",
        "currency_id": vals.get("currency_id") or False,
    }
    if env.db.version >= 18:
        account_vals["company_ids"] = [(4, company)]
    else:
        account_vals["company_id"] = company
    aid = env.create("account.account", [account_vals])[0]
    su.create(
        "ir.model.data",
        [
            {
                "module": "account",
                "name": f"{company}_{jtype}_journal_default_account_{aid}",
                "model": "account.account",
                "res_id": aid,
                "noupdate": True,
            }
        ],
    )
    return aid


def _journal_prepare(env: Any, vals: dict) -> dict:
    """create(): _fill_missing_values, then the precomputed code and suspense account."""
    v = env.db.version
    jtype = vals.get("type")
    if not jtype:
        return vals  # 'type' is required: the NOT NULL check answers
    company = vals.get("company_id") or env.company_id
    vals["company_id"] = company
    if jtype in ("bank", "cash"):
        vals["name"] = vals.get("name") or vals.get("bank_acc_number")
        if v <= 16 and "code" not in vals:
            vals["code"] = next_journal_code(env, jtype, company)
            if not vals["code"]:
                raise UserError("Cannot generate an unused journal code. Please fill the 'Shortcode' field.")
        if not vals.get("default_account_id"):
            vals["default_account_id"] = _create_default_account(env, company, jtype, vals)
    if jtype == "credit" and not vals.get("default_account_id"):
        su = env.sudo()
        existing = [
            aid
            for aid in sorted(
                su.txn.ids("account.account"), key=lambda a: (su.value("account.account", a, "code"), a)
            )
            if su.value("account.account", aid, "account_type") == "liability_credit_card"
            and company in _account_companies(env, aid)
        ]
        vals["default_account_id"] = (
            existing[0] if existing else _create_default_account(env, company, jtype, vals)
        )
    if v >= 17 and not vals.get("code") and (v >= 19 or jtype in liquidity_types(v)):  # _compute_code
        vals["code"] = next_journal_code(env, jtype, company) or False
    if jtype in liquidity_types(v):  # _compute_suspense_account_id
        vals["suspense_account_id"] = vals.get("suspense_account_id") or env.sudo().value(
            "res.company", company, "account_journal_suspense_account_id"
        )
    else:
        vals["suspense_account_id"] = False
    return vals


def _journal_after_create(env: Any, ids: list[int]) -> None:
    """_compute_inbound/outbound_payment_method_line_ids: Manual in and out on bank/cash (18+: credit)."""
    su = env.sudo()
    for jid in ids:
        if su.value(JOURNAL, jid, "type") in liquidity_types(env.db.version):
            su.create(
                "account.payment.method.line",
                [
                    {"name": "Manual", "journal_id": jid, "payment_type": "inbound"},
                    {"name": "Manual", "journal_id": jid, "payment_type": "outbound"},
                ],
            )
    _check_bank_account(env, ids)


def _journal_before_write(env: Any, ids: list[int], vals: dict) -> None:
    """write(): the bank account's holder, its currency."""
    su = env.sudo()
    for jid in ids:
        company = vals.get("company_id") or su.value(JOURNAL, jid, "company_id")
        bank = su.value(JOURNAL, jid, "bank_account_id")
        if "currency_id" in vals and bank:
            su.write("res.partner.bank", [bank], {"currency_id": vals["currency_id"]})
        if vals.get("bank_account_id"):
            holder = su.value("res.partner.bank", vals["bank_account_id"], "partner_id")
            if holder != su.value("res.company", company, "partner_id"):
                raise UserError(
                    "The partners of the journal's company and the related bank account mismatch."
                )


def _journal_after_write(env: Any, ids: list[int], vals: dict) -> None:
    """write(): a liquidity journal's default account follows its currency; _check_bank_account."""
    su = env.sudo()
    if "currency_id" in vals:
        for jid in ids:
            account = su.value(JOURNAL, jid, "default_account_id")
            if su.value(JOURNAL, jid, "type") in ("bank", "cash") and account:
                su.write("account.account", [account], {"currency_id": su.value(JOURNAL, jid, "currency_id")})
    if {"bank_account_id", "bank_acc_number", "type", "company_id"} & set(vals):
        _check_bank_account(env, ids)


def _check_bank_account(env: Any, ids: list[int]) -> None:
    """_check_bank_account (constraint): a bank journal's account belongs to, and is held by, its company."""
    su = env.sudo()
    for jid in ids:
        bank = su.value(JOURNAL, jid, "bank_account_id")
        if su.value(JOURNAL, jid, "type") != "bank" or not bank:
            continue
        company = su.value(JOURNAL, jid, "company_id")
        name = su.value("res.company", company, "name")
        bank_company = su.value("res.partner.bank", bank, "company_id")
        if bank_company and bank_company != company:
            raise ValidationError(
                f"The bank account of a bank journal must belong to the same company ({name})."
            )
        if su.value("res.partner.bank", bank, "partner_id") != su.value("res.company", company, "partner_id"):
            raise ValidationError(f"The holder of a journal's bank account must be the company ({name}).")


def set_bank_account(env: Any, jid: int, acc_number: str) -> int:
    """account.journal.set_bank_account: the company's bank account with that (sanitized) number, or a
    new one in the journal's currency."""
    su = env.sudo()
    company = su.value(JOURNAL, jid, "company_id")
    partner = su.value("res.company", company, "partner_id")
    found = env.search(
        "res.partner.bank",
        [("sanitized_acc_number", "=", _sanitize(acc_number)), ("partner_id", "=", partner)],
        limit=1,
    )
    if found:
        return found[0]
    return env.create(
        "res.partner.bank",
        [
            {
                "acc_number": acc_number,
                "currency_id": su.value(JOURNAL, jid, "currency_id") or False,
                "partner_id": partner,
                "company_id": su.value("res.partner", partner, "company_id")
                or False,  # related partner_id.company_id
            }
        ],
    )[0]


def bank_acc_number(env: Any, model: str, jid: int) -> Any:
    """bank_acc_number = related('bank_account_id.acc_number', readonly=False)."""
    bank = env.sudo().value(model, jid, "bank_account_id")
    return env.sudo().value("res.partner.bank", bank, "acc_number") if bank else False


def set_bank_acc_number(env: Any, model: str, jid: int, value: Any) -> dict:
    """Writing bank_acc_number renames the linked bank account (the related field's inverse); a bank
    journal without one links or creates it (create() and write() call set_bank_account)."""
    row = env.txn.get(model, jid)
    if row.get("bank_account_id"):
        env.write("res.partner.bank", [row["bank_account_id"]], {"acc_number": value})
        return {}
    if row.get("type") == "bank" and value:
        return {"bank_account_id": set_bank_account(env, jid, value)}
    return {}


register(
    JOURNAL,
    prepare_create=_journal_prepare,
    after_create=_journal_after_create,
    before_write=_journal_before_write,
    after_write=_journal_after_write,
)
