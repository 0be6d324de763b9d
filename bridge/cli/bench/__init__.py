"""`bridge bench …`: measurements of the bridge's own speed, each ending in one JSON line."""
