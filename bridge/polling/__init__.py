"""Change detection without webhooks (issue 6): pollers, reconciliation, coalescing, deletions.

- specs.py: what a poller is (WatermarkSpec, HashSpec, Change, Scope);
- each entity's own specs live with it (consumers/<entity>/polling.py), listed by bridge/entities.py;
- watermarks.py / hashes.py: what the pollers remember between rounds, in the store;
- runner.py: one spec for one connection → envelopes on the broker, like webhooks;
- deletions.py: Odoo records gone, by diffing bound ids;
- health.py: webhook receipt times and the "webhooks look dead" verdict;
- budget.py: the polling budget, each Xero poller's interval within a share of the daily limit;
- ledger.py: what each Xero poller's rounds cost and when it last ran, in the store;
- scheduler.py: the jobs of `bridge scheduler` and their intervals.
"""
