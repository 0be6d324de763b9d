"""Xero Contact → Odoo res.partner (and its contact persons and tags)."""

from __future__ import annotations

from bridge.errors import PermanentError
from bridge.events import Event
from bridge.odoo.client import OdooClient, xmlid_name
from consumers.base import BindingUpdate, Context, Outcome, Translator
from consumers.contacts.canonical import (
    Contact,
    email_key,
    from_xero,
    name_key,
    to_odoo,
)
from consumers.contacts.common import (
    ENTITY,
    ODOO_SIDE,
    choose_match,
    comparable,
    log_conflict,
    scope_of,
    xero_updated,
    xero_wins,
)
from consumers.contacts.lookups import OdooLookups


class ContactImporter(Translator):
    source = "xero"
    entity = ENTITY

    def apply(self, event: Event, ctx: Context, contact: dict | None = None) -> Outcome:
        """`contact` is the record when the caller already read it (bulk sync reads whole pages)."""
        scope = scope_of(ctx, event, xero_id=event.resource_id)
        if not scope.policy.allows("xero"):
            return Outcome("skipped", note=f"contacts: direction is {scope.policy.direction}")
        xero = ctx.services["xero"].for_connection(scope.connection_id)
        odoo: OdooClient = ctx.services["odoo"].in_company(scope.company_id)
        lookups = OdooLookups(odoo)
        contact = contact or xero.get_one("Contacts", event.resource_id)
        if contact is None:
            raise PermanentError(f"Xero has no contact {event.resource_id}")
        has_mobile = odoo.version < 19
        incoming = comparable(from_xero(contact, lookups.country_code), has_mobile)
        digest = incoming.digest()
        binding = scope.binding
        if binding is not None and binding.content_hash == digest:
            return Outcome("unchanged", record_name=incoming.name)  # the echo of our own write, or a no-op

        partner_id = (
            binding.odoo_id if binding is not None else self._match(odoo, lookups, incoming, event, scope)
        )
        if partner_id is not None:
            partner = odoo.read_one("res.partner", partner_id, lookups.partner_fields())
            if partner is None:
                raise PermanentError(
                    f"Odoo partner #{partner_id} bound to Xero contact {event.resource_id} is gone"
                )
            current = comparable(lookups.canonical(partner), has_mobile)
            if current.digest() == digest:
                return self._bound(event, partner_id, partner, digest, contact, "unchanged")
            if binding is not None and current.digest() != binding.content_hash:  # both sides changed
                if not xero_wins(scope.policy, xero_updated(contact), partner.get("write_date")):
                    note = (
                        "both sides changed since the last sync; Odoo's change was kept (conflict policy "
                        + scope.policy.conflict_policy
                        + ")"
                    )
                    log_conflict(ctx, event, "odoo", current, incoming, note)
                    return Outcome("conflict-odoo-kept", record_name=current.name)
                note = (
                    "both sides changed since the last sync; Xero's change was kept (conflict policy "
                    + scope.policy.conflict_policy
                    + ")"
                )
                log_conflict(ctx, event, "xero", incoming, current, note)
            if not scope.policy.may_update():
                return Outcome("skipped", note="contacts: mode does not allow updates")
            odoo.write("res.partner", [partner_id], self._values(odoo, lookups, incoming))
            action = "updated"
        else:
            if not scope.policy.may_create():
                return Outcome("skipped", note="contacts: mode does not allow creates")
            values = self._values(odoo, lookups, incoming) | {"company_id": scope.company_id}
            partner_id, created = odoo.upsert("res.partner", xmlid_name("contact", event.resource_id), values)
            action = "created" if created else "updated"
        self._sync_persons(odoo, partner_id, incoming, scope.company_id)
        partner = odoo.read_one("res.partner", partner_id, ["write_date"])
        return self._bound(event, partner_id, partner, digest, contact, action)

    @staticmethod
    def _bound(
        event: Event, partner_id: int, partner: dict, digest: str, contact: dict, action: str
    ) -> Outcome:
        return Outcome(
            action,
            binding=BindingUpdate(
                xero_id=event.resource_id,
                odoo_id=partner_id,
                content_hash=digest,
                xero_version=str(contact.get("UpdatedDateUTC")),
                odoo_version=partner.get("write_date"),
            ),
            record_name=contact.get("Name"),
        )

    @staticmethod
    def _values(odoo: OdooClient, lookups: OdooLookups, c: Contact) -> dict:
        values = to_odoo(c, lookups.country_id(c.country), lookups.tag_ids(c.groups, create=True))
        return odoo.adapter.partner_values(values)

    @staticmethod
    def _match(odoo: OdooClient, lookups: OdooLookups, c: Contact, event: Event, scope) -> int | None:
        """No binding yet: its external id, then the same email, then the same name — never a duplicate."""
        found = odoo.xmlid_lookup("res.partner", xmlid_name("contact", event.resource_id))
        if found is not None:
            return found
        candidates = lookups.candidates(scope.company_id, c.name, c.email)
        by_email = [p for p in candidates if c.email and email_key(p.get("email")) == c.email]
        by_name = [p for p in candidates if name_key(p.get("name")) == name_key(c.name)]
        for found_by, matches in (("email", by_email), ("name", by_name)):
            found = choose_match(c, found_by, matches, scope.policy, "Xero contact", ODOO_SIDE)
            if found is not None:
                return found
        return None

    @staticmethod
    def _sync_persons(odoo: OdooClient, partner_id: int, c: Contact, company_id: int) -> None:
        """Xero's contact persons become the partner's child contacts (matched by email, then name)."""
        children = odoo.search_read(
            "res.partner", [("parent_id", "=", partner_id), ("type", "=", "contact")], ["name", "email"]
        )
        for person in c.persons:
            name = " ".join(p for p in (person.first, person.last) if p)
            match = next(
                (ch for ch in children if person.email and email_key(ch.get("email")) == person.email), None
            )
            match = match or next(
                (ch for ch in children if name and name_key(ch.get("name")) == name_key(name)), None
            )
            values = {"name": name or person.email or "Contact", "email": person.email or False}
            if match is None:
                odoo.create(
                    "res.partner",
                    [values | {"parent_id": partner_id, "type": "contact", "company_id": company_id}],
                )
            elif (
                name_key(match.get("name")) != name_key(values["name"])
                or email_key(match.get("email")) != person.email
            ):
                odoo.write("res.partner", [match["id"]], values)
