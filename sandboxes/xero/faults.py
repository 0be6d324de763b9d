"""Scripted faults for tests: 5xx answers, latency, dropped connections, per endpoint and method."""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import dataclass

KINDS = ("status", "latency", "drop")
PHASES = ("before", "after")


@dataclass
class Fault:
    """`path` is a glob on the request path (e.g. "/api.xro/2.0/Invoices*"); `method` "*" matches all.
    phase "before" acts before the request is processed; "after" processes it (the change is saved) and
    then answers with the fault instead — a lost response."""

    kind: str
    method: str = "*"
    path: str = "*"
    times: int = 1
    status: int = 503
    body: str = "Service Unavailable"
    delay: float = 0.0
    phase: str = "before"
    hits: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if self.phase not in PHASES:
            raise ValueError(f"phase must be one of {PHASES}")
        if self.kind == "status" and not 500 <= self.status <= 599:
            raise ValueError("scripted status faults are 5xx")
        self.method = self.method.upper()


class FaultInjector:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str, phase: str) -> list[Fault]:
        """Faults that fire on this request, each counted once; spent faults are removed."""
        fired = []
        with self._lock:
            for fault in list(self._faults):
                if fault.phase != phase or fault.method not in ("*", method.upper()):
                    continue
                if not fnmatch.fnmatchcase(path, fault.path):
                    continue
                fault.hits += 1
                fired.append(fault)
                if fault.hits >= fault.times:
                    self._faults.remove(fault)
        return fired

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)
