"""Which methods a client may call on a model, and how arguments bind to them.

ORM methods have Odoo's signatures (odoo/models.py) so that positional/keyword mistakes fail like they
do in Odoo (TypeError), and JSON-2 can bind named arguments (odoo-facts §1.3).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from . import business
from .errors import AccessError, HttpError
from .load import load as load_records


def _search(
    env: Any, model: str, domain: Any, offset: int = 0, limit: int | None = None, order: str | None = None
) -> list[int]:
    return env.search(model, domain, offset=offset, limit=limit, order=order)


def _search_16(
    env: Any,
    model: str,
    domain: Any,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
    count: bool = False,
) -> Any:
    ids = env.search(model, domain, offset=offset, limit=limit, order=order)
    return len(ids) if count else ids


def _search_read(
    env: Any,
    model: str,
    domain: Any = None,
    fields: list[str] | None = None,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
    **read_kwargs: Any,
) -> list[dict]:
    return env.search_read(model, domain, fields, offset=offset, limit=limit, order=order, **read_kwargs)


def _search_count(env: Any, model: str, domain: Any, limit: int | None = None) -> int:
    return env.search_count(model, domain, limit=limit)


def _read(
    env: Any, model: str, ids: list[int], fields: list[str] | None = None, load: Any = "_classic_read"
) -> list[dict]:
    return env.read(model, ids, fields, load=load)


def _create(env: Any, model: str, vals_list: Any) -> Any:
    # odoo-facts §1.1: a dict gives one id, a list gives a list of ids
    if isinstance(vals_list, dict):
        return env.create(model, [vals_list])[0]
    return env.create(model, vals_list)


def _write(env: Any, model: str, ids: list[int], vals: dict) -> bool:
    return env.write(model, ids, vals)


def _unlink(env: Any, model: str, ids: list[int]) -> bool:
    return env.unlink(model, ids)


def _fields_get(
    env: Any, model: str, allfields: list[str] | None = None, attributes: list[str] | None = None
) -> dict:
    return env.fields_get(model, allfields, attributes)


def _exists(env: Any, model: str, ids: list[int]) -> list[int]:
    return [i for i in ids if env.txn.exists(model, i) and env.visible(model, i)]


def _load(env: Any, model: str, fields: list[str], data: list[list[str]]) -> dict:
    return load_records(env, model, fields, data)


# name -> (api_model, function(env, model, [ids,] *args, **kwargs))
ORM_METHODS: dict[str, tuple[bool, Callable[..., Any]]] = {
    "search": (True, _search),
    "search_read": (True, _search_read),
    "search_count": (True, _search_count),
    "create": (True, _create),
    "fields_get": (True, _fields_get),
    "read": (False, _read),
    "write": (False, _write),
    "unlink": (False, _unlink),
    "exists": (False, _exists),
    "load": (True, _load),
}


def _check_access_rights(env: Any, model: str, operation: str, raise_exception: bool = True) -> bool:
    try:
        env.check_access(model, operation)
    except AccessError:
        if raise_exception:
            raise
        return False
    return True


def _has_access(env: Any, model: str, ids: list[int], operation: str) -> bool:
    try:
        _check_access(env, model, ids, operation)
    except AccessError:
        return False
    return True


def _check_access(env: Any, model: str, ids: list[int], operation: str) -> None:
    env.check_access(model, operation)
    env.check_records(model, [i for i in ids if env.txn.exists(model, i)], operation)


def _web_read(env: Any, model: str, ids: list[int], specification: dict) -> list[dict]:
    """17+ ``web_read`` (web/models/models.py, odoo-facts §1.7): nested reads by a specification;
    many2one → id, or a dict when the spec has ``fields``; x2many → ids, or dicts when specified."""
    names = list(specification) or ["id"]
    values_list = [{"id": i} for i in ids] if names == ["id"] else env.read(model, ids, names, load=None)
    for fname, spec in specification.items():
        f = env.field(model, fname)
        if f is None or not f.relational or not spec:
            continue
        sub = dict(spec.get("fields") or {})
        if f.type == "many2one":
            if "fields" not in spec:
                continue
            want_name = sub.pop("display_name", None) is not None
            targets = sorted({v[fname] for v in values_list if v[fname]})
            data = {v["id"]: v for v in _web_read(env, f.comodel, targets, sub)}  # type: ignore[arg-type]
            for tid in targets if want_name else []:
                data[tid]["display_name"] = env.sudo().display_name(f.comodel, tid)
            for values in values_list:
                if values[fname]:
                    values[fname] = data[values[fname]]
        else:
            targets = sorted({t for v in values_list for t in v[fname]})
            data = {v["id"]: v for v in _web_read(env, f.comodel, targets, sub)}  # type: ignore[arg-type]
            for values in values_list:
                values[fname] = [data[t] for t in values[fname] if t in data]
    return values_list


def _web_search_read(
    env: Any,
    model: str,
    domain: Any,
    specification: dict,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
    count_limit: int | None = None,
) -> dict:
    ids = env.search(model, domain, offset=offset, limit=limit, order=order)
    length = (
        env.search_count(model, domain, limit=count_limit)
        if limit and len(ids) == limit
        else len(ids) + offset
    )
    return {"length": length, "records": _web_read(env, model, ids, specification)}


def _web_search_read_16(
    env: Any,
    model: str,
    domain: Any = None,
    fields: list[str] | None = None,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
    count_limit: int | None = None,
) -> dict:
    """16: the older fields-list form (no nested specification)."""
    ids = env.search(model, domain, offset=offset, limit=limit, order=order)
    length = (
        env.search_count(model, domain, limit=count_limit)
        if limit and len(ids) == limit
        else len(ids) + offset
    )
    return {"length": length, "records": env.read(model, ids, fields) if ids else []}


# Access probes (how a setup command can check its rights). Availability per version is from memory,
# not from the fact sheet: 18 added has_access/check_access and deprecated check_access_rights.
VERSIONED_METHODS: dict[str, tuple[bool, Callable[..., Any], tuple[int, ...]]] = {
    "check_access_rights": (True, _check_access_rights, (16, 17, 18)),
    "has_access": (False, _has_access, (18, 19)),
    "check_access": (False, _check_access, (18, 19)),
    "web_read": (False, _web_read, (17, 18, 19)),
    "web_search_read": (True, _web_search_read, (17, 18, 19)),
}


def resolve(env: Any, model: str, method: str) -> tuple[bool, Callable[..., Any]]:
    """(api_model, bound function taking (env, [ids,] *args)); AccessError for private names."""
    if method.startswith("_"):
        raise AccessError(f"Private methods (such as '{method}') cannot be called remotely.")
    env.mdef(model)
    if method == "search" and env.db.version == 16:
        return True, lambda e, *a, **k: _search_16(e, model, *a, **k)
    if method == "web_search_read" and env.db.version == 16:
        return True, _bind_model(_web_search_read_16, model)
    if method in ORM_METHODS:
        api_model, fn = ORM_METHODS[method]
        return api_model, _bind_model(fn, model)
    if method in VERSIONED_METHODS and env.db.version in VERSIONED_METHODS[method][2]:
        api_model, fn, _ = VERSIONED_METHODS[method]
        return api_model, _bind_model(fn, model)
    m = business.hooks_for(model).methods.get(method)
    if m is None:
        raise AttributeError(f"The method '{method}' does not exist on the model '{model}'")
    return m.api_model, m.fn


def _bind_model(fn: Callable[..., Any], model: str) -> Callable[..., Any]:
    def bound(env: Any, *args: Any, **kwargs: Any) -> Any:
        return fn(env, model, *args, **kwargs)

    bound.__signature__ = _drop_params(fn, 2)  # type: ignore[attr-defined]
    return bound


def _drop_params(fn: Callable[..., Any], n: int) -> inspect.Signature:
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    return sig.replace(parameters=[params[0], *params[n:]])


def _ids(value: Any) -> list[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(i, int) for i in value):
        return list(value)
    raise ValueError(f"Invalid record ids: {value!r}")


def call_positional(env: Any, model: str, method: str, args: list, kwargs: dict) -> Any:
    """execute_kw semantics: record methods take the ids as first positional argument."""
    api_model, fn = resolve(env, model, method)
    args = list(args or [])
    if not api_model:
        if not args:
            raise TypeError(f"{method}() missing 1 required positional argument: 'ids'")
        ids = _ids(args.pop(0))
        return fn(env, ids, *args, **kwargs)
    return fn(env, *args, **kwargs)


def call_named(env: Any, model: str, method: str, ids: Any, params: dict) -> Any:
    """JSON-2 semantics: named arguments only, bound against the signature (422 on mismatch)."""
    try:
        api_model, fn = resolve(env, model, method)
    except AttributeError as exc:
        raise HttpError(404, "werkzeug.exceptions.NotFound", str(exc)) from None
    sig = inspect.signature(fn)
    if api_model and ids is not None:
        raise HttpError(
            422, "werkzeug.exceptions.UnprocessableEntity", f"cannot call {model}.{method} with ids"
        )
    try:
        if api_model:
            sig.bind(env, **params)
        else:
            sig.bind(env, [], **params)
    except TypeError as exc:
        raise HttpError(422, "werkzeug.exceptions.UnprocessableEntity", str(exc)) from None
    result = fn(env, **params) if api_model else fn(env, _ids(ids or []), **params)
    if method == "create" and isinstance(result, int):
        result = [result]  # JSON-2 returns recordsets as lists of ids
    return result
