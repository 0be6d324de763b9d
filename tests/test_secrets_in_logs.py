"""Secrets (webhook keys, tokens) never reach a log line or an error answer."""

from __future__ import annotations

import logging

from bridge.logs import RedactingFilter
from tests.support.stack import Stack, xero_event


def test_known_secrets_and_token_looking_values_are_redacted():
    redact = RedactingFilter(["xero-webhook-key-123"]).redact
    assert "xero-webhook-key-123" not in redact("key xero-webhook-key-123 refused")
    assert redact("Authorization: Bearer eyJhbGciOi.abc.def") == "Authorization: Bearer ***"
    assert redact('{"refresh_token": "r-123456", "x": 1}') == '{"refresh_token": "***", "x": 1}'
    assert (
        redact("client_secret=s3cr3t&grant_type=refresh_token")
        == "client_secret=***&grant_type=refresh_token"
    )


def test_a_refused_webhook_and_a_failed_publish_log_no_secret(make_runtime, probe, caplog):
    runtime = make_runtime("embedded", BRIDGE_BROKER_URL="amqp://guest:guest@127.0.0.1:1//")
    secrets = runtime.settings.secrets()  # caplog sees raw records: no redaction helps here
    stack = Stack(runtime, probe)
    with caplog.at_level(logging.DEBUG):
        stack.post_xero([xero_event("a")], key="wrong-key")
        answer = stack.post_xero([xero_event("a")])
        odoo = stack.client.post(
            "/webhooks/odoo/nope-nope-nope-nope", json={"_model": "res.partner", "_id": 1}
        )
    assert answer.status_code == 503 and odoo.status_code == 401
    logged = caplog.text + answer.get_data(as_text=True) + odoo.get_data(as_text=True)
    assert "Xero webhook refused" in logged
    for secret in secrets:
        assert secret not in logged
