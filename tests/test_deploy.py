"""Files under deploy/ stay true to the code."""

from __future__ import annotations

import json

from bridge.config import load_settings
from bridge.runtime import topology_for
from tests.conftest import REPO


def test_the_shipped_rabbitmq_definitions_are_what_the_code_declares_by_default():
    settings = load_settings({"BRIDGE_BROKER_URL": "amqp://localhost//"})
    shipped = json.loads((REPO / "deploy/rabbitmq/definitions.json").read_text())
    assert shipped == json.loads(json.dumps(topology_for(settings).rabbitmq_definitions()))


def test_the_env_example_names_only_settings_the_bridge_knows():
    from bridge.config import SettingsSchema

    known = set(SettingsSchema().fields)
    names = [
        line.split("=", 1)[0]
        for line in (REPO / "deploy/bridge.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert names and set(names) <= known
