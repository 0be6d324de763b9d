"""The bare reference for `bridge bench ingest`: verify the HMAC, publish with confirms, answer.

What the fastest handler on this stack does (perf-baselines.md): one long-lived py-amqp channel per
thread in confirm mode, every event of the POST published, one wait for all confirms. No envelope,
no schema, no routing: the ratio bridge ÷ reference is the price of everything else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading

import amqp
from flask import Flask, Response, request

_local = threading.local()


def _channel(url_host: str, queue: str):
    channel = getattr(_local, "channel", None)
    if channel is None:
        connection = amqp.Connection(url_host, userid="guest", password="guest")
        connection.connect()
        channel = connection.channel()
        channel.queue_declare(queue, durable=True, auto_delete=False)
        channel.confirm_select()
        _local.channel, _local.connection = channel, connection
    return _local.channel, _local.connection


def create_app() -> Flask:
    key = os.environ["XERO_WEBHOOK_KEY"].encode()
    host = os.environ.get("BENCH_AMQP_HOST", "127.0.0.1:5672")
    queue = os.environ["BENCH_REFERENCE_QUEUE"]
    app = Flask(__name__)

    @app.post("/webhooks/xero")
    def receive() -> Response:
        raw = request.get_data()
        expected = base64.b64encode(hmac.new(key, raw, hashlib.sha256).digest())
        if not hmac.compare_digest(expected, request.headers.get("x-xero-signature", "").encode()):
            return Response(b"", status=401)
        events = json.loads(raw)["events"]
        channel, connection = _channel(host, queue)
        pending = set()
        acked = threading.Event()

        def on_ack(tag, multiple):
            pending.difference_update({t for t in pending if t <= tag} if multiple else {tag})
            if not pending:
                acked.set()

        channel.events["basic_ack"] = {on_ack}
        for event in events:
            _local.tag = getattr(_local, "tag", 0) + 1
            pending.add(_local.tag)
            channel.basic_publish(amqp.Message(json.dumps(event), delivery_mode=2), routing_key=queue)
        while pending:
            connection.drain_events(timeout=2)
        return Response(b"", status=200)

    return app
