"""The broker layer on a real RabbitMQ: topology, confirms, and a restart in the middle of traffic."""

from __future__ import annotations

import subprocess
import threading
import time

import pytest
from kombu import Connection, Queue

from bridge.broker.publisher import Outgoing, PublishError
from bridge.broker.topology import delay_label
from tests.support.stack import Stack, queue_depth, wait_until, xero_event

pytestmark = pytest.mark.rabbitmq


@pytest.fixture
def runtime(make_runtime, rabbitmq_url):
    runtime = make_runtime("rabbitmq")
    runtime.declare_topology()
    return runtime


def test_work_queues_are_quorum_queues_with_a_delivery_limit_and_a_dead_letter_exchange(runtime):
    name = runtime.topology.work_queue_name("to_odoo", "partners")
    with Connection(runtime.settings.broker_url) as connection:
        channel = connection.channel()
        with pytest.raises(Exception, match="PRECONDITION_FAILED"):
            Queue(name, durable=True, queue_arguments={"x-queue-type": "classic"}).bind(channel).declare()
    declared = runtime.topology.work_queue("to_odoo", "partners").queue_arguments
    assert declared["x-queue-type"] == "quorum"
    assert declared["x-delivery-limit"] == runtime.settings.delivery_limit
    assert declared["x-dead-letter-exchange"] == runtime.topology.dead_exchange.name


def test_the_retry_ladder_is_one_delay_queue_per_step(runtime):
    names = [q.name for q in runtime.topology.retry_queues()]
    assert names == [f"{runtime.settings.namespace}.retry.{label}" for label in ("200ms", "400ms", "800ms")]
    assert [q.queue_arguments["x-message-ttl"] for q in runtime.topology.retry_queues()] == [200, 400, 800]


def test_delay_labels_read_like_durations():
    assert [delay_label(s) for s in (0.2, 10, 60, 600, 3600, 21600, 90)] == [
        "200ms",
        "10s",
        "1m",
        "10m",
        "1h",
        "6h",
        "90s",
    ]


def test_a_batch_with_a_message_the_broker_cannot_route_is_not_confirmed(runtime):
    batch = [
        Outgoing("to_odoo.partners.contact", {"n": 1}),
        Outgoing("nowhere.at.all", {"n": 2}),
        Outgoing("to_odoo.partners.contact", {"n": 3}),
    ]
    with pytest.raises(PublishError, match="no queue for routing key 'nowhere.at.all'"):
        runtime.publisher.publish(batch)
    # the publisher recovers: the next batch goes through on a fresh channel
    runtime.publisher.publish([Outgoing("to_odoo.partners.contact", {"n": 4})])


def test_a_message_on_the_retry_ladder_comes_back_to_its_queue_after_the_delay(runtime):
    queue = runtime.topology.work_queue_name("to_odoo", "partners")
    exchange = runtime.topology.retry_exchange(0).name
    runtime.publisher.publish([Outgoing("to_odoo.partners.contact", {"n": 1}, exchange=exchange)])
    assert queue_depth(runtime, queue) == 0
    wait_until(lambda: queue_depth(runtime, queue) == 1, timeout=5)


def _restart_rabbitmq() -> None:
    subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True, timeout=60)
    time.sleep(1)
    subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True, timeout=120)


@pytest.mark.slow
def test_a_broker_restart_mid_stream_loses_nothing_and_duplicates_nothing(make_runtime, rabbitmq_url, probe):
    stack = Stack(make_runtime("rabbitmq"), probe)
    ids = [f"restart-{i:03d}" for i in range(200)]
    for resource_id in ids:
        probe.put_source(resource_id, f"Contact {resource_id}")
    stack.start_worker()
    answers: list[int] = []
    restart = threading.Thread(target=_restart_rabbitmq)
    for n, resource_id in enumerate(ids):
        if n == 40:
            restart.start()
        time.sleep(0.05)  # a steady stream, so the restart lands in the middle of it
        deadline = time.monotonic() + 90
        while True:  # what Xero does: deliver again until it gets a 200
            status = stack.post_xero([xero_event(resource_id)]).status_code
            answers.append(status)
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    restart.join(180)
    wait_until(lambda: len(probe.target) == len(ids), timeout=90)
    stack.stop_workers()
    assert 503 in answers, "the restart should have refused some webhooks"
    assert answers.count(200) == len(ids)
    assert probe.creates == len(ids)
    assert sorted(probe.target) == sorted(ids)
