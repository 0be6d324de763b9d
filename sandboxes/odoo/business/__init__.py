"""Model-specific behaviour: hooks around create/write/unlink and the public business methods.

``registry`` holds the per-model :class:`Hooks`; the other modules register into it when imported.
"""

from . import account, base_rules, trade  # noqa: F401 - imported for their registrations
from .registry import HOOKS, Hooks, Method, hooks_for, method, register

__all__ = ["HOOKS", "Hooks", "Method", "hooks_for", "method", "register"]
