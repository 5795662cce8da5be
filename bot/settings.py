"""Settings from the environment and `.env`, with one clear message per bad variable."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Bounds of VIGIE_POLL_INTERVAL, in seconds: any delay computed from it stays a real date.
MIN_POLL_INTERVAL = 1
MAX_POLL_INTERVAL = 7 * 24 * 3600


#: The highest cap per team on watches or sources that a server may set.
MAX_CAP = 100_000


class SettingsError(Exception):
    """Raised with a message that names the faulty variable and how to fix it."""


class Settings(BaseSettings):
    """Every `VIGIE_*` variable; `.env.example` documents each one."""

    model_config = SettingsConfigDict(
        env_prefix="VIGIE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    database: Path = Path("./vigie.db")
    data_dir: Path = Path("./data")
    # Learned triage weights; None: the file shipped in bot/triage/weights/.
    triage_model: Path | None = None
    language: Literal["fr", "en"] = "fr"
    timezone: str = "Europe/Paris"
    team_name: str = "Cabinet"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # Sources and monitor
    poll_interval: int | None = None
    max_watches_per_team: int = Field(default=100, ge=1, le=MAX_CAP)
    max_sources_per_team: int = Field(default=200, ge=1, le=MAX_CAP)
    rating_drop_window_days: int = Field(default=30, ge=1, le=365)
    rating_drop: float = Field(default=0.2, gt=0, le=4)
    allow_private_urls: bool = False
    google_places_api_url: str = "https://places.googleapis.com/v1"
    google_places_api_key: SecretStr | None = None
    google_business_api_url: str = "https://mybusiness.googleapis.com/v4"
    google_oauth_token_url: str = "https://oauth2.googleapis.com/token"  # noqa: S105 (a URL)
    google_client_id: str | None = None
    google_client_secret: SecretStr | None = None
    google_refresh_token: SecretStr | None = None
    google_auth_url: str = "https://accounts.google.com/o/oauth2/v2/auth"
    google_accounts_api_url: str = "https://mybusinessaccountmanagement.googleapis.com/v1"
    google_info_api_url: str = "https://mybusinessbusinessinformation.googleapis.com/v1"
    google_news_url: str = "https://news.google.com/rss/search"
    reddit_url: str = "https://www.reddit.com"
    reddit_oauth_url: str = "https://oauth.reddit.com"
    reddit_client_id: str | None = None
    reddit_client_secret: SecretStr | None = None
    youtube_api_url: str = "https://www.googleapis.com/youtube/v3"
    youtube_api_key: SecretStr | None = None
    youtube_team_daily_units: int = Field(default=10_000, ge=100)
    bluesky_public_url: str = "https://public.api.bsky.app"
    bluesky_pds_url: str = "https://bsky.social"
    bluesky_handle: str | None = None
    bluesky_app_password: SecretStr | None = None
    mastodon_instance: str | None = "https://mastodon.social"
    web_search_url: str = "https://api.search.brave.com/res/v1/web/search"
    web_search_key: SecretStr | None = None

    # Captures
    chromium_path: str | None = None
    tsa_ca: Path | None = None

    # Telegram
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str = "https://api.telegram.org/file/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)
    telegram_webhook_listen: str = "127.0.0.1"

    # Slack
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_http_port: int | None = Field(default=None, ge=1, le=65535)
    slack_http_host: str = "0.0.0.0"  # noqa: S104 - HTTP mode serves Slack from outside

    # --- Operations (bot/ops): trusted timestamp, backups, health/metrics, log format ---
    tsa_url: str | None = None
    backup_dir: Path = Path("./backups")
    backup_keep: int = Field(default=7, ge=0, le=3650)
    ops_port: int | None = Field(default=None, ge=1, le=65535)
    ops_host: str = "127.0.0.1"
    log_format: Literal["text", "json"] = "text"
    # --- end of operations settings ---

    @field_validator("poll_interval", mode="before")
    @classmethod
    def _sane_poll_interval(cls, value: object) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value).strip()
        seconds = int(text) if text.isascii() and text.lstrip("+-").isdigit() else None
        if seconds is None or not MIN_POLL_INTERVAL <= seconds <= MAX_POLL_INTERVAL:
            raise ValueError(
                f"un nombre entier de secondes entre {MIN_POLL_INTERVAL} et {MAX_POLL_INTERVAL} "
                "(7 jours), par exemple 900 pour un passage par quart d'heure ; laissez vide pour "
                "le rythme propre à chaque source"
            )
        return seconds

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"fuseau horaire inconnu « {value} » (exemple : Europe/Paris)"
            ) from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The team's time zone, for dates shown to people."""
        return ZoneInfo(self.timezone)


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning validation errors into one readable `SettingsError`."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = "VIGIE_" + "_".join(str(p) for p in err["loc"]).upper()
            secret = any(word in name for word in ("TOKEN", "SECRET", "KEY"))
            shown = "masquée" if secret else repr(err.get("input"))
            message = str(err["msg"]).removeprefix("Value error, ")
            lines.append(f"- {name} : {message} (valeur lue : {shown})")
        raise SettingsError(
            "Réglage invalide dans l'environnement ou le fichier .env :\n"
            + "\n".join(lines)
            + "\nCorrigez la valeur (voir .env.example) puis relancez Vigie."
        ) from None
