"""Model.load(fields, data): Odoo's import path (odoo/models.py ``load``, odoo-facts §3.14).

Rows of strings. An ``id`` column of external ids (``module.name``, module ``__import__`` when omitted)
makes load an upsert: a row whose external id exists updates that record, otherwise the record and its
ir.model.data row are created in the same transaction; a ``.id`` column updates by database id.
Relational columns: ``field/.id`` (database ids, x2many comma-separated; a one2many links them),
``field/id`` (external ids) or ``field`` (names). One2many sub-columns (``line_ids/name``) are not
modelled.

As in 16/17 (``_convert_records``, ``odoo/addons/base/models/ir_fields.py``), a value that does not
convert or a record that cannot be saved is reported in ``messages`` — never raised — each as
``{'rows': {'from', 'to'}, 'record', 'type', 'field', 'message', ...}`` with the field's label in the
text; when any message is an error, everything the call did is rolled back and ``ids`` is False.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import UserError, ValidationError
from .fields import Field

_TRUE = {"1", "true", "yes"}
_FALSE = {"", "0", "false", "no"}
MAX_ERRORS = 10


class ConversionError(ValueError):
    """ir_fields ``_format_import_error``: ``args[0]`` holds ``%(field)s`` for the label, ``args[1]`` extra
    keys merged into the message (``moreinfo``)."""

    def __init__(self, message: str, extra: dict | None = None) -> None:
        super().__init__(message, extra or {})


class ImportWarning(Warning):  # noqa: A001 - ir_fields.ImportWarning; a Warning gives type 'warning'
    def __init__(self, message: str, extra: dict | None = None) -> None:
        super().__init__(message, extra or {})


def _esc(value: Any) -> Any:
    """``_format_import_error`` escapes % in values so the later ``% {'field': ...}`` keeps them."""
    return value.replace("%", "%%") if isinstance(value, str) else value


def _possible_values(env: Any, comodel: str, subfield: str | None) -> dict:
    """``db_id_for``'s "See all possible values" action (``moreinfo``); 18 renamed the tree view list."""
    view = "tree" if env.db.version <= 17 else "list"
    action: dict[str, Any] = {
        "name": "Possible Values",
        "type": "ir.actions.act_window",
        "target": "new",
        "view_mode": f"{view},form",
        "views": [[False, "list"], [False, "form"]],
        "context": {"create": False},
        "help": "See all possible values",
    }
    if subfield is None:
        action["res_model"] = comodel
    else:
        action["res_model"] = "ir.model.data"
        action["domain"] = [["model", "=", comodel]]
    return action


def _to_boolean(value: str) -> tuple[bool, list[Exception]]:
    lowered = value.lower()
    if lowered in _TRUE:
        return True, []
    if lowered in _FALSE:
        return False, []
    # a ValueError among the "warnings": logged with type 'error' (not a Warning subclass)
    return True, [
        ConversionError(
            f"Unknown value '{_esc(value)}' for boolean field '%(field)s'",
            {"moreinfo": "Use '1' for yes and '0' for no"},
        )
    ]


def db_id_for(env: Any, f: Field, subfield: str | None, value: str) -> tuple[int | bool, list[Exception]]:
    """``ir.fields.converter.db_id_for``: the id a reference names, or a "No matching record" error."""
    comodel = f.comodel
    assert comodel
    warnings: list[Exception] = []
    found: int | None = None
    if subfield == ".id":
        field_type = "database id"
        if not _to_boolean(value)[0]:
            return False, warnings
        try:
            tentative = int(value)
        except ValueError:  # PostgreSQL refuses the text as an integer (psycopg2.DataError)
            raise ConversionError(
                f"Invalid database id '{_esc(value)}' for the field '%(field)s'",
                {"moreinfo": _possible_values(env, comodel, subfield)},
            ) from None
        if env.search(comodel, [("id", "=", tentative)]):  # record rules and active_test apply
            found = tentative
    elif subfield == "id":
        field_type = "external id"
        if not _to_boolean(value)[0]:
            return False, warnings
        found = _xmlid_to_record_id(env, value if "." in value else f"__import__.{value}", comodel)
    else:
        field_type = "name"
        if value == "":
            return False, warnings
        mdef = env.mdef(comodel)
        ids = env.search(comodel, [(mdef.rec_name, "=", value)], limit=100)
        if len(ids) > 1:
            warnings.append(
                ImportWarning(
                    f"Found multiple matches for value '{_esc(value)}' in field '%(field)s' ({len(ids)} matches)"
                )
            )
        found = ids[0] if ids else None
    if found is None:
        raise ConversionError(
            f"No matching record found for {field_type} '{_esc(value)}' in field '%(field)s'",
            {"moreinfo": _possible_values(env, comodel, subfield)},
        )
    return found, warnings


def _xmlid_to_record_id(env: Any, xmlid: str, comodel: str) -> int | None:
    """ir_fields ``_xmlid_to_record_id``: ir.model.data joined on the comodel's table by res_id."""
    module, _, name = xmlid.partition(".")
    for did in env.txn.ids("ir.model.data"):
        row = env.txn.get("ir.model.data", did)
        if row["module"] == module and row["name"] == name and env.txn.exists(comodel, row["res_id"]):
            if row["model"] != comodel:
                raise ValueError(
                    f"Invalid external ID {xmlid}: expected model {comodel!r}, found {row['model']!r}"
                )
            return row["res_id"]
    return None


def _convert(env: Any, f: Field, value: Any) -> tuple[Any, list[Exception]]:
    """``ir.fields.converter._str_to_<type>``; ``value`` is a string, or {subfield: text} for relations."""
    kind = f.type
    if f.relational:
        ((subfield, text),) = value.items()
        if kind == "many2one":
            return db_id_for(env, f, subfield, text)
        ids, warnings = [], []
        for reference in text.split(","):
            rid, ws = db_id_for(env, f, subfield, reference)
            ids.append(rid)
            warnings.extend(ws)
        if kind == "many2many":
            return [(6, 0, ids)], warnings
        # _str_to_one2many, references only: each record linked, then updated with nothing
        return [cmd for rid in ids for cmd in ((4, rid), (1, rid, {}))], warnings
    if kind == "boolean":
        return _to_boolean(value)
    if kind == "integer":
        try:
            return int(value), []
        except ValueError:
            raise ConversionError(
                f"'{_esc(value)}' does not seem to be an integer for field '%(field)s'"
            ) from None
    if kind in ("float", "monetary"):
        try:
            return float(value), []
        except ValueError:
            raise ConversionError(
                f"'{_esc(value)}' does not seem to be a number for field '%(field)s'"
            ) from None
    if kind == "date":
        try:
            return dt.datetime.strptime(value[:10], "%Y-%m-%d").date().isoformat(), []
        except ValueError:
            raise ConversionError(
                f"'{_esc(value)}' does not seem to be a valid date for field '%(field)s'",
                {"moreinfo": "Use the format '2012-12-31'"},
            ) from None
    if kind == "datetime":
        try:  # the user's tz applies in Odoo; the sandbox's users have none (UTC)
            text = value if len(value) > 10 else f"{value} 00:00:00"
            return dt.datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S").strftime("%Y-%m-%d %H:%M:%S"), []
        except ValueError:
            raise ConversionError(
                f"'{_esc(value)}' does not seem to be a valid datetime for field '%(field)s'",
                {"moreinfo": "Use the format '2012-12-31 23:59:59'"},
            ) from None
    if kind == "selection":
        for item in f.selection or ():
            label = item.replace("_", " ").title()
            if value.lower() in (str(item).lower(), label.lower()):
                return item, []
        raise ConversionError(
            f"Value '{_esc(value)}' not found in selection field '%(field)s'",
            {"moreinfo": [item.replace("_", " ").title() for item in f.selection or ()]},
        )
    return value, []  # char, text, html, binary


def load(env: Any, model: str, fields: list[str], data: list[list[str]]) -> dict:
    env.mdef(model)
    known = env.all_fields(model)
    columns = []
    for column in fields:
        name, _, suffix = column.partition("/")
        if name in ("id", ".id"):
            columns.append((name, None))
            continue
        if name not in known:
            raise ValueError(f"Invalid field {name!r} on model {model!r}")
        if suffix and (suffix not in ("id", ".id") or not known[name].relational):
            raise ValidationError(f"The sandbox's load() does not import sub-fields such as '{column}'")
        columns.append((name, suffix or None))
    messages: list[dict] = []
    batch = []
    for index, row in enumerate(data):
        if len(row) != len(fields):
            raise ValidationError("Every row must have one value per column")
        info = {"rows": {"from": index, "to": index}, "record": index}
        xmlid, dbid, values = None, None, {}
        for (name, subfield), cell in zip(columns, row, strict=True):
            cell = "" if cell is None else str(cell)
            if name == "id":
                xmlid = cell or None
            elif name == ".id":
                dbid = _record_id(env, model, cell, info, messages)
            elif not cell:  # ir_fields: an empty value is False (x2many columns: no records)
                values[name] = {"many2many": [(6, 0, [])], "one2many": []}.get(known[name].type, False)
            else:
                f = known[name]
                try:
                    values[name], warnings = _convert(env, f, {subfield: cell} if f.relational else cell)
                except ValueError as exc:
                    warnings = [exc]
                for warning in warnings:
                    messages.append(_message(info, name, f.string, warning))
        batch.append((xmlid, dbid, values, info))
    mark = env.txn.savepoint()
    ids = _flush(env, model, batch, messages)
    if any(m["type"] == "error" for m in messages):
        env.txn.rollback_to(mark)
        return {"ids": False, "messages": messages, "nextrow": 0}
    return {"ids": ids, "messages": messages, "nextrow": 0}


def _record_id(env: Any, model: str, cell: str, info: dict, messages: list[dict]) -> int | None:
    """The row's own ``.id``: "Unknown database identifier" when no such record (``_convert_records``)."""
    try:
        dbid: Any = int(cell)
    except ValueError:
        dbid = cell
    if isinstance(dbid, int) and env.search(model, [("id", "=", dbid)]):
        return dbid
    messages.append(
        {**info, "type": "error", "field": ".id", "message": f"Unknown database identifier '{dbid}'"}
    )
    return None


def _message(info: dict, field: str, label: str, exc: Exception) -> dict:
    """``_convert_records._log``: the label replaces ``%(field)s``; extra keys and ``field_name`` added."""
    text, extra = (exc.args + ({},))[:2] if exc.args else ("", {})
    message = {
        **info,
        "type": "warning" if isinstance(exc, Warning) else "error",
        "field": field,
        "message": str(text) % {"field": label, "record": info["record"], "rows": info["rows"]},
    }
    message.update(extra if isinstance(extra, dict) else {})
    message["field_name"] = label
    return message


def _flush(env: Any, model: str, batch: list, messages: list[dict]) -> list[int]:
    """``load``'s ``flush``: all records in one savepoint; if that fails, one by one, each failure a
    message (a UserError's text, a NOT NULL column as "Missing required value ...")."""
    if not batch:
        return []
    ids: list[int] = []
    mark = env.txn.savepoint()
    global_error = None
    try:
        return [_save(env, model, xmlid, dbid, values) for xmlid, dbid, values, _info in batch]
    except UserError as exc:  # a database error (pgcode) is no UserError in Odoo: no global message
        if not getattr(exc, "pgcode", None):
            global_error = {**batch[0][3], "type": "error", "message": str(exc)}
    except Exception:  # noqa: BLE001, S110 - retried record by record below, as Odoo does
        pass
    env.txn.rollback_to(mark)
    errors = 0
    for i, (xmlid, dbid, values, info) in enumerate(batch, 1):
        mark = env.txn.savepoint()
        try:
            ids.append(_save(env, model, xmlid, dbid, values))
        except UserError as exc:
            env.txn.rollback_to(mark)
            if getattr(exc, "pgcode", None) == "23502":  # models.py convert_pgerror_not_null
                field, label = exc.details["field"], exc.details["label"]  # type: ignore[attr-defined]
                message = f"Missing required value for the field '{label}' ({field})"
                messages.append({**info, "type": "error", "message": message, "field": field})
            else:
                messages.append({**info, "type": "error", "message": str(exc)})
            errors += 1
        except Exception as exc:  # noqa: BLE001 - reported like Odoo's "Unknown error during import"
            env.txn.rollback_to(mark)
            messages.append(
                {
                    **info,
                    "type": "error",
                    "message": f"Unknown error during import: {type(exc)}: {exc}",
                    "moreinfo": "Resolve other errors first",
                }
            )
            errors += 1
        if errors >= MAX_ERRORS and errors >= i / 10:
            messages.append(
                {
                    "type": "warning",
                    "message": "Found more than 10 errors and more than one error per 10 records, "
                    "interrupted to avoid showing too many errors.",
                }
            )
            break
    if errors and global_error and global_error not in messages:
        messages.insert(0, global_error)
    return ids


def _save(env: Any, model: str, xmlid: str | None, dbid: int | None, values: dict) -> int:
    if dbid:
        env.write(model, [dbid], values)
        return dbid
    if not xmlid:
        return env.create(model, [values])[0]
    module, _, name = xmlid.rpartition(".")
    module = module or "__import__"
    imd = env.sudo()
    found = imd.search("ir.model.data", [("module", "=", module), ("name", "=", name)])
    if found:
        res_id = imd.read("ir.model.data", found, ["res_id"])[0]["res_id"]
        if res_id and env.txn.exists(model, res_id):
            env.write(model, [res_id], values)
            return res_id
    (res_id,) = env.create(model, [values])
    imd.create(
        "ir.model.data",
        [{"module": module, "name": name, "model": model, "res_id": res_id, "noupdate": True}],
    )
    return res_id
