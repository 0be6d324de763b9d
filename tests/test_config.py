"""Settings: environment first, then an optional file; a bad value stops start-up in one line."""

from __future__ import annotations

import pytest

from bridge.config import ConfigError, load_settings


def test_the_embedded_default_needs_no_setting_at_all(tmp_path):
    settings = load_settings({"BRIDGE_HOME": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'bridge.db'}"
    assert settings.broker_url == f"embedded+sqlite:///{tmp_path / 'broker.db'}"
    assert settings.embedded_broker
    assert settings.retry_ladder == (10, 60, 600, 3600, 21600)


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("BRIDGE_BROKER_URL", "redis://localhost", "BRIDGE_BROKER_URL: must start with one of"),
        ("BRIDGE_DATABASE_URL", "mysql://x", "BRIDGE_DATABASE_URL: must start with one of"),
        ("BRIDGE_RETRY_LADDER", "10s,soon", "BRIDGE_RETRY_LADDER: 'soon' is not a duration"),
        ("BRIDGE_RETRY_LADDER", "1m,10s", "BRIDGE_RETRY_LADDER: delays must not decrease"),
        ("BRIDGE_DELIVERY_LIMIT", "0", "BRIDGE_DELIVERY_LIMIT:"),
        ("BRIDGE_PREFETCH", "many", "BRIDGE_PREFETCH: Not a valid integer."),
        ("BRIDGE_ODOO_WEBHOOK_TOKEN", "short", "BRIDGE_ODOO_WEBHOOK_TOKEN: must be at least 16 characters"),
        ("BRIDGE_NAMESPACE", "Has Spaces", "BRIDGE_NAMESPACE: lowercase letters"),
    ],
)
def test_a_bad_value_is_named_with_its_problem_in_one_line(key, value, problem):
    with pytest.raises(ConfigError) as raised:
        load_settings({key: value})
    message = str(raised.value)
    assert message.startswith(problem)
    assert "\n" not in message


def test_a_bad_secret_is_named_but_never_echoed():
    with pytest.raises(ConfigError) as raised:
        load_settings({"BRIDGE_ODOO_WEBHOOK_TOKEN": "tiny-secret"})
    assert "tiny-secret" not in str(raised.value)


def test_settings_come_from_a_file_and_the_environment_wins(tmp_path):
    file = tmp_path / "bridge.env"
    file.write_text(
        '# bridge settings\nBRIDGE_PREFETCH=7\nexport BRIDGE_DELIVERY_LIMIT="3"\nXERO_WEBHOOK_KEY=from-file\n'
    )
    settings = load_settings({"BRIDGE_CONFIG": str(file), "XERO_WEBHOOK_KEY": "from-env"})
    assert (settings.prefetch, settings.delivery_limit, settings.xero_webhook_key) == (7, 3, "from-env")


def test_a_missing_config_file_is_an_error_naming_it(tmp_path):
    with pytest.raises(ConfigError, match="BRIDGE_CONFIG: no such file"):
        load_settings({"BRIDGE_CONFIG": str(tmp_path / "nope.env")})


def test_secrets_are_not_in_the_settings_repr():
    settings = load_settings(
        {"XERO_WEBHOOK_KEY": "xero-webhook-secret", "BRIDGE_ODOO_WEBHOOK_TOKEN": "odoo-token-0123456789"}
    )
    assert "xero-webhook-secret" not in repr(settings)
    assert "odoo-token-0123456789" not in repr(settings)
