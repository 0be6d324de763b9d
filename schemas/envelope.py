"""The event envelope: one shape for every change the bridge moves.

Webhooks, pollers, bulk sync and replay all produce the same envelope, so consumers never care
where a change came from.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

SOURCES = ("xero", "odoo")
ORIGINS = ("webhook", "poll", "bulk", "replay", "test")
CHANGE_TYPES = ("create", "update", "delete", "unknown")


class EnvelopeSchema(Schema):
    """Serialised form of an event on the broker and in the mismatch log."""

    event_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    origin = fields.String(required=True, validate=validate.OneOf(ORIGINS))
    # Connection = one Xero organisation mapped to one Odoo company. None when the ingest could
    # not tell (an Odoo webhook without company_id): the consumer resolves it from the record.
    connection = fields.String(required=True, allow_none=True, validate=validate.Length(max=64))
    tenant_id = fields.String(load_default=None, allow_none=True)
    company_id = fields.Integer(load_default=None, allow_none=True)
    entity = fields.String(required=True, validate=validate.Length(min=1, max=64))
    resource_id = fields.String(required=True, validate=validate.Length(min=1, max=128))
    change_type = fields.String(required=True, validate=validate.OneOf(CHANGE_TYPES))
    occurred_at = fields.DateTime(required=True, allow_none=True, format="iso")
    received_at = fields.DateTime(required=True, format="iso")
    dedupe_key = fields.String(required=True, validate=validate.Length(min=1, max=512))
    attempt = fields.Integer(load_default=0, validate=validate.Range(min=0))
    correlation_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    # A retry must not run before this (a Retry-After longer than the broker's delay step).
    not_before = fields.DateTime(load_default=None, allow_none=True, format="iso")
    # The source system's own notification, kept verbatim for the mismatch log and replay.
    payload = fields.Dict(load_default=dict)

    @validates_schema
    def _xero_events_name_their_tenant(self, data: dict, **_: object) -> None:
        if data.get("source") == "xero" and not data.get("tenant_id"):
            raise ValidationError("a Xero event names its tenant", field_name="tenant_id")


class XeroWebhookEventSchema(Schema):
    """One element of `events[]` in Xero's webhook body (xero-webhooks.yaml, WebhookEvent)."""

    resourceUrl = fields.String(required=True)
    resourceId = fields.String(required=True, validate=validate.Length(min=1, max=128))
    eventDateUtc = fields.String(required=True)
    eventType = fields.String(required=True, validate=validate.OneOf(("CREATE", "UPDATE")))
    eventCategory = fields.String(required=True)
    tenantId = fields.String(required=True, validate=validate.Length(min=1, max=64))
    tenantType = fields.String(required=True)
    data = fields.Dict(allow_none=True)  # only CREDITNOTE events carry it

    class Meta:
        unknown = "include"


class XeroWebhookBodySchema(Schema):
    """Xero's webhook body: a batch of events plus sequence numbers and entropy."""

    events = fields.List(fields.Nested(XeroWebhookEventSchema), required=True)
    firstEventSequence = fields.Integer(required=True)
    lastEventSequence = fields.Integer(required=True)
    entropy = fields.String(required=True)

    class Meta:
        unknown = "include"


class OdooWebhookBodySchema(Schema):
    """What Odoo 17+'s "Send Webhook Notification" action posts (odoo-facts §2.1 and the 17.0 capture).

    `_model`, `_id` and `_action` always; any fields the rule chose, read with load=None.
    """

    _model = fields.String(required=True, data_key="_model", validate=validate.Length(min=1, max=128))
    _id = fields.Integer(required=True, data_key="_id", strict=True)
    _action = fields.String(load_default="", data_key="_action")
    # Sent by the bridge's own Odoo 16 outbox poller and by `bridge odoo setup` rules on unlink.
    _event = fields.String(
        load_default=None, data_key="_event", validate=validate.OneOf(("create", "write", "unlink"))
    )

    class Meta:
        unknown = "include"
