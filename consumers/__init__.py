"""Consumers: one package per entity (consumers/<entity>/, declaring `ENTITY`), the generic machinery
they share (consumers/framework/), and the worker that runs their translators."""

from __future__ import annotations

import importlib
import pkgutil

_NOT_ENTITIES = {"framework", "worker", "base", "registry", "bulk"}


def entities() -> list:
    """Every entity this package declares: each subpackage or module with an `ENTITY` (the
    `xero_odoo_bridge.entities` entry point names this function, see setup.cfg)."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        if module.name in _NOT_ENTITIES or module.name.startswith("_"):
            continue
        entity = getattr(importlib.import_module(f"{__name__}.{module.name}"), "ENTITY", None)
        if entity is not None:
            found.append(entity)
    return found
