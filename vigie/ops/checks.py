"""The local checks shared by the start report and `vigie doctor`: no network, each under 1 s."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from bot.settings import Settings
from bot.sources.google_token import load_refresh_token, token_path

PLAYWRIGHT_HINT = (
    "ou, sur une machine reliée à Internet, « .venv/bin/python -m playwright install chromium »"
)
BROWSER_FIX = (
    "installez Chromium (Debian/Ubuntu : « sudo apt-get install chromium fonts-dejavu-core », "
    "ce que fait « make run » quand il le peut), ou indiquez un navigateur avec "
    "VIGIE_CHROMIUM_PATH, " + PLAYWRIGHT_HINT
)
MIN_FREE_BYTES = 1024**3  # one backup and a few hundred captures


class Status(Enum):
    """✓ works, ✗ configured but broken, – not configured (a choice, not a fault)."""

    OK = "✓"
    FAIL = "✗"
    OFF = "–"


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the diagnostic: what, how it went, and how to fix it when it did not."""

    name: str
    status: Status
    detail: str
    fix: str = ""

    @property
    def ok(self) -> bool:
        """False only for a fault (✗)."""
        return self.status is not Status.FAIL

    def lines(self) -> list[str]:
        """« ✓ Nom : détail », then « → fix » on the next line when there is one."""
        out = [f"{self.status.value} {self.name} : {self.detail}"]
        if self.fix and self.status is not Status.OK:
            out.append(f"    → {self.fix}")
        return out


def _secret(value: object) -> str:
    """The clear value of an optional SecretStr, '' when unset or blank."""
    getter = getattr(value, "get_secret_value", None)
    return str(getter()).strip() if getter is not None else ""


def tsa_url(settings: Settings) -> str:
    """The trusted timestamp authority, read defensively (the setting may live elsewhere)."""
    value = getattr(settings, "tsa_url", None) or os.environ.get("VIGIE_TSA_URL", "")
    return str(value or "").strip()


# --- captures -------------------------------------------------------------------------------


def playwright_browser() -> str | None:
    """Playwright's own Chromium, found on disk without starting its driver (which is slow)."""
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache/ms-playwright")
    if root == "0":
        return None
    patterns = ("chromium-*/chrome-linux*/chrome", "chromium_headless_shell-*/*/headless_shell")
    for pattern in patterns:
        found = sorted(Path(root).glob(pattern), reverse=True)
        for path in found:
            if path.is_file() and os.access(path, os.X_OK):
                return str(path)
    return None


def find_browser(settings: Settings) -> tuple[str | None, str]:
    """(executable, '') or (None, why not): the same search as the capture engine."""
    from bot.capture.browser import BrowserUnavailableError, find_chromium

    try:
        return find_chromium(settings.chromium_path, playwright_browser()), ""
    except BrowserUnavailableError as exc:
        return None, str(exc).split(". Installez")[0].rstrip(".") + "."


async def browser_version(executable: str, within: float = 0.8) -> str | None:
    """« Chromium 120.0.6099.224 » from `--version`, or None when it does not answer in time."""
    try:
        proc = await asyncio.create_subprocess_exec(
            executable,
            "--version",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            stdin=asyncio.subprocess.DEVNULL,
        )
    except OSError:
        return None
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), within)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return None
    text = out.decode("utf-8", "replace").strip().splitlines()
    if proc.returncode != 0 or not text:
        return None  # the capture engine's launch will say what is wrong
    return text[-1].split(" built on ")[0].strip()


async def captures(settings: Settings) -> Check:
    """Can captures be taken: the browser found and its version, or off and how to fix."""
    executable, why = find_browser(settings)
    if executable is None:
        return Check("Captures", Status.FAIL, "désactivées — " + why, BROWSER_FIX)
    version = await browser_version(executable)
    if version is None:  # a loaded machine may answer late: found is what the report says
        detail = f"activées — {executable} (version non lue ; « vigie doctor » le lance)"
        return Check("Captures", Status.OK, detail)
    return Check("Captures", Status.OK, f"activées — {version} ({executable})")


# --- settings present or missing --------------------------------------------------------------


def timestamp(settings: Settings) -> Check:
    """Whether evidence bundles will carry an RFC 3161 token from a timestamp authority."""
    url = tsa_url(settings)
    if url:
        return Check("Horodatage RFC 3161", Status.OK, f"autorité configurée ({url})")
    return Check(
        "Horodatage RFC 3161",
        Status.OFF,
        "non configuré — les lots de preuve n'auront pas de jeton d'horodatage RFC 3161",
        "indiquez l'adresse d'une autorité d'horodatage dans VIGIE_TSA_URL",
    )


def keys(settings: Settings) -> list[Check]:
    """Each service's credentials: present, partial or missing (nothing is called)."""
    return [
        _telegram_key(settings),
        _slack_keys(settings),
        _places_key(settings),
        _business_profile_keys(settings),
    ]


def _telegram_key(settings: Settings) -> Check:
    """The Telegram bot token."""
    if _secret(settings.telegram_token):
        return Check("Telegram", Status.OK, "jeton présent")
    return Check(
        "Telegram", Status.OFF, "pas de jeton", "jeton de @BotFather dans VIGIE_TELEGRAM_TOKEN"
    )


def _slack_keys(settings: Settings) -> Check:
    """The Slack tokens, for Socket Mode or HTTP mode."""
    bot, app = _secret(settings.slack_bot_token), _secret(settings.slack_app_token)
    signing = _secret(settings.slack_signing_secret)
    if bot and (app or (signing and settings.slack_http_port)):
        mode = "Socket Mode" if app else "mode HTTP"
        return Check("Slack", Status.OK, f"jetons présents ({mode})")
    if bot or app:
        return Check(
            "Slack",
            Status.FAIL,
            "configuration incomplète",
            "il faut VIGIE_SLACK_BOT_TOKEN (xoxb-…) et VIGIE_SLACK_APP_TOKEN (xapp-…), "
            "ou VIGIE_SLACK_SIGNING_SECRET et VIGIE_SLACK_HTTP_PORT pour le mode HTTP",
        )
    return Check(
        "Slack",
        Status.OFF,
        "pas de jeton",
        "VIGIE_SLACK_BOT_TOKEN et VIGIE_SLACK_APP_TOKEN (voir slack/manifest.yml)",
    )


def _places_key(settings: Settings) -> Check:
    """The Google Places API key."""
    if _secret(settings.google_places_api_key):
        return Check("Google Places", Status.OK, "clé présente")
    return Check(
        "Google Places",
        Status.OFF,
        "pas de clé — les sources « fiche Google » ne peuvent pas être lues",
        "clé d'API Places (New) dans VIGIE_GOOGLE_PLACES_API_KEY",
    )


def _business_profile_keys(settings: Settings) -> Check:
    """The OAuth client and refresh token for Google Business Profile."""
    oauth = {
        "VIGIE_GOOGLE_CLIENT_ID": (settings.google_client_id or "").strip(),
        "VIGIE_GOOGLE_CLIENT_SECRET": _secret(settings.google_client_secret),
        # The token `vigie google connecter` stored counts as well as the variable.
        "VIGIE_GOOGLE_REFRESH_TOKEN": _secret(settings.google_refresh_token)
        or (load_refresh_token(token_path(settings.data_dir)) or ""),
    }
    missing = [name for name, value in oauth.items() if not value]
    if not missing:
        return Check("Google Business Profile", Status.OK, "accès OAuth présent")
    if len(missing) == len(oauth):
        return Check(
            "Google Business Profile",
            Status.OFF,
            "pas d'accès OAuth — les avis de l'établissement géré ne sont pas lus",
            "VIGIE_GOOGLE_CLIENT_ID, VIGIE_GOOGLE_CLIENT_SECRET, puis « vigie google "
            "connecter » (ou VIGIE_GOOGLE_REFRESH_TOKEN)",
        )
    return Check(
        "Google Business Profile",
        Status.FAIL,
        "accès OAuth incomplet",
        "renseignez aussi " + ", ".join(missing),
    )


# --- the server itself ----------------------------------------------------------------------


def integrity(database: Path) -> Check:
    """`PRAGMA integrity_check` on a read-only connection (safe while Vigie runs)."""
    if str(database) == ":memory:" or not database.exists():
        return Check("Base de données", Status.OFF, f"{database} n'existe pas encore")
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return Check(
            "Base de données",
            Status.FAIL,
            f"{database} illisible ({exc})",
            "restaurez la dernière sauvegarde : « vigie restore ARCHIVE »",
        )
    found = [str(r[0]) for r in rows]
    if found == ["ok"]:
        return Check("Base de données", Status.OK, f"{database} intègre (integrity_check)")
    return Check(
        "Base de données",
        Status.FAIL,
        f"{database} endommagée : {'; '.join(found[:3])}",
        "arrêtez Vigie et restaurez la dernière sauvegarde : « vigie restore ARCHIVE »",
    )


def disk(path: Path, min_free: int = MIN_FREE_BYTES) -> Check:
    """Free space where captures, exports and backups are written."""
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    usage = shutil.disk_usage(probe)
    free = f"{usage.free / 1024**3:.1f} Gio libres sur {usage.total / 1024**3:.1f} Gio"
    if usage.free < min_free:
        return Check(
            "Espace disque",
            Status.FAIL,
            f"{free} pour {path}",
            "libérez de la place (anciennes sauvegardes, VIGIE_BACKUP_KEEP plus petit) "
            "ou déplacez VIGIE_DATA_DIR sur un disque plus grand",
        )
    return Check("Espace disque", Status.OK, f"{free} pour {path}")
