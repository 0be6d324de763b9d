"""Behaviour of res.*, ir.* and automation-related models: checks, manual models, external ids."""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes
import re
from collections.abc import Callable
from typing import Any

from ..errors import UserError, ValidationError
from ..fields import Field, make_model
from .registry import method, register


# --------------------------------------------------------------------------------------------------
# res.users, res.partner.bank, res.currency.rate, ir.model.data
# --------------------------------------------------------------------------------------------------
@method("res.users", "context_get", api_model=True)
def users_context_get(env: Any) -> dict:
    row = env.user_row
    return {"lang": row.get("lang") or "en_US", "tz": row.get("tz") or False, "uid": env.uid}


def _sanitize(acc: Any) -> Any:
    return re.sub(r"\W+", "", acc).upper() if isinstance(acc, str) else acc


def _bank_prepare(env: Any, vals: dict) -> dict:
    if "acc_number" in vals:
        vals["sanitized_acc_number"] = _sanitize(vals["acc_number"])
    return vals


register(
    "res.partner.bank",
    prepare_create=_bank_prepare,
    before_write=lambda env, ids, vals: _bank_prepare(env, vals) and None,
)


def _rate_check(env: Any, ids: list[int], vals: dict | None = None) -> None:
    for rid in ids:
        if env.value("res.currency.rate", rid, "rate") <= 0:
            raise ValidationError("The currency rate must be strictly positive.")


register("res.currency.rate", after_create=_rate_check, after_write=_rate_check)


def _partner_name_check(env: Any, ids: list[int], vals: dict | None = None) -> None:
    # res_partner check_name: CHECK((type='contact' AND name IS NOT NULL) or (type!='contact'))
    for rid in ids:
        if env.value("res.partner", rid, "type") == "contact" and not env.value("res.partner", rid, "name"):
            raise ValidationError("Contacts require a name")


def _no_recursion(model: str, message: str) -> Callable[..., None]:
    def check(env: Any, ids: list[int], vals: dict | None = None) -> None:
        for rid in ids:
            seen = {rid}
            parent = env.value(model, rid, "parent_id")
            while parent:
                if parent in seen:
                    raise ValidationError(message)
                seen.add(parent)
                parent = env.value(model, parent, "parent_id")

    return check


_partner_recursion = _no_recursion("res.partner", "You cannot create recursive Partner hierarchies.")


def _partner_checks(env: Any, ids: list[int], vals: dict | None = None) -> None:
    _partner_name_check(env, ids)
    _partner_recursion(env, ids)


register("res.partner", after_create=_partner_checks, after_write=_partner_checks)
_tags_recursion = _no_recursion("res.partner.category", "You can not create recursive tags.")
register("res.partner.category", after_create=_tags_recursion, after_write=_tags_recursion)
_categ_recursion = _no_recursion("product.category", "You cannot create recursive categories.")
register("product.category", after_create=_categ_recursion, after_write=_categ_recursion)


def _imd_check(env: Any, ids: list[int], vals: dict | None = None) -> None:
    for rid in ids:
        name = env.value("ir.model.data", rid, "name")
        if " " in (name or ""):
            raise ValidationError("External IDs cannot contain spaces")


register("ir.model.data", after_create=_imd_check, after_write=_imd_check)


@method("ir.model.data", "check_object_reference", api_model=True)
def imd_check_object_reference(
    env: Any, module: str, xml_id: str, raise_on_access_error: bool = False
) -> list:
    env.check_access("ir.model.data", "read")
    for rid in env.txn.ids("ir.model.data"):
        row = env.txn.get("ir.model.data", rid)
        if row["module"] == module and row["name"] == xml_id:
            return [row["model"], row["res_id"]]
    raise ValueError(f"External ID not found in the system: {module}.{xml_id}")


def _attachment_prepare(env: Any, vals: dict) -> dict:
    """``datas`` is base64: decode it (invalid → error), store size, checksum and a guessed mimetype."""
    if vals.get("datas"):
        try:
            raw = base64.b64decode(vals["datas"], validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise ValidationError("The attachment content (datas) is not valid base64.") from None
        vals["file_size"] = len(raw)
        vals["checksum"] = hashlib.sha1(raw).hexdigest()
        if not vals.get("mimetype"):
            vals["mimetype"] = mimetypes.guess_type(vals.get("name") or "")[0] or "application/octet-stream"
    return vals


register(
    "ir.attachment",
    prepare_create=_attachment_prepare,
    before_write=lambda env, ids, vals: _attachment_prepare(env, vals) and None,
)


# --------------------------------------------------------------------------------------------------
# ir.model / ir.model.fields: manual (x_) models and fields, e.g. the 16 outbox (§2.3 option 2)
# --------------------------------------------------------------------------------------------------
def _ir_model_prepare(env: Any, vals: dict) -> dict:
    vals.setdefault("state", "manual")
    if vals["state"] == "manual":
        if not str(vals.get("model", "")).startswith("x_"):
            raise ValidationError("The model name must start with 'x_'.")
        name = vals["model"]
        env.db.add_model(make_model(name, vals.get("name") or name, {}, manual=True))
        env.txn.postrollback.append(lambda: env.db.registry.pop(name, None))
        if "field_id" not in vals:  # Odoo's default: a custom model gets x_name
            vals["field_id"] = [(0, 0, {"name": "x_name", "field_description": "Name", "ttype": "char"})]
    return vals


def _ir_model_unlink(env: Any, ids: list[int]) -> None:
    for rid in ids:
        if env.value("ir.model", rid, "state") != "manual":
            raise UserError("Model 'ir.model' contains module data and cannot be removed.")
        name = env.value("ir.model", rid, "model")
        env.txn.postcommit.append(lambda name=name: env.db.registry.pop(name, None))


register("ir.model", prepare_create=_ir_model_prepare, before_unlink=_ir_model_unlink)

TTYPE_DEFAULTS = {
    "char",
    "text",
    "html",
    "integer",
    "float",
    "monetary",
    "boolean",
    "date",
    "datetime",
    "binary",
}


def _ir_fields_prepare(env: Any, vals: dict) -> dict:
    model_id = vals.get("model_id")
    model = env.model_name_of(model_id) if model_id else vals.get("model")
    vals["model"] = model
    vals.setdefault("state", "manual")
    if vals["state"] != "manual":
        return vals
    name = str(vals.get("name", ""))
    if not name.startswith("x_"):
        raise ValidationError("Custom fields must have a name that starts with 'x_' !")
    ttype = vals.get("ttype")
    if ttype not in TTYPE_DEFAULTS | {"many2one", "many2many", "selection"}:
        raise ValidationError(f"The sandbox does not support custom fields of type {ttype!r}")
    if ttype in ("many2one", "many2many") and vals.get("relation") not in env.registry:
        raise ValidationError(f"Unknown model name '{vals.get('relation')}' in Related Model")
    mdef = env.mdef(model)
    f = Field(
        ttype,
        vals.get("field_description") or name,
        required=bool(vals.get("required")),
        comodel=vals.get("relation") or None,
        selection=("",) if ttype == "selection" else None,
        name=name,
        manual=True,
    )
    if name in mdef.fields:
        raise ValidationError(f"Field names must be unique per model. ({model}.{name})")
    mdef.fields[name] = f
    env.txn.postrollback.append(lambda: mdef.fields.pop(name, None))
    return vals


register("ir.model.fields", prepare_create=_ir_fields_prepare)


# --------------------------------------------------------------------------------------------------
# Server actions and automation rules (§2.1, §2.2, §2.3)
# --------------------------------------------------------------------------------------------------
EXECUTED_STATES = ("code", "object_create", "object_write", "webhook")


def _action_prepare(env: Any, vals: dict) -> dict:
    if vals.get("state", "object_write") not in EXECUTED_STATES:
        raise ValidationError(
            f"The Odoo sandbox does not run server actions of type {vals.get('state')!r}; "
            f"supported: {', '.join(EXECUTED_STATES)}."
        )
    if vals.get("state") == "webhook":
        vals["name"] = "Send Webhook Notification"  # observed on 17: the name is overwritten on creation
    if vals.get("base_automation_id"):
        vals["usage"] = "base_automation"
    return vals


def _action_check(env: Any, ids: list[int], vals: dict | None = None) -> None:
    from ..automation import parse_code

    for rid in ids:
        if env.value("ir.actions.server", rid, "state") == "code":
            parse_code(env.value("ir.actions.server", rid, "code") or "")
        if env.db.version >= 17:
            for fid in env.value("ir.actions.server", rid, "webhook_field_ids"):
                if env.value("ir.model.fields", fid, "groups"):  # _check_webhook_field_ids (§2.1)
                    raise ValidationError(
                        "Group-restricted fields cannot be included in webhook payloads, as it could allow "
                        f"any user to accidentally leak sensitive information. ({env.value('ir.model.fields', fid, 'name')})"
                    )


register(
    "ir.actions.server", prepare_create=_action_prepare, after_create=_action_check, after_write=_action_check
)


def _object_line_check(env: Any, ids: list[int], vals: dict | None = None) -> None:
    from ..automation import parse_expression

    for rid in ids:
        if env.value("ir.server.object.lines", rid, "evaluation_type") == "equation":
            parse_expression(env.value("ir.server.object.lines", rid, "value"))


register("ir.server.object.lines", after_create=_object_line_check, after_write=_object_line_check)


def _automation_check(env: Any, ids: list[int], vals: dict | None = None) -> None:
    from .. import domain as dom
    from ..automation import literal_domain

    for rid in ids:
        model = env.value("base.automation", rid, "model_name")
        for attr in ("filter_domain", "filter_pre_domain"):
            text = env.value("base.automation", rid, attr)
            if text:
                dom.parse(literal_domain(text, env), model, env)
        if env.db.version >= 17:
            for aid in env.value("base.automation", rid, "action_server_ids"):
                if env.value("ir.actions.server", aid, "model_id") != env.value(
                    "base.automation", rid, "model_id"
                ):
                    raise ValidationError("Target model of actions must match the automation rule's model.")
                env.write_raw("ir.actions.server", aid, {"usage": "base_automation"})


register("base.automation", after_create=_automation_check, after_write=_automation_check)
