"""/capture: an evidence capture of a page or of a mention, recorded and sent back as files."""

from __future__ import annotations

import re

from bot.chat.markup import reply
from bot.chat.types import Reply
from bot.commands.args import mention_ref
from bot.commands.base import Command, Context, UsageError
from bot.messages import messages
from bot.models import StoredMention

# « Capture en attente (2 avant la vôtre)… »: the number of captures ahead.
_AHEAD = re.compile(r"\((\d+) ")


async def capture(ctx: Context, args: str) -> Reply:
    """Capture a URL, or the page of mention #ID."""
    # Playwright loads on the first capture, not at start-up (idle memory).
    from bot.capture import CaptureBusyError
    from bot.capture.evidence import capture_reply, capture_service, operator_of, take_capture

    say = messages(ctx.lang)
    target = args.strip()
    if not target:
        raise UsageError(lambda say: say.need_url_or_mention())
    mention: StoredMention | None = None
    url: str | None = target
    if target.startswith("#") or target.isdigit() or target.lower().startswith("n°"):
        mention_id = mention_ref(target)
        mention = await ctx.services.store.mentions.get(ctx.team, mention_id)
        if mention is None:
            raise UsageError(lambda say: say.no_such_mention(mention_id))
        url = mention.url

    async def progress(text: str) -> None:
        # The engine says how many captures are ahead, in French; the team reads its language.
        ahead = _AHEAD.search(text)
        said = say.capture_waiting(int(ahead.group(1))) if ahead else say.capture_running()
        await ctx.say(reply("⏳ " + said))

    try:
        result, capture_id = await take_capture(
            ctx.services,
            ctx.team,
            url,
            mention=mention,
            requested_by=ctx.who,
            operator=operator_of(
                ctx.incoming.platform, ctx.incoming.user_id, ctx.incoming.user_name
            ),
            on_progress=progress,
        )
    except CaptureBusyError:
        engine = capture_service(ctx.services)
        return reply(say.capture_busy(engine.max_queue + engine.max_concurrent))
    return capture_reply(result, capture_id, mention, ctx.lang)


COMMANDS = (
    Command(
        name="capture",
        aliases=("capturer",),
        usage="/capture URL|#ID",
        summary_fr="capture probante d'une page ou d'un avis (image, PDF, HTML, WARC, SHA-256)",
        summary_en="an evidence capture of a page or of a mention",
        handler=capture,
        examples=("/capture #12", "/capture https://www.exemple.fr/avis/123"),
        details_fr=(
            "Le lot (ZIP) contient l'image pleine page avec l'adresse et l'heure UTC, le PDF, le "
            "HTML, l'enregistrement WARC et les empreintes SHA-256 ; « vigie verify LOT.zip » "
            "les revérifie. Les avis à risque juridique sont capturés automatiquement."
        ),
        slow=True,
    ),
)
