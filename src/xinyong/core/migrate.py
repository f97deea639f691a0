"""Run Alembic migrations programmatically (``xinyong init``, tests). Never ``create_all``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from xinyong.core.db import database_url

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None) -> None:
    """Bring the database to the newest revision of every capability branch."""
    command.upgrade(alembic_config(url), "heads")


def revision(message: str, url: str | None = None, **kwargs: object) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=True, **kwargs)  # type: ignore[arg-type]
