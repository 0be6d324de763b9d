"""The Odoo side: one client over JSON-2 (19+), JSON-RPC and XML-RPC, and version-aware field adapters."""
