"""An in-memory Odoo 16–19 for tests and the demo: ORM, external API over HTTP, automation webhooks.

It imports nothing from the bridge: it plays Odoo. Facts it follows: /work/shared/research/odoo-facts.md.
"""

from .sandbox import OdooSandbox, UserEnv

__all__ = ["OdooSandbox", "UserEnv"]
