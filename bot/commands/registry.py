"""Every command of COMMANDS.md, found by French name or English alias, typed loosely."""

from __future__ import annotations

import difflib
from functools import cache

from bot.commands import (
    audit,
    capture_cmd,
    join,
    letters_cmd,
    listing_choice,
    reviews,
    sources_cmd,
    status,
    team_settings,
    watchlist,
)
from bot.commands import help as help_cmd
from bot.commands.args import fold
from bot.commands.base import Command

_MODULES = (
    help_cmd,
    join,
    watchlist,
    sources_cmd,
    listing_choice,
    reviews,
    capture_cmd,
    letters_cmd,
    audit,
    team_settings,
    status,
)
_EXTRA: list[Command] = []


def register(*commands: Command) -> None:
    """Add commands from an optional engine (captures, letters, sources…)."""
    _EXTRA.extend(c for c in commands if c.name not in {x.name for x in _EXTRA})
    _index.cache_clear()


def all_commands() -> list[Command]:
    """Every registered command, core ones first."""
    core = [c for module in _MODULES for c in module.COMMANDS]
    return core + [c for c in _EXTRA if c.name not in {x.name for x in core}]


def visible_commands(*, bound: bool) -> list[Command]:
    """What /aide lists: everything for a bound chat, the joining commands otherwise."""
    return [c for c in all_commands() if bound or not c.needs_team]


@cache
def _index() -> dict[str, Command]:
    index: dict[str, Command] = {}
    for command in all_commands():
        for name in (command.name, *command.aliases):
            index[fold(name)] = command
    return index


def find_command(word: str) -> tuple[Command | None, str | None]:
    """The command for a typed word, or None and the closest name to suggest."""
    key = fold(word)
    index = _index()
    if key in index:
        return index[key], None
    close = difflib.get_close_matches(key, list(index), n=1, cutoff=0.6)
    return None, (index[close[0]].name if close else None)


class _Registry:
    """The module's functions as a `CommandBook` for handlers (so /aide needs no import back)."""

    def find(self, word: str) -> tuple[Command | None, str | None]:
        """The command for a typed word, or None and the closest name to suggest."""
        return find_command(word)

    def visible(self, *, bound: bool) -> list[Command]:
        """What /aide lists."""
        return visible_commands(bound=bound)


BOOK = _Registry()
