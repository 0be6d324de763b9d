"""The ORM: create/read/write/unlink/search with Odoo's checks, on top of one transaction.

Order of checks follows Odoo: access rights (groups) → existence (MissingError) → record rules
(company isolation, AccessError) → model-specific rules (hooks) → value validation → automation rules.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from . import domain as dom
from .computes import ComputeMixin
from .errors import (
    AccessError,
    MissingError,
    UserError,
    foreign_key_violation,
    not_null_violation,
)
from .fields import MAGIC, Field, ModelDef
from .store import Transaction, _key, unique_violation

_logger = logging.getLogger(__name__)

SUPERUSER_ID = 1
IMPLIED = {
    "base.group_system": {"base.group_erp_manager", "base.group_user"},
    "base.group_erp_manager": {"base.group_user"},
    "account.group_account_manager": {"account.group_account_invoice", "base.group_user"},
    "account.group_account_invoice": {"base.group_user"},
    "sales_team.group_sale_salesman": {"base.group_user"},
    "purchase.group_purchase_manager": {"purchase.group_purchase_user", "base.group_user"},
    "purchase.group_purchase_user": {"base.group_user"},
    "stock.group_stock_manager": {"stock.group_stock_user", "base.group_user"},
    "stock.group_stock_user": {"base.group_user"},
}
GROUP_LABELS = {
    "base.group_user": "Role / User",
    "base.group_erp_manager": "Administration/Access Rights",
    "base.group_system": "Administration/Settings",
    "account.group_account_invoice": "Accounting/Billing",
    "account.group_account_manager": "Accounting/Billing Administrator",
    "sales_team.group_sale_salesman": "Sales/User: Own Documents Only",
    "purchase.group_purchase_user": "Purchase/User",
    "purchase.group_purchase_manager": "Purchase/Administrator",
    "stock.group_stock_user": "Inventory/User",
    "stock.group_stock_manager": "Inventory/Administrator",
}
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class Env(ComputeMixin):
    """An environment: (transaction, user, context, superuser flag), like ``odoo.api.Environment``."""

    def __init__(self, txn: Transaction, uid: int, context: dict | None = None, su: bool = False) -> None:
        self.txn = txn
        self.db = txn.db
        self.uid = uid
        self.context: dict = dict(context or {})
        self.su = su or uid == SUPERUSER_ID

    # -- environment -------------------------------------------------------------------------------
    @property
    def registry(self) -> dict[str, ModelDef]:
        return self.db.registry

    def sudo(self) -> Env:
        return Env(self.txn, self.uid, self.context, su=True)

    def with_context(self, **kw: Any) -> Env:
        return Env(self.txn, self.uid, {**self.context, **kw}, su=self.su)

    def with_user(self, uid: int) -> Env:
        return Env(self.txn, uid, self.context, su=False)

    def mdef(self, model: str) -> ModelDef:
        mdef = self.registry.get(model)
        if mdef is None:
            raise UserError(f"Object {model} doesn't exist")
        return mdef

    @property
    def user_row(self) -> dict:
        row = self.txn.get("res.users", self.uid)
        if row is None:
            raise AccessError("Access Denied")
        return row

    @property
    def company_ids(self) -> list[int]:
        """env.companies: ``allowed_company_ids`` if given (checked), else all the user's companies."""
        user_companies = list(self.user_row["company_ids"]) or [self.user_row["company_id"]]
        allowed = self.context.get("allowed_company_ids")
        if allowed:
            allowed = [int(c) for c in allowed]
            if not self.su and any(c not in user_companies for c in allowed):
                raise AccessError("Access to unauthorized or invalid companies.")
            return allowed
        return user_companies

    @property
    def company_id(self) -> int:
        """env.company: the first allowed company, else the user's default company."""
        allowed = self.context.get("allowed_company_ids")
        if allowed:
            return self.company_ids[0]
        return self.user_row["company_id"]

    def groups(self) -> set[str]:
        names: set[str] = set()
        for gid in self.user_row.get("groups_id") or []:
            xml = self.xmlid_of("res.groups", gid)
            if xml:
                names.add(xml)
                names |= IMPLIED.get(xml, set())
        return names

    def has_group(self, xmlid: str) -> bool:
        return self.uid == SUPERUSER_ID or xmlid in self.groups()

    def xmlid_of(self, model: str, rid: int) -> str | None:
        for row in self._rows("ir.model.data"):
            if row["model"] == model and row["res_id"] == rid:
                return f"{row['module']}.{row['name']}"
        return None

    def xmlid(self, xmlid: str, raise_if_missing: bool = False) -> int | bool:
        module, _, name = xmlid.partition(".")
        for row in self._rows("ir.model.data"):
            if row["module"] == module and row["name"] == name:
                return row["res_id"]
        if raise_if_missing:
            raise ValueError(f"External ID not found in the system: {xmlid}")
        return False

    def _rows(self, model: str):  # type: ignore[no-untyped-def]
        for rid in self.txn.ids(model):
            yield self.txn.get(model, rid)

    # -- fields ------------------------------------------------------------------------------------
    def field(self, model: str, fname: str) -> Field | None:
        mdef = self.registry.get(model)
        if mdef is None:
            return None
        f = mdef.fields.get(fname)
        if f is not None:
            return f
        for parent in mdef.inherits:
            f = self.field(parent, fname)
            if f is not None:
                return f
        return None

    def all_fields(self, model: str) -> dict[str, Field]:
        mdef = self.mdef(model)
        out: dict[str, Field] = {}
        for parent in mdef.inherits:
            out.update({k: v for k, v in self.all_fields(parent).items() if k not in MAGIC})
        out.update(mdef.fields)
        return out

    def _owner(self, model: str, fname: str) -> tuple[str, int | None, str]:
        """(model that stores fname, None) or follow _inherits."""
        mdef = self.mdef(model)
        if fname in mdef.fields:
            return model, None, fname
        for parent, m2o in mdef.inherits.items():
            if self.field(parent, fname) is not None:
                return parent, None, m2o
        raise ValueError(f"Invalid field {fname!r} on model {model!r}")

    def value(self, model: str, rid: int, fname: str) -> Any:
        """The value of one field, as the ORM cache holds it (ids for relations)."""
        mdef = self.mdef(model)
        if fname == "id":
            return rid
        f = mdef.fields.get(fname)
        if f is None:
            for parent, m2o in mdef.inherits.items():
                if self.field(parent, fname) is not None:
                    pid = self.value(model, rid, m2o)
                    return self.value(parent, pid, fname) if pid else self.field(parent, fname).empty()  # type: ignore[union-attr]
            raise ValueError(f"Invalid field {fname!r} on model {model!r}")
        if f.compute is not None:
            return f.compute(self.sudo(), model, rid)
        if f.type == "one2many":
            return self._o2m_ids(f, rid)
        row = self.txn.get(model, rid)
        if row is None:
            return f.empty()
        v = row.get(fname)
        if f.company_dependent:  # fallback: the field's default (Odoo's default property / jsonb default)
            fallback = None if callable(f.default) else f.default
            v = (v or {}).get(self.company_id, fallback)
        if v is None:
            return f.empty()
        return list(v) if f.type == "many2many" else v

    def _o2m_ids(self, f: Field, rid: int) -> list[int]:
        comodel = f.comodel
        assert comodel and f.inverse
        active_test = self.context.get("active_test", True)
        has_active = "active" in self.mdef(comodel).fields
        out = []
        for cid in self.txn.referring(comodel, f.inverse, rid):
            row = self.txn.get(comodel, cid)
            if active_test and has_active and row.get("active") is False:  # type: ignore[union-attr]
                continue
            if f.row_filter is None or f.row_filter(row):  # type: ignore[arg-type]
                out.append(cid)
        return out

    def children_of(self, model: str, ids: list[int], parent_field: str) -> set[int]:
        found = set(ids)
        changed = True
        while changed:
            changed = False
            for rid in self.txn.ids(model):
                if rid not in found and self.txn.get(model, rid).get(parent_field) in found:  # type: ignore[union-attr]
                    found.add(rid)
                    changed = True
        return found

    def parents_of(self, model: str, ids: list[int], parent_field: str) -> set[int]:
        found: set[int] = set()
        todo = list(ids)
        while todo:
            rid = todo.pop()
            if rid in found or not self.txn.exists(model, rid):
                continue
            found.add(rid)
            parent = self.txn.get(model, rid).get(parent_field)  # type: ignore[union-attr]
            if parent:
                todo.append(parent)
        return found

    # -- access ------------------------------------------------------------------------------------
    def check_access(self, model: str, operation: str) -> None:
        if self.su:
            return
        mdef = self.mdef(model)
        if mdef.manual:
            self._check_manual_access(mdef, operation)
            return
        group = mdef.read_group if operation == "read" else mdef.write_group
        groups = (group,) if isinstance(group, str) else tuple(group or ())  # any of them grants it
        if groups and not any(self.has_group(g) for g in groups):
            verb = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}[operation]
            allowed = "".join(f"\n\t- {GROUP_LABELS.get(g, g)}" for g in groups)
            raise AccessError(
                f"You are not allowed to {verb} '{mdef.description}' ({model}) records.\n\n"
                f"This operation is allowed for the following groups:{allowed}"
                "\n\nContact your administrator to request access if necessary."
            )

    def _check_manual_access(self, mdef: ModelDef, operation: str) -> None:
        """Custom (x_) models are reachable only through ir.model.access rows, as in Odoo."""
        model_id = self.model_id_of(mdef.name)
        mine = set(self.user_row.get("groups_id") or [])
        perm = f"perm_{operation}"
        for row in self._rows("ir.model.access"):
            granted = row["model_id"] == model_id and row.get("active", True) and row.get(perm)
            if granted and (not row.get("group_id") or row["group_id"] in mine):
                return
        raise AccessError(
            f"You are not allowed to {operation} '{mdef.description}' ({mdef.name}) records.\n\n"
            "No group currently allows this operation.\n\nContact your administrator to request access if necessary."
        )

    def visible(self, model: str, rid: int) -> bool:
        """Record rule: multi-company isolation on models with a company field."""
        if self.su:
            return True
        mdef = self.mdef(model)
        cfield = mdef.company_field
        if not cfield:
            return True
        value = self.value(model, rid, cfield)
        if not value:
            return True
        allowed = set(self.company_ids)
        return bool(set(value) & allowed) if isinstance(value, list) else value in allowed

    def check_records(self, model: str, ids: list[int], operation: str) -> None:
        missing = [i for i in ids if not self.txn.exists(model, i)]
        if missing:
            raise MissingError(
                "Record does not exist or has been deleted.\n"
                f"(Record: {model}({', '.join(map(str, missing))},), User: {self.uid})"
            )
        hidden = [i for i in ids if not self.visible(model, i)]
        if hidden:
            mdef = self.mdef(model)
            raise AccessError(
                f"Due to security restrictions, you are not allowed to {operation} '{mdef.description}' "
                f"({model}) records.\n\nRecords: {', '.join(f'id={i}' for i in hidden)}\n"
                f"User: {self.user_row['name']} (id={self.uid})\n\n"
                f"This restriction is due to the following rules:\n- {mdef.description} multi-company\n\n"
                "Note: this might be a multi-company issue. Switching company may help in Odoo's web client."
            )

    # -- search ------------------------------------------------------------------------------------
    def search(
        self,
        model: str,
        domain: Any = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[int]:
        self.check_access(model, "read")
        mdef = self.mdef(model)
        node = dom.parse(domain, model, self)
        active_test = self.context.get("active_test", True)
        if active_test and self.field(model, "active") is not None and not dom.mentions(node, "active"):
            node = ("&", ("leaf", ["active"], "=", True), node)
        ids = [
            rid
            for rid in self.txn.ids(model)
            if self.visible(model, rid) and dom.evaluate(node, model, rid, self)
        ]
        ids = self._sort(model, ids, order or mdef.order)
        ids = ids[int(offset or 0) :]
        if limit:
            ids = ids[: int(limit)]
        return ids

    def _sort(self, model: str, ids: list[int], order: str) -> list[int]:
        terms = []
        for part in order.split(","):
            bits = part.strip().split()
            if not bits:
                continue
            fname = bits[0]
            desc = len(bits) > 1 and bits[1].lower() == "desc"
            if self.field(model, fname) is None:
                raise ValueError(f"Invalid field {fname!r} on model {model!r}")
            terms.append((fname, desc))
        for fname, desc in reversed(terms):
            f = self.field(model, fname)
            present = [i for i in ids if self._sortable(model, i, fname, f) is not None]
            nulls = [i for i in ids if self._sortable(model, i, fname, f) is None]
            present.sort(key=lambda i, fn=fname, fl=f: self._sortable(model, i, fn, fl), reverse=desc)
            ids = nulls + present if desc else present + nulls  # PostgreSQL: NULLS LAST asc, FIRST desc
        return ids

    def _sortable(self, model: str, rid: int, fname: str, f: Field | None) -> Any:
        v = self.value(model, rid, fname)
        if f is not None and f.type == "boolean":
            return int(bool(v))
        if v is False or v is None or (isinstance(v, list) and not v):
            return None
        if isinstance(v, list):
            return v[0]
        if isinstance(v, str):
            return v.lower()
        return v

    def search_count(self, model: str, domain: Any = None, limit: int | None = None) -> int:
        return len(self.search(model, domain, limit=limit))

    # -- read --------------------------------------------------------------------------------------
    def read(
        self, model: str, ids: list[int], fields: list[str] | None = None, load: Any = "_classic_read"
    ) -> list[dict]:
        self.check_access(model, "read")
        ids = list(dict.fromkeys(ids))
        self.check_records(model, ids, "read")
        allf = self.all_fields(model)
        if fields:
            for fname in fields:
                if fname not in allf:
                    raise ValueError(f"Invalid field {fname!r} on model {model!r}")
            names = [f for f in fields if f != "id"]
        else:
            names = [n for n, f in allf.items() if n != "id" and (not f.groups or self.has_group(f.groups))]
        self._check_field_groups(model, names, "read")
        out = []
        for rid in ids:
            rec: dict[str, Any] = {"id": rid}
            for fname in names:
                f = allf[fname]
                v = self.value(model, rid, fname)
                if f.type == "many2one" and v and load == "_classic_read":  # else bare id (§1.7)
                    v = [v, self.display_name(f.comodel, v)]  # type: ignore[arg-type]
                rec[fname] = v
            out.append(rec)
        return out

    def search_read(
        self,
        model: str,
        domain: Any = None,
        fields: list[str] | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        load: Any = "_classic_read",
    ) -> list[dict]:
        ids = self.search(model, domain, offset=offset, limit=limit, order=order)
        return self.read(model, ids, fields, load=load) if ids else []

    # -- create ------------------------------------------------------------------------------------
    def create(self, model: str, vals_list: list[dict]) -> list[int]:
        from . import automation, business  # late: they call back into the ORM

        self.check_access(model, "create")
        mdef = self.mdef(model)
        if not isinstance(vals_list, list):
            vals_list = [vals_list]
        hooks = business.hooks_for(model)
        ids = []
        for vals in vals_list:
            if not isinstance(vals, dict):
                raise ValueError(f"Invalid values for {model}.create(): {vals!r}")
            vals = hooks.prepare_create(self, dict(vals)) if hooks.prepare_create else dict(vals)
            existing = hooks.reuse(self, vals) if hooks.reuse else None
            if existing:
                ids.append(existing)
                continue
            ids.append(self._create_one(mdef, vals))
        if hooks.after_create:
            hooks.after_create(self, ids)
        self._validate(model, ids)
        self._check_company(model, ids)
        self._touch_parents(model, ids)
        self.check_records(model, ids, "create")
        automation.on_create(self, model, ids)
        return ids

    def _check_field_groups(self, model: str, fnames: Any, operation: str) -> None:
        for fname in fnames:
            f = self.field(model, fname)
            if f is not None and f.groups and not self.su and not self.has_group(f.groups):
                raise AccessError(
                    "The requested operation can not be completed due to security restrictions.\n\n"
                    f"Document type: {self.mdef(model).description} ({model})\nOperation: {operation}\n"
                    f"User: {self.uid}\nFields:\n- {fname} (allowed for groups '{f.groups}')"
                )

    def _create_one(self, mdef: ModelDef, vals: dict) -> int:
        model = mdef.name
        for fname in vals:
            if self.field(model, fname) is None:
                raise ValueError(f"Invalid field {fname!r} on model {model!r}")
        self._check_field_groups(model, vals, "create")
        # _inherits: values of the parent's fields create the parent record first
        for parent, m2o in mdef.inherits.items():
            pvals = {k: vals.pop(k) for k in list(vals) if k not in mdef.fields and self.field(parent, k)}
            if not vals.get(m2o):
                vals[m2o] = self.with_context(_from_inherits=model).create(parent, [pvals])[0]
            elif pvals:
                self.write(parent, [vals[m2o]], pvals)
        rid = self.db.next_id(model)
        now = self.txn.now
        row: dict[str, Any] = {
            "id": rid,
            "create_uid": self.uid,
            "create_date": now,
            "write_uid": self.uid,
            "write_date": now,
        }
        x2many: list[tuple[Field, Any]] = []
        inverses = [(f, vals[n]) for n, f in mdef.fields.items() if f.inverse_fn and n in vals]
        for fname, f in mdef.fields.items():
            if fname in MAGIC or f.compute is not None:
                continue
            if fname in vals:
                if f.x2many:
                    x2many.append((f, vals[fname]))
                    if f.type == "many2many":
                        row[fname] = []
                    continue
                value = self.convert(model, f, vals[fname])
                row[fname] = {self.company_id: value} if f.company_dependent else value
            elif f.type == "one2many":
                continue
            else:
                default = f.default(self) if callable(f.default) else f.default
                if f.x2many:
                    row[fname] = list(default or [])
                else:
                    value = self.convert(model, f, default) if default is not None else f.empty()
                    row[fname] = {} if f.company_dependent else value
        self.txn.put(model, rid, row)
        for f, value in inverses:
            current = self.txn.get(model, rid)
            self.txn.put(model, rid, {**current, **f.inverse_fn(self, model, rid, value)})  # type: ignore[arg-type,misc]
        for f, commands in x2many:
            self._apply_x2many(model, rid, f, commands)
        self._check_unique_local(model, rid)
        return rid

    def convert(self, model: str, f: Field, value: Any) -> Any:
        """Validate and convert one value (``convert_to_cache``); ValueError like Odoo for bad values."""
        if value is None or value is False:
            return 0 if f.type == "integer" else 0.0 if f.type in ("float", "monetary") else False
        t = f.type
        if t in ("char", "text", "html"):
            return f.cut(value if isinstance(value, str) else str(value))
        if t == "selection":
            if value not in (f.selection or ()):
                raise ValueError(f"Wrong value for {model}.{f.name}: {value!r}")
            return value
        if t == "integer":
            return int(value)
        if t in ("float", "monetary"):
            return float(value)
        if t == "boolean":
            return bool(value)
        if t == "date":
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            return dt.datetime.strptime(str(value)[:10], "%Y-%m-%d").date()
        if t == "datetime":
            if isinstance(value, dt.datetime):
                return value.replace(tzinfo=None)
            text = str(value)
            if len(text) == 10:
                text += " 00:00:00"
            return dt.datetime.strptime(text[:19], DATETIME_FORMAT)
        if t == "many2one":
            if isinstance(value, list | tuple) and value:
                value = value[0]
            rid = int(value)
            if not self.txn.exists(f.comodel, rid):  # type: ignore[arg-type]
                # the INSERT/UPDATE hits the column's foreign key: psycopg2 ForeignKeyViolation, which the
                # RPC layer turns into a ValidationError (17 odoo/service/model.py _as_validation_error)
                raise foreign_key_violation(
                    self.db.version,
                    self.mdef(model).description,
                    model,
                    f"{model.replace('.', '_')}_{f.name}_fkey",
                    f.string,
                    f.name,
                )
            return rid
        if t in ("binary", "json"):
            return value
        raise ValueError(f"Cannot write field {f.name} of type {t}")

    def _apply_x2many(self, model: str, rid: int, f: Field, commands: Any) -> None:
        """x2many command triples (0,0,v) (1,id,v) (2,id) (3,id) (4,id) (5,) (6,0,ids); plain id lists."""
        comodel = f.comodel
        assert comodel
        if commands is False or commands is None:
            commands = [(5,)]
        if not isinstance(commands, list | tuple):
            raise ValueError(f"Wrong value for {model}.{f.name}: {commands!r}")
        if commands and all(isinstance(c, int) for c in commands):
            commands = [(6, 0, list(commands))]
        current = list(self.value(model, rid, f.name)) if f.type == "many2many" else None
        for cmd in commands:
            if not isinstance(cmd, list | tuple) or not cmd or cmd[0] not in range(7):
                raise ValueError(f"Wrong value for {model}.{f.name}: {cmd!r}")
            code = cmd[0]
            if code == 0:
                vals = dict(cmd[2])
                if f.type == "one2many":
                    vals[f.inverse] = rid  # type: ignore[index]
                    self.create(comodel, [vals])
                else:
                    current.append(self.create(comodel, [vals])[0])  # type: ignore[union-attr]
            elif code == 1:
                self.write(comodel, [cmd[1]], dict(cmd[2]))
            elif code == 2:
                self.unlink(comodel, [cmd[1]])
                if current is not None and cmd[1] in current:
                    current.remove(cmd[1])
            elif code == 3:
                if f.type == "one2many":
                    self._o2m_detach(f, [cmd[1]])
                elif cmd[1] in current:  # type: ignore[operator]
                    current.remove(cmd[1])  # type: ignore[union-attr]
            elif code == 4:
                if f.type == "one2many":
                    self.write(comodel, [cmd[1]], {f.inverse: rid})
                elif cmd[1] not in current:  # type: ignore[operator]
                    self.check_records(comodel, [cmd[1]], "read")
                    current.append(cmd[1])  # type: ignore[union-attr]
            elif code == 5:
                if f.type == "one2many":
                    self._o2m_detach(f, self._o2m_ids(f, rid))
                else:
                    current = []
            elif code == 6:
                ids = [int(i) for i in (cmd[2] or [])]
                if f.type == "one2many":
                    self._o2m_detach(f, [i for i in self._o2m_ids(f, rid) if i not in ids])
                    if ids:
                        self.write(comodel, ids, {f.inverse: rid})
                else:
                    self.check_records(comodel, ids, "read")
                    current = list(dict.fromkeys(ids))
        if current is not None:
            row = dict(self.txn.get(model, rid))  # type: ignore[arg-type]
            row[f.name] = current
            self.txn.put(model, rid, row)

    def _o2m_detach(self, f: Field, ids: list[int]) -> None:
        inverse = self.field(f.comodel, f.inverse)  # type: ignore[arg-type]
        if inverse is not None and (inverse.required or inverse.ondelete == "cascade"):
            self.unlink(f.comodel, ids)  # type: ignore[arg-type]
        elif ids:
            self.write(f.comodel, ids, {f.inverse: False})  # type: ignore[arg-type,dict-item]

    def _check_unique_local(self, model: str, rid: int) -> None:
        mdef = self.mdef(model)
        row = self.txn.get(model, rid)
        for cols in mdef.unique:
            where = mdef.unique_where.get(cols)  # a partial index covers only these rows
            if where is not None and not where(row):  # type: ignore[arg-type]
                continue
            key = tuple(_key(row.get(c)) for c in cols)  # type: ignore[union-attr]
            if any(k in (False, None) for k in key):
                continue
            for other in self.txn.ids(model):
                theirs = self.txn.get(model, other)
                if (
                    other != rid
                    and (where is None or where(theirs))  # type: ignore[arg-type]
                    and tuple(_key(theirs.get(c)) for c in cols) == key  # type: ignore[union-attr]
                ):
                    raise unique_violation(mdef, cols, key)

    def _touch_parents(self, model: str, ids: list[int]) -> None:
        m2o = self.mdef(model).touch_parent
        if not m2o:
            return
        parent_model = self.mdef(model).fields[m2o].comodel
        for pid in {self.value(model, i, m2o) for i in ids} - {False}:
            if self.txn.exists(parent_model, pid):  # type: ignore[arg-type]
                self._write(parent_model, [pid], {})  # type: ignore[arg-type]

    def _check_company(self, model: str, ids: list[int]) -> None:
        """``_check_company``: related records flagged check_company must share the record's company."""
        mdef = self.mdef(model)
        if not mdef.company_field:
            return
        for rid in ids:
            company = self.value(model, rid, mdef.company_field)
            if not company or isinstance(company, list):
                continue
            for fname, f in self.all_fields(model).items():
                if not f.check_company:
                    continue
                value = self.value(model, rid, fname)
                targets = value if isinstance(value, list) else ([value] if value else [])
                cfield = self.mdef(f.comodel).company_field  # type: ignore[arg-type]
                for tid in targets if cfield else []:
                    theirs = self.value(f.comodel, tid, cfield)  # type: ignore[arg-type]
                    if theirs and company not in (theirs if isinstance(theirs, list) else [theirs]):
                        raise UserError(
                            "Incompatible companies on records:\n"
                            f"- '{self.display_name(model, rid)}' belongs to company "
                            f"'{self.display_name('res.company', company)}' and '{f.string}' ({fname}: "
                            f"'{self.display_name(f.comodel, tid)}') belongs to another company."  # type: ignore[arg-type]
                        )

    def _validate(self, model: str, ids: list[int]) -> None:
        """NOT NULL columns (odoo-facts §1.5: integrity errors become ValidationError)."""
        mdef = self.mdef(model)
        for rid in ids:
            row = self.txn.get(model, rid)
            if row is None:
                continue
            for fname, f in mdef.fields.items():
                if (
                    f.required
                    and f.stored
                    and not f.x2many
                    and f.type not in ("boolean", "integer", "float", "monetary")  # False is stored as 0
                    and row.get(fname) in (False, None)
                ):
                    raise not_null_violation(self.db.version, mdef.description, model, f.string, fname)

    # -- write -------------------------------------------------------------------------------------
    def write(self, model: str, ids: list[int], vals: dict) -> bool:
        from . import automation, business

        self.check_access(model, "write")
        ids = list(dict.fromkeys(ids))
        self.check_records(model, ids, "write")
        if not isinstance(vals, dict):
            raise ValueError(f"Invalid values for {model}.write(): {vals!r}")
        for fname in vals:
            if self.field(model, fname) is None:
                raise ValueError(f"Invalid field {fname!r} on model {model!r}")
        self._check_field_groups(model, vals, "write")
        hooks = business.hooks_for(model)
        if hooks.before_write:
            hooks.before_write(self, ids, vals)
        token = automation.before_write(self, model, ids, vals)
        self._write(model, ids, vals)
        if hooks.after_write:
            hooks.after_write(self, ids, vals)
        self._validate(model, ids)
        self._check_company(model, ids)
        self._touch_parents(model, ids)
        self.check_records(model, ids, "write")
        automation.after_write(self, token)
        return True

    def _write(self, model: str, ids: list[int], vals: dict, stamp: bool = True) -> None:
        mdef = self.mdef(model)
        own = {k: v for k, v in vals.items() if k in mdef.fields}
        for parent, m2o in mdef.inherits.items():
            pvals = {k: v for k, v in vals.items() if k not in mdef.fields and self.field(parent, k)}
            if pvals:
                pids = [self.value(model, i, m2o) for i in ids]
                self.write(parent, [p for p in pids if p], pvals)
        for rid in ids:
            row = dict(self.txn.get(model, rid))  # type: ignore[arg-type]
            later = []
            for fname, value in own.items():
                f = mdef.fields[fname]
                if f.inverse_fn is not None:
                    row.update(f.inverse_fn(self, model, rid, value))
                    continue
                if fname in MAGIC or f.compute is not None:
                    continue  # Odoo ignores writes to non-stored computed fields without inverse
                if f.x2many:
                    later.append((f, value))
                else:
                    converted = self.convert(model, f, value)
                    if f.company_dependent:
                        converted = {**(row.get(fname) or {}), self.company_id: converted}
                    row[fname] = converted
            if stamp:
                row["write_uid"] = self.uid
                row["write_date"] = self.txn.now
            self.txn.put(model, rid, row)
            for f, commands in later:
                self._apply_x2many(model, rid, f, commands)
            self._check_unique_local(model, rid)

    def write_raw(self, model: str, rid: int, vals: dict) -> None:
        """Raw SQL-like update: no write_date, no automation (e.g. customer_rank bumps, §3.6)."""
        row = dict(self.txn.get(model, rid))  # type: ignore[arg-type]
        row.update(vals)
        self.txn.put(model, rid, row)

    # -- unlink ------------------------------------------------------------------------------------
    def unlink(self, model: str, ids: list[int]) -> bool:
        from . import automation, business

        self.check_access(model, "unlink")
        ids = [i for i in dict.fromkeys(ids) if self.txn.exists(model, i)]  # unlink ignores missing ids
        if not ids:
            return True
        self.check_records(model, ids, "unlink")
        hooks = business.hooks_for(model)
        if hooks.before_unlink:
            hooks.before_unlink(self, ids)
        automation.on_unlink(self, model, ids)  # before the delete (§2.2)
        self._touch_parents(model, ids)
        for rid in ids:
            self._delete(model, rid)
        return True

    def _delete(self, model: str, rid: int) -> None:
        if not self.txn.exists(model, rid):
            return
        self.txn.delete(model, rid)
        for other, mdef in list(self.registry.items()):
            for fname, f in mdef.fields.items():
                if f.comodel != model or not f.stored:
                    continue
                for oid in list(self.txn.ids(other)):
                    row = self.txn.get(other, oid)
                    if f.type == "many2one" and row.get(fname) == rid:  # type: ignore[union-attr]
                        if f.ondelete == "cascade":
                            self.sudo()._delete(other, oid)
                        elif f.ondelete == "restrict" or f.required:
                            raise foreign_key_violation(
                                self.db.version,
                                mdef.description,
                                other,
                                f"{other.replace('.', '_')}_{fname}_fkey",
                                f.string,
                                fname,
                            )
                        else:
                            self.write_raw(other, oid, {fname: False})
                    elif f.type == "many2many" and rid in (row.get(fname) or []):  # type: ignore[union-attr]
                        self.write_raw(other, oid, {fname: [i for i in row[fname] if i != rid]})  # type: ignore[index]
        for did in list(self.txn.ids("ir.model.data")):
            row = self.txn.get("ir.model.data", did)
            if row["model"] == model and row["res_id"] == rid:  # type: ignore[index]
                self.txn.delete("ir.model.data", did)

    # -- misc ORM methods --------------------------------------------------------------------------
    def fields_get(
        self, model: str, allfields: list[str] | None = None, attributes: list[str] | None = None
    ) -> dict:
        self.check_access(model, "read")
        out = {}
        for name, f in self.all_fields(model).items():
            if allfields and name not in allfields:
                continue
            desc = {
                "type": f.type,
                "string": f.string,
                "required": f.required,
                "readonly": f.readonly or f.compute is not None,
                "store": f.stored,
                "searchable": True,
                "sortable": f.stored,
            }
            if f.relational:
                desc["relation"] = f.comodel
            if f.type == "selection":
                desc["selection"] = [[s, s.replace("_", " ").title()] for s in f.selection or ()]
            if f.size is not None:  # fields.py Char._description_size: only when the field has a size
                desc["size"] = f.size
            if attributes:
                desc = {k: v for k, v in desc.items() if k in attributes}
            out[name] = desc
        return out

    def model_id_of(self, model: str) -> int | bool:
        for row in self._rows("ir.model"):
            if row["model"] == model:
                return row["id"]
        return False

    def model_name_of(self, model_id: int | bool) -> str | bool:
        if not model_id:
            return False
        row = self.txn.get("ir.model", model_id)  # type: ignore[arg-type]
        return row["model"] if row else False
