"""/surveiller, /liste, /retirer: the names the team watches."""

from __future__ import annotations

import re
import unicodedata

from bot.chat.markup import NL, b, i, reply, t
from bot.chat.types import Reply, Span
from bot.commands.args import fold
from bot.commands.base import Command, Context, UsageError
from bot.messages import messages
from bot.models import Watch, WatchKind
from bot.store import DuplicateWatch
from bot.store.watches import CapReached

MAX_NAME = 120
MAX_FIELD = 80
MAX_ALIASES = 10

_TITLES = {
    "dr": "Dr", "docteur": "Dr", "doctoresse": "Dr",
    "pr": "Pr", "professeur": "Pr", "professeure": "Pr",
    "m": "M.", "monsieur": "M.", "mme": "Mme", "madame": "Mme",
}  # fmt: skip
_PRACTICE_WORDS = {
    "cabinet", "centre", "clinique", "polyclinique", "maison", "hopital", "pharmacie",
    "laboratoire", "cds", "msp", "pole", "groupe", "urgences", "sos", "institut", "dispensaire",
}  # fmt: skip
_SPECIALTY_HINT = re.compile(
    r"(logue|iste|iatre|ien|ienne|pediste|medecin|dentiste|kine|chirurg|sage-femme|infirm|"
    r"\borl\b|generaliste|osteo|orthodont|radiolog|pedicure|specialiste|veterinaire)"
)
_FORBIDDEN = re.compile(r"[<>{}\[\]*_`|#@\\=^~$]")

USAGE = "/surveiller NOM[, spécialité][, ville][; alias: A, B]"


def parse_watch(
    text: str,
) -> tuple[str, WatchKind, str | None, str | None, str | None, tuple[str, ...]]:
    """Parse the /surveiller syntax into name, kind, title, specialty, city, aliases."""
    text = _clean(text)
    aliases: tuple[str, ...] = ()
    if ";" in text:
        text, alias_part = text.split(";", 1)
        alias_part = re.sub(r"^\s*(alias|aliases|aussi)\s*:?", "", alias_part, flags=re.IGNORECASE)
        aliases = tuple(a.strip() for a in alias_part.split(",") if a.strip())
    fields = [f.strip() for f in text.split(",")]
    name = fields[0] if fields else ""
    extra = [f for f in fields[1:] if f]
    if not name:
        raise UsageError(lambda say: say.need_name())
    words = name.split()
    title = None
    if words:
        head = fold(words[0]).rstrip(".")
        if head in _TITLES and len(words) > 1:
            title = _TITLES[head]
            name = " ".join(words[1:])
    kind = WatchKind.PRACTITIONER
    if title is None and any(fold(w).strip("'’") in _PRACTICE_WORDS for w in name.split()[:2]):
        kind = WatchKind.PRACTICE
    specialty = city = None
    if len(extra) >= 2:
        specialty, city = extra[0], extra[1]
    elif len(extra) == 1:
        if _SPECIALTY_HINT.search(fold(extra[0])):
            specialty = extra[0]
        else:
            city = extra[0]
    if len(extra) > 2:
        raise UsageError(lambda say: say.too_many_fields())
    _check(name, "nom", MAX_NAME)
    for label, value in (("spécialité", specialty), ("ville", city)):
        if value:
            _check(value, label, MAX_FIELD)
    if len(aliases) > MAX_ALIASES:
        raise UsageError(lambda say: say.too_many_aliases(MAX_ALIASES))
    for alias in aliases:
        _check(alias, "alias", MAX_NAME)
    return name, kind, title, specialty, city, aliases


def _clean(text: str) -> str:
    """Drop control characters and fold runs of spaces."""
    kept = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    return " ".join(kept.split())


def _check(value: str, label: str, limit: int) -> None:
    if len(value) > limit:
        raise UsageError(lambda say: say.field_too_long(label, len(value), limit))
    if _FORBIDDEN.search(value):
        raise UsageError(lambda say: say.field_forbidden_chars(label))
    if not any(ch.isalpha() for ch in value):
        raise UsageError(lambda say: say.field_needs_letters(label))


def describe(watch: Watch, lang: str) -> list[Span]:
    """A watch on one line: bold name, then specialty, city, aliases."""
    parts: list[Span] = [b(watch.display)]
    details = [d for d in (watch.specialty, watch.city) if d]
    say = messages(lang)
    parts.append(t(say.watch_details(watch.kind is WatchKind.PRACTICE, details)))
    if watch.aliases:
        parts.append(i(say.watch_aliases(watch.aliases)))
    return parts


async def watch_by_ref(ctx: Context, ref: str) -> Watch:
    """`2` (a number from /liste) or a name → the team's watch."""
    watches = await ctx.services.store.watches.active(ctx.team)
    ref = ref.strip().lstrip("#")
    if not ref:
        raise UsageError(lambda say: say.need_watch_ref())
    if ref.isascii() and ref.isdigit():  # "²".isdigit() is true, int("²") fails
        number = int(ref)
        if 1 <= number <= len(watches):
            return watches[number - 1]
        raise UsageError(lambda say: say.no_such_watch_number(number, len(watches)))
    from bot.store import identity_key

    key = identity_key(ref)
    for watch in watches:
        if key in (identity_key(watch.name), identity_key(watch.display)):
            return watch
    candidates = [w for w in watches if key and key in identity_key(w.display)]
    if len(candidates) == 1:
        return candidates[0]
    raise UsageError(lambda say: say.no_such_watch_name(ref[:60]))


async def surveiller(ctx: Context, args: str) -> Reply:
    """Add a watched name."""
    if not args.strip():
        raise UsageError(lambda say: say.need_name())
    name, kind, title, specialty, city, aliases = parse_watch(args)
    try:
        watch = await ctx.services.store.watches.add(
            ctx.team,
            name,
            kind,
            title=title,
            specialty=specialty,
            city=city,
            aliases=aliases,
            cap=ctx.services.settings.max_watches_per_team,
        )
    except CapReached as full:
        return reply(*messages(ctx.lang).watch_cap_reached(full.cap))
    except DuplicateWatch:
        return reply(*messages(ctx.lang).watch_duplicate(name))
    await ctx.services.watchlist_changed()
    number = len(await ctx.services.store.watches.active(ctx.team))
    say = messages(ctx.lang)
    return reply(
        *say.watch_added(number),
        *describe(watch, ctx.lang),
        NL,
        *say.watch_add_source(number),
    )


async def liste(ctx: Context, args: str) -> Reply:
    """The watched names, numbered, with their sources."""
    store = ctx.services.store
    watches = await store.watches.active(ctx.team)
    if not watches:
        return reply(*messages(ctx.lang).watch_none())
    sources = await store.sources.active(ctx.team)
    say = messages(ctx.lang)
    spans: list[Span] = [b(say.watch_list_title()), NL]
    for number, watch in enumerate(watches, 1):
        spans += [t(f"{number}. "), *describe(watch, ctx.lang)]
        own = [s for s in sources if s.watch_id == watch.id]
        shared = [s for s in sources if s.watch_id is None]
        label = ", ".join(f"S{sources.index(s) + 1} {s.kind}" for s in own + shared)
        spans += [
            NL,
            t(say.watch_sources(label)),
            NL,
        ]
    return reply(*spans)


async def retirer(ctx: Context, args: str) -> Reply:
    """Stop watching a name (its mentions are kept)."""
    watch = await watch_by_ref(ctx, args)
    await ctx.services.store.watches.remove(ctx.team, watch.id)
    await ctx.services.watchlist_changed()
    return reply(*messages(ctx.lang).watch_removed(watch.display))


COMMANDS = (
    Command(
        name="surveiller",
        aliases=("watch",),
        usage=USAGE,
        summary_fr="ajoute un nom à surveiller (praticien ou cabinet)",
        summary_en="adds a name to watch (practitioner or practice)",
        handler=surveiller,
        examples=(
            "/surveiller Dr Marie Dupont, dermatologue, Lyon",
            "/surveiller Cabinet dentaire des Lilas, Nantes; alias: Dentistes des Lilas",
        ),
        details_fr=(
            "Un titre (Dr, Pr) ou un mot comme « cabinet », « centre », « clinique » indique le "
            "type. La spécialité et la ville évitent les homonymes."
        ),
        details_en=(
            "A title (Dr, Pr) or a word like “cabinet”, “centre”, “clinique” sets the kind."
        ),
    ),
    Command(
        name="liste",
        aliases=("list",),
        usage="/liste",
        summary_fr="les noms surveillés, numérotés, avec leurs sources",
        summary_en="the watched names, numbered, with their sources",
        handler=liste,
    ),
    Command(
        name="retirer",
        aliases=("unwatch",),
        usage="/retirer N|NOM",
        summary_fr="arrête la veille d'un nom (ses avis sont conservés)",
        summary_en="stops watching a name (its mentions are kept)",
        handler=retirer,
        examples=("/retirer 2", "/retirer Marie Dupont"),
    ),
)
