"""Change detection without webhooks (issue 6): pollers, reconciliation, coalescing, deletions.

- specs.py: what a poller is (WatermarkSpec, HashSpec, Change, Scope);
- contacts.py: the contact pollers (Xero Contacts, Odoo res.partner, Xero ContactGroups);
- watermarks.py / hashes.py: what the pollers remember between rounds, in the store;
- runner.py: one spec for one connection → envelopes on the broker, like webhooks;
- deletions.py: Odoo records gone, by diffing bound ids;
- health.py: webhook receipt times and the "webhooks look dead" verdict;
- scheduler.py: the jobs of `bridge scheduler` and their intervals.
"""
