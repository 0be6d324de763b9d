"""One consumer per queue: a slow group never holds up another, and a queue can have several threads."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from consumers.base import Outcome, Translator
from consumers.registry import Registry
from consumers.worker import Worker
from tests.conftest import REPO
from tests.support.probe import ProbeTranslator
from tests.support.processes import bridge_command
from tests.support.stack import Stack, queue_depth, wait_until, xero_event

CONTACT = "6e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b"


class SlowInvoices(Translator):
    """A documents-group translator that holds each event until the test lets it go."""

    source = "xero"
    entity = "invoice"

    def __init__(self, together: int = 0) -> None:
        self.entered: list[str] = []
        self.release = threading.Event()
        # together > 0: each apply waits until that many applies are in progress at once
        self.barrier = threading.Barrier(together, timeout=5) if together else None

    def apply(self, event, ctx):
        self.entered.append(event.resource_id)
        if self.barrier is not None:
            self.barrier.wait()
        elif not self.release.wait(20):
            raise AssertionError("the test never released the invoice")
        return Outcome("updated")


def invoice_event(resource_id: str) -> dict:
    return xero_event(resource_id) | {
        "eventCategory": "INVOICE",
        "resourceUrl": f"https://api.xero.com/api.xro/2.0/Invoices/{resource_id}",
    }


def run_worker(stack: Stack, registry: Registry, **options) -> Worker:
    worker = Worker(stack.runtime, registry, services={"probe": stack.probe.url}, **options)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    stack.workers.append((worker, thread))
    wait_until(worker.ready)
    return worker


def test_a_slow_group_does_not_hold_up_another_groups_events(stack):
    invoices = SlowInvoices()
    stack.probe.put_source(CONTACT, "Acme Ltd")
    run_worker(stack, Registry([ProbeTranslator(stack.probe.url), invoices]))
    try:
        stack.post_xero([invoice_event("inv-1")])
        wait_until(lambda: invoices.entered)  # the documents consumer is busy with it
        stack.post_xero([xero_event(CONTACT)])
        wait_until(lambda: CONTACT in stack.probe.target, timeout=5)  # partners go on meanwhile
        assert not invoices.release.is_set()
    finally:
        invoices.release.set()


def test_a_queue_with_concurrency_two_applies_two_of_its_events_at_once(stack):
    invoices = SlowInvoices(together=2)  # both applies must be in progress together to finish
    worker = run_worker(stack, Registry([invoices]), groups=("documents",), concurrency=2)
    stack.post_xero([invoice_event("inv-1"), invoice_event("inv-2")])
    wait_until(lambda: worker.stats.get("updated", 0) == 2, timeout=10)
    assert worker.stats.get("retried", 0) == 0


def test_a_worker_for_some_groups_leaves_the_other_groups_queues_alone(stack):
    invoices = SlowInvoices()
    invoices.release.set()
    worker = run_worker(stack, Registry([invoices]), groups=("partners",))
    stack.post_xero([invoice_event("inv-1")])
    documents = stack.runtime.topology.work_queue_name("to_odoo", "documents")
    wait_until(lambda: queue_depth(stack.runtime, documents) == 1)
    assert invoices.entered == [] and worker.stats == {}


def test_bridge_worker_runs_the_groups_it_is_given(make_runtime, probe):
    stack = Stack(make_runtime("embedded"), probe)
    probe.put_source(CONTACT, "Acme Ltd")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIDGE_", "XERO_"))}
    env |= stack.runtime.test_environ | {
        "PROBE_URL": probe.url,
        "BRIDGE_TRANSLATORS": "tests.support.probe:registry",
        "PYTHONPATH": str(REPO),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bridge.cli", "worker", "--groups", "partners", "--concurrency", "2"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stack.post_xero([xero_event(CONTACT)])
        wait_until(lambda: CONTACT in probe.target or process.poll() is not None, timeout=20)
        assert CONTACT in probe.target, process.stderr.read() if process.poll() is not None else ""
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0, stderr
    consumed = [line for line in stderr.splitlines() if "consuming" in line]
    assert len(consumed) == 4  # to_odoo and to_xero partners, two threads each
    assert all(".partners" in line for line in consumed)


def test_bridge_worker_refuses_a_group_it_does_not_know(make_runtime):
    runtime = make_runtime("embedded")
    refused = bridge_command(runtime, "worker", "--groups", "partners,invoices")
    assert refused.returncode == 2
    assert "invoices" in refused.stderr and "documents" in refused.stderr
