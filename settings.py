"""Settings read from the environment, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DATA_DIR = ROOT / "data"


@dataclass(frozen=True)
class Settings:
    """What the app needs to start; every field can be set through an environment variable."""

    database_url: str
    instance_dir: Path
    host: str = "127.0.0.1"
    port: int = 8050
    secret_key: str = field(default="", repr=False)
    default_region: str = "370400"
    debug: bool = False
    view_requires_login: bool = False
    session_hours: float = 8.0
    session_cookie_secure: bool = False
    max_upload_bytes: int = 20 * 1024 * 1024  # MAX_UPLOAD_MB: the largest workbook accepted
    # REDIS_URL: shared caches and background callbacks (Celery) for several workers/machines
    redis_url: str = field(default="", repr=False)
    # exported charts and briefing packs name (and show the logo of) the bureau that made them
    bureau_name_zh: str = ""  # BUREAU_NAME; empty: the dashboard's own name
    bureau_name_en: str = ""  # BUREAU_NAME_EN
    bureau_logo: Path | None = None  # BUREAU_LOGO: a PNG or JPEG file
    warm_exports: bool = True  # EXPORT_WARM=0: do not start Chromium before the first export

    @property
    def uses_default_database(self) -> bool:
        return not os.environ.get("DATABASE_URL")


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from ``env`` (default: the process environment)."""
    env = dict(os.environ if env is None else env)
    instance_dir = Path(env.get("INSTANCE_DIR") or ROOT / "instance")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'dashboard.sqlite3'}"
    return Settings(
        database_url=database_url,
        instance_dir=instance_dir,
        host=env.get("HOST", "127.0.0.1"),
        port=int(env.get("PORT", "8050")),
        secret_key=env.get("SECRET_KEY", ""),
        default_region=env.get("DEFAULT_REGION", "370400"),
        debug=env.get("DASH_DEBUG", "") in {"1", "true", "yes"},
        view_requires_login=_flag(env.get("VIEW_REQUIRES_LOGIN")),
        session_hours=float(env.get("SESSION_HOURS") or 8),
        session_cookie_secure=_flag(env.get("SESSION_COOKIE_SECURE")),
        max_upload_bytes=_megabytes(env.get("MAX_UPLOAD_MB"), 20),
        redis_url=env.get("REDIS_URL", "").strip(),
        bureau_name_zh=env.get("BUREAU_NAME", "").strip(),
        bureau_name_en=env.get("BUREAU_NAME_EN", "").strip(),
        bureau_logo=Path(env["BUREAU_LOGO"]) if env.get("BUREAU_LOGO") else None,
        warm_exports=env.get("EXPORT_WARM", "1").strip().lower() not in {"0", "false", "no"},
    )


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes"}


def _megabytes(value: str | None, default: float) -> int:
    """``MAX_UPLOAD_MB`` as bytes; a missing, unreadable or non-positive value gives the default."""
    try:
        mb = float(value) if value not in (None, "") else default
    except ValueError:
        mb = default
    return int((mb if mb > 0 else default) * 1024 * 1024)
