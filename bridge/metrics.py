"""Prometheus counters for the ops surface (prometheus-client: the standard exposition format)."""

from prometheus_client import Counter, Histogram

WEBHOOK_REQUESTS = Counter(
    "bridge_webhook_requests_total", "Webhook requests by source and answer", ["source", "status"]
)
EVENTS_PUBLISHED = Counter("bridge_events_published_total", "Events published to the broker", ["source"])
EVENTS_UNROUTED = Counter(
    "bridge_events_unrouted_total", "Events kept for unmapped tenants or companies", ["source"]
)
EVENTS_HANDLED = Counter(
    "bridge_events_handled_total", "Events taken off the broker, by outcome", ["entity", "outcome"]
)
APPLY_SECONDS = Histogram("bridge_apply_seconds", "Time to apply one event", ["entity"])
