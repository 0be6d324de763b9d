"""Xero's wire formats: MS-JSON dates, ISO dates, money rounding (xero-facts §5 "Dates", "unitdp")."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from email.utils import parsedate_to_datetime

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def ms_date(epoch_seconds: float) -> str:
    """`/Date(1746349964107+0000)/`, as Xero returns UpdatedDateUTC (xero-facts §5)."""
    return f"/Date({int(round(epoch_seconds * 1000))}+0000)/"


def ms_date_of_day(day: date) -> str:
    return ms_date(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def iso_utc(epoch_seconds: float, millis: bool = False) -> str:
    dt = datetime.fromtimestamp(epoch_seconds, UTC)
    if millis:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}"
    return dt.strftime("%Y-%m-%dT%H:%M:%S")


def day_string(day: date) -> str:
    return day.strftime("%Y-%m-%dT00:00:00")


def parse_day(value: object) -> date | None:
    """Accepts `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS` and MS-JSON dates; None when unreadable."""
    if not isinstance(value, str) or not value:
        return None
    m = _MS_DATE.match(value)
    if m:
        return datetime.fromtimestamp(int(m.group(1)) / 1000, UTC).date()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def rfc3339_utc(epoch_seconds: float) -> str:
    """`2026-12-01T05:24:21.824626Z`: an instant as the spec's `format: date-time` wants it."""
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_if_modified_since(value: str) -> float | None:
    """If-Modified-Since as Xero reads it (xero-facts §5): ISO 8601, zone-less meaning UTC (as
    xero-python sends it, e.g. `2026-12-01T05:24:21.824626`) or zoned; or an HTTP date
    (`Tue, 01 Dec 2026 05:34:19 GMT`, as pyxero sends it: src/xero/basemanager.py). None when
    unreadable."""
    value = value.strip()
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def to_decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def round_money(value: Decimal, places: int = 2) -> Decimal:
    """Half away from zero, as Xero rounds line tax (xero-facts §5 'unitdp')."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money(value: Decimal) -> float:
    return float(value)
