"""`bridge bench e2e --entity invoice` (bridge/cli/bench/e2e_invoices.py): a few approvals each way, run
in this process (so the Xero sandbox it starts validates against Xero's OpenAPI files, conftest.py)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bridge.cli.bench.e2e import figures
from bridge.cli.main import main

CHANGES = 3


def test_every_invoice_approval_arrives_both_ways_and_the_figures_have_the_contact_benchs_shape():
    result = CliRunner().invoke(
        main, ["bench", "e2e", "--entity", "invoice", "--changes", str(CHANGES)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert f"{CHANGES} + {CHANGES} draft invoices synced" in result.output
    report = json.loads(result.output.strip().splitlines()[-1])

    contact_shape = figures("e2e", {"xero_to_odoo": [], "odoo_to_xero": []}, 0, 20.0, [])
    assert set(report) == {*contact_shape, "entity"}
    assert (report["bench"], report["entity"]) == ("e2e", "invoice")
    assert report["changes"] == 2 * CHANGES and report["not_visible_after_60s"] == 0
    assert report["xero_spec_violations"] == 0
    assert (report["scaled_clock"], report["time_scale"]) == (True, 20.0)
    for direction in ("xero_to_odoo", "odoo_to_xero", None):
        prefix = f"{direction}_" if direction else ""
        p50, p99 = report[f"{prefix}p50_ms"], report[f"{prefix}p99_ms"]
        assert 0 < p50 <= p99 < 60_000, report
