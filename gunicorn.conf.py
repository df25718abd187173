"""gunicorn settings for ``make serve`` (production): several workers on one database.

Everything comes from the environment (see DEPLOY.md): HOST and PORT (default 127.0.0.1:8050:
nginx in front), WEB_CONCURRENCY worker processes (default 2 × cores + 1), WEB_THREADS
threads each (default 2), WEB_TIMEOUT seconds before a stuck worker is replaced.

The app is loaded once in the master before the workers fork (``preload_app``): the schema is
migrated and the shipped dataset loaded once, not by every worker at the same time. Each
worker opens its own database connections after the fork (store.db checks the process id).
"""

from __future__ import annotations

import os

_cores = os.cpu_count() or 1

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8050')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores + 1)
threads = int(os.environ.get("WEB_THREADS") or 2)
worker_class = "gthread"
timeout = int(os.environ.get("WEB_TIMEOUT") or 120)
graceful_timeout = 30
keepalive = 5
preload_app = True
max_requests = 2000  # a worker is replaced now and then: memory a long run leaves does not pile up
max_requests_jitter = 200
accesslog = os.environ.get("WEB_ACCESS_LOG", "-")  # "-": standard output
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "battery-cluster-dashboard"


def post_fork(server, worker):  # type: ignore[no-untyped-def]
    """A forked worker opens its own database connections, never the master's."""
    from store.db import reinit_after_fork

    reinit_after_fork()
