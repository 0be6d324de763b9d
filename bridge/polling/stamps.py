"""Xero's modification stamps, as the pollers and the worker's coalescing read them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def parse_xero_updated(value: object) -> datetime | None:
    """UpdatedDateUTC comes as MS-JSON `/Date(1746349964107+0000)/` (xero-facts §5), or ISO 8601."""
    text = str(value or "")
    match = _MS_DATE.match(text)
    if match:
        return datetime.fromtimestamp(int(match.group(1)) / 1000, UTC)
    try:
        parsed = datetime.fromisoformat(text.rstrip("Z"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
