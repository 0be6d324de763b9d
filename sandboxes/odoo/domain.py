"""Odoo domains: prefix-notation parsing, validation and evaluation against records.

Supported operators: = != <> < > <= >= in, not in, like, not like, ilike, not ilike, =like, =ilike,
child_of, parent_of; connectors & | ! in prefix (Polish) notation; dotted paths through relations.
Evaluation is in Python over the transaction's rows, so any field can be searched (real Odoo refuses
non-stored fields without a search method; the sandbox is kinder there).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Protocol

from .fields import Field

OPERATORS = {
    "=",
    "!=",
    "<>",
    "<",
    ">",
    "<=",
    ">=",
    "in",
    "not in",
    "like",
    "not like",
    "ilike",
    "not ilike",
    "=like",
    "=ilike",
    "child_of",
    "parent_of",
}
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)
NEGATIVE = {"!=", "<>", "not in", "not like", "not ilike"}


class Resolver(Protocol):
    def field(self, model: str, fname: str) -> Field | None: ...

    def value(self, model: str, rid: int, fname: str) -> Any: ...

    def display_name(self, model: str, rid: int) -> str: ...

    def children_of(self, model: str, ids: list[int], parent_field: str) -> set[int]: ...

    def parents_of(self, model: str, ids: list[int], parent_field: str) -> set[int]: ...


Node = tuple


def parse(domain: Any, model: str, resolver: Resolver) -> Node:
    """Turn a domain list into a tree of ('&'|'|', a, b), ('!', a), ('leaf', path, op, value)."""
    if domain in (None, False):
        domain = []
    if not isinstance(domain, list | tuple):
        raise ValueError(f"Invalid domain {domain!r}")
    stack: list[Node] = []
    for item in reversed(list(domain)):
        if item == "&" or item == "|":
            if len(stack) < 2:
                raise ValueError(f"Invalid domain {domain!r}: missing operand for {item!r}")
            a, b = stack.pop(), stack.pop()
            stack.append((item, a, b))
        elif item == "!":
            if not stack:
                raise ValueError(f"Invalid domain {domain!r}: missing operand for '!'")
            stack.append(("!", stack.pop()))
        else:
            stack.append(_leaf(item, model, resolver))
    if not stack:
        return ("true",)
    node = stack.pop()
    while stack:  # implicit '&' between the remaining terms
        node = ("&", node, stack.pop())
    return node


def _leaf(item: Any, model: str, resolver: Resolver) -> Node:
    if not isinstance(item, list | tuple) or len(item) != 3:
        raise ValueError(f"Invalid leaf {item!r}")
    left, op, right = item
    if tuple(item) == TRUE_LEAF:
        return ("true",)
    if tuple(item) == FALSE_LEAF:
        return ("false",)
    if not isinstance(op, str) or op.lower() not in OPERATORS:
        raise ValueError(f"Invalid leaf {tuple(item)!r}")
    op = op.lower()
    if not isinstance(left, str):
        raise ValueError(f"Invalid leaf {tuple(item)!r}")
    path = left.split(".")
    current = model
    for i, name in enumerate(path):
        f = resolver.field(current, name)
        if f is None:
            raise ValueError(f"Invalid field {current}.{name} in leaf {tuple(item)!r}")
        if i < len(path) - 1:
            if not f.relational:
                raise ValueError(f"Invalid field {current}.{name} in leaf {tuple(item)!r}")
            current = f.comodel  # type: ignore[assignment]
    return ("leaf", path, op, right)


def mentions(node: Node, fname: str) -> bool:
    if node[0] == "leaf":
        return node[1][0] == fname
    return any(mentions(n, fname) for n in node[1:] if isinstance(n, tuple))


def evaluate(node: Node, model: str, rid: int, r: Resolver) -> bool:
    kind = node[0]
    if kind == "true":
        return True
    if kind == "false":
        return False
    if kind == "&":
        return evaluate(node[1], model, rid, r) and evaluate(node[2], model, rid, r)
    if kind == "|":
        return evaluate(node[1], model, rid, r) or evaluate(node[2], model, rid, r)
    if kind == "!":
        return not evaluate(node[1], model, rid, r)
    _, path, op, right = node
    return _eval_path(model, [rid], path, op, right, r)


def _eval_path(model: str, ids: list[int], path: list[str], op: str, right: Any, r: Resolver) -> bool:
    fname = path[0]
    f = r.field(model, fname)
    assert f is not None
    if len(path) > 1:
        sub: list[int] = []
        for rid in ids:
            v = r.value(model, rid, fname)
            sub.extend(v if isinstance(v, list) else ([v] if v else []))
        if not sub:
            # an empty relation: only "negative" or "= False" leaves can be true
            return op in NEGATIVE or (op == "=" and right is False)
        return any(_eval_path(f.comodel, [s], path[1:], op, right, r) for s in sub)  # type: ignore[arg-type]
    return any(_eval_field(model, rid, f, op, right, r) for rid in ids)


def _eval_field(model: str, rid: int, f: Field, op: str, right: Any, r: Resolver) -> bool:
    value = r.value(model, rid, f.name) if f.name != "id" else rid
    if op in ("child_of", "parent_of"):
        targets = right if isinstance(right, list | tuple) else [right]
        comodel = model if f.name == "id" else f.comodel
        ids = [int(t) for t in targets if t]
        if op == "child_of":
            allowed = r.children_of(comodel, ids, "parent_id")  # type: ignore[arg-type]
        else:
            allowed = r.parents_of(comodel, ids, "parent_id")  # type: ignore[arg-type]
        have = value if isinstance(value, list) else ([value] if value else [])
        return any(v in allowed for v in have)
    if f.x2many:
        have = list(value or [])
        if right is False or right is None:
            return (not have) if op == "=" else bool(have) if op in ("!=", "<>") else False
        if isinstance(right, str):
            comodel = f.comodel
            matches = [_match_scalar(r.display_name(comodel, h), op, right, "char") for h in have]  # type: ignore[arg-type]
            return any(matches) if op not in NEGATIVE else all(matches)
        wanted = set(right) if isinstance(right, list | tuple) else {right}
        hit = bool(set(have) & wanted)
        if op in ("=", "in"):
            return hit
        if op in ("!=", "<>", "not in"):
            return not hit
        raise ValueError(f"Invalid operator {op!r} for a relational field {f.name}")
    if f.type == "many2one" and isinstance(right, str) and op not in ("in", "not in"):
        name = r.display_name(f.comodel, value) if value else False  # type: ignore[arg-type]
        if name is False:
            return op in NEGATIVE
        return _match_scalar(name, op, right, "char")
    return _match_scalar(value, op, right, f.type)


def _coerce(value: Any, ftype: str) -> Any:
    if isinstance(value, str):
        try:
            if ftype == "date":
                return dt.date.fromisoformat(value[:10])
            if ftype == "datetime":
                return dt.datetime.fromisoformat(value if len(value) > 10 else value + " 00:00:00")
        except ValueError:
            return value
    if ftype == "datetime" and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value


def _like(pattern: str, value: str, exact: bool, ci: bool) -> bool:
    if not exact:
        pattern = f"%{pattern}%"
    # PostgreSQL LIKE: % and _ are wildcards, and backslash (the default ESCAPE) makes the next
    # character literal.
    parts, escaped = [], False
    for c in pattern:
        if escaped:
            parts.append(re.escape(c))
            escaped = False
        elif c == "\\":
            escaped = True
        else:
            parts.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
    rx = "".join(parts)
    return re.fullmatch(rx, value, re.IGNORECASE | re.DOTALL if ci else re.DOTALL) is not None


def _match_scalar(value: Any, op: str, right: Any, ftype: str) -> bool:
    if op in ("in", "not in"):
        items = right if isinstance(right, list | tuple) else [right]
        items = [_coerce(i, ftype) for i in items]
        inside = value in items or (value is False and (None in items or False in items))
        return inside if op == "in" else not inside
    if op in ("like", "not like", "ilike", "not ilike", "=like", "=ilike"):
        if right is False or right is None:
            hit = value in (False, None, "")
            return hit if op in ("=like", "=ilike", "like", "ilike") else not hit
        text = "" if value in (False, None) else str(value)
        hit = value not in (False, None) and _like(
            str(right), text, exact=op.startswith("="), ci="ilike" in op
        )
        return hit if not op.startswith("not") else not hit
    right = _coerce(right, ftype)
    if op == "=":
        if right is False or right is None:
            return value is False or value is None
        return value == right
    if op in ("!=", "<>"):
        if right is False or right is None:
            return not (value is False or value is None)
        return value != right
    if value is False or value is None or right is False or right is None:
        return False  # SQL: comparing with NULL is never true
    if ftype == "boolean":
        value, right = bool(value), bool(right)
    try:
        if op == "<":
            return value < right
        if op == ">":
            return value > right
        if op == "<=":
            return value <= right
        if op == ">=":
            return value >= right
    except TypeError:
        return False
    raise ValueError(f"Invalid operator {op!r}")
