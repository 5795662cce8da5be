"""Properties of command parsing, for any text Hypothesis can type: the parsers return or raise
`UsageError` (a polite message), never anything else; and the real router, over the real
store, never answers « erreur interne » and always answers something every platform renders."""

from __future__ import annotations

import logging
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.plain import render_plain
from adapters.slack.dispatch import is_command
from adapters.slack.render import render as render_slack
from adapters.telegram.render import render_chunks
from bot.chat.spantext import BIDI_CONTROLS
from bot.commands.args import key_values, mention_ref, split_first
from bot.commands.base import UsageError
from bot.commands.registry import all_commands, find_command
from bot.commands.watchlist import MAX_ALIASES, MAX_FIELD, MAX_NAME, parse_watch
from bot.messages import messages
from bot.router import Router, clean_text, split_command
from bot.store import normalise_code
from tests.harness import ChatHarness

NASTY = [
    "/", "@", "@VigieBot", "#", "n°", ",", ";", "alias:", "=", '"', "«", "»", "'", "\\", "<", ">",
    "&", "*", "_", "`", "|", "\n", "\r", "\t", "\x00", "\x85", "\u2028", "\ufeff", "\u200b",
    "é", "É", "ß", "ﬁ", "İ", "Dr", "Pr", "cabinet", "confirmer", "K7P-2QX", "999999999999",
    "-1", "0", "12", " ", "  ", "🚨", *BIDI_CONTROLS,
]  # fmt: skip
pieces = st.one_of(st.sampled_from(NASTY), st.text(max_size=12))
typed = st.one_of(st.text(max_size=200), st.lists(pieces, max_size=30).map("".join))

# Commands that stay on this machine (no DNS, no browser): the others are covered elsewhere.
LOCAL = [
    "aide", "help", "start", "rejoindre", "join", "surveiller", "watch", "liste", "retirer",
    "avis", "traite", "assureur", "signaler", "repondre", "reglages", "statut", "inconnu", "",
]  # fmt: skip
SOURCE_WORDS = ["", "retirer", "remove", "actus", "news", "google", "places", "fiche", "zzz"]
command_lines = st.one_of(
    st.tuples(st.sampled_from(LOCAL), typed).map(lambda p: f"/{p[0]} {p[1]}"),
    st.tuples(st.sampled_from(SOURCE_WORDS), typed).map(lambda p: f"/source {p[0]} {p[1]}"),
    typed,
)


@given(typed)
def test_cleaning_and_splitting_never_raise(text: str) -> None:
    cleaned = clean_text(text)
    assert all(ch in "\n\t" or not unicodedata.category(ch).startswith("C") for ch in cleaned), (
        ascii(cleaned)
    )
    word, args = split_command(cleaned)
    assert not any(ch.isspace() for ch in word)
    assert args == args.strip()
    command, suggestion = find_command(word)
    assert command is None or command in all_commands()
    assert suggestion is None or isinstance(suggestion, str)
    code = normalise_code(text)
    assert len(code) <= 3 * len(text) + 1  # upper() may expand a letter (ß → SS), a dash added


@given(typed)
def test_parse_watch_returns_a_clean_watch_or_a_usage_error(text: str) -> None:
    try:
        name, _kind, title, specialty, city, aliases = parse_watch(text)
    except UsageError as exc:
        assert str(exc)
        return
    assert name and len(name) <= MAX_NAME and title in (None, "Dr", "Pr", "M.", "Mme")
    assert len(aliases) <= MAX_ALIASES
    for value in (name, specialty, city, *aliases):
        if value:
            assert not any(ch in value for ch in "<>{}[]*_`|#@\\=^~$")
            assert all(not unicodedata.category(ch).startswith("C") for ch in value)
    for value in (specialty, city):
        assert value is None or len(value) <= MAX_FIELD


@given(typed)
def test_argument_helpers_return_or_raise_usage_errors_only(text: str) -> None:
    for parse in (mention_ref, key_values, split_first):
        try:
            parse(text)
        except UsageError as exc:
            assert str(exc)


@pytest.fixture
def quiet_router_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.ERROR, logger="bot.router")
    return caplog


@given(command_lines)
async def test_the_router_answers_any_command_line_without_internal_error(
    chat: ChatHarness,
    stranger: ChatHarness,
    router: Router,
    quiet_router_log: pytest.LogCaptureFixture,
    line: str,
) -> None:
    failure = messages("fr").internal_error()
    for harness in (chat, stranger):
        replies = await harness.say(line)
        assert replies, line
        for reply in replies:
            shown = render_plain(reply)
            assert failure not in shown, (line, quiet_router_log.text)
            render_chunks(reply)
            render_slack(reply, is_command=is_command)
    assert not [r for r in quiet_router_log.records if r.levelno >= logging.ERROR]
