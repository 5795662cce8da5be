"""`/source page URL` without a selector: read the page once before adding it.

The team learns at once whether the page publishes its reviews as schema.org data; when it
does not, the answer says so and asks for a selector with an example, and nothing is added.
"""

from __future__ import annotations

from bot.chat.markup import reply
from bot.chat.types import Reply
from bot.commands.base import Context
from bot.messages import messages
from bot.sources import ContentError, SourceConfig, SourceError, SourceSpec, SourceState, new_client
from bot.sources.page import PageSource


async def schema_org_refusal(ctx: Context, config: SourceConfig, url: str) -> Reply | None:
    """None when the page carries schema.org reviews; otherwise the answer to give."""
    source = PageSource(config)
    spec = SourceSpec(0, ctx.team, "page", url, None, None)
    try:
        async with new_client(config) as client:
            await source.fetch(client, spec, SourceState())
    except ContentError as exc:
        return reply(*messages(ctx.lang).schema_refusal(exc.message, url))
    except SourceError as exc:
        return reply(*messages(ctx.lang).page_unreachable(exc.message))
    return None
