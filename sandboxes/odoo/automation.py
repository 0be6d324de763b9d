"""Automation rules (base.automation) and the server actions they run (odoo-facts §2.1–§2.3).

Rules run inside the ORM call that triggered them: after create/write, before unlink. A webhook action
POSTs ``{"_action", "_id", "_model", <fields read with load=None>}`` serialized with
``json.dumps(sort_keys=True, default=str)``, one request per record, 1 s timeout, no retry; on 17/18 the
POST happens inside the transaction (before commit), on 19 from a post-commit hook (dropped on rollback).

The sandbox has no ``safe_eval``: code actions are accepted only in the restricted, declarative shape
``env['<model>'].sudo().create({'<field>': <expr>, ...})`` (optionally inside ``for record in records:``),
and object-create "equation" values only as ``record.<field>[.<field>]``, ``record._name``, ``model._name``,
``uid`` or literals. Anything else is refused when the action is saved, never silently ignored.
"""

from __future__ import annotations

import ast
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests

from . import domain as dom
from .errors import UserError, ValidationError

_logger = logging.getLogger("odoo.addons.base.models.ir_actions")
WRITE_TRIGGERS = ("on_write", "on_create_or_write", "on_archive", "on_unarchive")
CREATE_TRIGGERS = ("on_create", "on_create_or_write")


# --------------------------------------------------------------------------------------------------
# tiny restricted evaluators (instead of safe_eval)
# --------------------------------------------------------------------------------------------------
def literal_domain(text: str, env: Any) -> Any:
    """Evaluate a rule's domain string: literals plus ``uid`` and ``user.id``."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValidationError(f"Invalid domain {text!r}: {exc}") from None

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.List | ast.Tuple):
            items = [ev(e) for e in node.elts]
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.Name) and node.id == "uid":
            return env.uid
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr)
            == (
                "user",
                "id",
            )
        ):
            return env.uid
        raise ValidationError(f"The Odoo sandbox cannot evaluate {ast.unparse(node)!r} in domain {text!r}")

    return ev(tree.body)


def parse_expression(text: str) -> ast.expr:
    try:
        tree = ast.parse(str(text).strip(), mode="eval").body
    except SyntaxError as exc:
        raise ValidationError(f"Invalid expression {text!r}: {exc}") from None
    _check_expr(tree, {"record", "model", "uid"})
    return tree


def _check_expr(node: ast.AST, names: set[str]) -> None:
    if isinstance(node, ast.Constant):
        return
    if isinstance(node, ast.Name) and node.id in names:
        return
    if isinstance(node, ast.Attribute):
        _check_expr(node.value, names)
        return
    raise ValidationError(
        f"The Odoo sandbox does not run safe_eval: {ast.unparse(node)!r} is not supported "
        "(use record.<field>, record._name, model._name, uid or a literal)."
    )


def eval_expression(node: ast.AST, env: Any, model: str, rid: int, names: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return names[node.id]
    if isinstance(node, ast.Attribute):
        base = eval_expression(node.value, env, model, rid, names)
        if isinstance(base, _RecordRef):
            if node.attr == "_name":
                return base.model
            if node.attr == "id":
                return base.rid
            f = env.field(base.model, node.attr)
            if f is None:
                raise ValueError(f"Invalid field {node.attr!r} on model {base.model!r}")
            value = env.value(base.model, base.rid, node.attr)
            if f.type == "many2one":
                return _RecordRef(f.comodel, value) if value else _RecordRef(f.comodel, 0)
            return value
        raise ValueError(f"Cannot evaluate {ast.unparse(node)!r}")
    raise ValueError(f"Cannot evaluate {ast.unparse(node)!r}")


@dataclass
class _RecordRef:
    model: str
    rid: int


@dataclass
class CodeCreate:
    target: str
    values: dict[str, ast.expr]
    loop_var: str | None
    sudo: bool


def parse_code(code: str) -> list[CodeCreate]:
    """Accept only ``env['m'].sudo().create({...})`` statements, optionally in ``for x in records:``."""
    code = code or ""
    if not code.strip():
        return []
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        raise ValidationError(f"Invalid Python code: {exc}") from None
    out = []
    for stmt in tree.body:
        loop_var = None
        body = [stmt]
        if isinstance(stmt, ast.For):
            if not (
                isinstance(stmt.target, ast.Name)
                and isinstance(stmt.iter, ast.Name)
                and stmt.iter.id == "records"
            ):
                raise _unsupported(stmt)
            loop_var, body = stmt.target.id, stmt.body
        for inner in body:
            out.append(_parse_create(inner, loop_var))
    return out


def _unsupported(node: ast.AST) -> ValidationError:
    return ValidationError(
        "The Odoo sandbox does not run safe_eval. A code action must be "
        "env['<model>'].sudo().create({...}) (optionally inside 'for record in records:'); got: "
        f"{ast.unparse(node)[:200]!r}"
    )


def _parse_create(stmt: ast.stmt, loop_var: str | None) -> CodeCreate:
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        raise _unsupported(stmt)
    call = stmt.value
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "create" and len(call.args) == 1):
        raise _unsupported(stmt)
    target = call.func.value
    sudo = False
    if isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute) and target.func.attr == "sudo":
        sudo, target = True, target.func.value
    if not (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Name)
        and target.value.id == "env"
        and isinstance(target.slice, ast.Constant)
    ):
        raise _unsupported(stmt)
    arg = call.args[0]
    if not isinstance(arg, ast.Dict) or not all(isinstance(k, ast.Constant) for k in arg.keys):
        raise _unsupported(stmt)
    names = {"record", "model", "uid"} | ({loop_var} if loop_var else set())
    values = {}
    for k, v in zip(arg.keys, arg.values, strict=True):
        _check_expr(v, names)
        values[k.value] = v  # type: ignore[union-attr]
    return CodeCreate(target.slice.value, values, loop_var, sudo)


# --------------------------------------------------------------------------------------------------
# rule selection and firing
# --------------------------------------------------------------------------------------------------
def _rules(env: Any, model: str, triggers: tuple[str, ...]) -> list[int]:
    su = env.sudo()
    out = []
    for rid in su.txn.ids("base.automation"):
        row = su.txn.get("base.automation", rid)
        if not row.get("active", True) or row["trigger"] not in triggers:
            continue
        if su.model_name_of(su.value("base.automation", rid, "model_id")) == model:
            out.append(rid)
    return out


def _filter(env: Any, rule: int, ids: list[int], attr: str) -> list[int]:
    su = env.sudo()
    text = su.value("base.automation", rule, attr)
    ids = [i for i in ids if su.txn.exists(su.value("base.automation", rule, "model_name"), i)]
    if not text or not ids:
        return ids
    model = su.value("base.automation", rule, "model_name")
    node = dom.parse(literal_domain(text, env), model, su)
    return [i for i in ids if dom.evaluate(node, model, i, su)]


def on_create(env: Any, model: str, ids: list[int]) -> None:
    if env.context.get("_no_automation"):
        return
    for rule in _rules(env, model, CREATE_TRIGGERS):
        records = _filter(env, rule, ids, "filter_domain")
        repeats = 1 if _trigger_fields(env, rule) else env.db.options.untriggered_create_repeats
        _process(env, rule, model, records, repeats)


def _trigger_fields(env: Any, rule: int) -> list[str]:
    su = env.sudo()
    return [
        su.value("ir.model.fields", f, "name") for f in su.value("base.automation", rule, "trigger_field_ids")
    ]


@dataclass
class WriteToken:
    model: str
    ids: list[int]
    vals: dict
    pre: dict[int, list[int]]
    old: dict[int, dict[str, Any]]


def before_write(env: Any, model: str, ids: list[int], vals: dict) -> WriteToken | None:
    if env.context.get("_no_automation"):
        return None
    rules = _rules(env, model, WRITE_TRIGGERS)
    if not rules:
        return None
    pre = {rule: _filter(env, rule, ids, "filter_pre_domain") for rule in rules}
    su = env.sudo()
    old = {rid: {f: su.value(model, rid, f) for f in vals if su.field(model, f)} for rid in ids}
    return WriteToken(model, ids, vals, pre, old)


def after_write(env: Any, token: WriteToken | None) -> None:
    if token is None:
        return
    su = env.sudo()
    for rule, pre_ids in token.pre.items():
        records = _filter(env, rule, pre_ids, "filter_domain")
        triggers = _trigger_fields(env, rule)
        kind = su.value("base.automation", rule, "trigger")
        if kind in ("on_archive", "on_unarchive"):  # 17+: the active field moved to False / True
            wanted = kind == "on_unarchive"
            records = [r for r in records if "active" in token.old[r] and token.old[r]["active"] != wanted]
            records = [r for r in records if su.value(token.model, r, "active") == wanted]
            _process(env, rule, token.model, records)
            continue
        # only records where a trigger field really changed (base_automation _check_trigger_fields)
        if triggers:
            records = [
                r
                for r in records
                if any(
                    f in token.old[r] and _differ(su.value(token.model, r, f), token.old[r][f])
                    for f in triggers
                )
            ]
            repeats = 1
        else:
            repeats = env.db.options.untriggered_write_repeats
        _process(env, rule, token.model, records, repeats)


def _differ(new: Any, old: Any) -> bool:
    if isinstance(new, list) and isinstance(old, list):
        return sorted(new) != sorted(old)  # x2many: a set of ids
    return new != old


def on_unlink(env: Any, model: str, ids: list[int]) -> None:
    if env.context.get("_no_automation"):
        return
    for rule in _rules(env, model, ("on_unlink",)):
        _process(env, rule, model, _filter(env, rule, ids, "filter_domain"))


def _actions(env: Any, rule: int) -> list[int]:
    su = env.sudo()
    if env.db.version == 16:
        return [su.value("base.automation", rule, "action_server_id")]
    return sorted(
        su.value("base.automation", rule, "action_server_ids"),
        key=lambda a: (su.value("ir.actions.server", a, "sequence"), a),
    )


def _process(env: Any, rule: int, model: str, records: list[int], repeats: int = 1) -> None:
    """Run the rule's actions once per record; ``__action_done`` stops a rule re-firing on the records
    its own actions modify (base_automation ``_process``)."""
    done: dict[int, set[int]] = env.context.get("__action_done", {})
    records = [r for r in records if r not in done.get(rule, set())]
    if not records:
        return
    env = env.with_context(__action_done={**done, rule: done.get(rule, set()) | set(records)})
    su = env.sudo()
    for _ in range(repeats):
        for action in _actions(env, rule):
            if not su.value("ir.actions.server", action, "active"):
                continue
            for rid in records:  # one run per record (active_id)
                run_action(env, action, model, rid)


def run_action(env: Any, action: int, model: str, rid: int) -> None:
    su = env.sudo()
    state = su.value("ir.actions.server", action, "state")
    if state == "webhook":
        _run_webhook(env, action, model, rid)
    elif state == "object_create":
        target = su.model_name_of(su.value("ir.actions.server", action, "crud_model_id"))
        vals = _line_values(env, action, model, rid)
        su.create(target, [vals])
    elif state == "object_write":
        env.write(model, [rid], _line_values(env, action, model, rid))
    elif state == "code":
        for stmt in parse_code(su.value("ir.actions.server", action, "code") or ""):
            target_env = su if stmt.sudo else env
            names = {"record": _RecordRef(model, rid), "model": _RecordRef(model, 0), "uid": env.uid}
            if stmt.loop_var:
                names[stmt.loop_var] = _RecordRef(model, rid)
            vals = {k: _plain(eval_expression(v, su, model, rid, names)) for k, v in stmt.values.items()}
            target_env.create(stmt.target, [vals])


def _plain(value: Any) -> Any:
    if isinstance(value, _RecordRef):
        return value.rid or False
    return value


def _line_values(env: Any, action: int, model: str, rid: int) -> dict:
    su = env.sudo()
    vals = {}
    names = {"record": _RecordRef(model, rid), "model": _RecordRef(model, 0), "uid": env.uid}
    for line in su.value("ir.actions.server", action, "fields_lines"):
        fname = su.value("ir.model.fields", su.value("ir.server.object.lines", line, "col1"), "name")
        kind = su.value("ir.server.object.lines", line, "evaluation_type")
        raw = su.value("ir.server.object.lines", line, "value")
        if kind == "equation":
            vals[fname] = _plain(eval_expression(parse_expression(raw), su, model, rid, names))
        elif kind == "reference":
            vals[fname] = int(raw)
        else:
            vals[fname] = raw
    return vals


# --------------------------------------------------------------------------------------------------
# webhooks
# --------------------------------------------------------------------------------------------------
@dataclass
class WebhookCall:
    url: str
    body: str
    model: str
    record_id: int
    action_id: int
    sent_at: float
    in_transaction: bool
    status: int | None = None
    error: str | None = None


def webhook_payload(env: Any, action: int, model: str, rid: int) -> dict:
    su = env.sudo()  # actions run as superuser (§2.1)
    payload: dict[str, Any] = {
        "_action": f"{su.value('ir.actions.server', action, 'name')}(#{action})",
        "_id": rid,
        "_model": model,
    }
    fields = [
        su.value("ir.model.fields", f, "name")
        for f in su.value("ir.actions.server", action, "webhook_field_ids")
    ]
    if fields:
        payload.update(su.read(model, [rid], fields, load=None)[0])
    return payload


def _run_webhook(env: Any, action: int, model: str, rid: int) -> None:
    su = env.sudo()
    url = su.value("ir.actions.server", action, "webhook_url")
    if not url:
        return
    body = json.dumps(webhook_payload(env, action, model, rid), sort_keys=True, default=str)
    db = env.db
    call = WebhookCall(url, body, model, rid, action, 0.0, not db.options.webhook_after_commit)
    _logger.info("Webhook call to %s", url)
    if db.options.webhook_after_commit:
        # 19 ir_actions.py _run_action_webhook: payload read now, POST from a post-commit hook
        env.txn.postcommit.append(lambda: _post(db, call, raise_unexpected=False))
        env.txn.postrollback.append(
            lambda: _logger.warning("Webhook call to %s - cancelled due to a rollback", url)
        )
        return
    _post(db, call, raise_unexpected=True)
    env.txn.data["webhooks_sent"] = env.txn.data.get("webhooks_sent", 0) + 1


_log_lock = threading.Lock()


def _post(db: Any, call: WebhookCall, raise_unexpected: bool) -> None:
    """The POST and its logging as in 17/18/19 ir_actions.py ``_run_action_webhook`` (19 adds
    "- succeeded"); only 17/18 turn an unexpected exception into a UserError."""
    call.sent_at = time.time()
    with _log_lock:
        db.webhook_log.append(call)
    try:
        response = requests.post(
            call.url,
            data=call.body,
            headers={"Content-Type": "application/json"},
            timeout=db.options.webhook_timeout,
        )
        call.status = response.status_code
        response.raise_for_status()
        if not raise_unexpected:
            _logger.info("Webhook call to %s - succeeded", call.url)
    except requests.exceptions.ReadTimeout:
        call.error = "timeout"
        _logger.warning(
            "Webhook call timed out after 1s - it may or may not have failed. If this happens often, it may "
            "be a sign that the system you're trying to reach is slow or non-functional."
        )
    except requests.exceptions.RequestException as exc:
        call.error = str(exc)
        _logger.warning("Webhook call failed: %s", exc)
    except Exception as exc:  # noqa: BLE001 - 17/18 turn anything else into a UserError
        call.error = str(exc)
        if raise_unexpected:
            raise UserError(f"Wow, your webhook call failed with a really unusual error: {exc}") from exc
        _logger.exception("Webhook call failed")
