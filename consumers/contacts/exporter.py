"""Odoo res.partner → Xero Contact (its child contacts become contact persons, its tags groups)."""

from __future__ import annotations

from bridge.errors import PermanentError
from bridge.events import Event
from bridge.odoo.client import OdooClient
from bridge.xero.client import XeroClient, idempotency_key
from consumers.base import BindingUpdate, Context, Outcome, Translator
from consumers.contacts.canonical import Contact, email_key, from_xero, name_key, to_xero
from consumers.contacts.common import (
    ENTITY,
    XERO_SIDE,
    choose_match,
    comparable,
    ensure_committed,
    log_conflict,
    scope_of,
    xero_updated,
    xero_wins,
)
from consumers.contacts.lookups import OdooLookups


def contact_number(company_id: int, partner_id: int) -> str:
    """Xero's ContactNumber is an API-only key (xero-facts §8): it finds our contact again after a lost answer."""
    return f"ODOO-{company_id}-{partner_id}"


class ContactExporter(Translator):
    source = "odoo"
    entity = ENTITY

    def apply(self, event: Event, ctx: Context) -> Outcome:
        odoo_root: OdooClient = ctx.services["odoo"]
        partner_id = int(event.resource_id)
        scope = scope_of(ctx, event, odoo_id=partner_id)
        if not scope.policy.allows("odoo"):
            return Outcome("skipped", note=f"contacts: direction is {scope.policy.direction}")
        odoo = odoo_root.in_company(scope.company_id)
        lookups = OdooLookups(odoo)
        partner = odoo.read_one(
            "res.partner", partner_id, lookups.partner_fields(), expect=event.change_type != "delete"
        )
        if partner is None:  # deleted in Odoo: Xero contacts cannot be deleted, only archived
            return self._archive(ctx, event, scope)
        ensure_committed(event, partner.get("write_date"))
        parent = partner.get("parent_id")
        if parent and partner.get("type", "contact") == "contact" and not partner.get("is_company"):
            # A contact person: it lives in Xero as a ContactPerson of its company.
            parent_id = parent[0] if isinstance(parent, list) else parent
            return self.apply(event.__class__(**{**event.__dict__, "resource_id": str(parent_id)}), ctx)
        has_mobile = odoo.version < 19
        xero = ctx.services["xero"].for_connection(scope.connection_id)
        outgoing = comparable(lookups.canonical(partner), has_mobile)
        digest = outgoing.digest()
        binding = scope.binding
        if binding is not None and binding.content_hash == digest:
            return Outcome("unchanged", record_name=outgoing.name)

        contact_id = (
            binding.xero_id if binding is not None else self._match(xero, outgoing, scope, partner_id)
        )
        current = None
        if contact_id is not None:
            found = xero.get_one("Contacts", contact_id)
            if found is None:
                raise PermanentError(f"Xero contact {contact_id} bound to Odoo partner #{partner_id} is gone")
            current = comparable(from_xero(found, lookups.country_code), has_mobile)
            if current.digest() == digest:
                return self._bound(event, found, partner, digest, "unchanged")
            if binding is not None and current.digest() != binding.content_hash:
                if xero_wins(scope.policy, xero_updated(found), partner.get("write_date")):
                    note = f"both sides changed since the last sync; Xero's change was kept ({scope.policy.conflict_policy})"
                    log_conflict(ctx, event, "xero", current, outgoing, note)
                    return Outcome("conflict-xero-kept", record_name=current.name)
                note = f"both sides changed since the last sync; Odoo's change was kept ({scope.policy.conflict_policy})"
                log_conflict(ctx, event, "odoo", outgoing, current, note)
            if not scope.policy.may_update():
                return Outcome("skipped", note="contacts: mode does not allow updates")
        elif not scope.policy.may_create():
            return Outcome("skipped", note="contacts: mode does not allow creates")

        element = to_xero(outgoing)
        if not has_mobile:
            element["Phones"] = [p for p in element["Phones"] if p["PhoneType"] != "MOBILE"]
        if contact_id is None:
            element["ContactNumber"] = contact_number(scope.company_id, partner_id)
        else:
            element["ContactID"] = contact_id
        # A new key per try and per replay: Xero replays a cached *error* for a reused key (xero-facts §3),
        # and the match step above finds a contact an earlier try created.
        key = idempotency_key("odoo", "res.partner", partner_id, event.correlation_id, event.attempt)
        (result,) = xero.save("Contacts", [element], key=key, method="POST")
        if not result.ok:
            raise PermanentError(
                "Xero ValidationException: " + "; ".join(result.errors), details={"messages": result.errors}
            )
        saved = result.record
        self._sync_groups(xero, saved, outgoing, current)
        return self._bound(event, saved, partner, digest, "updated" if contact_id else "created")

    @staticmethod
    def _bound(event: Event, contact: dict, partner: dict, digest: str, action: str) -> Outcome:
        return Outcome(
            action,
            binding=BindingUpdate(
                xero_id=contact["ContactID"],
                odoo_id=int(event.resource_id),
                content_hash=digest,
                xero_version=str(contact.get("UpdatedDateUTC")),
                odoo_version=partner.get("write_date"),
            ),
            record_name=contact.get("Name"),
        )

    @staticmethod
    def _match(xero: XeroClient, c: Contact, scope, partner_id: int) -> str | None:
        """No binding yet: our ContactNumber, then the same email, then the same name (names are unique)."""
        found = xero.get_one("Contacts", contact_number(scope.company_id, partner_id))
        if found is not None:
            return found["ContactID"]
        for found_by, term, key in (("email", c.email, email_key), ("name", c.name, name_key)):
            if not term:
                continue
            rows = list(
                xero.paginate(
                    "Contacts", {"searchTerm": term, "includeArchived": "true", "summaryOnly": "true"}
                )
            )
            field = "EmailAddress" if found_by == "email" else "Name"
            matches = [r for r in rows if key(r.get(field)) == key(term)]
            found = choose_match(c, found_by, matches, scope.policy, "Odoo partner", XERO_SIDE)
            if found is not None:
                return found
        return None

    @staticmethod
    def _sync_groups(xero: XeroClient, saved: dict, c: Contact, current: Contact | None) -> None:
        """Memberships are set on the group, not on the contact (xero-facts §8 "Contact groups")."""
        have = set(current.groups) if current is not None else set()
        want = set(c.groups)
        if have == want:
            return
        groups = {name_key(g["Name"]): g for g in xero.get("ContactGroups").get("ContactGroups") or []}
        contact_id = saved["ContactID"]
        for key in sorted(want - have):
            group = groups.get(key)
            if group is None:
                (created,) = xero.save(
                    "ContactGroups", [{"Name": key.title()}], key=f"group:{key}", method="PUT"
                )
                group = created.record
            xero.request(
                "PUT",
                f"ContactGroups/{group['ContactGroupID']}/Contacts",
                json={"Contacts": [{"ContactID": contact_id}]},
                idempotency=idempotency_key("group-member", group["ContactGroupID"], contact_id),
            )
        for key in sorted(have - want):
            group = groups.get(key)
            if group is not None:
                xero.request("DELETE", f"ContactGroups/{group['ContactGroupID']}/Contacts/{contact_id}")

    @staticmethod
    def _archive(ctx: Context, event: Event, scope) -> Outcome:
        if scope.binding is None or not scope.binding.xero_id:
            return Outcome("skipped", note="deleted in Odoo and never synced")
        xero = ctx.services["xero"].for_connection(scope.connection_id)
        contact_id = scope.binding.xero_id
        key = idempotency_key(
            "odoo", "res.partner", event.resource_id, "archive", event.correlation_id, event.attempt
        )
        xero.save(
            "Contacts", [{"ContactID": contact_id, "ContactStatus": "ARCHIVED"}], key=key, method="POST"
        )
        return Outcome("archived", record_name=None)
