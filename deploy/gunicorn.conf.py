"""gunicorn settings for the ingest app: `gunicorn -c deploy/gunicorn.conf.py 'webhooks.app:create_app()'`.

gthread with 2 workers x 8 threads keeps 16 requests in flight, enough for RabbitMQ to group its
fsyncs across requests, and keeps HTTP connections alive (perf-baselines.md: the best setting tried
on a 2-core machine). Scale workers with cores: 2 per core is a good start.
"""

import os

bind = os.environ.get("BRIDGE_WEB_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("BRIDGE_WEB_WORKERS", "2"))
threads = int(os.environ.get("BRIDGE_WEB_THREADS", "8"))
keepalive = 5
timeout = 30
graceful_timeout = 20
accesslog = os.environ.get("BRIDGE_WEB_ACCESS_LOG") or None
errorlog = "-"


def on_starting(server) -> None:
    """Migrate the store once, in the master, before workers start (they would race otherwise)."""
    from bridge.config import load_settings
    from bridge.store import Database

    database = Database(load_settings().database_url)
    database.migrate()
    database.dispose()
