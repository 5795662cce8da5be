"""/rejoindre: binding a chat to the team that issued the code, with wrong codes rate-limited."""

from __future__ import annotations

from datetime import timedelta

from bot.chat.markup import NL, b, code, reply
from bot.chat.types import Reply
from bot.clock import utcnow
from bot.commands.base import Command, Context, UsageError
from bot.store import normalise_code

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


async def rejoindre(ctx: Context, args: str) -> Reply:
    """Bind this chat to a team with a code from `vigie invite`."""
    raw = args.strip()
    if not raw:
        raise UsageError("Indiquez le code donné par la personne qui gère le serveur Vigie.")
    store = ctx.services.store
    msg = ctx.incoming
    failures = await store.teams.recent_failures(
        msg.platform, msg.chat_id, utcnow() - FAILURE_WINDOW
    )
    if failures >= MAX_FAILURES:
        return reply(
            ctx.tr(
                "Trop de codes erronés : réessayez dans 15 minutes avec un nouveau code "
                "(commande « vigie invite » sur le serveur).",
                "Too many wrong codes: try again in 15 minutes with a new code "
                "(« vigie invite » on the server).",
            )
        )
    if len(raw) > 20:
        raise UsageError("Un code ressemble à K7P-2QX.")
    team_id = await store.teams.redeem(
        normalise_code(raw),
        msg.platform,
        msg.chat_id,
        by=ctx.who,
        workspace=msg.workspace_id,
    )
    if team_id is None:
        return reply(
            ctx.tr(
                "Ce code n'est pas valable (inconnu, déjà utilisé ou expiré). Demandez un nouveau "
                "code à la personne qui gère le serveur : ",
                "This code is not valid (unknown, used or expired). Ask for a new one: ",
            ),
            code("vigie invite"),
            ".",
        )
    settings = await store.teams.settings(team_id)
    return reply(
        "✅ ",
        ctx.tr(
            "Cette conversation reçoit désormais les alertes de l'équipe ",
            "This chat now receives the alerts of team ",
        ),
        b(settings.team_name),
        ".",
        NL,
        ctx.tr("Pour commencer : ", "To start: "),
        code("/surveiller Dr Marie Dupont, dermatologue, Lyon"),
        ctx.tr(", puis ", ", then "),
        code("/aide"),
        ".",
    )


COMMANDS = (
    Command(
        name="rejoindre",
        aliases=("join",),
        usage="/rejoindre CODE",
        summary_fr="relie cette conversation à l'équipe qui a émis le code (vigie invite)",
        summary_en="binds this chat to the team that issued the code (vigie invite)",
        handler=rejoindre,
        examples=("/rejoindre K7P-2QX",),
        needs_team=False,
    ),
)
