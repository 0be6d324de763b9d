"""`bridge demo --exit`: what a newcomer runs first, run the way they would."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def test_the_demo_scenario_passes_every_step_and_exits_zero(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIDGE_", "XERO_", "ODOO_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "demo", "--exit", "--port", "0"],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 of 4 steps passed" in result.stdout
    for step in ("appears in Odoo", "changes in Xero", "mismatch log", "replaying"):
        assert step in result.stdout
