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
    shard_count: int | None = None
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = None

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

    @field_validator("shard_count", mode="before")
    @classmethod
    def _shard_count(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            count = int(str(value).strip())
        except ValueError:
            raise ValueError(
                f"must be a whole number of shards (1 or more), not {value!r}"
            ) from None
        if count < 1:
            raise ValueError(f"must be 1 or more, not {count}")
        return count

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_ids(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            return parse_shard_ids(value)
        return value

    @model_validator(mode="after")
    def _shards_within_count(self) -> Settings:
        if self.shard_ids is None:
            return self
        if self.shard_count is None:
            raise ValueError(
                "SHARD_IDS needs SHARD_COUNT: set SHARD_COUNT to the total number of shards "
                "over all processes (e.g. SHARD_COUNT=2 with SHARD_IDS=0 here and 1 elsewhere)"
            )
        outside = [shard for shard in self.shard_ids if shard >= self.shard_count]
        if outside:
            listed = ", ".join(map(str, outside))
            raise ValueError(
                f"SHARD_IDS has {listed}, not below SHARD_COUNT {self.shard_count}: shard "
                f"ids run from 0 to {self.shard_count - 1}"
            )
        return self

    @field_validator("dev_guild_id", "metrics_port", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value


def parse_shard_ids(text: str) -> tuple[int, ...]:
    """``SHARD_IDS``: ids and ranges, comma-separated (``0,1``, ``0-3``, ``2``, ``0-1,4``);
    sorted, each once. :class:`ValueError` with what is wrong, in one line."""
    ids: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        low, dash, high = part.partition("-")
        try:
            first = int(low)
            last = int(high) if dash else first
        except ValueError:
            raise ValueError(
                f"{part!r} is not a shard id or range: write ids and ranges such as 0,1 or 0-3"
            ) from None
        if first < 0 or last < first:
            raise ValueError(
                f"{part!r} is not a shard id or range: ids are 0 or more, ranges go up (0-3)"
            )
        ids.update(range(first, last + 1))
    if not ids:
        raise ValueError(f"{text!r} names no shard: write ids and ranges such as 0,1 or 0-3")
    return tuple(sorted(ids))
