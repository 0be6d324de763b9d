"""The composition root: the `bridge` command, the demo, the benches and the sandboxed bridge they
and the end-to-end tests share. The only part of bridge/ that wires webhooks/ and consumers/ to the
core; the rest of bridge/ never imports them."""

from bridge.cli.main import load_registry, main

__all__ = ["load_registry", "main"]
