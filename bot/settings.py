"""Settings from the environment and ``.env`` (every one is documented in ``.env.example``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.store.engine import BadDatabaseUrl, parse_url, redacted


class Settings(BaseSettings):
    """How this bot instance runs."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = None
    database_path: Path = Path("data/fanbot.db")
    database_url: str | None = None
    fact_pack: Path = Path("facts/the-diplomat.toml")
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    dev_guild_id: int | None = None
    moderator_role_ids: Annotated[frozenset[int], NoDecode] = Field(default=frozenset())
    command_cooldown_seconds: float = Field(default=3.0, ge=0)
    allow_mention_answers: bool = True
    mention_channel_cooldown_seconds: float = Field(default=2.0, ge=0)
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"
    unanswered_retention_days: int = Field(default=90, ge=1)

    @field_validator("moderator_role_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(",", " ").split())
        return value

    @field_validator("database_path", mode="before")
    @classmethod
    def _database_named(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty; point it at a file such as data/fanbot.db")
        return value

    @field_validator("database_url", mode="before")
    @classmethod
    def _known_engine(cls, value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                parse_url(value.strip())
            except BadDatabaseUrl as error:
                raise ValueError(str(error)) from None
            return value.strip()
        return value

    @model_validator(mode="after")
    def _one_database(self) -> Settings:
        """An SQLite ``DATABASE_URL`` names the file: ``DATABASE_PATH``, if also set, must
        be the same file. With a PostgreSQL URL, ``DATABASE_PATH`` only places the health
        heartbeat (``<DATABASE_PATH>.health.json``)."""
        if self.database_url is None:
            return self
        target = parse_url(self.database_url)
        if isinstance(target, Path):
            if "database_path" in self.model_fields_set and target != self.database_path:
                raise ValueError(
                    f"DATABASE_URL {redacted(self.database_url)} and DATABASE_PATH "
                    f"{self.database_path} name different databases; set one of them"
                )
            self.database_path = target
        return self

    @property
    def database(self) -> Path | str:
        """The store to open: an SQLite file, or a PostgreSQL URL."""
        return self.database_path if self.database_url is None else parse_url(self.database_url)

    @property
    def database_setting(self) -> str:
        """The setting that names the store, for messages."""
        return "DATABASE_PATH" if self.database_url is None else "DATABASE_URL"

    @field_validator("fact_pack", mode="before")
    @classmethod
    def _pack_named(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty; point it at a pack file such as facts/the-diplomat.toml")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("log_format", mode="before")
    @classmethod
    def _format_lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("dev_guild_id", "metrics_port", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value
