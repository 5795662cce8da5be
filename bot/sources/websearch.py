"""A web search for the « état des lieux »: what the web shows for a name, sorted by kind of site.

The client speaks the Brave Search API (`GET /res/v1/web/search`, key in
`X-Subscription-Token`); any service answering the same shape can stand in through
`VIGIE_WEB_SEARCH_URL`. Requests go through the sources' guarded fetch (time and size
limits, typed errors), one watched name after the other, and stop at the first refusal or
rate limit instead of retrying.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import httpx

from bot.sources import SourceConfig
from bot.sources.base import HttpStatusError, SourceError
from bot.sources.http import ACCEPT_JSON, fetch
from bot.sources.social import dig, text_of
from bot.sources.text import html_to_line, one_line

RESULTS_PER_NAME = 20


class SiteKind(enum.StrEnum):
    """The kinds of site a result is grouped under, in the report's order."""

    REVIEWS = "reviews"
    SOCIAL = "social"
    PRESS = "press"
    FORUMS = "forums"
    OTHER = "other"


# Registrable domains (without www.) by kind; a host matches a domain or any subdomain of it.
_DOMAINS: dict[SiteKind, frozenset[str]] = {
    SiteKind.REVIEWS: frozenset(
        {
            "doctolib.fr",
            "pagesjaunes.fr",
            "trustpilot.com",
            "fr.trustpilot.com",
            "maps.google.com",
            "google.com/maps",
            "annuaire.sante.fr",
            "annuaire.ameli.fr",
            "sante.fr",
            "mondocteur.fr",
            "lemedecin.fr",
            "docvadis.fr",
            "medecin-direct.fr",
            "rdvmedicaux.com",
            "keldoc.com",
            "maiia.com",
            "qare.fr",
            "yelp.fr",
            "yelp.com",
            "tripadvisor.fr",
            "avis-verifies.com",
            "societe.com",
            "118712.fr",
            "annuaire-medecin.fr",
            "cylex.fr",
            "hoodspot.fr",
            "justacote.com",
            "ordre-medecins.fr",
            "conseil-national.medecin.fr",
            "mappy.com",
        }
    ),
    SiteKind.SOCIAL: frozenset(
        {
            "facebook.com",
            "instagram.com",
            "x.com",
            "twitter.com",
            "tiktok.com",
            "youtube.com",
            "youtu.be",
            "reddit.com",
            "linkedin.com",
            "bsky.app",
            "threads.net",
            "pinterest.com",
            "pinterest.fr",
            "snapchat.com",
            "mastodon.social",
            "mastodon.online",
            "piaille.fr",
            "dailymotion.com",
            "twitch.tv",
            "telegram.me",
            "t.me",
            "whatsapp.com",
        }
    ),
    SiteKind.PRESS: frozenset(
        {
            "lemonde.fr",
            "lefigaro.fr",
            "liberation.fr",
            "leparisien.fr",
            "ouest-france.fr",
            "20minutes.fr",
            "francetvinfo.fr",
            "francebleu.fr",
            "ici.fr",
            "bfmtv.com",
            "rtl.fr",
            "europe1.fr",
            "franceinter.fr",
            "radiofrance.fr",
            "lexpress.fr",
            "lepoint.fr",
            "nouvelobs.com",
            "leprogres.fr",
            "ladepeche.fr",
            "sudouest.fr",
            "nicematin.com",
            "midilibre.fr",
            "lavoixdunord.fr",
            "dna.fr",
            "lalsace.fr",
            "estrepublicain.fr",
            "letelegramme.fr",
            "actu.fr",
            "laprovence.com",
            "ledauphine.com",
            "lamontagne.fr",
            "lindependant.fr",
            "courrier-picard.fr",
            "paris-normandie.fr",
            "lunion.fr",
            "larepubliquedespyrenees.fr",
            "charentelibre.fr",
            "lanouvellerepublique.fr",
            "quotidien-du-medecin.fr",
            "egora.fr",
            "whatsupdoc-lemag.fr",
            "news.google.com",
            "huffingtonpost.fr",
            "mediapart.fr",
            "capital.fr",
            "challenges.fr",
            "marianne.net",
        }
    ),
    SiteKind.FORUMS: frozenset(
        {
            "doctissimo.fr",
            "forum.doctissimo.fr",
            "aufeminin.com",
            "commentcamarche.net",
            "jeuxvideo.com",
            "quora.com",
            "blogspot.com",
            "wordpress.com",
            "over-blog.com",
            "medium.com",
            "hellocoton.fr",
            "canalblog.com",
            "skyrock.com",
            "futura-sciences.com",
            "forum-auto.caradisiac.com",
            "reddit.com/r",
            "wikipedia.org",
            "substack.com",
        }
    ),
}
_FORUM_HINTS = ("forum", "blog", "/topic", "/thread", "/discussion", "viewtopic")


@dataclass(frozen=True, slots=True)
class WebResult:
    """One search result: where, what it says, and the kind of site."""

    url: str
    title: str
    description: str
    kind: SiteKind

    @property
    def host(self) -> str:
        """The host without www."""
        return host_of(self.url)


class WebSearchError(SourceError):
    """The search service refused or failed; the message says what to do."""


def host_of(url: str) -> str:
    """The lower-case host of a URL without `www.`, or "" when unreadable."""
    try:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""


def _under(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def classify(url: str) -> SiteKind:
    """The kind of site a URL belongs to (review sites and directories, social, press…)."""
    host = host_of(url)
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        path = ""
    if _under(host, "google.com") or host.startswith("google."):
        return SiteKind.REVIEWS if path.startswith("/maps") else SiteKind.OTHER
    for kind in (SiteKind.REVIEWS, SiteKind.SOCIAL, SiteKind.PRESS, SiteKind.FORUMS):
        if any(_under(host, d) for d in _DOMAINS[kind] if "/" not in d):
            return kind
    if any(hint in host or hint in path for hint in _FORUM_HINTS):
        return SiteKind.FORUMS
    return SiteKind.OTHER


def configured(url: str | None, key: str | None) -> bool:
    """True when a search service and its key are set."""
    return bool(url and key)


async def search_web(
    client: httpx.AsyncClient,
    query: str,
    *,
    url: str,
    key: str,
    config: SourceConfig,
    count: int = RESULTS_PER_NAME,
) -> list[WebResult]:
    """The first results of a web search, in French and from France."""
    params = urlencode({"q": query, "country": "FR", "search_lang": "fr", "count": str(count)})
    headers = {"Accept": ACCEPT_JSON, "X-Subscription-Token": key}
    try:
        response = await fetch(
            client, f"{url}?{params}", config, headers=headers, trusted=True, follow_redirects=False
        )
    except HttpStatusError as exc:
        raise _refused(exc) from exc
    results = dig(response.json(), "web", "results")
    found: list[WebResult] = []
    for item in results if isinstance(results, list) else []:
        link = text_of(dig(item, "url"))
        if not link.startswith(("https://", "http://")):
            continue
        found.append(
            WebResult(
                url=link,
                title=html_to_line(text_of(dig(item, "title")), 200),
                description=html_to_line(text_of(dig(item, "description")), 400),
                kind=classify(link),
            )
        )
    return found


def _refused(exc: HttpStatusError) -> WebSearchError:
    code = exc.status or 0
    if code in (401, 403, 422):
        return WebSearchError(
            f"Le service de recherche web refuse la clé (erreur {code}) : vérifiez "
            "VIGIE_WEB_SEARCH_KEY (clé « Brave Search API », tableau de bord "
            "api-dashboard.search.brave.com).",
            permanent=True,
            status=code,
        )
    if code == 429:
        return WebSearchError(
            "Le service de recherche web demande de ralentir (quota atteint) : la recherche "
            "reprendra au prochain bilan.",
            retry_after_s=exc.retry_after_s,
            status=code,
        )
    return WebSearchError(one_line(exc.message, 300), status=code)
