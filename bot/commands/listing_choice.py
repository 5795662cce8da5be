"""`/source google NOM VILLE` then `/choisir`: a practice picks its Google listing by name.

The candidates of a search are kept in the team's data directory (a small JSON file) so a
button pressed after a restart still adds the listing it showed, and nothing else.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from dataclasses import asdict
from pathlib import Path

from bot.chat.markup import NL, b, parts, reply, t
from bot.chat.types import Button, Reply, Span
from bot.commands.base import Command, Context, UsageError
from bot.messages import messages
from bot.models import Watch
from bot.sources import SourceError, new_client
from bot.sources.places_search import Candidate, search_places
from bot.sources.text import cap

KEPT_SEARCHES = 10
_CHOICE = re.compile(r"^\s*(?:(\d{1,6})\.)?(\d)\s*$")


def _path(ctx: Context) -> Path:
    return ctx.services.settings.data_dir / "teams" / str(ctx.team) / "google_searches.json"


def _load(path: Path) -> list[dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    searches = data.get("searches") if isinstance(data, dict) else None
    return [s for s in searches if isinstance(s, dict)] if isinstance(searches, list) else []


def _save(path: Path, searches: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"searches": searches}, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


async def _remember(ctx: Context, watch: Watch, query: str, found: list[Candidate]) -> int:
    path = _path(ctx)
    searches = await asyncio.to_thread(_load, path)
    ids = [s["id"] for s in searches if isinstance(s.get("id"), int)]
    search_id = max((i for i in ids if isinstance(i, int)), default=0) + 1
    searches.append(
        {
            "id": search_id,
            "watch_id": watch.id,
            "query": query,
            "candidates": [asdict(c) for c in found],
        }
    )
    await asyncio.to_thread(_save, path, searches[-KEPT_SEARCHES:])
    return search_id


async def _watch_for(ctx: Context, watch: Watch | None) -> Watch:
    if watch is not None:
        return watch
    watches = await ctx.services.store.watches.active(ctx.team)
    if len(watches) == 1:
        return watches[0]
    if not watches:
        raise UsageError(lambda say: say.listing_watch_first())
    raise UsageError(lambda say: say.listing_which_watch())


async def offer_candidates(ctx: Context, query: str, watch: Watch | None) -> Reply:
    """Run a Text Search and offer up to five listings to choose from."""
    from bot.watch.monitor import source_config

    query = " ".join(query.split())
    if len(query) < 3:
        raise UsageError(lambda say: say.listing_need_query())
    watch = await _watch_for(ctx, watch)
    say = messages(ctx.lang)
    config = source_config(ctx.services)
    try:
        async with new_client(config) as client:
            found = await search_places(client, config, query)
        await _count_search(ctx)
    except SourceError as exc:
        return reply(t("⚠️ "), t(exc.said_in(ctx.lang)))
    if not found:
        watches = await ctx.services.store.watches.active(ctx.team)
        number = next((n for n, w in enumerate(watches, 1) if w.id == watch.id), 1)
        return reply(*say.no_listing_found(cap(query, 80), number))
    search_id = await _remember(ctx, watch, query, found)
    spans: list[Span] = [b(say.listing_candidates_title(cap(query, 60), watch.display)), NL]
    buttons: list[Button] = []
    for number, candidate in enumerate(found, 1):
        spans += [b(f"{number}. "), t(candidate.label()), NL]
        buttons.append(
            Button(f"{number}. {cap(candidate.name, 40)}", "choisir", f"{search_id}.{number}")
        )
    spans += parts(say.listing_pick_hint())
    return reply(*spans, buttons=tuple(buttons))


async def _count_search(ctx: Context) -> None:
    """Text Search is billed too: count it with the team's Google calls for /statut."""
    from bot.sources.google_usage import record_search

    await record_search(ctx.services.settings.data_dir, ctx.team)


async def choisir(ctx: Context, args: str) -> Reply:
    """Add the listing chosen among the last search's candidates."""
    from bot.commands.sources_cmd import add_checked

    match = _CHOICE.match(args)
    if not match:
        raise UsageError(lambda say: say.listing_need_number())
    searches = await asyncio.to_thread(_load, _path(ctx))
    if not searches:
        raise UsageError(lambda say: say.listing_no_search())
    wanted = int(match.group(1)) if match.group(1) else None
    search = next((s for s in searches if s.get("id") == wanted), None) if wanted else searches[-1]
    if search is None:
        return reply(*messages(ctx.lang).listing_choice_expired())
    candidates = search.get("candidates")
    number = int(match.group(2))
    if not isinstance(candidates, list) or not 1 <= number <= len(candidates):
        count = len(candidates) if isinstance(candidates, list) else 0
        raise UsageError(lambda say: say.listing_number_range(count))
    chosen = candidates[number - 1]
    watch_id = search.get("watch_id")
    watch = await ctx.services.store.watches.get(watch_id) if isinstance(watch_id, int) else None
    if watch is None or watch.team_id != ctx.team or not isinstance(chosen, dict):
        raise UsageError(lambda say: say.listing_watch_removed())
    place_id = chosen.get("place_id")
    if not isinstance(place_id, str):
        raise UsageError(lambda say: say.listing_unreadable())
    return await add_checked(ctx, "places", place_id, None, watch)


COMMANDS = (
    Command(
        name="choisir",
        aliases=("pick",),
        usage="/choisir N",
        summary_fr="choisir la fiche Google proposée par /source google NOM VILLE",
        summary_en="pick the Google listing offered by /source google NAME TOWN",
        handler=choisir,
        examples=("/choisir 1",),
    ),
)
