"""Which translator handles which events: (source system, entity) → translator."""

from __future__ import annotations

from collections.abc import Iterable

from consumers.base import Translator


class Registry:
    def __init__(self, translators: Iterable[Translator] = ()):
        self._by_key: dict[tuple[str, str], Translator] = {}
        for translator in translators:
            self.add(translator)

    def add(self, translator: Translator) -> None:
        key = (translator.source, translator.entity)
        if key in self._by_key:
            raise ValueError(f"two translators for {key[0]} {key[1]} events")
        self._by_key[key] = translator

    def get(self, source: str, entity: str) -> Translator | None:
        return self._by_key.get((source, entity))

    def __len__(self) -> int:
        return len(self._by_key)


def default_registry() -> Registry:
    """The translators of every built entity in the catalog (bridge/entities.py)."""
    from bridge.entities import built

    return Registry([t for entity in built() for t in entity.translators()])
