"""Where background callbacks run: a Celery worker through Redis, or forked local processes.

``make worker`` starts the Celery worker (``celery -A app:celery_app worker``); it imports the
app, whose pages register the background callbacks as Celery tasks.
"""

from __future__ import annotations

import dash
import diskcache
from celery import Celery

from settings import Settings

#: results of background callbacks are kept this long (seconds) in Redis
RESULT_EXPIRES = 3600


def make_celery(settings: Settings) -> Celery | None:
    """The Celery app on ``REDIS_URL`` (broker and results), or None without it."""
    if not settings.redis_url:
        return None
    celery = Celery(
        "battery_cluster_dashboard", broker=settings.redis_url, backend=settings.redis_url
    )
    celery.conf.update(
        result_expires=RESULT_EXPIRES,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        task_acks_late=False,
    )
    return celery


def background_manager(
    settings: Settings, celery: Celery | None
) -> dash.CeleryManager | dash.DiskcacheManager:
    """Dash's manager of background callbacks: Celery when there is one, else diskcache (the
    callbacks run in processes forked from the worker; progress and results on local disk)."""
    if celery is not None:
        return dash.CeleryManager(celery)
    folder = settings.instance_dir / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    return dash.DiskcacheManager(diskcache.Cache(str(folder)))
