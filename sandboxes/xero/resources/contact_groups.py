"""Contact groups (xero-facts §8 "Contact groups"): ACTIVE/DELETED, GET lists only ACTIVE groups, no
If-Modified-Since (xero-facts §5), membership PUT/DELETE."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from flask import Response

from ..errors import not_found, simple_validation
from .base import (
    Ctx,
    ElementResult,
    Router,
    batch_write,
    elements_of,
    envelope,
    is_uuid,
    list_response,
    one,
    update_one,
)


def _group_public(org: Any, group: dict[str, Any], with_contacts: bool) -> dict[str, Any]:
    out = {k: v for k, v in group.items() if not k.startswith("_")}
    if with_contacts:
        out["Contacts"] = [
            {"ContactID": cid, "Name": org.contacts[cid]["Name"]}
            for cid in group["_members"]
            if cid in org.contacts
        ]
    else:
        out["Contacts"] = []
    return out


def _sync_contact(org: Any, contact_id: str) -> None:
    contact = org.contacts.get(contact_id)
    if contact is None:
        return
    contact["ContactGroups"] = [
        {"ContactGroupID": g["ContactGroupID"], "Name": g["Name"], "Status": g["Status"], "Contacts": []}
        for g in org.contact_groups.values()
        if g["Status"] == "ACTIVE" and contact_id in g["_members"]
    ]


def _name_taken(org: Any, name: str, except_id: str | None) -> bool:
    return any(
        g["ContactGroupID"] != except_id
        and g["Status"] == "ACTIVE"
        and g["Name"].strip().lower() == name.lower()
        for g in org.contact_groups.values()
    )


def _save(ctx: Ctx, element: dict[str, Any], existing: dict[str, Any] | None) -> ElementResult:
    org = ctx.org
    name = (element.get("Name") if "Name" in element else (existing or {}).get("Name")) or ""
    name = name.strip()
    status = element.get("Status", (existing or {}).get("Status", "ACTIVE"))
    errors = []
    if not name:
        errors.append("A contact group name must be specified.")
    elif status == "ACTIVE" and _name_taken(org, name, existing["ContactGroupID"] if existing else None):
        errors.append(f"A contact group with the name {name} already exists.")
    if existing is not None and existing["Status"] == "DELETED":
        errors.append("A deleted contact group cannot be changed.")
    if errors:
        return None, errors
    if existing is None:
        existing = {"ContactGroupID": str(uuid.uuid4()), "Name": name, "Status": status, "_members": []}
        org.contact_groups[existing["ContactGroupID"]] = existing
    else:
        existing["Name"] = name
        existing["Status"] = status
    for cid in existing["_members"]:
        _sync_contact(org, cid)
    return _group_public(org, existing, with_contacts=False), []


def register(router: Router) -> None:
    @router.add("GET", "/ContactGroups", "contacts")
    def list_groups(ctx: Ctx) -> Response:
        groups = [g for g in ctx.org.contact_groups.values() if g["Status"] == "ACTIVE"]
        render = partial(_group_public, ctx.org, with_contacts=False)
        return list_response(ctx, "ContactGroups", groups, ims=False, default_order="Name ASC", render=render)

    @router.add("GET", "/ContactGroups/{group_id}", "contacts")
    def get_group(ctx: Ctx, group_id: str) -> Response:
        with ctx.org.lock:
            group = ctx.org.contact_groups.get(group_id.lower())
            return one(ctx, "ContactGroups", group, lambda g: _group_public(ctx.org, g, with_contacts=True))

    @router.add("PUT", "/ContactGroups", "contacts")
    def create_groups(ctx: Ctx) -> Response:
        def apply(e: dict[str, Any]) -> ElementResult:
            if e.get("ContactGroupID"):
                return None, ["Use POST /ContactGroups/{ContactGroupID} to update a contact group."]
            return _save(ctx, e, None)

        return batch_write(ctx, "ContactGroups", elements_of(ctx, "ContactGroups"), apply, summarize=True)

    @router.add("POST", "/ContactGroups/{group_id}", "contacts")
    def update_group(ctx: Ctx, group_id: str) -> Response:
        group = ctx.org.contact_groups.get(group_id.lower())
        return update_one(ctx, "ContactGroups", group, lambda e: _save(ctx, e, group))

    @router.add("PUT", "/ContactGroups/{group_id}/Contacts", "contacts")
    def add_members(ctx: Ctx, group_id: str) -> Response:
        org = ctx.org
        with org.lock:
            group = org.contact_groups.get(group_id.lower())
            if group is None:
                return not_found()
            if group["Status"] != "ACTIVE":
                return simple_validation("Contacts cannot be added to a deleted contact group.")
            contacts = elements_of(ctx, "Contacts")
            ids = [str(c.get("ContactID", "")).lower() for c in contacts if isinstance(c, dict)]
            missing = [i for i in ids if not is_uuid(i) or i not in org.contacts]
            if missing or not ids:
                return simple_validation(
                    "Contact with ContactID " + ", ".join(missing or ["(none)"]) + " not found."
                )
            for cid in ids:
                if cid not in group["_members"]:
                    group["_members"].append(cid)
                _sync_contact(org, cid)
            rows = [{"ContactID": cid, "Name": org.contacts[cid]["Name"]} for cid in ids]
        return envelope("Contacts", rows, ctx.clock)

    @router.add("DELETE", "/ContactGroups/{group_id}/Contacts", "contacts")
    def remove_all(ctx: Ctx, group_id: str) -> Response:
        org = ctx.org
        with org.lock:
            group = org.contact_groups.get(group_id.lower())
            if group is None:
                return not_found()
            members, group["_members"] = group["_members"], []
            for cid in members:
                _sync_contact(org, cid)
        return Response(status=204)

    @router.add("DELETE", "/ContactGroups/{group_id}/Contacts/{contact_id}", "contacts")
    def remove_one(ctx: Ctx, group_id: str, contact_id: str) -> Response:
        org = ctx.org
        with org.lock:
            group = org.contact_groups.get(group_id.lower())
            if group is None:
                return not_found()
            cid = contact_id.lower()
            if cid not in group["_members"]:
                return simple_validation(f"The contact {contact_id} is not a member of this contact group.")
            group["_members"].remove(cid)
            _sync_contact(org, cid)
        return Response(status=204)
