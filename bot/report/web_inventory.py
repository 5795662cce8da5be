"""The web part of the « état des lieux »: each watched name searched on the web, results by kind.

Each result shows its triage (from its title and snippet), whether a source already watches
it, and otherwise the command that would. Without a search key, the message says plainly
what was not searched, so the team never mistakes a partial inventory for a complete one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from bot.chat.markup import NL, b, i, link, reply, t
from bot.chat.mention_view import SEVERITY_EN, SEVERITY_FR, flag_names
from bot.chat.types import Button, Reply, Span, SpanStyle
from bot.documents.safe import clean, shorten
from bot.messages import Parts, messages
from bot.models import Watch
from bot.report.html_report import safe_href
from bot.sources import SourceConfig, SourceError, new_client
from bot.sources.news import news_query_for
from bot.sources.text import cap
from bot.sources.websearch import SiteKind, WebResult, host_of, search_web
from bot.store import SourceRow
from bot.triage.classify import triage

MAX_NAMES = 5
MAX_POLITE_WAIT_S = 3.0
SHOWN_PER_NAME = 10
_SOCIAL_KINDS = {
    "reddit.com": "reddit",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "bsky.app": "bluesky",
}
_CLOSED = ("facebook.com", "instagram.com", "x.com", "twitter.com", "tiktok.com",
           "linkedin.com", "threads.net", "snapchat.com")  # fmt: skip


@dataclass(frozen=True, slots=True)
class NameResults:
    """What the search found for one watched name, or why it was not searched."""

    number: int
    watch: Watch
    query: str
    results: tuple[WebResult, ...] = ()
    error: str | None = None


def _under(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def watched_by(result: WebResult, watch: Watch, sources: Sequence[SourceRow]) -> bool:
    """True when one of the team's sources already covers this result."""
    host = result.host
    kinds = {s.kind for s in sources if s.watch_id in (None, watch.id)}
    for source in sources:
        if source.kind in ("feed", "page", "mastodon") and host_of(source.target) == host:
            return True
    for domain, kind in _SOCIAL_KINDS.items():
        if _under(host, domain):
            return kind in kinds
    if (host.startswith("google.") or _under(host, "google.com")) and "/maps" in result.url:
        return bool(kinds & {"places", "business"})
    if result.kind is SiteKind.PRESS:
        return "news" in kinds
    return False


def _advice(result: WebResult, number: int, lang: str) -> Parts:
    say = messages(lang)
    host = result.host
    if any(_under(host, d) for d in _SOCIAL_KINDS):
        return say.web_watch_it(f"/source reseaux {number}")
    if any(_under(host, d) for d in _CLOSED):
        return say.web_closed(result.url)
    if result.kind is SiteKind.PRESS:
        return say.web_watch_it(f"/source actus {number}")
    if "/maps" in result.url and (host.startswith("google.") or _under(host, "google.com")):
        return say.web_watch_it(f"/source google PLACE_ID pour {number}")
    return say.web_watch_it(f"/source page {result.url} pour {number}")


def _tone(result: WebResult, lang: str) -> str:
    verdict = triage(result.description, title=result.title)
    names = flag_names(verdict.flags, lang)
    severity = (SEVERITY_EN if lang == "en" else SEVERITY_FR)[verdict.severity]
    return f"⚠️ {', '.join(names)}" if names else severity


async def search_names(
    watches: Sequence[Watch], *, url: str, key: str, config: SourceConfig
) -> list[NameResults]:
    """Search each watched name in turn; stop at the first refusal (no storm of retries)."""
    found: list[NameResults] = []
    stopped: str | None = None
    async with new_client(config, max_connections=2) as client:
        for number, watch in enumerate(watches[:MAX_NAMES], 1):
            query = news_query_for(watch)
            if stopped is not None:
                found.append(NameResults(number, watch, query, error=stopped))
                continue
            try:
                results = await _search_once_more_if_told(client, query, url, key, config)
            except SourceError as exc:  # refused, rate-limited, down: ask no more this time
                stopped = exc.message
                found.append(NameResults(number, watch, query, error=exc.message))
                continue
            found.append(NameResults(number, watch, query, tuple(results)))
    return found


async def _search_once_more_if_told(
    client: httpx.AsyncClient, query: str, url: str, key: str, config: SourceConfig
) -> list[WebResult]:
    """One search; after a 429 asking to wait at most a few seconds (free plans: one query a
    second), one more try after that wait, and no other."""
    try:
        return await search_web(client, query, url=url, key=key, config=config)
    except SourceError as exc:
        wait = exc.retry_after_s
        if exc.status != 429 or wait is None or wait > MAX_POLITE_WAIT_S:
            raise
    await asyncio.sleep(wait)
    return await search_web(client, query, url=url, key=key, config=config)


def web_reply(found: Sequence[NameResults], sources: Sequence[SourceRow], lang: str) -> Reply:
    """The chat message: per name, the first results grouped by kind of site."""
    say = messages(lang)
    spans: list[Span | str] = [b(say.web_title())]
    buttons: list[Button] = []
    for name in found:
        spans += [NL, NL, b(name.watch.display), t(f" — {cap(name.query, 80)}")]
        if name.error:
            spans += [NL, t(say.web_not_searched(name.error))]
            continue
        if not name.results:
            spans += [NL, t(say.web_no_result())]
            continue
        shown = name.results[:SHOWN_PER_NAME]
        unwatched_social = False
        for kind in SiteKind:
            group = [r for r in shown if r.kind is kind]
            if not group:
                continue
            spans += [NL, i(say.site_kind(kind.value))]
            for result in group:
                spans += [NL, t("• "), link(cap(result.title or result.host, 90), result.url)]
                spans += [t(f" ({result.host}) · {_tone(result, lang)} · ")]
                if watched_by(result, name.watch, sources):
                    spans.append(t(say.web_watched()))
                else:
                    spans += _advice(result, name.number, lang)
                    if any(_under(result.host, d) for d in _SOCIAL_KINDS):
                        unwatched_social = True
        if len(name.results) > len(shown):
            spans += [NL, t(say.web_more(len(name.results) - len(shown)))]
        if unwatched_social:
            label = say.web_social_button(name.number)
            buttons.append(Button(label, "source", f"reseaux {name.number}"))
    return reply(*spans, buttons=buttons[:4])


def not_searched_reply(watches: Sequence[Watch], lang: str) -> Reply:
    """The message when no search key is configured: what was not searched, and how to fix it."""
    queries = [news_query_for(w) for w in watches[:MAX_NAMES]]
    return reply(*messages(lang).web_search_off(queries))


def _command(result: WebResult, number: int) -> str:
    """The command that would watch a result (or keep proof of it), as plain text."""
    parts = _advice(result, number, "fr")
    return next((p.text for p in parts if isinstance(p, Span) and p.style is SpanStyle.CODE), "")


def web_facts(
    found: Sequence[NameResults] | None,
    watches: Sequence[Watch],
    sources: Sequence[SourceRow],
    lang: str,
) -> dict[str, object]:
    """The web search for the HTML report, cleaned and bounded (None: no search key)."""
    if found is None:
        queries = [_short(news_query_for(w), 300) for w in watches[:MAX_NAMES]]
        return {"searched": False, "names": [], "queries": queries}
    say = messages(lang)
    names: list[dict[str, object]] = []
    for name in found:
        groups: list[dict[str, object]] = []
        for kind in SiteKind:
            results = [r for r in name.results[:SHOWN_PER_NAME] if r.kind is kind]
            if results:
                groups.append(
                    {
                        "label": say.site_kind(kind.value),
                        "results": [
                            {
                                "title": _short(r.title or r.host, 200),
                                "href": safe_href(r.url),
                                "host": _short(r.host, 100),
                                "tone": _tone(r, lang),
                                "watched": watched_by(r, name.watch, sources),
                                "command": _short(_command(r, name.number), 2100),
                            }
                            for r in results
                        ],
                    }
                )
        names.append(
            {
                "watch": _short(name.watch.display, 200),
                "query": _short(name.query, 300),
                "error": _short(name.error, 300) if name.error else "",
                "groups": groups,
            }
        )
    return {"searched": True, "names": names, "queries": []}


def _short(text: str, limit: int) -> str:
    return shorten(clean(text, single_line=True), limit)[0]
