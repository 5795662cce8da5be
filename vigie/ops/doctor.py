"""`vigie doctor`: why an alert did not come — each configured service called once, and the fix."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TextIO
from urllib.parse import quote, urlsplit

import httpx

from bot import __version__
from bot.settings import Settings
from bot.sources.google_token import load_refresh_token, token_path
from vigie.ops import checks
from vigie.ops.checks import Check, Status
from vigie.ops.tsa_probe import probe_tsa

TIMEOUT = httpx.Timeout(10.0)
MAX_DRIFT_S = 30.0
# The bot scopes of slack/manifest.yml (a test keeps both lists equal).
SLACK_SCOPES = (
    "commands",
    "chat:write",
    "files:write",
    "app_mentions:read",
    "channels:read",
    "groups:read",
    "im:write",
)
# Any public place: an id-only field mask is Google's free « IDs Only » Place Details call.
PROBE_PLACE_ID = "ChIJLU7jZClu5kcR4PcOOO6p3I0"


@dataclass
class Doctor:
    """One diagnostic run: the checks in order, and the HTTP dates seen for the clock check."""

    settings: Settings
    client: httpx.AsyncClient
    results: list[Check] = field(default_factory=list)
    dates: list[tuple[str, float]] = field(default_factory=list)  # (service, server - local)

    async def _call(
        self, service: str, method: str, url: str, **kwargs: Any
    ) -> httpx.Response | str:
        """The response, or a French sentence saying why there is none."""
        try:
            response = await self.client.request(method, url, **kwargs)
        except httpx.TimeoutException:
            return "pas de réponse en 10 s"
        except httpx.HTTPError as exc:
            return f"injoignable ({type(exc).__name__})"
        received = time.time()
        stamp = response.headers.get("date")
        if stamp:
            try:
                server = email.utils.parsedate_to_datetime(stamp).timestamp()
            except (TypeError, ValueError):
                pass
            else:
                self.dates.append((service, server - received))
        return response

    # --- Telegram ---

    async def telegram(self) -> None:
        token = checks._secret(self.settings.telegram_token)
        if not token:
            return
        base = f"{self.settings.telegram_api_url.rstrip('/')}{token}"
        got = await self._call("Telegram", "POST", f"{base}/getMe")
        data = _json(got)
        if isinstance(got, str) or not data.get("ok"):
            refused = not isinstance(got, str) and got.status_code in (401, 404)
            self.results.append(
                Check(
                    "Telegram (getMe)",
                    Status.FAIL,
                    "jeton refusé par Telegram" if refused else _why(got),
                    "vérifiez VIGIE_TELEGRAM_TOKEN (@BotFather > /mybots > API Token)"
                    if refused
                    else "vérifiez l'accès du serveur à api.telegram.org (pare-feu, proxy)",
                )
            )
            return
        name = (data.get("result") or {}).get("username", "?")
        self.results.append(Check("Telegram (getMe)", Status.OK, f"bot @{name} joignable"))
        got = await self._call("Telegram", "POST", f"{base}/getWebhookInfo")
        info = _json(got).get("result")
        if not isinstance(info, dict):
            self.results.append(
                Check("Telegram (webhook)", Status.FAIL, _why(got), "relancez « vigie doctor »")
            )
            return
        self.results.append(self._webhook_state(info))

    def _webhook_state(self, info: dict[str, Any]) -> Check:
        wanted = (self.settings.telegram_webhook_url or "").strip()
        actual = str(info.get("url") or "")
        pending = int(info.get("pending_update_count") or 0)
        error = str(info.get("last_error_message") or "")
        name = "Telegram (webhook)"
        if not wanted:
            if actual:
                return Check(
                    name,
                    Status.FAIL,
                    f"un webhook ({actual}) est actif alors que Vigie lit par long polling",
                    "démarrez Vigie (il retire le webhook) ou renseignez "
                    "VIGIE_TELEGRAM_WEBHOOK_URL",
                )
            return Check(name, Status.OK, f"long polling, {pending} message(s) en attente")
        if actual != wanted:
            shown = actual or "aucun"
            return Check(
                name,
                Status.FAIL,
                f"webhook enregistré : {shown}, attendu : {wanted}",
                "démarrez Vigie : il enregistre VIGIE_TELEGRAM_WEBHOOK_URL auprès de Telegram",
            )
        if error:
            return Check(
                name,
                Status.FAIL,
                f"Telegram n'arrive pas à joindre {wanted} : {error}",
                "vérifiez le proxy HTTPS et VIGIE_TELEGRAM_WEBHOOK_PORT / _LISTEN",
            )
        return Check(name, Status.OK, f"webhook {wanted}, {pending} message(s) en attente")

    # --- Slack ---

    async def slack(self) -> None:
        bot = checks._secret(self.settings.slack_bot_token)
        app = checks._secret(self.settings.slack_app_token)
        base = self.settings.slack_api_url.rstrip("/") + "/"
        if bot:
            got = await self._call(
                "Slack", "POST", base + "auth.test", headers={"Authorization": f"Bearer {bot}"}
            )
            data = _json(got)
            if not data.get("ok"):
                error = str(data.get("error") or _why(got))
                self.results.append(
                    Check(
                        "Slack (auth.test)",
                        Status.FAIL,
                        f"jeton du bot refusé ({error})",
                        "copiez le « Bot User OAuth Token » (xoxb-…) dans VIGIE_SLACK_BOT_TOKEN",
                    )
                )
            else:
                team = data.get("team") or data.get("team_id") or "?"
                self.results.append(
                    Check("Slack (auth.test)", Status.OK, f"bot connecté à « {team} »")
                )
                assert not isinstance(got, str)
                self.results.append(_scopes(got.headers.get("x-oauth-scopes")))
        if app:
            got = await self._call(
                "Slack",
                "POST",
                base + "apps.connections.open",
                headers={"Authorization": f"Bearer {app}"},
            )
            data = _json(got)
            if data.get("ok") and str(data.get("url", "")).startswith(("ws://", "wss://")):
                self.results.append(
                    Check("Slack (Socket Mode)", Status.OK, "connexion WebSocket accordée")
                )
            else:
                error = str(data.get("error") or _why(got))
                self.results.append(
                    Check(
                        "Slack (Socket Mode)",
                        Status.FAIL,
                        f"connexion refusée ({error})",
                        "activez Socket Mode et créez un jeton d'application (xapp-…) de portée "
                        "connections:write dans VIGIE_SLACK_APP_TOKEN",
                    )
                )

    # --- Google ---

    async def google(self) -> None:
        key = checks._secret(self.settings.google_places_api_key)
        if key:
            url = self.settings.google_places_api_url.rstrip("/") + "/places/"
            got = await self._call(
                "Google",
                "GET",
                url + quote(PROBE_PLACE_ID, safe=""),
                headers={"X-Goog-Api-Key": key, "X-Goog-FieldMask": "id"},
            )
            # 404: the probe place is unknown, but the key itself was accepted.
            if not isinstance(got, str) and got.status_code in (200, 404):
                self.results.append(Check("Google Places", Status.OK, "clé acceptée"))
            else:
                self.results.append(
                    Check(
                        "Google Places",
                        Status.FAIL,
                        f"clé refusée ({_google_error(got)})",
                        "vérifiez VIGIE_GOOGLE_PLACES_API_KEY, l'API « Places API (New) » et "
                        "la facturation dans la console Google Cloud",
                    )
                )
        s = self.settings
        secret, refresh = (
            checks._secret(s.google_client_secret),
            checks._secret(s.google_refresh_token)
            or (load_refresh_token(token_path(s.data_dir)) or ""),
        )
        if s.google_client_id and secret and refresh:
            form = {
                "grant_type": "refresh_token",
                "client_id": s.google_client_id,
                "client_secret": secret,
                "refresh_token": refresh,
            }
            got = await self._call("Google", "POST", s.google_oauth_token_url, data=form)
            data = _json(got)
            if data.get("access_token"):
                self.results.append(
                    Check("Google Business Profile", Status.OK, "jeton d'actualisation accepté")
                )
            else:
                error = str(data.get("error") or _why(got))
                self.results.append(
                    Check(
                        "Google Business Profile",
                        Status.FAIL,
                        f"accès OAuth refusé ({error})",
                        "refaites l'autorisation du compte Google (« vigie google connecter », "
                        "ou remplacez VIGIE_GOOGLE_REFRESH_TOKEN) et vérifiez le client OAuth",
                    )
                )

    # --- TSA, browser, clock ---

    async def tsa(self) -> None:
        url = checks.tsa_url(self.settings)
        if not url:
            return
        problem = await probe_tsa(self.client, url)
        if problem is None:
            self.results.append(
                Check("Horodatage (TSA)", Status.OK, f"{urlsplit(url).netloc} délivre des jetons")
            )
        else:
            self.results.append(
                Check(
                    "Horodatage (TSA)",
                    Status.FAIL,
                    f"{url} : {problem}",
                    "vérifiez VIGIE_TSA_URL (adresse RFC 3161 de l'autorité d'horodatage)",
                )
            )

    async def browser(self) -> None:
        from bot.capture.browser import BrowserUnavailableError, SharedBrowser

        executable, why = checks.find_browser(self.settings)
        if executable is None:
            self.results.append(
                Check("Chromium", Status.FAIL, "introuvable — " + why, checks.BROWSER_FIX)
            )
            return
        shared = SharedBrowser(self.settings.chromium_path)
        try:
            await shared.get()
        except BrowserUnavailableError as exc:
            self.results.append(
                Check("Chromium", Status.FAIL, f"{executable} ne démarre pas", str(exc))
            )
            return
        finally:
            await shared.close()
        version = shared.info.version if shared.info else "?"
        self.results.append(Check("Chromium", Status.OK, f"démarre ({version}, {executable})"))

    def clock(self) -> Check:
        if not self.dates:
            return Check(
                "Horloge",
                Status.OFF,
                "non vérifiée : aucun service configuré n'a répondu avec une date",
            )
        service, drift = min(self.dates, key=lambda d: abs(d[1]))
        if abs(drift) > MAX_DRIFT_S:
            return Check(
                "Horloge",
                Status.FAIL,
                f"décalée de {drift:+.0f} s par rapport à {service}",
                "activez la synchronisation NTP (« timedatectl set-ntp true ») : les heures "
                "UTC des preuves en dépendent",
            )
        return Check("Horloge", Status.OK, f"à {abs(drift):.0f} s près de l'heure de {service}")


def _json(got: httpx.Response | str) -> dict[str, Any]:
    if isinstance(got, str):
        return {}
    try:
        data = got.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _why(got: httpx.Response | str) -> str:
    return got if isinstance(got, str) else f"réponse HTTP {got.status_code}"


def _google_error(got: httpx.Response | str) -> str:
    error = _json(got).get("error")
    if isinstance(error, dict):
        return str(error.get("status") or error.get("message") or _why(got))
    return _why(got)


def _scopes(header: str | None) -> Check:
    granted = {s.strip() for s in (header or "").split(",") if s.strip()}
    missing = [s for s in SLACK_SCOPES if s not in granted]
    if header is None:
        return Check("Slack (portées)", Status.OFF, "Slack n'a pas indiqué les portées du jeton")
    if missing:
        return Check(
            "Slack (portées)",
            Status.FAIL,
            "portées manquantes : " + ", ".join(missing),
            "ajoutez-les (slack/manifest.yml), réinstallez l'application dans l'espace de "
            "travail et copiez le nouveau jeton xoxb-…",
        )
    return Check("Slack (portées)", Status.OK, "toutes les portées du manifeste sont accordées")


async def diagnose(settings: Settings) -> list[Check]:
    """Every check, the network ones included: what `vigie doctor` prints."""
    local = [*checks.keys(settings), checks.timestamp(settings)]
    async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as client:
        doctor = Doctor(settings, client)
        steps: list[Callable[[], Awaitable[None]]] = [
            doctor.telegram,
            doctor.slack,
            doctor.google,
            doctor.tsa,
            doctor.browser,
        ]
        for step in steps:
            await step()
    return [
        *local,
        *doctor.results,
        checks.integrity(settings.database),
        checks.disk(settings.data_dir),
        doctor.clock(),
    ]


async def run_doctor(settings: Settings, out: TextIO) -> int:
    """Print the diagnostic; exit status 1 when something is broken."""
    results = await diagnose(settings)
    print(f"Vigie {__version__} — diagnostic", file=out)
    for check in results:
        for line in check.lines():
            print(line, file=out)
    broken = sum(1 for c in results if not c.ok)
    if broken:
        print(f"{broken} problème(s) à corriger (voir les lignes ✗).", file=out)
        return 1
    print("Tout ce qui est configuré fonctionne.", file=out)
    return 0
