"""What every `bridge` command needs: settings that fail in one line, a runtime, safe URLs."""

from __future__ import annotations

import sys

import click

from bridge.config import ConfigError, Settings, load_settings
from bridge.logs import configure_logging


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        click.echo(f"configuration error: {exc}", err=True)
        sys.exit(2)


def runtime_or_exit(settings: Settings | None = None):
    from bridge.runtime import Runtime

    settings = settings or settings_or_exit()
    configure_logging(settings.log_level, settings.secrets())
    return Runtime.from_settings(settings)


def safe_url(url: str) -> str:
    """A URL without its password."""
    head, sep, tail = url.partition("@")
    if not sep or "://" not in head:
        return url
    scheme, _, credentials = head.partition("://")
    if ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':')[0]}:***@{tail}"
