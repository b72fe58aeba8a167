"""Typed settings for the bot, read from the environment and `.env`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_API_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_URL = "https://api.telegram.org/file/bot"


def machine_workers() -> int:
    """Photo-check workers for this machine: one per CPU the bot may use (1 to 8)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 2
    return max(1, min(cpus, 8))


class Settings(BaseSettings):
    """Everything the bot needs to know about where it runs; see `.env.example`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      env_ignore_empty=True)

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = TELEGRAM_API_URL
    telegram_file_url: str = TELEGRAM_FILE_URL
    data_dir: Path = Path("data")
    invite_valid_days: int = Field(default=7, ge=1, le=90)
    retention_days: int = Field(default=30, ge=1, le=3650)
    max_download_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    quality_workers: int = Field(default_factory=machine_workers, ge=1, le=16)
    quality_time_limit_seconds: float = Field(default=15.0, gt=0, le=300)
    referral_pack_max_bytes: int = Field(default=745_000, ge=300_000, le=5_000_000)
    stalled_after_days: int = Field(default=3, ge=1, le=60)
    referral_send_days: int = Field(default=3, ge=1, le=30)
    purge_every_hours: float = Field(default=24.0, gt=0)
    log_level: str = "INFO"
    delivery_alert_after_tries: int = Field(default=5, ge=1, le=30)
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = None
    smtp_ca_file: Path | None = None
    email_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1_000_000, le=150 * 1024 * 1024)
    mesh_url: str | None = None
    mesh_mailbox: str | None = None
    mesh_password: SecretStr | None = None
    mesh_shared_key: SecretStr | None = None
    mesh_cert_file: Path | None = None
    mesh_key_file: Path | None = None
    mesh_ca_file: Path | None = None
    mesh_sender_ods: str | None = None
    mesh_inbox_every_minutes: float = Field(default=5.0, gt=0, le=1440)

    @property
    def database_path(self) -> Path:
        """The SQLite file that holds cases, invites and the audit trail."""
        return self.data_dir / "telederm.sqlite3"

    @property
    def photos_dir(self) -> Path:
        """The folder that holds accepted photo files, named by content hash."""
        return self.data_dir / "photos"

    def token(self) -> str:
        """Return the bot token, or raise MissingTokenError with what to set."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise MissingTokenError(
                "TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in .env "
                "(see .env.example) or in the environment."
            )
        return self.telegram_bot_token.get_secret_value()


class MissingTokenError(RuntimeError):
    """The bot was asked to run without a Telegram bot token."""
