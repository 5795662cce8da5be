"""Google Places API (New): the 5 reviews Google shows for a practice's listing, plus its rating."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import quote

import httpx

from bot.models import Mention
from bot.sources.api import get_json, missing_key, raw_record
from bot.sources.base import (
    ConfiguredSource,
    ContentError,
    FetchResult,
    HttpStatusError,
    InvalidTargetError,
    SourceKind,
    SourceSpec,
    SourceState,
    SummaryValue,
)
from bot.sources.text import cap, clean_text, one_line

FIELD_MASK = "displayName,rating,userRatingCount,reviews"
_PLACE_ID = re.compile(r"[A-Za-z0-9_-]{10,512}")
_EXAMPLE = "/source google ChIJN1t_tDeuEmsRUsoyG83frY4 pour 2"


def looks_like_place_id(text: str) -> bool:
    """Whether what was typed is a place id rather than a name to search (« Cabinet Dupont »)."""
    token = text.strip().removeprefix("places/").strip("/ ")
    if not _PLACE_ID.fullmatch(token):
        return False
    return any(c.isdigit() for c in token) or sum(c.isupper() for c in token) >= 2


def parse_place_id(text: str) -> str:
    """A place id from what was typed (`ChIJ…` or `places/ChIJ…`); French error otherwise."""
    place_id = text.strip().removeprefix("places/").strip("/ ")
    if not _PLACE_ID.fullmatch(place_id):
        raise InvalidTargetError(
            f"« {cap(text.strip(), 80)} » n'est pas un identifiant de lieu Google (place ID). "
            "Il ressemble à ChIJN1t_tDeuEmsRUsoyG83frY4 ; l'outil « Place ID Finder » de Google "
            f"le donne à partir du nom du cabinet. Exemple : {_EXAMPLE}",
            lambda say: say.not_a_place_id(cap(text.strip(), 80), _EXAMPLE),
        )
    return place_id


def parse_time(value: object) -> datetime | None:
    """An RFC 3339 timestamp from a Google API as an aware UTC datetime, or None."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Google sends up to nanoseconds; Python reads microseconds at most.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def star_rating(value: object) -> int | None:
    """A rating clamped to 1-5, or None when absent or unreadable."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return min(max(round(value), 1), 5)


def _dig(data: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


class PlacesSource(ConfiguredSource):
    """The reviews of one listing through Place Details; Google returns at most 5 of them."""

    kind = SourceKind.PLACES.value
    # Every 2 h: 372 Place Details calls a month per listing, so two listings stay inside the
    # 1,000 free calls of the « Enterprise + Atmosphere » SKU (see bot/google_usage.py).
    default_interval_s = 7200

    def normalize(self, target: str, selector: str | None) -> tuple[str, str | None]:
        """Check the place id; a listing takes no selector."""
        return parse_place_id(target), None

    def describe(self, spec: SourceSpec) -> str:
        """« Google (fiche) · ChIJN1t_tDeuEm… »."""
        return f"Google (fiche) · {cap(spec.target, 16)}"

    async def fetch(
        self, client: httpx.AsyncClient, spec: SourceSpec, state: SourceState
    ) -> FetchResult:
        """One Place Details call; each review is keyed by its resource `name`."""
        if not self.config.places_api_key:
            raise missing_key("Google Places", "VIGIE_GOOGLE_PLACES_API_KEY")
        place_id = parse_place_id(spec.target)
        url = f"{self.config.places_api_url.rstrip('/')}/places/{quote(place_id, safe='')}"
        url += "?languageCode=fr&regionCode=FR"
        headers = {"X-Goog-Api-Key": self.config.places_api_key, "X-Goog-FieldMask": FIELD_MASK}
        data = await get_json(
            client, url, self.config, headers=headers, refused=lambda e: _api_error(e, place_id)
        )
        if not isinstance(data, dict):
            raise ContentError("Réponse inattendue de Google Places (pas un objet JSON).")
        reviews = data.get("reviews") or []
        if not isinstance(reviews, list):
            raise ContentError(
                "Réponse inattendue de Google Places (« reviews » n'est pas une liste)."
            )
        mentions = [m for r in reviews if (m := _mention(r, spec)) is not None]
        rating = data.get("rating")
        count = data.get("userRatingCount")
        summary: dict[str, SummaryValue] = {
            "name": one_line(_str(_dig(data, "displayName", "text")), 200) or None,
            "rating": float(rating) if isinstance(rating, int | float) else None,
            "count": count if isinstance(count, int) else None,
        }
        return FetchResult(mentions=mentions, state=state, complete=False, summary=summary)


def _mention(review: object, spec: SourceSpec) -> Mention | None:
    if not isinstance(review, dict):
        return None
    name = _str(review.get("name")).strip()
    if not name:
        return None
    text = _str(_dig(review, "text", "text")) or _str(_dig(review, "originalText", "text"))
    author = one_line(_str(_dig(review, "authorAttribution", "displayName")), 200)
    return Mention(
        source_id=spec.id,
        external_id=cap(name, 1000),
        url=_str(review.get("googleMapsUri")) or None,
        title=None,
        text=clean_text(text),
        author=author or None,
        rating=star_rating(review.get("rating")),
        published_at=parse_time(review.get("publishTime")),
        scoped_watch_id=spec.watch_id,
        raw=raw_record(review),
    )


def google_error(exc: HttpStatusError) -> tuple[str, str]:
    """Google's error status and message (`{"error": {"status", "message"}}`), if any."""
    try:
        data = json.loads(exc.body)
    except ValueError:
        return "", ""
    status = _str(_dig(data, "error", "status"))
    message = _str(_dig(data, "error", "message"))
    details = _dig(data, "error", "details")
    if isinstance(details, list):
        for detail in details:
            reason = _str(_dig(detail, "reason"))
            if reason:
                status = f"{status}/{reason}" if status else reason
    return status, one_line(message, 200)


def _api_error(exc: HttpStatusError, place_id: str) -> HttpStatusError:
    status, message = google_error(exc)
    said = f" (Google : {message})" if message else ""
    code = exc.status or 0
    if code == 429 or code >= 500:
        return exc
    if "API_KEY" in status or "API key" in message:
        text = (
            "La clé d'API Google Places est refusée : vérifiez VIGIE_GOOGLE_PLACES_API_KEY "
            f"et que « Places API (New) » est activée pour cette clé{said}."
        )
    elif code == 403:
        text = (
            "Google refuse l'accès à Places API (New) avec cette clé : activez l'API et la "
            f"facturation dans la console Google Cloud, ou levez les restrictions de la clé{said}."
        )
    elif code in (400, 404):
        text = (
            f"Google ne connaît pas le lieu « {place_id} » : vérifiez l'identifiant (place ID). "
            f"Exemple : {_EXAMPLE}{said}"
        )
    else:
        text = f"Google Places a refusé la demande (erreur {code}){said}."
    return HttpStatusError(text, status=code, body=exc.body, permanent=True)
