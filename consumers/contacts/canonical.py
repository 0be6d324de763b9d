"""One neutral shape for a contact, mapped from and to either side, and hashed.

Both translators compare canonical forms: a record whose canonical hash is what the bridge last wrote
(or read) is an echo of the bridge's own write and is left alone — the end of ping-pong.
Xero Contact (xero_accounting.yaml Contact) ⇄ Odoo res.partner (odoo-facts §3.6):
  Name ⇄ name · FirstName/LastName ⇄ a person (is_company False) · EmailAddress ⇄ email ·
  Phones DEFAULT/MOBILE ⇄ phone/mobile · Addresses POBOX ⇄ street, street2, city, zip, country ·
  TaxNumber ⇄ vat · AccountNumber ⇄ ref · ContactStatus ARCHIVED ⇄ active False ·
  ContactPersons ⇄ child contacts · ContactGroups ⇄ tags (category_id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from consumers.framework.canonical import Canonical, ordered

_SPACES = re.compile(r"\s+")


def norm_text(value: object) -> str | None:
    if not value or value is False:
        return None
    text = _SPACES.sub(" ", str(value)).strip()
    return text or None


def name_key(value: object) -> str:
    """How names are compared for matching: case- and whitespace-insensitive."""
    return (norm_text(value) or "").casefold()


def email_key(value: object) -> str | None:
    """How emails are compared for matching; the email itself is written as the user typed it."""
    text = norm_text(value)
    return text.casefold() if text else None


@dataclass(frozen=True)
class Person:
    first: str | None
    last: str | None
    email: str | None


@dataclass(frozen=True)
class Contact(Canonical):
    name: str
    is_company: bool = True
    email: str | None = None
    phone: str | None = None
    mobile: str | None = None
    vat: str | None = None
    ref: str | None = None
    street: str | None = None
    street2: str | None = None
    city: str | None = None
    zip: str | None = None
    country: str | None = None  # ISO code
    active: bool = True
    persons: tuple[Person, ...] = ()
    groups: tuple[str, ...] = ()  # group name keys: memberships compare case-insensitively
    group_labels: tuple[str, ...] = field(default=(), metadata={"hash": False})  # the names as typed
    customer: bool = field(default=False, metadata={"hash": False})  # roles flow Xero → Odoo only
    supplier: bool = field(default=False, metadata={"hash": False})

    def label_of(self, key: str) -> str:
        """A group's name as the user typed it (for a group or tag the bridge has to create)."""
        return next((label for label in self.group_labels if name_key(label) == key), key)


def comparable(contact: Contact, has_mobile: bool) -> Contact:
    """Odoo 19 has no mobile field: leave mobile out of every comparison there (odoo-facts §3.6)."""
    return contact if has_mobile else replace(contact, mobile=None)


def split_name(name: str) -> tuple[str | None, str | None]:
    first, _, last = name.partition(" ")
    return first or None, last or None


# ------------------------------------------------------------------------------------ Xero side


def _phone(phones: list[dict], kind: str) -> str | None:
    for phone in phones or []:
        if phone.get("PhoneType") == kind:
            parts = [phone.get("PhoneCountryCode"), phone.get("PhoneAreaCode"), phone.get("PhoneNumber")]
            return norm_text(" ".join(p for p in parts if p))
    return None


def from_xero(contact: dict, country_code: callable) -> Contact:
    address = next((a for a in contact.get("Addresses") or [] if a.get("AddressType") == "POBOX"), {})
    name = norm_text(contact.get("Name")) or ""
    first, last = norm_text(contact.get("FirstName")), norm_text(contact.get("LastName"))
    person = bool(first or last) and name_key(" ".join(p for p in (first, last) if p)) == name_key(name)
    persons = [
        Person(norm_text(p.get("FirstName")), norm_text(p.get("LastName")), norm_text(p.get("EmailAddress")))
        for p in contact.get("ContactPersons") or []
    ]
    groups = [
        norm_text(g.get("Name")) for g in contact.get("ContactGroups") or [] if norm_text(g.get("Name"))
    ]
    return Contact(
        name=name,
        is_company=not person,
        email=norm_text(contact.get("EmailAddress")),
        phone=_phone(contact.get("Phones"), "DEFAULT"),
        mobile=_phone(contact.get("Phones"), "MOBILE"),
        vat=norm_text(contact.get("TaxNumber")),
        ref=norm_text(contact.get("AccountNumber")),
        street=norm_text(address.get("AddressLine1")),
        street2=norm_text(address.get("AddressLine2")),
        city=norm_text(address.get("City")),
        zip=norm_text(address.get("PostalCode")),
        country=country_code(norm_text(address.get("Country"))),
        active=contact.get("ContactStatus", "ACTIVE") != "ARCHIVED",
        persons=ordered(persons),
        groups=ordered({name_key(g) for g in groups}),
        group_labels=tuple(groups),
        customer=bool(contact.get("IsCustomer")),
        supplier=bool(contact.get("IsSupplier")),
    )


def to_xero(c: Contact) -> dict:
    """The Contact element to send (ContactGroups are read-only on a contact: memberships go separately)."""
    first, last = (None, None) if c.is_company else split_name(c.name)
    element = {
        "Name": c.name,
        "FirstName": first or "",
        "LastName": last or "",
        "EmailAddress": c.email or "",
        "TaxNumber": c.vat or "",
        "AccountNumber": c.ref or "",
        "ContactStatus": "ACTIVE" if c.active else "ARCHIVED",
        "Phones": [
            {"PhoneType": "DEFAULT", "PhoneNumber": c.phone or ""},
            {"PhoneType": "MOBILE", "PhoneNumber": c.mobile or ""},
        ],
        "Addresses": [
            {
                "AddressType": "POBOX",
                "AddressLine1": c.street or "",
                "AddressLine2": c.street2 or "",
                "City": c.city or "",
                "PostalCode": c.zip or "",
                "Country": c.country or "",
            }
        ],
        "ContactPersons": [
            {"FirstName": p.first or "", "LastName": p.last or "", "EmailAddress": p.email or ""}
            for p in c.persons
        ],
    }
    return element


# ------------------------------------------------------------------------------------ Odoo side

PARTNER_FIELDS = [
    "name", "is_company", "email", "phone", "mobile", "vat", "ref", "street", "street2", "city", "zip", "country_id",
    "active", "category_id", "child_ids", "parent_id", "type", "customer_rank", "supplier_rank", "write_date",
    "write_uid", "company_id",
]  # fmt: skip


def from_odoo(
    partner: dict, children: list[dict], tag_names: dict[int, str], country_codes: dict[int, str]
) -> Contact:
    persons = [
        Person(*split_name(norm_text(child.get("name")) or ""), norm_text(child.get("email")))
        for child in children
        if child.get("type", "contact") == "contact" and not child.get("is_company")
    ]
    groups = [norm_text(tag_names[t]) for t in partner.get("category_id") or [] if t in tag_names]
    country = partner.get("country_id")
    country_id = country[0] if isinstance(country, list) else country
    return Contact(
        name=norm_text(partner.get("name")) or "",
        is_company=bool(partner.get("is_company")),
        email=norm_text(partner.get("email")),
        phone=norm_text(partner.get("phone")),
        mobile=norm_text(partner.get("mobile")),
        vat=norm_text(partner.get("vat")),
        ref=norm_text(partner.get("ref")),
        street=norm_text(partner.get("street")),
        street2=norm_text(partner.get("street2")),
        city=norm_text(partner.get("city")),
        zip=norm_text(partner.get("zip")),
        country=country_codes.get(country_id) if country_id else None,
        active=bool(partner.get("active", True)),
        persons=ordered(persons),
        groups=ordered({name_key(g) for g in groups if g}),
        group_labels=tuple(g for g in groups if g),
        customer=(partner.get("customer_rank") or 0) > 0,
        supplier=(partner.get("supplier_rank") or 0) > 0,
    )


def to_odoo(c: Contact, country_id: int | None, tag_ids: list[int]) -> dict:
    values = {
        "name": c.name,
        "is_company": c.is_company,
        "email": c.email or False,
        "phone": c.phone or False,
        "mobile": c.mobile or False,
        "vat": c.vat or False,
        "ref": c.ref or False,
        "street": c.street or False,
        "street2": c.street2 or False,
        "city": c.city or False,
        "zip": c.zip or False,
        "country_id": country_id or False,
        "active": c.active,
        "category_id": [(6, 0, sorted(tag_ids))],
    }
    if c.customer:
        values["customer_rank"] = 1
    if c.supplier:
        values["supplier_rank"] = 1
    return values
