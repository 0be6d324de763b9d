"""Worker processes that really die: `bridge worker` in a subprocess, with the probe's translator."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def worker_process(runtime, probe_url: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIDGE_", "XERO_"))}
    env.update(runtime.test_environ)
    env.update(
        {
            "PROBE_URL": probe_url,
            "BRIDGE_TRANSLATORS": "tests.support.probe:registry",
            "PYTHONPATH": str(REPO),
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bridge.cli", "worker"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def bridge_command(runtime, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIDGE_", "XERO_"))}
    env.update(runtime.test_environ)
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "bridge.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
