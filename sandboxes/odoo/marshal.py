"""Values on the wire: datetimes as naive UTC ``YYYY-MM-DD HH:MM:SS``, dates as ``YYYY-MM-DD`` (§4)."""

from __future__ import annotations

import datetime as dt
import traceback
from typing import Any

from .errors import OdooError, dotted_name


def to_wire(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")  # microseconds dropped, as Datetime.to_string
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_wire(v) for v in value]
    return value


def serialize_exception(exc: BaseException) -> dict:
    """``odoo.http.serialize_exception``: {name, message, arguments, context, debug}."""
    message = exc.message if isinstance(exc, OdooError) else str(exc)
    return {
        "name": dotted_name(exc),
        "message": message,
        "arguments": [message] if isinstance(exc, OdooError) else [str(a) for a in exc.args],
        "context": {},
        "debug": "".join(traceback.format_exception(exc)),
    }
