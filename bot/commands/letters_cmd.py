"""/assureur, /signaler, /repondre, /dossier: the documents a practice sends, filled in for it."""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path

from bot.chat.markup import NL, b, reply, t
from bot.chat.types import Attachment, Reply
from bot.clock import utcnow
from bot.commands.args import fold, mention_ref
from bot.commands.base import Command, Context, UsageError
from bot.documents import (
    EVENT_KINDS,
    DocumentRefused,
    Letter,
    case_file,
    coverage_letter,
    insurer_letter,
    platform_notice,
    reply_guidance,
)
from bot.documents.appearances import appearance_facts, case_members, timeline_events
from bot.messages import messages
from bot.models import StoredMention


def team_dir(ctx: Context, *parts: str) -> Path:
    """Where a team's generated files go, under VIGIE_DATA_DIR."""
    return ctx.services.settings.data_dir.joinpath("teams", str(ctx.team), *parts)


async def _mention(ctx: Context, args: str) -> StoredMention:
    if not args.strip():
        raise UsageError(lambda say: say.need_mention())
    mention_id = mention_ref(args)
    mention = await ctx.services.store.mentions.get(ctx.team, mention_id)
    if mention is None:
        raise UsageError(lambda say: say.no_such_mention(mention_id))
    return mention


def _letter_reply(letter: Letter, attachments: tuple[Attachment, ...]) -> list[Reply]:
    return [reply(t(letter.chat_text)), reply(b(letter.subject), attachments=attachments)]


async def assureur(ctx: Context, args: str) -> list[Reply]:
    """The insurer-contact letter for a mention, or the coverage question (`garantie`)."""
    store = ctx.services.store
    settings = await store.teams.settings(ctx.team)
    now = utcnow()
    if fold(args.strip()) in ("garantie", "coverage", "couverture"):
        try:
            letter = await asyncio.to_thread(coverage_letter, settings, now=now)
        except DocumentRefused as exc:
            return [reply(str(exc))]
        attachments = await asyncio.to_thread(letter.save, team_dir(ctx, "courriers", "garantie"))
        return _letter_reply(letter, attachments)
    mention = await _mention(ctx, args)
    captures = await store.captures.for_mention(ctx.team, mention.id)
    members = await case_members(store, ctx.team, mention)
    seen = appearance_facts(members, settings.language)
    try:
        letter = await asyncio.to_thread(
            partial(insurer_letter, appearances=seen), settings, mention, captures, now=now
        )
    except DocumentRefused as exc:
        return [reply(str(exc))]
    folder = team_dir(ctx, "courriers", str(mention.id))
    attachments = await asyncio.to_thread(letter.save, folder)
    await store.mentions.add_event(mention.id, "insurer_letter", ctx.who)
    return _letter_reply(letter, attachments)


async def signaler(ctx: Context, args: str) -> list[Reply]:
    """The DSA art. 16 notice to the platform for a mention."""
    store = ctx.services.store
    mention = await _mention(ctx, args)
    settings = await store.teams.settings(ctx.team)
    captures = await store.captures.for_mention(ctx.team, mention.id)
    try:
        letter = await asyncio.to_thread(platform_notice, settings, mention, captures, now=utcnow())
    except DocumentRefused as exc:
        return [reply(str(exc))]
    attachments = await asyncio.to_thread(letter.save, team_dir(ctx, "courriers", str(mention.id)))
    await store.mentions.add_event(mention.id, "platform_notice", ctx.who)
    return _letter_reply(letter, attachments)


async def repondre(ctx: Context, args: str) -> Reply:
    """Reply guidance that respects medical secrecy, and publishing it (Business Profile)."""
    from bot.commands.reply_publish import publish_buttons, publish_offer, publishing_step

    step = await publishing_step(ctx, args)
    if step is not None:
        return step
    store = ctx.services.store
    mention = await _mention(ctx, args)
    settings = await store.teams.settings(ctx.team)
    try:
        guidance = reply_guidance(settings, mention, now=utcnow())
    except DocumentRefused as exc:
        return reply(str(exc))
    await store.mentions.add_event(mention.id, "reply_guidance", ctx.who)
    return reply(
        t(guidance.text),
        *publish_offer(ctx, mention, guidance.draft),
        buttons=publish_buttons(ctx, mention, guidance.draft),
    )


async def dossier(ctx: Context, args: str) -> Reply:
    """The case file (ZIP) for the insurer or a lawyer."""
    store = ctx.services.store
    mention = await _mention(ctx, args)
    settings = await store.teams.settings(ctx.team)
    captures = await store.captures.for_mention(ctx.team, mention.id)
    now = utcnow()
    letters: list[Letter] = []
    members = await case_members(store, ctx.team, mention)
    seen = appearance_facts(members, settings.language)
    for make in (partial(insurer_letter, appearances=seen), platform_notice):
        try:
            letters.append(await asyncio.to_thread(make, settings, mention, captures, now=now))
        except DocumentRefused:
            continue  # the case file lists what exists; the letters say what is missing
    timeline = [e for e in await store.mentions.events(mention.id) if e[1] in EVENT_KINDS]
    timeline += timeline_events(members)
    path = await asyncio.to_thread(
        case_file,
        settings,
        mention,
        captures,
        letters,
        timeline,
        out_dir=team_dir(ctx, "dossiers"),
        now=now,
    )
    say = messages(ctx.lang)
    attachment = Attachment(path, path.name, "application/zip", say.casefile_caption(mention.id))
    return reply(
        b(say.casefile_caption(mention.id)),
        NL,
        t(say.casefile_summary(len(captures), len(letters), len(letters) == 2)),
        attachments=(attachment,),
    )


COMMANDS = (
    Command(
        name="assureur",
        aliases=("insurer",),
        usage="/assureur #ID | /assureur garantie",
        summary_fr="le courrier à l'assureur RCP pour un avis, ou la question de la garantie",
        summary_en="the insurer-contact letter for a mention, or the coverage question",
        handler=assureur,
        examples=("/assureur 12", "/assureur garantie"),
        details_fr="Renseignez d'abord /reglages praticien et /reglages assureur.",
    ),
    Command(
        name="signaler",
        aliases=("report",),
        usage="/signaler #ID",
        summary_fr="le signalement à la plateforme (DSA art. 16) pour un avis",
        summary_en="the notice to the platform (DSA art. 16) for a mention",
        handler=signaler,
        examples=("/signaler 12",),
    ),
    Command(
        name="repondre",
        aliases=("reply",),
        usage="/repondre #ID [= texte | publier | forcer | supprimer]",
        summary_fr="conseils de réponse respectant le secret médical, et publication sur Google",
        summary_en="reply guidance that respects medical secrecy, and publishing it on Google",
        handler=repondre,
        examples=(
            "/repondre 12",
            "/repondre 12 = Merci pour votre message.",
            "/repondre 12 supprimer",
        ),
        details_fr=(
            "Pour un avis lu par Google Business Profile, Vigie montre le texte exact, vérifie "
            "le secret médical, et ne publie qu'après confirmation."
        ),
    ),
    Command(
        name="dossier",
        aliases=("case",),
        usage="/dossier #ID",
        summary_fr="le dossier (ZIP) pour l'assureur ou un avocat : avis, captures, courriers",
        summary_en="the case file (ZIP) for the insurer or a lawyer",
        handler=dossier,
        examples=("/dossier 12",),
        slow=True,
    ),
)
