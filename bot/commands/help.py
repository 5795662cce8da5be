"""/aide: the command list, or one command's help with examples."""

from __future__ import annotations

from bot.chat.markup import NL, b, code, reply, t
from bot.chat.types import Reply, Span
from bot.commands.base import Command, Context


def command_help(command: Command, lang: str) -> list[Span]:
    """One command's usage, description, details and examples."""
    spans: list[Span] = [code(command.usage), t(" — " + command.summary(lang))]
    alias = ", ".join("/" + a for a in command.aliases)
    if alias:
        spans += [NL, t(("alias : " if lang != "en" else "alias: ") + alias)]
    details = command.details_en if lang == "en" else command.details_fr
    if details:
        spans += [NL, t(details)]
    if command.examples:
        spans += [NL, b("Exemples" if lang != "en" else "Examples")]
        for example in command.examples:
            spans += [NL, code(example)]
    return spans


async def aide(ctx: Context, args: str) -> Reply:
    """The list of commands, or the help of one."""
    wanted = args.strip().lstrip("/")
    if wanted:
        command, suggestion = ctx.commands.find(wanted.split()[0])
        if command is not None:
            return reply(*command_help(command, ctx.lang))
        hint = f" Vouliez-vous dire /{suggestion} ?" if suggestion else ""
        return reply(ctx.tr(f"Commande inconnue.{hint} La liste : ", "Unknown command. The list: "),
                     code("/aide"))  # fmt: skip
    spans: list[Span] = [b(ctx.tr("Commandes de Vigie", "Vigie commands")), NL]
    for command in ctx.commands.visible(bound=ctx.team_id is not None):
        spans += [code("/" + command.name), t(" — " + command.summary(ctx.lang)), NL]
    spans += [
        NL,
        t(ctx.tr("Détail et exemples : ", "Details and examples: ")),
        code("/aide surveiller"),
    ]
    return reply(*spans)


COMMANDS = (
    Command(
        name="aide",
        aliases=("help", "start"),
        usage="/aide [commande]",
        summary_fr="la liste des commandes, ou l'aide d'une commande avec exemples",
        summary_en="the command list, or one command's help with examples",
        handler=aide,
        examples=("/aide", "/aide surveiller"),
        needs_team=False,
    ),
)
