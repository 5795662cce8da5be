"""Mastodon hashtag timelines of a chosen instance (`/api/v1/timelines/tag/:hashtag`).

A source's target is the hashtag page people open (`https://mastodon.social/tags/MarieDupont`);
the instance is chosen by the team, so its address goes through the network guard like a page.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import httpx

from bot.models import Mention
from bot.sources.api import author_label, raw_record
from bot.sources.base import (
    ConfiguredSource,
    ContentError,
    FetchResult,
    HttpStatusError,
    InvalidTargetError,
    SourceKind,
    SourceSpec,
    SourceState,
)
from bot.sources.feed import normalize_url
from bot.sources.http import ACCEPT_JSON, fetch, host_of
from bot.sources.places import parse_time
from bot.sources.social import dig, text_of
from bot.sources.text import cap, html_to_text, one_line

PAGE_SIZE = 40
_TAG = re.compile(r"[^\W_][\w]{0,99}", re.UNICODE)
_EXAMPLE = "/source mastodon https://mastodon.social/tags/MarieDupont pour 1"


def tag_page(instance: str, tag: str) -> str:
    """The hashtag page of an instance (« https://mastodon.social/tags/MarieDupont »)."""
    base = normalize_url(instance, _EXAMPLE).rstrip("/")
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}/tags/{tag}"


def parse_target(text: str, default_instance: str | None) -> str:
    """`https://instance/tags/Tag`, `instance #Tag` or `#Tag` (configured instance) → tag page."""
    value = text.strip()
    instance: str | None
    if "/tags/" in value:
        instance, _, tag = value.partition("/tags/")
    elif "#" in value:
        instance, _, tag = value.partition("#")
        instance = instance.strip() or default_instance
    else:
        instance, tag = default_instance, value
    tag = tag.strip().strip("/#").split("?", 1)[0]
    if not instance:
        raise InvalidTargetError(
            "Indiquez l'instance Mastodon et le mot-dièse, par exemple la page du mot-dièse. "
            f"Exemple : {_EXAMPLE}"
        )
    if not _TAG.fullmatch(tag):
        raise InvalidTargetError(
            f"« {cap(tag, 60)} » n'est pas un mot-dièse Mastodon (lettres et chiffres, sans "
            f"espace). Exemple : {_EXAMPLE}"
        )
    return tag_page(instance, tag)


class MastodonSource(ConfiguredSource):
    """The newest public posts carrying a hashtag on one instance, keyed by their URI."""

    kind = SourceKind.MASTODON.value
    default_interval_s = 1800

    def normalize(self, target: str, selector: str | None) -> tuple[str, str | None]:
        """The hashtag page of the chosen instance; no selector."""
        return parse_target(target, self.config.mastodon_instance), None

    def describe(self, spec: SourceSpec) -> str:
        """« Mastodon · #MarieDupont sur mastodon.social »."""
        tag = spec.target.rsplit("/tags/", 1)[-1]
        return f"Mastodon · #{tag} sur {host_of(spec.target)}"

    async def fetch(
        self, client: httpx.AsyncClient, spec: SourceSpec, state: SourceState
    ) -> FetchResult:
        """One page of the hashtag timeline."""
        base, _, tag = spec.target.partition("/tags/")
        url = f"{base}/api/v1/timelines/tag/{quote(tag, safe='')}?limit={PAGE_SIZE}"
        try:
            response = await fetch(client, url, self.config, headers={"Accept": ACCEPT_JSON})
        except HttpStatusError as exc:
            if exc.status in (401, 403, 422):
                raise HttpStatusError(
                    f"L'instance {host_of(base)} n'ouvre pas ses fils de mots-dièses sans compte "
                    f"(erreur {exc.status}) : choisissez une autre instance, par exemple "
                    "mastodon.social.",
                    status=exc.status,
                    body=exc.body,
                    permanent=True,
                ) from exc
            raise
        statuses = response.json()
        if not isinstance(statuses, list):
            raise ContentError(
                f"Réponse inattendue de {host_of(base)} (pas une liste de messages)."
            )
        mentions = [m for s in statuses if (m := _mention(s, spec)) is not None]
        return FetchResult(mentions=mentions, state=state)


def _mention(status: object, spec: SourceSpec) -> Mention | None:
    uri = text_of(dig(status, "uri")).strip() or text_of(dig(status, "url")).strip()
    if not uri:
        return None
    acct = one_line(text_of(dig(status, "account", "acct")), 200)
    name = one_line(text_of(dig(status, "account", "display_name")), 200)
    warning = one_line(text_of(dig(status, "spoiler_text")), 300)
    url = text_of(dig(status, "url")) or uri
    return Mention(
        source_id=spec.id,
        external_id=cap(uri, 500),
        url=url if url.startswith(("https://", "http://")) else None,
        title=warning or None,
        text=html_to_text(text_of(dig(status, "content"))),
        author=author_label(name, acct),
        published_at=parse_time(dig(status, "created_at")),
        scoped_watch_id=spec.watch_id,
        raw=raw_record(status),
    )
