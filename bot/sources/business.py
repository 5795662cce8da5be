"""Google Business Profile reviews: the complete list for a practice that manages its listing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bot.models import Mention
from bot.sources.api import CachedToken, expiry, get_json, get_json_with_token, raw_record
from bot.sources.base import (
    ConfigError,
    ConfiguredSource,
    ContentError,
    FetchResult,
    HttpStatusError,
    InvalidTargetError,
    SourceConfig,
    SourceKind,
    SourceSpec,
    SourceState,
    SummaryValue,
)
from bot.sources.google_token import load_refresh_token, token_stamp
from bot.sources.places import google_error, parse_time
from bot.sources.text import cap, clean_text, one_line

PAGE_SIZE = 50
MAX_PAGES = 200
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
_TARGET = re.compile(r"(?:accounts/)?(\d{1,30})/(?:locations/)?(\d{1,30})")
_EXAMPLE = "/source fiche 1234/5678 pour 2"


def parse_location(text: str) -> str:
    """`accounts/A/locations/L` from `A/L` or the full name; French error otherwise."""
    match = _TARGET.fullmatch(text.strip().strip("/").replace(" ", ""))
    if not match:
        raise InvalidTargetError(
            f"« {cap(text.strip(), 80)} » n'est pas un établissement Google Business Profile. "
            "Donnez le numéro de compte et celui de l'établissement séparés par « / ». "
            f"Exemple : {_EXAMPLE}"
        )
    return f"accounts/{match.group(1)}/locations/{match.group(2)}"


CONNECT_HINT = (
    "la personne qui gère le serveur doit relancer « vigie google connecter » (ou renseigner "
    "VIGIE_GOOGLE_REFRESH_TOKEN)"
)


class OAuthTokens(CachedToken):
    """Access tokens from the refresh token, kept in memory until just before expiry.

    The refresh token comes from VIGIE_GOOGLE_REFRESH_TOKEN, else from the file `vigie google
    connecter` wrote. A token Google refused (revoked, expired) is remembered: every later
    poll fails at once with the same message, without asking Google again, until a new
    connection replaces the file.
    """

    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config)
        self._refused: tuple[str, float | None, HttpStatusError] | None = None

    def _refresh_token(self) -> tuple[str | None, float | None]:
        cfg = self.config
        if cfg.google_refresh_token:
            return cfg.google_refresh_token, None
        if cfg.google_token_file:
            path = Path(cfg.google_token_file)
            return load_refresh_token(path), token_stamp(path)
        return None, None

    async def obtain(self, client: httpx.AsyncClient) -> tuple[str, float]:
        """An access token for the refresh token, unless Google already refused that one."""
        cfg = self.config
        refresh, stamp = self._refresh_token()
        if not (cfg.google_client_id and cfg.google_client_secret):
            raise ConfigError(
                "Les avis Google Business Profile demandent un client OAuth : la personne qui "
                "gère le serveur doit renseigner VIGIE_GOOGLE_CLIENT_ID et "
                "VIGIE_GOOGLE_CLIENT_SECRET (client « Application de bureau »), puis lancer "
                "« vigie google connecter ». Voir le README, section Google.",
                permanent=True,
            )
        if not refresh:
            raise ConfigError(
                "Aucun compte Google Business Profile n'est connecté (pas de jeton "
                "d'actualisation) : la personne qui gère le serveur doit lancer « vigie google "
                "connecter » (ou renseigner VIGIE_GOOGLE_REFRESH_TOKEN).",
                permanent=True,
            )
        if self._refused is not None and self._refused[:2] == (refresh, stamp):
            raise self._refused[2]
        form = {
            "grant_type": "refresh_token",
            "client_id": cfg.google_client_id,
            "client_secret": cfg.google_client_secret,
            "refresh_token": refresh,
        }
        try:
            data = await token_grant(client, cfg, form)
        except HttpStatusError as exc:
            error = _oauth_error(exc)
            if error.permanent:
                self._refused = (refresh, stamp, error)
            raise error from exc
        self._refused = None
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise ContentError(
                "Google n'a pas renvoyé de jeton d'accès OAuth (réponse inattendue)."
            )
        return token, expiry(data.get("expires_in"))


async def token_grant(
    client: httpx.AsyncClient, config: SourceConfig, form: dict[str, str]
) -> dict[str, object]:
    """Google's OAuth token endpoint's answer to a grant (authorisation code or refresh token).

    A refusal stays an `HttpStatusError`: `vigie google connecter` and the polls tell it apart.
    """
    data = await get_json(client, config.oauth_token_url, config, method="POST", data=form)
    return data if isinstance(data, dict) else {}


def _oauth_error(exc: HttpStatusError) -> HttpStatusError:
    if exc.status == 429 or (exc.status or 0) >= 500:
        return exc
    try:
        data = json.loads(exc.body)
    except ValueError:
        data = {}
    error = data.get("error") if isinstance(data, dict) else None
    if error == "invalid_grant":
        text = (
            "Google refuse l'accès au compte Business Profile (invalid_grant) : l'autorisation "
            f"a expiré ou a été révoquée. Pour rétablir la veille des avis, {CONNECT_HINT}."
        )
    elif error in ("invalid_client", "unauthorized_client"):
        text = (
            f"Google refuse le client OAuth ({error}) : vérifiez VIGIE_GOOGLE_CLIENT_ID et "
            "VIGIE_GOOGLE_CLIENT_SECRET dans la configuration du serveur."
        )
    else:
        text = f"L'échange du jeton OAuth Google a échoué (erreur {exc.status})."
    return ConfigAuthError(text, status=exc.status or 0, body=exc.body)


class ConfigAuthError(HttpStatusError):
    """Google refused Vigie's OAuth credentials: nothing works until someone reconnects."""

    def __init__(self, message: str, *, status: int, body: bytes = b"") -> None:
        super().__init__(message, status=status, body=body, permanent=True)


class BusinessSource(ConfiguredSource):
    """Every review of a managed listing, page by page, newest update first."""

    kind = SourceKind.BUSINESS.value
    default_interval_s = 1800

    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config)
        self.tokens = OAuthTokens(config)

    def normalize(self, target: str, selector: str | None) -> tuple[str, str | None]:
        """Check `compte/établissement`; a listing takes no selector."""
        return parse_location(target), None

    def describe(self, spec: SourceSpec) -> str:
        """« Google Business Profile · 1234/5678 »."""
        parts = spec.target.split("/")
        short = f"{parts[1]}/{parts[3]}" if len(parts) == 4 else spec.target
        return f"Google Business Profile · {cap(short, 40)}"

    async def fetch(
        self, client: httpx.AsyncClient, spec: SourceSpec, state: SourceState
    ) -> FetchResult:
        """Read every page of reviews; `complete` when the last page was reached."""
        location = parse_location(spec.target)
        base = f"{self.config.business_api_url.rstrip('/')}/{location}/reviews"
        mentions: list[Mention] = []
        seen: set[str] = set()
        page_token: str | None = None
        summary: dict[str, SummaryValue] = {"name": None, "rating": None, "count": None}
        complete = False
        pages = 0
        for _page in range(MAX_PAGES):
            pages += 1
            params = {"pageSize": str(PAGE_SIZE), "orderBy": "updateTime desc"}
            if page_token:
                params["pageToken"] = page_token
            data = await self._page(client, f"{base}?{urlencode(params)}", location)
            if summary["rating"] is None:
                rating, count = data.get("averageRating"), data.get("totalReviewCount")
                summary["rating"] = float(rating) if isinstance(rating, int | float) else None
                summary["count"] = count if isinstance(count, int) else None
            reviews = data.get("reviews") or []
            if not isinstance(reviews, list):
                raise ContentError(
                    "Réponse inattendue de Google (« reviews » n'est pas une liste)."
                )
            for review in reviews:
                mention = _mention(review, spec)
                if mention is not None and mention.external_id not in seen:
                    seen.add(mention.external_id)
                    mentions.append(mention)
            next_token = data.get("nextPageToken")
            if not isinstance(next_token, str) or not next_token:
                complete = True
                break
            if next_token == page_token:  # a loop: stop, and claim nothing about missing items
                break
            page_token = next_token
        summary["calls"] = pages
        return FetchResult(mentions=mentions, state=state, complete=complete, summary=summary)

    async def _page(self, client: httpx.AsyncClient, url: str, location: str) -> dict[str, object]:
        """One page of reviews, renewing the access token once if Google refuses it."""
        data = await get_json_with_token(
            client,
            url,
            self.config,
            self.tokens,
            scheme="Bearer",
            expired=lambda exc: exc.status == 401,
            refused=lambda exc: _api_error(exc, location),
        )
        if not isinstance(data, dict):
            raise ContentError("Réponse inattendue de Google Business Profile (pas un objet).")
        return data


def _mention(review: object, spec: SourceSpec) -> Mention | None:
    if not isinstance(review, dict):
        return None
    name = review.get("name") or review.get("reviewId")
    if not isinstance(name, str) or not name.strip():
        return None
    reviewer = review.get("reviewer")
    author = ""
    if isinstance(reviewer, dict) and not reviewer.get("isAnonymous"):
        display = reviewer.get("displayName")
        author = one_line(display, 200) if isinstance(display, str) else ""
    comment = review.get("comment")
    stars = review.get("starRating")
    return Mention(
        source_id=spec.id,
        external_id=cap(name.strip(), 1000),
        url=None,
        title=None,
        text=clean_text(comment) if isinstance(comment, str) else "",
        author=author or None,
        rating=STARS.get(stars) if isinstance(stars, str) else None,
        published_at=parse_time(review.get("createTime")),
        scoped_watch_id=spec.watch_id,
        raw=raw_record(review),
    )


def _api_error(exc: HttpStatusError, location: str) -> HttpStatusError:
    code = exc.status or 0
    if code == 429 or code >= 500:
        return exc
    _status, message = google_error(exc)
    said = f" (Google : {message})" if message else ""
    if code == 401:
        text = f"Google refuse le jeton d'accès OAuth, même renouvelé{said} ; {CONNECT_HINT}."
    elif code == 403:
        text = (
            f"Le compte Google autorisé n'a pas accès à l'établissement {location} : vérifiez "
            f"qu'il gère bien cette fiche et que l'API Business Profile est activée{said}."
        )
    elif code == 404:
        text = (
            f"L'établissement {location} est introuvable : vérifiez les numéros de compte et "
            f"d'établissement. Exemple : {_EXAMPLE}{said}"
        )
    else:
        text = f"Google Business Profile a refusé la demande (erreur {code}){said}."
    return HttpStatusError(text, status=code, body=exc.body, permanent=True)
