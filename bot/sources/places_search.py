"""Finding a practice's Google listing by name and town (Places API (New) Text Search).

A team knows « Cabinet Dupont, Lyon », not `ChIJN1t_tDeuEmsRUsoyG83frY4`: one Text Search call
returns up to five candidates with their address, rating and review count to choose from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import methodcaller
from typing import TYPE_CHECKING

import httpx

from bot.sources.base import ConfigError, ContentError, HttpStatusError, SourceConfig
from bot.sources.http import ACCEPT_JSON, fetch
from bot.sources.places import google_error
from bot.sources.text import one_line

if TYPE_CHECKING:
    from bot.messages import Messages

MAX_CANDIDATES = 5
# Fields of the « Text Search Enterprise » SKU (rating and count are Enterprise fields).
SEARCH_FIELD_MASK = (
    "places.id,places.displayName,places.formattedAddress,places.rating,"
    "places.userRatingCount,places.googleMapsUri"
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One listing Text Search offered."""

    place_id: str
    name: str
    address: str
    rating: float | None
    count: int | None
    maps_url: str | None = None

    def label(self) -> str:
        """« Cabinet Dupont — 1 rue …, Lyon — 4,2★ (87 avis) »."""
        parts = [self.name or self.place_id]
        if self.address:
            parts.append(self.address)
        if self.rating is not None:
            figure = f"{self.rating:.1f}".replace(".", ",") + "★"
            parts.append(f"{figure} ({self.count or 0} avis)")
        elif self.count is not None:
            parts.append(f"{self.count} avis")
        else:
            parts.append("aucun avis")
        return " — ".join(parts)


async def search_places(
    client: httpx.AsyncClient, config: SourceConfig, query: str
) -> list[Candidate]:
    """Up to five listings for a free-text query; `SourceError` in French when Google refuses."""
    if not config.places_api_key:
        raise ConfigError(
            "La recherche de fiche Google demande une clé d'API Places : la personne qui gère "
            "le serveur doit renseigner VIGIE_GOOGLE_PLACES_API_KEY (voir le README, section "
            "Google). En attendant, donnez directement l'identifiant de lieu (place ID).",
            sentence=lambda say: say.places_search_needs_key(),
            permanent=True,
        )
    url = f"{config.places_api_url.rstrip('/')}/places:searchText"
    headers = {
        "Accept": ACCEPT_JSON,
        "X-Goog-Api-Key": config.places_api_key,
        "X-Goog-FieldMask": SEARCH_FIELD_MASK,
    }
    body = {
        "textQuery": query,
        "languageCode": "fr",
        "regionCode": "FR",
        "pageSize": MAX_CANDIDATES,
    }
    try:
        response = await fetch(
            client,
            url,
            config,
            method="POST",
            headers=headers,
            json_body=body,
            trusted=True,
            follow_redirects=False,
        )
    except HttpStatusError as exc:
        raise _search_error(exc) from exc
    data = response.json()
    if not isinstance(data, dict):
        raise ContentError("Réponse inattendue de Google Places (pas un objet JSON).")
    places = data.get("places") or []
    if not isinstance(places, list):
        raise ContentError("Réponse inattendue de Google Places (« places » n'est pas une liste).")
    found = [c for p in places if (c := _candidate(p)) is not None]
    return found[:MAX_CANDIDATES]


def _candidate(place: object) -> Candidate | None:
    if not isinstance(place, dict):
        return None
    place_id = place.get("id")
    if not isinstance(place_id, str) or not place_id.strip():
        return None
    display = place.get("displayName")
    name = display.get("text") if isinstance(display, dict) else None
    address = place.get("formattedAddress")
    rating = place.get("rating")
    count = place.get("userRatingCount")
    maps = place.get("googleMapsUri")
    return Candidate(
        place_id=place_id.strip(),
        name=one_line(name, 200) if isinstance(name, str) else "",
        address=one_line(address, 300) if isinstance(address, str) else "",
        rating=float(rating) if isinstance(rating, int | float) else None,
        count=count if isinstance(count, int) and not isinstance(count, bool) else None,
        maps_url=maps if isinstance(maps, str) and maps.startswith("https://") else None,
    )


def _search_error(exc: HttpStatusError) -> HttpStatusError:
    status, message = google_error(exc)
    said = f" (Google : {message})" if message else ""
    google = message or None
    code = exc.status or 0
    if code == 429 or code >= 500:
        return HttpStatusError(
            f"Google Places est indisponible ou limite les appels pour l'instant (erreur {code}) :"
            " réessayez dans quelques minutes.",
            status=code,
            body=exc.body,
            sentence=lambda say: say.places_search_unavailable(code),
        )
    sentence: Callable[[Messages], str]
    if "API_KEY" in status or "API key" in message:
        text = (
            "La clé d'API Google Places est refusée : la personne qui gère le serveur doit "
            "vérifier VIGIE_GOOGLE_PLACES_API_KEY et que « Places API (New) » est activée pour "
            f"cette clé dans la console Google Cloud{said}."
        )
        sentence = methodcaller("places_key_refused", google)
    elif code == 403:
        text = (
            "Google refuse la recherche avec cette clé : activez « Places API (New) » et la "
            "facturation dans la console Google Cloud, ou levez les restrictions de la clé "
            f"(VIGIE_GOOGLE_PLACES_API_KEY){said}."
        )
        sentence = methodcaller("places_search_forbidden", google)
    else:
        text = f"Google Places a refusé la recherche (erreur {code}){said}."
        sentence = methodcaller("places_search_refused", code, google)
    return HttpStatusError(text, status=code, body=exc.body, permanent=True, sentence=sentence)
