"""The `where` filter language as far as Xero documents it (xero-facts §5): comparisons, && / ||, !,
parentheses, = and <> as Dynamic LINQ allows, guid("…"), DateTime(y,m,d[,h,mi,s]), string methods Contains/StartsWith/EndsWith/ToLower/
ToUpper, dotted paths such as Contact.ContactID, and null/true/false."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .formats import parse_day

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|<>|>=|<=|&&|\|\||[<>!().,=])'
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*))"
)


class WhereError(ValueError):
    pass


Predicate = Callable[[dict[str, Any]], bool]


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise WhereError(f"cannot read the where clause at {text[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def normalise(value: Any) -> Any:
    """Comparable form: MS-JSON or ISO dates → epoch seconds; GUID-like strings lower-cased."""
    if isinstance(value, str):
        m = _MS_DATE.match(value)
        if m:
            return int(m.group(1)) / 1000
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T[\d:.]+)?", value):
            day = parse_day(value)
            if day is not None:
                dt = datetime.fromisoformat(value) if "T" in value else datetime(day.year, day.month, day.day)
                return dt.replace(tzinfo=UTC).timestamp()
    return value


class _Guid(str):
    pass


def lookup(record: dict[str, Any], path: list[str]) -> Any:
    node: Any = record
    for part in path:
        if not isinstance(node, dict):
            return None
        if part in node:
            node = node[part]
            continue
        lowered = {k.lower(): v for k, v in node.items()}
        node = lowered.get(part.lower())
    return node


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1].lower() != value.lower()):
            raise WhereError(f"expected {value or 'more input'} in the where clause")
        self.i += 1
        return tok

    def parse(self) -> Predicate:
        pred = self.or_()
        if self.peek() is not None:
            raise WhereError(f"unexpected {self.peek()[1]!r} in the where clause")  # type: ignore[index]
        return pred

    def or_(self) -> Predicate:
        left = self.and_()
        while self.peek() and self.peek()[1].upper() in ("||", "OR"):  # type: ignore[index]
            self.take()
            right = self.and_()
            left = (lambda a, b: lambda r: a(r) or b(r))(left, right)
        return left

    def and_(self) -> Predicate:
        left = self.unary()
        while self.peek() and self.peek()[1].upper() in ("&&", "AND"):  # type: ignore[index]
            self.take()
            right = self.unary()
            left = (lambda a, b: lambda r: a(r) and b(r))(left, right)
        return left

    def unary(self) -> Predicate:
        tok = self.peek()
        if tok and tok[1] == "!":
            self.take()
            inner = self.unary()
            return lambda r: not inner(r)
        if tok and tok[1] == "(":
            self.take("(")
            inner = self.or_()
            self.take(")")
            return inner
        return self.comparison()

    def comparison(self) -> Predicate:
        left = self.operand()
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] in ("==", "=", "!=", "<>", ">", ">=", "<", "<="):
            op = {"=": "==", "<>": "!="}.get(self.take()[1], tok[1])
            right = self.operand()
            return lambda r: _compare(left(r), op, right(r))
        return lambda r: bool(left(r))

    def operand(self) -> Callable[[dict[str, Any]], Any]:
        kind, value = self.take()
        if kind == "str":
            text = re.sub(r"\\(.)", r"\1", value[1:-1])
            return self.methods(lambda r: text)
        if kind == "num":
            number = float(value)
            return lambda r: number
        if kind != "name":
            raise WhereError(f"unexpected {value!r} in the where clause")
        low = value.lower()
        if low in ("true", "false"):
            flag = low == "true"
            return lambda r: flag
        if low == "null":
            return lambda r: None
        if low == "guid" and self.peek() and self.peek()[1] == "(":  # type: ignore[index]
            self.take("(")
            text = self.take()[1].strip('"')
            self.take(")")
            guid = _Guid(text.lower())
            return lambda r: guid
        if low == "datetime" and self.peek() and self.peek()[1] in ("(", "."):  # type: ignore[index]
            return self.datetime()
        path = [value]
        while self.peek() and self.peek()[1] == ".":  # type: ignore[index]
            nxt = self.toks[self.i + 1] if self.i + 1 < len(self.toks) else None
            after = self.toks[self.i + 2] if self.i + 2 < len(self.toks) else None
            if nxt and after and after[1] == "(":
                break
            self.take(".")
            path.append(self.take()[1])
        return self.methods(lambda r: lookup(r, path))

    def datetime(self) -> Callable[[dict[str, Any]], Any]:
        if self.peek()[1] == ".":  # type: ignore[index]  DateTime.Parse("2026-01-01")
            self.take(".")
            self.take("Parse")
            self.take("(")
            text = self.take()[1].strip('"')
            self.take(")")
            stamp = normalise(text)
            return lambda r: stamp
        self.take("(")
        parts = []
        while True:
            parts.append(int(float(self.take()[1])))
            if self.peek() and self.peek()[1] == ",":  # type: ignore[index]
                self.take(",")
                continue
            break
        self.take(")")
        try:
            stamp = datetime(*parts, tzinfo=UTC).timestamp()
        except (TypeError, ValueError) as exc:
            raise WhereError(f"invalid DateTime: {exc}") from exc
        return lambda r: stamp

    def methods(self, base: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
        while self.peek() and self.peek()[1] == ".":  # type: ignore[index]
            self.take(".")
            name = self.take()[1]
            self.take("(")
            args = []
            while self.peek() and self.peek()[1] != ")":  # type: ignore[index]
                args.append(self.operand())
                if self.peek() and self.peek()[1] == ",":  # type: ignore[index]
                    self.take(",")
            self.take(")")
            base = _method(base, name, args)
        return base


def _method(
    base: Callable[[dict[str, Any]], Any], name: str, args: list[Any]
) -> Callable[[dict[str, Any]], Any]:
    low = name.lower()
    if low == "tolower":
        return lambda r: (base(r) or "").lower() if isinstance(base(r), str) else base(r)
    if low == "toupper":
        return lambda r: (base(r) or "").upper() if isinstance(base(r), str) else base(r)
    if low in ("contains", "startswith", "endswith") and len(args) == 1:
        arg = args[0]

        def call(r: dict[str, Any]) -> bool:
            value, needle = base(r), arg(r)
            if not isinstance(value, str) or not isinstance(needle, str):
                return False
            return {
                "contains": needle in value,
                "startswith": value.startswith(needle),
                "endswith": value.endswith(needle),
            }[low]

        return call
    raise WhereError(f"unsupported method {name} in the where clause")


def _compare(left: Any, op: str, right: Any) -> bool:
    left, right = normalise(left), normalise(right)
    if isinstance(right, _Guid) and isinstance(left, str):
        left = left.lower()
    if isinstance(left, _Guid) and isinstance(right, str):
        right = right.lower()
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if left is None or right is None:
        return False
    try:
        return {">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}[op]
    except TypeError:
        return False


def compile_where(text: str) -> Predicate:
    """A predicate over a record in Xero's JSON shape; raises WhereError when the clause is invalid."""
    return _Parser(text).parse()
