"""The broker: declarative topology, confirmed publishing, delayed retries, dead letters."""

from kombu.transport import TRANSPORT_ALIASES

# `embedded+sqlite:///path.db` selects the bridge's crash-safe SQLAlchemy transport.
TRANSPORT_ALIASES.setdefault("embedded", "bridge.broker.embedded:Transport")
