"""Model.load(fields, data): Odoo's import path (odoo/models.py `load`, odoo-facts §3.14).

Rows of strings; an `id` column of external ids (`module.name`, module `__import__` when omitted)
makes load an upsert: a row whose external id exists updates that record, otherwise the record and its
ir.model.data row are created in the same transaction. Relational columns take database ids as
`field/.id` (many2many: comma-separated). Real Odoo reports a bad row in `messages` and returns
`ids: False`; the sandbox raises instead, which rolls the call back the same way.
"""

from __future__ import annotations

from typing import Any

from .errors import ValidationError

_TRUE = {"1", "true", "yes"}
_FALSE = {"", "0", "false", "no"}


def _convert(model: str, field: str, kind: str, cell: str) -> Any:
    if kind in ("char", "text", "html", "selection", "date", "datetime"):
        return cell or False
    if kind == "boolean":
        lowered = cell.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValidationError(f"Unknown value '{cell}' for boolean field '{field}'")
    if kind == "integer":
        return int(cell) if cell else 0
    if kind in ("float", "monetary"):
        return float(cell) if cell else 0.0
    raise ValidationError(f"The sandbox's load() does not import {kind} field '{field}' of {model} by value")


def load(env: Any, model: str, fields: list[str], data: list[list[str]]) -> dict:
    env.mdef(model)
    known = env.all_fields(model)
    ids: list[int] = []
    for row in data:
        if len(row) != len(fields):
            raise ValidationError("Every row must have one value per column")
        xmlid, values = None, {}
        for column, cell in zip(fields, row, strict=True):
            cell = "" if cell is None else str(cell)
            if column == "id":
                xmlid = cell
                continue
            name, _, suffix = column.partition("/")
            field = known.get(name)
            if field is None:
                raise ValueError(f"Invalid field {name!r} on model {model!r}")
            if suffix == ".id":
                if field.type == "many2one":
                    values[name] = int(cell) if cell else False
                elif field.type in ("many2many", "one2many"):
                    values[name] = [(6, 0, [int(i) for i in cell.split(",") if i.strip()])]
                else:
                    raise ValidationError(f"'{column}': /.id is for relational fields")
            elif suffix:
                raise ValidationError(f"The sandbox's load() takes relational columns as '{name}/.id'")
            else:
                values[name] = _convert(model, name, field.type, cell)
        ids.append(_upsert(env, model, xmlid, values))
    return {"ids": ids, "messages": []}


def _upsert(env: Any, model: str, xmlid: str | None, values: dict) -> int:
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
