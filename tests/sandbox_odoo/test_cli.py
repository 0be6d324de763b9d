"""The command line: flags, environment variables, banner, Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import xmlrpc.client

from sandboxes.odoo.cli import PRECOMMIT_WINDOW, build_parser, commit_hold


def test_flags_default_from_environment(monkeypatch):
    monkeypatch.setenv("ODOO_SANDBOX_VERSION", "19")
    monkeypatch.setenv("ODOO_SANDBOX_DB", "demo")
    monkeypatch.setenv("ODOO_SANDBOX_API_KEY", "k" * 40)
    args = build_parser().parse_args([])
    assert (args.version, args.db, args.api_key, args.port) == (19, "demo", "k" * 40, 8069)
    assert build_parser().parse_args(["--version", "16"]).version == 16


def test_module_serves_and_prints_its_credentials():
    env = {**os.environ, "ODOO_SANDBOX_PASSWORD": "pw-from-env", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sandboxes.odoo", "--version", "18", "--port", "0", "--api-key", "a" * 40],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    try:
        lines = [proc.stdout.readline() for _ in range(7)]
        banner = "".join(lines)
        url = next(line.split()[-1] for line in lines if "URL:" in line)
        assert "database: odoo" in banner and "password: pw-from-env" in banner and "a" * 40 in banner
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        assert common.version()["server_version_info"][0] == 18
        assert common.authenticate("odoo", "admin", "pw-from-env", {})
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0


def test_standalone_17_and_18_keep_their_transaction_open_after_a_webhook_by_default():
    """Odoo 17/18 post a webhook inside the request, which goes on after the POST (odoo-facts, "Observed
    on a real Odoo 17.0"): the standalone sandbox behaves so unless told otherwise."""
    hold = {
        v: commit_hold(v, build_parser().parse_args(["--version", str(v)]).hold_commit)
        for v in (16, 17, 18, 19)
    }
    assert hold == {16: 0.0, 17: PRECOMMIT_WINDOW, 18: PRECOMMIT_WINDOW, 19: 0.0}
    assert commit_hold(17, build_parser().parse_args(["--hold-commit", "0"]).hold_commit) == 0.0
