"""Contacts both ways: Xero Contact ⇄ Odoo res.partner."""

from consumers.contacts.exporter import ContactExporter
from consumers.contacts.importer import ContactImporter

__all__ = ["ContactExporter", "ContactImporter"]
