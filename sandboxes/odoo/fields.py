"""Field and model declarations: the sandbox's equivalent of ``fields.Char(...)`` and ``_name``.

Models are data, not classes: one :class:`ModelDef` per model with a dict of :class:`Field`, built per
Odoo version by the catalog modules. Business behaviour lives in ``methods``/``orm`` hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

SCALAR_EMPTY = {"integer": 0, "float": 0.0, "monetary": 0.0, "boolean": False}


@dataclass
class Field:
    type: str
    string: str = ""
    required: bool = False
    default: Any = None  # a value, or a callable(env) -> value
    readonly: bool = False
    comodel: str | None = None
    inverse: str | None = None  # one2many: the many2one on the comodel
    selection: tuple[str, ...] | None = None
    compute: Callable[..., Any] | None = None  # non-stored compute(env, model, id) -> value
    ondelete: str = "set null"  # many2one: set null / cascade / restrict
    groups: str | None = None  # xml id of the group that may read/write the field
    name: str = ""
    manual: bool = False
    row_filter: Callable[[dict], bool] | None = None  # one2many: which comodel rows belong (domain)
    # Company-dependent (16/17 ir.property rows, 18+ jsonb): one value per company, read and written
    # for env.company (odoo-facts §0, §1.7). Stored as {company_id: value}.
    company_dependent: bool = False
    # Computed field made writable: inverse(env, model, id, value) -> stored values to write instead.
    inverse_fn: Callable[..., dict] | None = None
    check_company: bool = False  # relational: target must belong to the record's company (_check_company)
    size: int | None = None  # char: Odoo keeps value[:size] (see Field.cut)

    @property
    def relational(self) -> bool:
        return self.type in ("many2one", "one2many", "many2many")

    @property
    def x2many(self) -> bool:
        return self.type in ("one2many", "many2many")

    @property
    def stored(self) -> bool:
        return self.compute is None and self.type != "one2many"

    def cut(self, value: Any) -> Any:
        """``Char(size=N)``: the value is cut to N characters when it is converted, silently: 16/17
        odoo/fields.py ``Char.convert_to_cache``/``convert_to_column`` (``value[:self.size]``), 18
        odoo/fields.py ``_String.convert_to_cache``, 19 odoo/orm/fields_textual.py ``_String.convert_to_cache``."""
        if self.type == "char" and self.size and isinstance(value, str):
            return value[: self.size]
        return value

    def empty(self) -> Any:
        if self.x2many:
            return []
        return SCALAR_EMPTY.get(self.type, False)


def Char(string: str = "", **kw: Any) -> Field:  # noqa: N802 - mirrors fields.Char
    return Field("char", string, **kw)


def Text(string: str = "", **kw: Any) -> Field:  # noqa: N802
    return Field("text", string, **kw)


def Html(string: str = "", **kw: Any) -> Field:  # noqa: N802
    return Field("html", string, **kw)


def Integer(string: str = "", **kw: Any) -> Field:  # noqa: N802
    return Field("integer", string, **kw)


def Float(string: str = "", **kw: Any) -> Field:  # noqa: N802
    return Field("float", string, **kw)


def Monetary(string: str = "", **kw: Any) -> Field:  # noqa: N802
    return Field("monetary", string, **kw)


def Boolean(string: str = "", **kw: Any) -> Field:  # noqa: N802
    return Field("boolean", string, **kw)


def Date(string: str = "", **kw: Any) -> Field:  # noqa: N802
    return Field("date", string, **kw)


def Datetime(string: str = "", **kw: Any) -> Field:  # noqa: N802
    return Field("datetime", string, **kw)


def Binary(string: str = "", **kw: Any) -> Field:  # noqa: N802
    return Field("binary", string, **kw)


def Json(string: str = "", **kw: Any) -> Field:  # noqa: N802
    return Field("json", string, **kw)


def Selection(values: tuple[str, ...] | list[str], string: str = "", **kw: Any) -> Field:  # noqa: N802
    return Field("selection", string, selection=tuple(values), **kw)


def Many2one(comodel: str, string: str = "", **kw: Any) -> Field:  # noqa: N802
    return Field("many2one", string, comodel=comodel, **kw)


def One2many(comodel: str, inverse: str, string: str = "", **kw: Any) -> Field:  # noqa: N802
    return Field("one2many", string, comodel=comodel, inverse=inverse, **kw)


def Many2many(comodel: str, string: str = "", **kw: Any) -> Field:  # noqa: N802
    return Field("many2many", string, comodel=comodel, **kw)


@dataclass
class ModelDef:
    """One model of one Odoo version: ``_name``, ``_description``, fields and a few class attributes."""

    name: str
    description: str
    fields: dict[str, Field]
    rec_name: str = "name"
    order: str = "id"
    # Record rule: rows are visible when this field is empty or in env.companies.
    company_field: str | None = None
    # Access rights: the group needed to read / to create, write or unlink (None = any internal user).
    read_group: str | None = "base.group_user"
    write_group: str | tuple[str, ...] | None = "base.group_user"  # a tuple: any of these groups
    inherits: dict[str, str] = field(default_factory=dict)  # parent model -> many2one field (_inherits)
    unique: list[tuple[str, ...]] = field(default_factory=list)
    # Named SQL constraints (16–18 ``_sql_constraints``, 19 ``models.Constraint``) of ``unique``'s column
    # tuples: columns -> (key, message); the database name is ``<table>_<key>``. A ``unique`` entry
    # without one is a plain unique index, reported with PostgreSQL's own text.
    sql_constraints: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)
    # Partial unique indexes (``CREATE UNIQUE INDEX … WHERE …``): columns -> the rows the index covers.
    unique_where: dict[tuple[str, ...], Callable[[dict[str, Any]], bool]] = field(default_factory=dict)
    manual: bool = False
    transient: bool = False
    # Lines whose parent has stored totals: changing a line recomputes the parent, which bumps its
    # write_date and write_uid (odoo-facts §4). Names the many2one to the parent.
    touch_parent: str | None = None

    def copy(self) -> ModelDef:
        return replace(self, fields={k: replace(v) for k, v in self.fields.items()})


MAGIC = ("id", "create_uid", "create_date", "write_uid", "write_date")


def make_model(name: str, description: str, fields: dict[str, Field], **kw: Any) -> ModelDef:
    """Build a ModelDef and add the magic fields every Odoo model has."""
    all_fields: dict[str, Field] = {
        "id": Integer("ID", readonly=True),
        "display_name": Char("Display Name", compute=_display_name),
        "create_uid": Many2one("res.users", "Created by", readonly=True),
        "create_date": Datetime("Created on", readonly=True),
        "write_uid": Many2one("res.users", "Last Updated by", readonly=True),
        "write_date": Datetime("Last Updated on", readonly=True),
    }
    all_fields.update(fields)
    for fname, f in all_fields.items():
        f.name = fname
        if not f.string:
            f.string = fname.replace("_", " ").title()
    return ModelDef(name, description, all_fields, **kw)


def _display_name(env: Any, model: str, rid: int) -> Any:
    return env.display_name(model, rid)
