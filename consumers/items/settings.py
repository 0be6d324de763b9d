"""The seed's "Tracked Category" / "Untracked Category": where products imported from Xero go.

Per connection, each names a product.category the user chose. Unset, the bridge makes its own
"Tracked Category" (automated valuation) and "Untracked Category" on first use. Only a product the
bridge creates, or one whose tracking changes, is put into a category; a category the user gives a
product afterwards stays."""

from __future__ import annotations

from typing import Any

from bridge.store.connection_values import get_id, set_id

KEYS = {True: "item:tracked_category", False: "item:untracked_category"}
LABELS = {True: "Tracked Category", False: "Untracked Category"}


def import_category(db: Any, connection_id: str, tracked: bool) -> int | None:
    """The product.category id chosen for imported tracked (or untracked) items, or None."""
    return get_id(db, connection_id, KEYS[tracked])


def set_import_category(db: Any, connection_id: str, tracked: bool, category_id: int | None) -> None:
    """Choose the category for imported tracked (or untracked) items; None: the bridge's own."""
    set_id(db, connection_id, KEYS[tracked], category_id)
