"""A small HTTP load generator: N keep-alive connections split over 2 processes, bounded in time.

Loopback only. Python rather than wrk so the bench needs nothing beyond the project's own install;
it costs the same CPU for the bridge and for the reference, so their ratio stays fair.
"""

from __future__ import annotations

import http.client
import multiprocessing
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    ok: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def merge(self, other: LoadResult) -> None:
        self.ok += other.ok
        self.errors += other.errors
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.latencies_ms.extend(other.latencies_ms)

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _connection_loop(url, requests_, warmup_until, stop_at, result: LoadResult, lock: threading.Lock) -> None:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the load generator only targets loopback")
    local = LoadResult()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    n = 0
    while True:
        now = time.monotonic()
        if now >= stop_at:
            break
        body, headers = requests_[n % len(requests_)]
        n += 1
        started = time.perf_counter()
        try:
            connection.request("POST", parts.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            status = 0
        elapsed = (time.perf_counter() - started) * 1000
        if now < warmup_until:
            continue
        local.statuses[status] = local.statuses.get(status, 0) + 1
        if status == 200:
            local.ok += 1
            local.latencies_ms.append(elapsed)
        else:
            local.errors += 1
    connection.close()
    with lock:
        result.merge(local)


def _process(args) -> LoadResult:
    url, requests_, threads, warmup, seconds, start_at = args
    while time.time() < start_at:
        time.sleep(0.001)
    begin = time.monotonic()
    result, lock = LoadResult(), threading.Lock()
    workers = [
        threading.Thread(
            target=_connection_loop,
            args=(url, requests_, begin + warmup, begin + warmup + seconds, result, lock),
        )
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return result


def run_load(
    url: str, requests_: list[tuple[bytes, dict]], connections: int, seconds: float, warmup: float = 1.0
):
    processes = 2 if connections >= 2 else 1
    per_process = [
        connections // processes + (1 if i < connections % processes else 0) for i in range(processes)
    ]
    start_at = time.time() + 0.5
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        parts = pool.map(_process, [(url, requests_, n, warmup, seconds, start_at) for n in per_process])
    total = LoadResult(seconds=seconds)
    for part in parts:
        total.merge(part)
    return total
