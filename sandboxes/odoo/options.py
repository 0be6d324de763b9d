"""Behaviour switches of one sandbox database (per-version defaults plus test knobs)."""

from __future__ import annotations

from dataclasses import dataclass

SERVER_VERSIONS = {
    # odoo-facts source keys S16–S19 (nightly builds) and the observed 17.0 server
    16: "16.0-20230301",
    17: "17.0-20240709",
    18: "18.0-20250520",
    19: "19.0-20251227",
}


@dataclass
class Options:
    version: int = 17
    # §2.1: 1 s timeout, no retry.
    webhook_timeout: float = 1.0
    # 17/18: keep the transaction open this long after a webhook POST returned, so that a receiver
    # that reads the record back asynchronously still sees the old state (before-commit window).
    hold_commit_after_webhook: float = 0.0
    # Observed on 17: a rule without trigger fields sent 14 webhooks per create and 2 per write.
    untriggered_create_repeats: int = 1
    untriggered_write_repeats: int = 1
    # §1.6: server-side retries on serialization failures; sleeps uniform(0, 2**try) * scale seconds.
    max_tries: int = 5
    retry_sleep_scale: float = 0.001

    @property
    def webhook_after_commit(self) -> bool:
        """§2.1: 19 posts from a post-commit hook; 17/18 post inside the transaction."""
        return self.version >= 19

    @property
    def has_webhooks(self) -> bool:
        return self.version >= 17

    @property
    def server_version(self) -> str:
        return SERVER_VERSIONS[self.version]

    @property
    def server_serie(self) -> str:
        return f"{self.version}.0"

    @property
    def version_info(self) -> list:
        return [self.version, 0, 0, "final", 0, ""]
