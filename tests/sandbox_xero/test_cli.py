"""The CLI prints what a person or a script needs, and serves until stopped."""

from __future__ import annotations

import re

import requests

from sandboxes.xero import cli

TENANT = "11111111-2222-4333-8444-555555555555"


def test_cli_prints_urls_credentials_and_tenants_and_serves(capsys, spec_dir):
    seen = {}

    def during() -> None:
        out = capsys.readouterr().out
        seen["out"] = out
        token_url = re.search(r"Token:\s+(\S+)", out).group(1)
        seen["status"] = requests.post(
            token_url, data={"grant_type": "client_credentials"}, auth=("my-id", "my-secret"), timeout=5
        ).status_code

    code = cli.main(
        [
            "--port",
            "0",
            "--client-id",
            "my-id",
            "--client-secret",
            "my-secret",
            "--webhook-key",
            "wk",
            "--tenant",
            f"{TENANT}=Test Org",
            "--spec-dir",
            str(spec_dir),
        ],
        wait=during,
    )
    assert code == 0
    out = seen["out"]
    for label in ("API:", "Token:", "Authorize:", "Connections:"):
        assert re.search(label + r"\s+http://127\.0\.0\.1:\d+/", out)
    assert "my-id" in out and "my-secret" in out and "wk" in out and f"{TENANT}  Test Org" in out
    assert "export XERO_API_URL=http://127.0.0.1:" in out
    assert seen["status"] == 200


def test_cli_reads_environment_variables(capsys, monkeypatch, spec_dir):
    monkeypatch.setenv("XERO_SANDBOX_CLIENT_ID", "env-id")
    monkeypatch.setenv("XERO_SANDBOX_WEBHOOK_KEY", "env-key")
    monkeypatch.setenv("XERO_SANDBOX_TENANTS", f"{TENANT}=Env Org")
    monkeypatch.setenv("XERO_SANDBOX_PORT", "0")
    assert cli.main(["--spec-dir", str(spec_dir)], wait=lambda: None) == 0
    out = capsys.readouterr().out
    assert "env-id" in out and "env-key" in out and "Env Org" in out


def test_cli_refuses_a_tenant_that_is_not_a_uuid(capsys):
    assert cli.main(["--port", "0", "--tenant", "not-a-uuid"], wait=lambda: None) == 2
    assert "UUID" in capsys.readouterr().err


def test_python_dash_m_serves_until_ctrl_c(spec_dir):
    import os
    import signal
    import subprocess
    import sys

    env = dict(os.environ, XERO_SANDBOX_PORT="0", XERO_OPENAPI_DIR=str(spec_dir))
    proc = subprocess.Popen(
        [sys.executable, "-m", "sandboxes.xero"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=str(cli.__file__).rsplit("/sandboxes/", 1)[0],
    )
    try:
        first = proc.stdout.readline()
        assert first.strip() == "Xero sandbox is running"
        api_line = proc.stdout.readline()
        url = api_line.split()[-1].rsplit("/api.xro", 1)[0]
        assert requests.get(url + "/connections", timeout=5).status_code == 401
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
