"""Odoo's float rounding (odoo/tools/float_utils.py): half-up with an epsilon scaled to the value, so
2.675 rounds to 2.68 where Python's round() gives 2.67. Odoo stores money as floats and rounds every
amount with these, at the currency's `rounding` (e.g. 0.01).

Two generations, picked by ``version``:

- 16.0/17.0: normalise by dividing by the rounding factor, add ``2**(log2|n| - 52)``, round half away
  from zero (``float_utils.round``, Python 2's round); HALF-EVEN is Python 3's round.
- 18.0+ (odoo/odoo PR 152709, "[IMP] tools, web: improve precision of rounding utils", saas-17.4):
  factors below 1 are inverted (``float_invert``: 0.01 → 100, so 1.15 is normalised as 1.15 * 100),
  the epsilon is widened to ``2**(log2|n| - 50)`` "to be more tolerant of inaccuracies accumulated after
  multiple floating point operations", and an unknown rounding method raises ValueError. Values that
  sit one or two ulps below a half-cent after arithmetic (115.96499999999997) round up on 18+ and
  down on 17.
"""

from __future__ import annotations

import builtins
import math

_INVERTDICT = {  # float_utils._INVERTDICT (18+)
    **{10.0**-i: 10.0**i for i in range(1, 11)},
    **{2 * 10.0**-i: 5 * 10.0 ** (i - 1) for i in range(1, 11)},
    **{5 * 10.0**-i: 2 * 10.0 ** (i - 1) for i in range(1, 11)},
}


def _round_half_away(f: float) -> float:
    """float_utils.round: Python 2's round (half away from zero), as Odoo keeps it."""
    roundf = builtins.round(f)
    if builtins.round(f + 1) - roundf != 1:
        return f + math.copysign(0.5, f)
    return math.copysign(roundf, f)


def _check_precision(precision_digits: int | None, precision_rounding: float | None) -> float:
    """float_utils._float_check_precision: an AssertionError, as Odoo's asserts raise."""
    if precision_rounding is not None and precision_digits is None:
        if not precision_rounding > 0:
            raise AssertionError(f"precision_rounding must be positive, got {precision_rounding}")
        return float(precision_rounding)
    if precision_digits is not None and precision_rounding is None:
        if not (float(precision_digits).is_integer() and precision_digits >= 0):
            raise AssertionError(f"precision_digits must be a non-negative integer, got {precision_digits}")
        return 10**-precision_digits
    raise AssertionError("exactly one of precision_digits and precision_rounding must be specified")


def float_invert(value: float) -> float:
    """float_utils.float_invert (18+): 1/value, exact for the usual {1,2,5}e-n rounding factors."""
    result = _INVERTDICT.get(value)
    if result is None:
        coefficient, exponent = f"{value:.15e}".split("e")
        result = float(f"{coefficient}e{-int(exponent)}") / float(coefficient) ** 2
    return result


def _round_17(value: float, factor: float, method: str) -> float:
    """float_round of 16.0/17.0."""
    normalized = value / factor
    sign = math.copysign(1.0, normalized)
    epsilon = 2 ** (math.log(abs(normalized), 2) - 52)
    if method == "UP":
        rounded = math.ceil(abs(normalized - sign * epsilon)) * sign
    elif method == "DOWN":
        rounded = math.floor(abs(normalized + sign * epsilon)) * sign
    elif method == "HALF-EVEN":
        rounded = math.copysign(builtins.round(normalized), normalized)
    elif method == "HALF-DOWN":
        rounded = _round_half_away(normalized - math.copysign(epsilon, normalized))
    else:
        rounded = _round_half_away(normalized + math.copysign(epsilon, normalized))
    return rounded * factor


def _round_18(value: float, factor: float, method: str) -> float:
    """float_round of 18.0+: small factors inverted, epsilon 2**(magnitude - 50)."""
    inverted = factor < 1
    scale = float_invert(factor) if inverted else factor
    normalized = value * scale if inverted else value / scale
    epsilon = 2 ** (math.log2(abs(normalized)) - 50)
    if method == "HALF-UP":
        result = _round_half_away(normalized + math.copysign(epsilon, normalized))
    elif method == "HALF-EVEN":
        integral = math.floor(normalized)
        is_half = abs(0.5 - abs(normalized - integral)) < epsilon
        result = integral + (integral & 1) if is_half else builtins.round(normalized)
    elif method == "HALF-DOWN":
        result = _round_half_away(normalized - math.copysign(epsilon, normalized))
    elif method == "UP":
        result = math.trunc(normalized + math.copysign(1 - epsilon, normalized))
    elif method == "DOWN":
        result = math.trunc(normalized + math.copysign(epsilon, normalized))
    else:
        raise ValueError(f"unknown rounding method: {method}")
    return result / scale if inverted else result * scale


def float_round(
    value: float,
    precision_digits: int | None = None,
    precision_rounding: float | None = None,
    rounding_method: str = "HALF-UP",
    version: int = 17,
) -> float:
    """`float_round` of float_utils: HALF-UP (default), HALF-DOWN, HALF-EVEN, UP or DOWN."""
    factor = _check_precision(precision_digits, precision_rounding)
    if value == 0:
        return 0.0
    result = (_round_18 if version >= 18 else _round_17)(value, factor, rounding_method)
    # De-normalising can re-introduce representation noise (115 * 0.01 == 1.1500000000000001 on 17);
    # Odoo returns that noise from float_round, but every stored amount goes through the column's
    # float_repr at the currency's decimals, so what a client reads back is the clean value. Do the same
    # here, since the sandbox's amounts are what clients read.
    if factor < 1:
        digits = -math.floor(math.log10(factor) + 1e-9)
        return float(f"{result:.{digits}f}")
    return float(result)


def float_is_zero(
    value: float,
    precision_digits: int | None = None,
    precision_rounding: float | None = None,
    version: int = 17,
) -> bool:
    """True if `value` rounds to zero at the precision."""
    epsilon = _check_precision(precision_digits, precision_rounding)
    return value == 0.0 or abs(float_round(value, precision_rounding=epsilon, version=version)) < epsilon


def float_compare(
    value1: float,
    value2: float,
    precision_digits: int | None = None,
    precision_rounding: float | None = None,
    version: int = 17,
) -> int:
    """-1, 0 or 1 comparing both values rounded at the precision (not their difference)."""
    factor = _check_precision(precision_digits, precision_rounding)
    if value1 == value2:
        return 0
    delta = float_round(value1, precision_rounding=factor, version=version) - float_round(
        value2, precision_rounding=factor, version=version
    )
    if float_is_zero(delta, precision_rounding=factor, version=version):
        return 0
    return -1 if delta < 0.0 else 1


def float_repr(value: float, precision_digits: int) -> str:
    """float_utils.float_repr: the value with exactly ``precision_digits`` decimals (no rounding rule)."""
    return f"{value:.{precision_digits}f}"


def currency_round(value: float, rounding: float | None, version: int = 17) -> float:
    """`res.currency.round`: float_round at the currency's rounding (0.01 when unset)."""
    return float_round(value, precision_rounding=rounding or 0.01, version=version)
