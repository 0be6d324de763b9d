"""The entity framework: what every entity's package plugs into (OCA connector's seams).

- canonical.py: the neutral form of a record, its content hash, and the merge that never loses data;
- sides.py: how one system reads, finds, matches and writes an entity's records (adapter + binder);
- scope.py: which connection, settings and binding an event is about;
- translator.py: the one generic translator per direction;
- dependencies.py: records a record refers to, synced first through their own translators;
- conflicts.py: who wins when both sides changed, and the record of what was overwritten;
- bulk.py: a whole entity at once, in batches, with checkpoints.
docs/entities.md shows how an entity uses them, with contacts as the worked example.
"""
