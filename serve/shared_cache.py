"""The cache every worker shares: flask-caching on Redis, or on a folder of the local disk."""

from __future__ import annotations

from flask import Flask
from flask_caching import Cache

from settings import Settings
from store.cache import use_shared

KEY_PREFIX = "bcd:"
DISK_ENTRIES = 5_000  # the disk cache forgets the oldest answers beyond this many


def cache_config(settings: Settings) -> dict[str, object]:
    """flask-caching's configuration for ``settings``: Redis when ``REDIS_URL`` is set."""
    if settings.redis_url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": settings.redis_url,
            "CACHE_KEY_PREFIX": KEY_PREFIX,
        }
    folder = settings.instance_dir / "cache" / "shared"
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(folder),
        "CACHE_THRESHOLD": DISK_ENTRIES,
    }


def init_shared_cache(server: Flask, settings: Settings) -> Cache:
    """Set up the shared cache on ``server`` and hand it to the per-revision query cache."""
    cache = Cache(server, config=cache_config(settings))
    use_shared(cache)
    return cache
