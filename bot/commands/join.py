"""/rejoindre: binding a chat to the team that issued the code, with wrong codes rate-limited."""

from __future__ import annotations

from datetime import timedelta

from bot.chat.markup import reply
from bot.chat.types import Reply
from bot.commands.args import fold
from bot.commands.base import Command, Context, UsageError
from bot.messages import messages
from bot.store import normalise_code
from bot.store.teams import JoinOutcome

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


_CONFIRM_WORDS = frozenset({"confirmer", "confirme", "confirm", "oui", "yes"})


def _split_confirmation(raw: str) -> tuple[str, bool]:
    """`K7P-2QX confirmer` → ("K7P-2QX", True); the confirmation word may come first or last."""
    words = raw.split()
    confirm = False
    if len(words) > 1 and fold(words[-1]) in _CONFIRM_WORDS:
        confirm, words = True, words[:-1]
    elif len(words) > 1 and fold(words[0]) in _CONFIRM_WORDS:
        confirm, words = True, words[1:]
    return " ".join(words), confirm


async def rejoindre(ctx: Context, args: str) -> Reply:
    """Bind this chat to a team with a code from `vigie invite`."""
    raw, confirm = _split_confirmation(args.strip())
    if not raw:
        raise UsageError(lambda say: say.need_join_code())
    if len(raw) > 20:
        raise UsageError(lambda say: say.join_code_shape())
    store = ctx.services.store
    msg = ctx.incoming
    result = await store.teams.redeem(
        normalise_code(raw),
        msg.platform,
        msg.chat_id,
        by=ctx.who,
        workspace=msg.workspace_id,
        confirm_move=confirm,
        max_failures=MAX_FAILURES,
        window=FAILURE_WINDOW,
    )
    say = messages(ctx.lang)
    if result.outcome is JoinOutcome.LOCKED:
        return reply(say.join_locked())
    if result.outcome is JoinOutcome.INVALID or result.team_id is None:
        return reply(*say.join_invalid())
    team_id = result.team_id
    if result.outcome is JoinOutcome.OTHER_WORKSPACE:
        return reply(say.join_other_workspace())
    if result.outcome is JoinOutcome.ALREADY:
        return reply(*say.join_already((await store.teams.settings(team_id)).team_name))
    if result.outcome is JoinOutcome.NEEDS_CONFIRMATION:
        leaving = await store.teams.settings(result.previous_team_id or 0)
        joining = await store.teams.settings(team_id)
        command = f"/rejoindre {normalise_code(raw)} confirmer"
        return reply(*say.join_confirm_move(leaving.team_name, joining.team_name, command))
    settings = await store.teams.settings(team_id)
    left = await _previous_name(ctx, result.previous_team_id)
    return reply(*say.join_done(settings.team_name, say.join_left(left) if left else ()))


async def _previous_name(ctx: Context, team_id: int | None) -> str:
    """The name of the team a chat just left ("" when it was not bound)."""
    if team_id is None:
        return ""
    return (await ctx.services.store.teams.settings(team_id)).team_name


COMMANDS = (
    Command(
        name="rejoindre",
        aliases=("join",),
        usage="/rejoindre CODE [confirmer]",
        summary_fr="relie cette conversation à l'équipe qui a émis le code (vigie invite)",
        summary_en="binds this chat to the team that issued the code (vigie invite)",
        handler=rejoindre,
        examples=("/rejoindre K7P-2QX", "/rejoindre K7P-2QX confirmer"),
        needs_team=False,
    ),
)
