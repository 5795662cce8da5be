"""/aide: the command list, or one command's help with examples."""

from __future__ import annotations

from bot.chat.markup import NL, b, code, reply, t
from bot.chat.types import Reply, Span
from bot.commands.base import Command, Context
from bot.messages import messages


def command_help(command: Command, lang: str) -> list[Span]:
    """One command's usage, description, details and examples."""
    spans: list[Span] = [code(command.usage), t(" — " + command.summary(lang))]
    alias = ", ".join("/" + a for a in command.aliases)
    if alias:
        spans += [NL, t(messages(lang).alias_line(alias))]
    details = command.details_en if lang == "en" else command.details_fr
    if details:
        spans += [NL, t(details)]
    if command.examples:
        spans += [NL, b(messages(lang).examples_title())]
        for example in command.examples:
            spans += [NL, code(example)]
    return spans


async def aide(ctx: Context, args: str) -> Reply:
    """The list of commands, or the help of one."""
    say = messages(ctx.lang)
    wanted = args.strip().lstrip("/")
    if wanted:
        command, suggestion = ctx.commands.find(wanted.split()[0])
        if command is not None:
            return reply(*command_help(command, ctx.lang))
        return reply(say.help_unknown_command(suggestion), code("/aide"))
    spans: list[Span] = [b(say.commands_title()), NL]
    for command in ctx.commands.visible(bound=ctx.team_id is not None):
        spans += [code("/" + command.name), t(" — " + command.summary(ctx.lang)), NL]
    spans += [
        NL,
        t(say.details_and_examples()),
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
