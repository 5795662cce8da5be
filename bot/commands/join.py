"""/rejoindre: binding a chat to the team that issued the code, with wrong codes rate-limited."""

from __future__ import annotations

from datetime import timedelta

from bot.chat.markup import NL, b, code, reply
from bot.chat.types import Reply
from bot.commands.args import fold
from bot.commands.base import Command, Context, UsageError
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
        raise UsageError("Indiquez le code donné par la personne qui gère le serveur Vigie.")
    if len(raw) > 20:
        raise UsageError("Un code ressemble à K7P-2QX.")
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
    if result.outcome is JoinOutcome.LOCKED:
        return reply(
            ctx.tr(
                "Trop de codes erronés : réessayez dans 15 minutes avec un nouveau code "
                "(commande « vigie invite » sur le serveur).",
                "Too many wrong codes: try again in 15 minutes with a new code "
                "(« vigie invite » on the server).",
            )
        )
    if result.outcome is JoinOutcome.INVALID or result.team_id is None:
        return reply(
            ctx.tr(
                "Ce code n'est pas valable (inconnu, déjà utilisé ou expiré). Demandez un nouveau "
                "code à la personne qui gère le serveur : ",
                "This code is not valid (unknown, used or expired). Ask for a new one: ",
            ),
            code("vigie invite"),
            ".",
        )
    team_id = result.team_id
    if result.outcome is JoinOutcome.OTHER_WORKSPACE:
        return reply(
            ctx.tr(
                "Demande refusée : cette conversation est reliée à Vigie depuis un autre espace "
                "de travail ; seul celui-ci peut la relier à une autre équipe. Le code n'a pas "
                "été utilisé.",
                "Request refused: this chat is bound to Vigie from another workspace; only that "
                "workspace can move it to another team. The code was not used.",
            )
        )
    if result.outcome is JoinOutcome.ALREADY:
        name = (await store.teams.settings(team_id)).team_name
        return reply(
            ctx.tr(
                "Cette conversation est déjà reliée à l'équipe ",
                "This chat is already bound to team ",
            ),
            b(name),
            ctx.tr(" ; le code n'a pas été utilisé.", "; the code was not used."),
        )
    if result.outcome is JoinOutcome.NEEDS_CONFIRMATION:
        leaving = await store.teams.settings(result.previous_team_id or 0)
        joining = await store.teams.settings(team_id)
        return reply(
            "⚠️ ",
            ctx.tr("Cette conversation est reliée à l'équipe ", "This chat is bound to team "),
            b(leaving.team_name),
            ctx.tr(". La relier à l'équipe ", ". Binding it to team "),
            b(joining.team_name),
            ctx.tr(
                " lui fait quitter l'équipe ",
                " makes it leave team ",
            ),
            b(leaving.team_name),
            ctx.tr(
                " : elle n'en recevra plus les alertes. Pour confirmer, tapez ",
                ": it will no longer receive its alerts. To confirm, type ",
            ),
            code(f"/rejoindre {normalise_code(raw)} confirmer"),
            ctx.tr(" (le code reste valable d'ici là).", " (the code stays valid until then)."),
        )
    settings = await store.teams.settings(team_id)
    return reply(
        "✅ ",
        ctx.tr(
            "Cette conversation reçoit désormais les alertes de l'équipe ",
            "This chat now receives the alerts of team ",
        ),
        b(settings.team_name),
        *(
            (ctx.tr(" ; elle a quitté l'équipe ", "; it left team "), b(left))
            if (left := await _previous_name(ctx, result.previous_team_id))
            else ()
        ),
        ".",
        NL,
        ctx.tr("Pour commencer : ", "To start: "),
        code("/surveiller Dr Marie Dupont, dermatologue, Lyon"),
        ctx.tr(", puis ", ", then "),
        code("/aide"),
        ".",
    )


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
