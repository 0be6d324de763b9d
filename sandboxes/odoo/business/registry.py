"""Model-specific behaviour: hooks around create/write/unlink and the public business methods.

Each model gets a :class:`Hooks` entry; ``methods`` are what ``execute_kw`` may call besides the ORM
methods. Record methods take ``(env, ids, *args)``; ``api_model`` methods take ``(env, *args)``.
Sources are the odoo-facts sections named in each docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

INVOICE_TYPES = ("out_invoice", "out_refund", "in_invoice", "in_refund", "out_receipt", "in_receipt")
SALE_TYPES = ("out_invoice", "out_refund", "out_receipt")


@dataclass
class Method:
    fn: Callable[..., Any]
    api_model: bool = False


@dataclass
class Hooks:
    prepare_create: Callable[[Any, dict], dict] | None = None
    after_create: Callable[[Any, list[int]], None] | None = None
    before_write: Callable[[Any, list[int], dict], None] | None = None
    after_write: Callable[[Any, list[int], dict], None] | None = None
    before_unlink: Callable[[Any, list[int]], None] | None = None
    reuse: Callable[[Any, dict], int | None] | None = None  # create() returning an existing record
    methods: dict[str, Method] = field(default_factory=dict)


HOOKS: dict[str, Hooks] = {}
_EMPTY = Hooks()


def hooks_for(model: str) -> Hooks:
    return HOOKS.get(model, _EMPTY)


def register(model: str, **kw: Any) -> Hooks:
    h = HOOKS.setdefault(model, Hooks())
    for k, v in kw.items():
        setattr(h, k, v)
    return h


def method(model: str, name: str, api_model: bool = False) -> Callable:
    def deco(fn: Callable) -> Callable:
        HOOKS.setdefault(model, Hooks()).methods[name] = Method(fn, api_model)
        return fn

    return deco
