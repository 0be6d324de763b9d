"""Money is `decimal.Decimal` from end to end.

- `float_round`: half-up rounding to a precision with the semantics of Odoo's own
  `odoo.tools.float_utils.float_round(..., rounding_method='HALF-UP')` (odoo/odoo 17.0,
  odoo/tools/float_utils.py), including its epsilon, so the bridge rounds a value exactly as Odoo would.
- `to_decimal`: an Odoo float as the Decimal the user saw: through `repr` (the shortest text that reads
  back as the same double, e.g. 19.99), never through the binary expansion (19.989999999999998436…).
- `json_dumps` / `json_loads`: JSON with Decimal numbers, exact both ways (Decimals are written as JSON
  numbers with their own digits, never through float; numbers with a fraction are read as Decimal).
- `check_no_floats`: refuses a float anywhere in a canonical record (dataclasses, tuples, lists, dicts).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any

__all__ = ["check_no_floats", "decimal_text", "float_round", "json_dumps", "json_loads", "to_decimal"]

# Enough digits for any amount plus Odoo's epsilon (2**-52 relative, ~16 digits below the value).
_CONTEXT = Context(prec=60)
_TWO_TO_MINUS_52 = _CONTEXT.divide(Decimal(1), Decimal(2**52))  # exact: 37 significant digits


def _as_decimal(value: Decimal | float | int | str, what: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"{what} must be a number, not {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except ArithmeticError:
            raise ValueError(f"{what} is not a number: {value!r}") from None
    else:
        raise TypeError(f"{what} must be a number, not {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"{what} is not a finite number: {value!r}")
    return result


def float_round(
    value: Decimal | float | int | str,
    precision_digits: int | None = None,
    precision_rounding: Decimal | float | str | None = None,
) -> Decimal:
    """`value` rounded half-up (ties away from zero) to `precision_digits` decimals, or to a multiple of
    `precision_rounding` (e.g. a currency's rounding 0.05), exactly as Odoo's float_round HALF-UP.

    Ported from odoo/odoo 17.0 odoo/tools/float_utils.py `float_round`: normalise the value to the
    rounding unit, add an epsilon of 2**(log2(|normalised|) - 52) — i.e. |normalised| × 2**-52 — in the
    value's direction (so 2.675, stored as the double 2.67499999999999982…, still rounds to 2.68, and so
    does 1.0049999999999999 at two digits), round the integer half away from zero (Odoo's Python-2
    `round`), and de-normalise. Here the arithmetic is decimal: a float is taken by its repr, and the
    result is a Decimal with the precision's exponent (2.68, not 2.6800000000000002).
    """
    if (precision_digits is None) == (precision_rounding is None):
        raise ValueError("give exactly one of precision_digits and precision_rounding")
    if precision_digits is not None:
        factor = Decimal(1).scaleb(-int(precision_digits))
    else:
        factor = _as_decimal(precision_rounding, "precision_rounding")  # type: ignore[arg-type]
        if factor <= 0:
            raise ValueError(f"precision_rounding must be positive, got {precision_rounding!r}")
    number = _as_decimal(value, "value")
    with localcontext(_CONTEXT):
        if number == 0:
            return Decimal(0) * factor  # Odoo: 0.0; here a zero with the precision's exponent
        normalized = number / factor
        epsilon = abs(normalized) * _TWO_TO_MINUS_52
        normalized += epsilon.copy_sign(normalized)
        rounded = normalized.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return rounded * factor


def to_decimal(value: Decimal | float | int | str, digits: int | None = None) -> Decimal:
    """The Decimal a value stands for: a float by its repr (0.1 → Decimal('0.1')), an int or a numeric
    string exactly. With `digits`, rounded half-up to that many decimals as Odoo rounds (float_round)."""
    number = _as_decimal(value, "value")
    return number if digits is None else float_round(number, precision_digits=digits)


def decimal_text(value: Decimal) -> str:
    """A Decimal as a plain JSON / XML-RPC number: its own digits, no exponent (1E+3 → 1000)."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite number and has no JSON form")
    return format(value, "f")


# ---------------------------------------------------------------------------------------------- JSON


def json_loads(text: str | bytes | bytearray) -> Any:
    """JSON whose numbers with a fraction or exponent become Decimal (19.99 → Decimal('19.99'))."""
    return json.loads(text, parse_float=Decimal)


def json_dumps(obj: Any) -> str:
    """Compact JSON in which Decimals are numbers with their exact digits (the json module can only
    write floats, so Decimal would have to go through float or become a string)."""
    out: list[str] = []
    _encode(obj, out.append, ())
    return "".join(out)


def _encode(obj: Any, write: Callable[[str], Any], path: tuple) -> None:
    if obj is None:
        write("null")
    elif obj is True:
        write("true")
    elif obj is False:
        write("false")
    elif isinstance(obj, str):
        write(json.dumps(obj))
    elif isinstance(obj, Decimal):
        write(decimal_text(obj))
    elif isinstance(obj, int):
        write(int.__repr__(obj))
    elif isinstance(obj, float):
        if not math.isfinite(obj):
            raise ValueError(f"{obj!r} at {_where(path)} has no JSON form")
        write(float.__repr__(obj))
    elif isinstance(obj, dict):
        write("{")
        for index, (key, value) in enumerate(obj.items()):
            if isinstance(key, bool) or not isinstance(key, str | int):
                raise TypeError(f"JSON object keys must be strings, not {key!r} at {_where(path)}")
            write(("," if index else "") + json.dumps(str(key)) + ":")
            _encode(value, write, (*path, key))
        write("}")
    elif isinstance(obj, list | tuple):
        write("[")
        for index, value in enumerate(obj):
            if index:
                write(",")
            _encode(value, write, (*path, index))
        write("]")
    else:
        raise TypeError(f"{type(obj).__name__} at {_where(path)} cannot be written as JSON")


def _where(path: tuple) -> str:
    return "".join(f"[{p!r}]" for p in path) or "the top level"


# ------------------------------------------------------------------------------- canonical records


def check_no_floats(obj: Any, name: str | None = None) -> None:
    """Raise TypeError naming the field when a float is found anywhere in `obj`: a dataclass (its fields),
    tuples, lists, frozensets and dicts inside it. Money in a canonical record must be Decimal."""
    _check(obj, name or type(obj).__name__)


def _check(obj: Any, where: str) -> None:
    if isinstance(obj, float):
        raise TypeError(f"{where} is a float ({obj!r}): money must be a Decimal (bridge.money.to_decimal)")
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for field in dataclasses.fields(obj):
            _check(getattr(obj, field.name), f"{where}.{field.name}")
    elif isinstance(obj, list | tuple):
        for index, value in enumerate(obj):
            _check(value, f"{where}[{index}]")
    elif isinstance(obj, frozenset | set):
        for value in obj:
            _check(value, f"{where}{{…}}")
    elif isinstance(obj, dict):
        for key, value in obj.items():
            _check(value, f"{where}[{key!r}]")
