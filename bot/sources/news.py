"""Google News search feeds: press mentions of a watched name, in French, from France."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import httpx
from bs4 import BeautifulSoup, Tag

from bot.models import Watch
from bot.sources.base import (
    ConfiguredSource,
    FetchResult,
    InvalidTargetError,
    SourceConfig,
    SourceKind,
    SourceSpec,
    SourceState,
)
from bot.sources.feed import fetch_feed
from bot.sources.text import cap, one_line

MAX_QUERY_CHARS = 500


def _quoted(name: str) -> str:
    return '"' + one_line(name.replace('"', " "), 200) + '"'


def news_query_for(watch: Watch) -> str:
    """The search for a watched name: its spellings quoted (joined by OR), then its city."""
    names: list[str] = []
    for name in (watch.name, *watch.aliases):
        quoted = _quoted(name)
        if quoted != '""' and quoted not in names:
            names.append(quoted)
    query = names[0] if len(names) == 1 else "(" + " OR ".join(names) + ")"
    if watch.city:
        query += " " + one_line(watch.city.replace('"', " "), 100)
    return cap(query, MAX_QUERY_CHARS)


def news_feed_url(config: SourceConfig, query: str) -> str:
    """The Google News RSS search address for a query (French edition)."""
    params = urlencode({"q": query, "hl": "fr", "gl": "FR", "ceid": "FR:fr"})
    return f"{config.news_url}?{params}"


_FULL_COVERAGE = re.compile(r"voir la couverture compl|view full coverage", re.IGNORECASE)


def own_snippet(body_html: str) -> str:
    """The item's own headline and outlet out of a Google News description.

    A clustered item lists the other outlets' headlines (« <ol><li>… ») and ends with « Voir
    la couverture complète sur Google Actualités »: only the first entry is this item's, and
    matching and triage must not read the others as the mention."""
    if "<li" not in body_html.lower() and not _FULL_COVERAGE.search(body_html):
        return body_html
    soup = BeautifulSoup(body_html, "html.parser")
    for link in soup.find_all(string=_FULL_COVERAGE):
        parent = link.find_parent("li") or link.parent
        if parent is not None:
            parent.decompose()
    first = soup.find("li")
    return first.decode_contents() if isinstance(first, Tag) else str(soup)


class NewsSource(ConfiguredSource):
    """A Google News search on one watched name, read as an RSS feed."""

    kind = SourceKind.NEWS.value
    default_interval_s = 1800

    def normalize(self, target: str, selector: str | None) -> tuple[str, str | None]:
        """Check the search text (built by `news_query_for`); no selector."""
        query = one_line(target, MAX_QUERY_CHARS + 1)
        if not query.strip('" '):
            raise InvalidTargetError(
                "La recherche Google Actualités est vide. Exemple : /source actus 1 "
                "(le numéro du nom surveillé, tel que /liste l'affiche).",
                lambda say: say.news_query_empty(),
            )
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidTargetError(
                "Cette recherche est trop longue (plus de 500 caractères).",
                lambda say: say.news_query_too_long(MAX_QUERY_CHARS),
            )
        return query, None

    def describe(self, spec: SourceSpec) -> str:
        """« Google Actualités · "Marie Dupont" Lyon »."""
        return f"Google Actualités · {cap(spec.target, 80)}"

    async def fetch(
        self, client: httpx.AsyncClient, spec: SourceSpec, state: SourceState
    ) -> FetchResult:
        """Fetch the search feed; entries are keyed by their Google News id."""
        url = news_feed_url(self.config, spec.target)
        return await fetch_feed(
            client, url, self.config, spec, state, trusted=True, summary=own_snippet
        )
