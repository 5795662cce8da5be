"""`/repondre #ID` from draft to published reply: edit, preview, secrecy check, confirm, publish.

Nothing reaches Google before the team has seen the exact text and confirmed it. The
medical-secrecy check runs on that final text; a refused text is published only when the team
overrides explicitly. Each draft, approval and publication is written to the mention's timeline
(the case file lists who approved and what was published).
"""

from __future__ import annotations

import hashlib
import json
import re

from bot.chat.markup import NL, b, parts, quote, reply, t
from bot.chat.types import Button, Reply, Span
from bot.commands.base import Context, UsageError
from bot.documents.secrecy import check_reply, describe_hits
from bot.messages import messages
from bot.models import StoredMention
from bot.sources import SourceError, new_client
from bot.sources.business_api import MAX_REPLY_CHARS, BusinessApi

_BUTTON = re.compile(r"^#?(\d{1,9})\.(p|ok|force|del|delok|non)(?:\.([0-9a-f]{8}))?$")
_DRAFT = re.compile(
    r"^(?:#|n°)?\s*(\d{1,9})\s*(?:=|:|texte\s*:|text\s*:)\s*(.+)$", re.DOTALL | re.IGNORECASE
)
_WORD = re.compile(r"^(?:#|n°)?\s*(\d{1,9})\s+([^\W\d_]+)\s*$", re.IGNORECASE)
_WORDS = {
    "publier": "p", "publish": "p", "accepter": "p", "accept": "p",
    "confirmer": "ok", "confirm": "ok",
    "forcer": "force", "force": "force",
    "supprimer": "del", "delete": "del", "retirer": "del",
    "annuler": "non", "cancel": "non",
}  # fmt: skip
_REVIEW_NAME = re.compile(r"^accounts/\d+/locations/\d+/reviews/[^/]+$")


def digest(text: str) -> str:
    """Eight hex characters that pin a preview to the exact text shown."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def publishable(mention: StoredMention) -> bool:
    """Only reviews read through Business Profile can receive the owner's reply."""
    return mention.source_kind == "business" and bool(_REVIEW_NAME.match(mention.external_id))


def publish_offer(ctx: Context, mention: StoredMention, draft: str | None) -> list[Span]:
    """What `/repondre #ID` adds under the guidance: how to publish from the chat."""
    say = messages(ctx.lang)
    if not publishable(mention):
        return [NL, *parts(say.reply_connect_hint())]
    return [NL, *parts(say.reply_offer(mention.id, bool(draft)))]


def publish_buttons(ctx: Context, mention: StoredMention, draft: str | None) -> tuple[Button, ...]:
    """The « Publier ce brouillon » button, when a draft can be published."""
    if not (draft and publishable(mention)):
        return ()
    label = messages(ctx.lang).reply_buttons()[0]
    return (Button(label, "repondre", f"{mention.id}.p"),)


async def publishing_step(ctx: Context, args: str) -> Reply | None:
    """Handle a publishing step of `/repondre`; None when `args` only names a mention."""
    text = args.strip()
    step: str
    new_draft: str | None = None
    pinned: str | None = None
    if match := _BUTTON.match(text):
        number, step, pinned = int(match.group(1)), match.group(2), match.group(3)
    elif match := _DRAFT.match(text):
        number, step, new_draft = int(match.group(1)), "draft", match.group(2).strip()
    elif (match := _WORD.match(text)) and match.group(2).lower() in _WORDS:
        number, step = int(match.group(1)), _WORDS[match.group(2).lower()]
    else:
        return None
    mention = await ctx.services.store.mentions.get(ctx.team, number)
    if mention is None:
        raise UsageError(lambda say: say.no_such_mention(number))
    say = messages(ctx.lang)
    if not publishable(mention):
        return reply(t(say.reply_not_publishable(number)), *parts(say.reply_connect_hint()))
    if step == "non":
        return reply(t(say.nothing_published()))
    if step == "draft":
        assert new_draft is not None
        return await _save_and_preview(ctx, mention, new_draft)
    if step == "p":
        return await _accept_guidance(ctx, mention)
    if step == "del":
        return _delete_preview(ctx, mention, await _live(ctx, mention))
    if step == "delok":
        return await _delete(ctx, mention)
    return await _publish(ctx, mention, force=step == "force", pinned=pinned)


async def _events(ctx: Context, mention: StoredMention, kind: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for _at, event_kind, detail in await ctx.services.store.mentions.events(mention.id):
        if event_kind == kind:
            try:
                data = json.loads(detail)
            except ValueError:
                continue
            if isinstance(data, dict):
                found.append(data)
    return found


async def _draft(ctx: Context, mention: StoredMention) -> str | None:
    drafts = await _events(ctx, mention, "reply_draft")
    text = drafts[-1].get("text") if drafts else None
    return text if isinstance(text, str) and text else None


async def _live(ctx: Context, mention: StoredMention) -> str | None:
    """The reply on Google now: the last one Vigie published or deleted, else the one the
    review carried when it was read (an answer written outside Vigie)."""
    states = await _events(ctx, mention, "reply_live")
    if states:
        text = states[-1].get("text")
        return text if isinstance(text, str) and text else None
    try:
        raw = json.loads(mention.raw or "{}")
    except ValueError:
        return None
    existing = raw.get("reviewReply") if isinstance(raw, dict) else None
    comment = existing.get("comment") if isinstance(existing, dict) else None
    return comment if isinstance(comment, str) and comment else None


async def _save_and_preview(ctx: Context, mention: StoredMention, text: str) -> Reply:
    text = text.strip()
    if not text:
        raise UsageError(lambda say: say.reply_text_empty())
    if len(text) > MAX_REPLY_CHARS:
        length = len(text)
        raise UsageError(lambda say: say.reply_text_too_long(length, MAX_REPLY_CHARS))
    detail = json.dumps({"text": text, "by": ctx.who}, ensure_ascii=False)
    await ctx.services.store.mentions.add_event(mention.id, "reply_draft", detail)
    return _preview(ctx, mention, text, await _live(ctx, mention))


async def _accept_guidance(ctx: Context, mention: StoredMention) -> Reply:
    from bot.clock import utcnow
    from bot.documents import DocumentRefused, reply_guidance

    settings = await ctx.services.store.teams.settings(ctx.team)
    try:
        guidance = reply_guidance(settings, mention, now=utcnow())
    except DocumentRefused as exc:
        return reply(str(exc))
    if not guidance.draft:
        return reply(*messages(ctx.lang).no_guidance_draft(mention.id))
    return await _save_and_preview(ctx, mention, guidance.draft)


def _preview(ctx: Context, mention: StoredMention, text: str, live: str | None) -> Reply:
    say = messages(ctx.lang)
    n, pin = mention.id, digest(text)
    _publish, confirm, anyway, cancel, _remove = say.reply_buttons()
    title, replaces = say.reply_preview(n, replaces=bool(live))
    spans: list[Span] = [b(title), NL, quote(text), NL]
    if live:
        spans += [t(replaces), NL, quote(live), NL]
    hits = check_reply(text)
    if hits:
        spans += parts(say.secrecy_refused(n, describe_hits(hits, ctx.lang)))
        buttons = (
            Button(anyway, "repondre", f"{n}.force.{pin}"),
            Button(cancel, "repondre", f"{n}.non"),
        )
        return reply(*spans, buttons=buttons)
    spans += parts(say.secrecy_ok(n))
    buttons = (
        Button(confirm, "repondre", f"{n}.ok.{pin}"),
        Button(cancel, "repondre", f"{n}.non"),
    )
    return reply(*spans, buttons=buttons)


def _api(ctx: Context) -> BusinessApi:
    from bot.watch.monitor import source_config

    return BusinessApi(source_config(ctx.services))


async def _publish(
    ctx: Context, mention: StoredMention, *, force: bool, pinned: str | None
) -> Reply:
    say = messages(ctx.lang)
    text = await _draft(ctx, mention)
    if text is None:
        return reply(*say.no_draft(mention.id))
    if pinned is not None and pinned != digest(text):
        current = _preview(ctx, mention, text, await _live(ctx, mention))
        return reply(b(say.draft_changed()), NL, *current.spans, buttons=current.buttons)
    hits = check_reply(text)
    if hits and not force:
        return _preview(ctx, mention, text, await _live(ctx, mention))
    api = _api(ctx)
    try:
        async with new_client(api.config) as client:
            await api.put_reply(client, mention.external_id, text)
    except SourceError as exc:
        return reply(*say.publish_failed(exc.message))
    store = ctx.services.store
    override = f" ; secret médical outrepassé ({describe_hits(hits)})" if hits else ""
    await store.mentions.add_event(
        mention.id, "reply_published", f"approuvée par {ctx.who}{override} : « {text} »"
    )
    await store.mentions.add_event(
        mention.id, "reply_live", json.dumps({"text": text, "by": ctx.who}, ensure_ascii=False)
    )
    title, note = say.reply_published(mention.id, ctx.who)
    return reply(b(title), NL, quote(text), NL, t(note))


def _delete_preview(ctx: Context, mention: StoredMention, live: str | None) -> Reply:
    say = messages(ctx.lang)
    spans: list[Span] = [b(say.reply_delete_question(mention.id))]
    if live:
        spans += [NL, quote(live)]
    _publish, _confirm, _anyway, cancel, remove = say.reply_buttons()
    buttons = (
        Button(remove, "repondre", f"{mention.id}.delok"),
        Button(cancel, "repondre", f"{mention.id}.non"),
    )
    return reply(*spans, buttons=buttons)


async def _delete(ctx: Context, mention: StoredMention) -> Reply:
    say = messages(ctx.lang)
    api = _api(ctx)
    try:
        async with new_client(api.config) as client:
            await api.delete_reply(client, mention.external_id)
    except SourceError as exc:
        return reply(*say.delete_failed(exc.message))
    store = ctx.services.store
    await store.mentions.add_event(mention.id, "reply_deleted", f"par {ctx.who}")
    await store.mentions.add_event(mention.id, "reply_live", json.dumps({"text": None}))
    return reply(t(say.reply_deleted(mention.id)))
