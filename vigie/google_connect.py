"""`vigie google connecter`: the practice's own Google account authorises Vigie for Business
Profile, once, from the server's terminal.

OAuth 2.0 for installed applications (RFC 8252) with PKCE (RFC 7636): Vigie listens on a
loopback port, prints the consent address and, when a browser is at hand, opens it; Google
sends the browser back to `http://127.0.0.1:PORT/?code=…`, Vigie exchanges the code for a
refresh token and stores it in the data directory, readable by its owner only.

A server without a browser (`--sans-navigateur`): open the address on any computer, consent;
the browser then fails to load `http://127.0.0.1:PORT/…` (that address is the server's own
loopback, not this computer's) — copy that whole address from the address bar and paste it
into the terminal. An SSH tunnel (`ssh -L PORT:127.0.0.1:PORT serveur`, with `--port PORT`)
lets the browser reach the loopback directly instead.

Then Vigie lists the accounts and locations the Google account manages and adds the one the
team chooses as a `/source fiche` for a watched name.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import socket
import sys
import webbrowser
from collections.abc import Callable
from typing import TextIO
from urllib.parse import parse_qs, urlencode, urlsplit

from aiohttp import web

from bot.services import Services
from bot.settings import Settings
from bot.sources import HttpStatusError, SourceConfig, SourceError, new_client
from bot.sources.business import token_grant
from bot.sources.business_api import BusinessApi, Location
from bot.sources.google_token import save_refresh_token, token_path

SCOPE = "https://www.googleapis.com/auth/business.manage"
WAIT_S = 600.0
DONE_PAGE = (
    "<!doctype html><meta charset=utf-8><title>Vigie</title><p>Autorisation reçue : vous pouvez "
    "fermer cet onglet et revenir au terminal.</p>"
)


class ConnectError(Exception):
    """A step of the connection failed; the message says what to do."""


def pkce_pair() -> tuple[str, str]:
    """A PKCE verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


def consent_url(settings: Settings, redirect_uri: str, state: str, challenge: str) -> str:
    """Google's consent address for Business Profile, asking for a refresh token."""
    query = {
        "client_id": settings.google_client_id or "",
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": SCOPE,
        "access_type": "offline",
        "prompt": "consent",
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{settings.google_auth_url}?{urlencode(query)}"


def code_from(pasted: str, state: str) -> str:
    """The authorisation code from the pasted redirect address (or the bare code)."""
    text = pasted.strip()
    if not text:
        raise ConnectError("Rien n'a été collé : relancez « vigie google connecter ».")
    if "://" not in text and "code=" not in text:
        return text
    query = parse_qs(urlsplit(text).query if "://" in text else text.lstrip("?"))
    if "error" in query:
        raise ConnectError(
            f"Google n'a pas donné l'autorisation ({query['error'][0]}). Relancez la commande "
            "et acceptez l'accès à la fiche Business Profile."
        )
    if query.get("state", [""])[0] != state:
        raise ConnectError(
            "Cette adresse ne correspond pas à la demande en cours (paramètre state) : "
            "relancez « vigie google connecter » et collez l'adresse obtenue cette fois-ci."
        )
    code = query.get("code", [""])[0]
    if not code:
        raise ConnectError("L'adresse collée ne contient pas de code d'autorisation (code=…).")
    return code


class _Loopback:
    """The one-shot loopback listener Google redirects the browser to."""

    def __init__(self, state: str) -> None:
        self.state = state
        self.result: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self, port: int) -> None:
        app = web.Application()
        app.router.add_get("/", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind(("127.0.0.1", port))
            self.port = int(sock.getsockname()[1])
            await web.SockSite(self._runner, sock).start()
        except BaseException:
            sock.close()
            await self._runner.cleanup()
            raise

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        try:
            code = code_from("?" + request.query_string, self.state)
        except ConnectError as exc:
            if not self.result.done():
                self.result.set_exception(exc)
            return web.Response(text=str(exc), status=400)
        if not self.result.done():
            self.result.set_result(code)
        return web.Response(text=DONE_PAGE, content_type="text/html")


async def _ask(stdin: TextIO, stdout: TextIO, prompt: str) -> str:
    stdout.write(prompt)
    stdout.flush()
    line = await asyncio.get_running_loop().run_in_executor(None, stdin.readline)
    return line.strip()


def google_config(settings: Settings) -> SourceConfig:
    """What the Google calls of the connection need, from Vigie's settings."""
    secret = settings.google_client_secret
    return SourceConfig(
        business_api_url=settings.google_business_api_url,
        oauth_token_url=settings.google_oauth_token_url,
        google_client_id=settings.google_client_id,
        google_client_secret=secret.get_secret_value() if secret is not None else None,
        google_token_file=str(token_path(settings.data_dir)),
        allow_private=settings.allow_private_urls,
    )


async def _exchange(settings: Settings, code: str, verifier: str, redirect_uri: str) -> str:
    config = google_config(settings)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "code_verifier": verifier,
        "redirect_uri": redirect_uri,
        "client_id": config.google_client_id or "",
        "client_secret": config.google_client_secret or "",
    }
    try:
        async with new_client(config) as client:
            data = await token_grant(client, config, form)
    except HttpStatusError as exc:
        raise ConnectError(
            f"Google a refusé le code d'autorisation (erreur {exc.status}) : vérifiez "
            "VIGIE_GOOGLE_CLIENT_ID et VIGIE_GOOGLE_CLIENT_SECRET, puis relancez."
        ) from exc
    except SourceError as exc:
        raise ConnectError(f"Échange du code impossible : {exc.message}") from exc
    refresh = data.get("refresh_token")
    if not isinstance(refresh, str) or not refresh:
        raise ConnectError(
            "Google n'a pas fourni de jeton d'actualisation. Retirez l'accès de Vigie dans "
            "https://myaccount.google.com/permissions puis relancez « vigie google connecter »."
        )
    return refresh


async def authorise(
    settings: Settings,
    *,
    browser: bool,
    port: int,
    stdin: TextIO,
    stdout: TextIO,
    open_browser: Callable[[str], bool] = webbrowser.open,
) -> str:
    """Run the consent step and return the refresh token (already stored, mode 0600)."""
    if not (settings.google_client_id and settings.google_client_secret):
        raise ConnectError(
            "Renseignez d'abord VIGIE_GOOGLE_CLIENT_ID et VIGIE_GOOGLE_CLIENT_SECRET (dans .env) : "
            "console Google Cloud → API et services → Identifiants → Créer un ID client OAuth → "
            "type « Application de bureau ». Voir le README, section Google."
        )
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    loopback = _Loopback(state)
    try:
        await loopback.start(port)
    except OSError as exc:
        raise ConnectError(
            f"Le port local {port} est occupé : choisissez-en un autre (--port)."
        ) from exc
    redirect_uri = f"http://127.0.0.1:{loopback.port}/"
    url = consent_url(settings, redirect_uri, state, challenge)
    try:
        stdout.write(
            "1. Ouvrez cette adresse avec le compte Google qui gère la fiche du cabinet, et "
            "acceptez l'accès à Business Profile :\n\n" + url + "\n\n"
        )
        stdout.flush()
        if browser:
            code = await _code_by_browser(loopback, url, stdout, open_browser)
        else:
            code = await _code_by_paste(loopback, state, stdin, stdout)
    except TimeoutError as exc:
        raise ConnectError(
            "Pas de réponse de Google en 10 minutes : relancez la commande."
        ) from exc
    finally:
        await loopback.stop()
    refresh = await _exchange(settings, code, verifier, redirect_uri)
    path = token_path(settings.data_dir)
    await asyncio.to_thread(
        save_refresh_token, path, refresh, client_id=settings.google_client_id, scope=SCOPE
    )
    stdout.write(
        f"✅ Compte Google connecté. Jeton enregistré dans {path} (lisible par vous seul).\n"
    )
    return refresh


async def _code_by_browser(
    loopback: _Loopback, url: str, stdout: TextIO, open_browser: Callable[[str], bool]
) -> str:
    """Open the consent page here and wait for Google to come back to the loopback."""
    opened = False
    try:
        opened = open_browser(url)
    except Exception:  # no display, no browser: the address is printed anyway
        opened = False
    stdout.write(
        "Navigateur ouvert ; en attente du retour de Google…\n"
        if opened
        else "Aucun navigateur ici : ouvrez l'adresse ailleurs (voir --sans-navigateur).\n"
    )
    stdout.flush()
    return await asyncio.wait_for(loopback.result, WAIT_S)


async def _code_by_paste(loopback: _Loopback, state: str, stdin: TextIO, stdout: TextIO) -> str:
    """Wait for the address pasted from another machine, or for the loopback, whichever first."""
    stdout.write(
        "2. Après votre accord, le navigateur affiche une erreur de connexion à "
        f"127.0.0.1:{loopback.port} : c'est normal. Copiez l'adresse complète de la "
        "barre d'adresse et collez-la ici.\n"
    )
    pasted = asyncio.ensure_future(_ask(stdin, stdout, "Adresse : "))
    done, _ = await asyncio.wait(
        {pasted, loopback.result}, timeout=WAIT_S, return_when=asyncio.FIRST_COMPLETED
    )
    if loopback.result in done:
        return loopback.result.result()
    if pasted in done:
        return code_from(pasted.result(), state)
    raise TimeoutError


async def _choose(stdin: TextIO, stdout: TextIO, prompt: str, count: int) -> int | None:
    for _attempt in range(3):
        answer = await _ask(stdin, stdout, prompt)
        if not answer:
            return None
        if answer.isdigit() and 1 <= int(answer) <= count:
            return int(answer) - 1
        stdout.write(f"Tapez un numéro entre 1 et {count} (ou Entrée pour passer).\n")
    return None


async def choose_location(
    services: Services, team_id: int, *, stdin: TextIO, stdout: TextIO
) -> str | None:
    """List the account's locations, let the team pick one and a watched name, add the source."""
    settings = services.settings
    config = google_config(settings)
    api = BusinessApi(
        config, accounts_url=settings.google_accounts_api_url, info_url=settings.google_info_api_url
    )
    try:
        async with new_client(config) as client:
            locations = await api.locations(client)
    except SourceError as exc:
        raise ConnectError(f"Impossible de lister les établissements : {exc.message}") from exc
    if not locations:
        stdout.write(
            "Ce compte Google ne gère aucun établissement Business Profile. Connectez le compte "
            "propriétaire ou gestionnaire de la fiche du cabinet.\n"
        )
        return None
    stdout.write("\nÉtablissements gérés par ce compte :\n")
    for number, location in enumerate(locations, 1):
        stdout.write(f"  {number}. {_line(location)}\n")
    picked = await _choose(stdin, stdout, "Numéro de l'établissement à suivre : ", len(locations))
    if picked is None:
        stdout.write(
            "Aucun établissement ajouté. Dans la conversation : /source fiche COMPTE/ÉTAB pour N\n"
        )
        return None
    return await _follow_location(services, team_id, locations[picked], stdin, stdout)


async def _follow_location(
    services: Services, team_id: int, location: Location, stdin: TextIO, stdout: TextIO
) -> str:
    """Let the team pick which watched name the chosen location is about, and add the source."""
    config = google_config(services.settings)
    watches = await services.store.watches.active(team_id)
    if not watches:
        stdout.write(
            "Aucun nom surveillé pour l'instant. Dans la conversation, tapez "
            f"/surveiller NOM puis : /source fiche {location.short} pour 1\n"
        )
        return location.target
    stdout.write("\nNoms surveillés :\n")
    for number, watch in enumerate(watches, 1):
        stdout.write(f"  {number}. {watch.display}\n")
    chosen = await _choose(stdin, stdout, "Numéro du nom que concerne cette fiche : ", len(watches))
    if chosen is None:
        stdout.write(f"Dans la conversation : /source fiche {location.short} pour N\n")
        return location.target
    store = services.store
    from bot.sources.business import BusinessSource

    if await store.sources.find(team_id, "business", location.target, None) is None:
        await store.sources.add(
            team_id,
            "business",
            location.target,
            selector=None,
            watch_id=watches[chosen].id,
            interval_s=BusinessSource(config).interval_s,
        )
    stdout.write(
        f"✅ Fiche « {location.title or location.short} » suivie pour {watches[chosen].display}. "
        "Au prochain passage, Vigie lit tous ses avis ; /repondre publie vos réponses.\n"
    )
    return location.target


def _line(location: Location) -> str:
    parts = [location.title or location.location, location.address, location.account_name]
    return " — ".join(p for p in parts if p) + f"  ({location.short})"


async def run_connect(
    settings: Settings,
    *,
    browser: bool,
    port: int = 0,
    team: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """The whole guided connection; 0 when done, 2 with a message when a step failed."""
    from vigie.app import open_services

    inp, out = stdin or sys.stdin, stdout or sys.stdout
    try:
        await authorise(settings, browser=browser, port=port, stdin=inp, stdout=out)
        services = await open_services(settings)
        try:
            teams = services.store.teams
            team_id = (await teams.find_by_name(team) if team else None) or (
                await teams.default_team(settings.team_name, language=settings.language)
            )
            await choose_location(services, team_id, stdin=inp, stdout=out)
        finally:
            await services.store.close()
    except ConnectError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0
