"""Properties of the three renderers, for any reply Hypothesis can build: Telegram HTML and
Slack mrkdwn stay valid for their platform (allowed tags only, every entity escaped, no bidi or
control character, within length limits), and the console shows no bidi or control character."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from adapters.plain import render_plain
from adapters.slack.dispatch import is_command
from adapters.slack.render import (
    MAX_ACTION_ID,
    MAX_BLOCKS,
    MAX_BUTTON_TEXT,
    MAX_BUTTON_VALUE,
    MAX_FALLBACK,
    MAX_SECTION,
    render,
)
from adapters.telegram.render import CAPTION_LIMIT, MESSAGE_LIMIT, render_caption, render_chunks
from adapters.telegram.render import units as telegram_units
from bot.chat.spantext import BIDI_CONTROLS
from bot.chat.types import Button, Reply, Span, SpanStyle, Urgency

# What a hostile review, title or author name may hold: markup of every platform, entities,
# bidi controls, control characters, line and paragraph separators, emoji, surrogates' kin.
NASTY = [
    "<b>", "</b>", "<a href='javascript:alert(1)'>", "<!channel>", "<!here>", "<@U0BOSS>",
    "<#C0GENERAL>", "<http://evil.example|ici>", "&amp;", "&lt;", "&#x27;", "&", "<", ">", "*",
    "_", "`", "~", "|", "```", "> ", "\n", "\r\n", "\r", "\t", "\x00", "\x07", "\x1b[31m",
    "\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\ufffe", "\u200b", "\u200d", "👨‍👩‍👧",
    "🚨", "é", "ﷺ", "עברית", "/liste", "/vigie aide", "http://", "https://x.fr/a?b=1&c=<2>",
    *BIDI_CONTROLS,
]  # fmt: skip

texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=20)), max_size=40).map("".join),
    # Long texts, cheaply: a short piece repeated, so cuts and limits are exercised.
    st.tuples(st.sampled_from(NASTY) | st.text(min_size=1, max_size=12), st.integers(50, 900)).map(
        lambda pair: pair[0] * pair[1]
    ),
)
urls = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "https://www.exemple.fr/avis?id=3&x=<y>",
            "http://exemple.fr/a b",
            "javascript:alert(1)",
            "https://exemple.fr/\u202egpj.exe",
            "https://exemple.fr/|pipe>",
            "ftp://exemple.fr/",
            "https://" + "x" * 3000 + ".fr/",
            "",
        ]
    ),
    texts,
)
spans = st.builds(Span, texts, st.sampled_from(list(SpanStyle)), urls)
buttons = st.builds(
    Button,
    texts,
    st.one_of(st.sampled_from(["capture", "traite", "assureur"]), st.text(max_size=40)),
    st.text(max_size=250),
)
replies = st.builds(
    Reply,
    spans=st.lists(spans, max_size=30).map(tuple),
    buttons=st.lists(buttons, max_size=8).map(tuple),
    urgency=st.sampled_from(list(Urgency)),
)

_ALLOWED_TAGS = {"b", "i", "code", "a", "blockquote"}
_TELEGRAM_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|#x27);)")
_SLACK_ENTITY = re.compile(r"&(?!(?:amp|lt|gt);)")
_SLACK_LINK = re.compile(r"<(https?://[^\s<>|]+)\|([^<>]*)>")
_FORBIDDEN = (
    set(BIDI_CONTROLS)
    | {chr(c) for c in range(32) if chr(c) not in "\n\t"}
    | {chr(c) for c in range(0x7F, 0xA0)}
)


class _TagChecker(HTMLParser):
    """Records every tag Telegram would see, and whether they nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if [name for name, _ in attrs] != ["href"] or urlsplit(href).scheme not in (
                "http",
                "https",
            ):
                self.problems.append(f"link {attrs!r}")
        elif attrs:
            self.problems.append(f"attributes on <{tag}>")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/>")

    def handle_decl(self, decl: str) -> None:
        self.problems.append("declaration")

    def handle_comment(self, data: str) -> None:
        self.problems.append("comment")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("unknown declaration")


def _no_forbidden(text: str) -> None:
    found = sorted({f"U+{ord(ch):04X}" for ch in text if ch in _FORBIDDEN})
    assert not found, found


@given(replies)
def test_telegram_html_is_valid_escaped_clean_and_within_limits(reply: Reply) -> None:
    chunks = render_chunks(reply)
    for chunk in chunks:
        assert 0 < telegram_units(chunk) <= MESSAGE_LIMIT
        checker = _TagChecker()
        checker.feed(chunk)
        checker.close()
        assert checker.problems == [] and checker.stack == [], (checker.problems, chunk[:300])
        text_only = re.sub(r"<[^>]*>", "", chunk)
        assert "<" not in text_only and ">" not in text_only
        assert not _TELEGRAM_ENTITY.search(chunk)
        _no_forbidden(chunk)


@given(texts)
def test_telegram_captions_are_plain_escaped_and_within_the_caption_limit(text: str) -> None:
    caption, _cut = render_caption(text)
    assert "<" not in caption and ">" not in caption
    assert not _TELEGRAM_ENTITY.search(caption)
    _no_forbidden(caption)
    unescaped = caption.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert telegram_units(unescaped) <= CAPTION_LIMIT


def _check_mrkdwn(text: str, limit: int) -> None:
    assert len(text) <= limit
    _no_forbidden(text)
    assert not _SLACK_ENTITY.search(text), text[:300]
    outside_links = _SLACK_LINK.sub("", text)
    for line in outside_links.split("\n"):
        content = line[1:] if line.startswith(">") else line  # a block quote's marker
        assert "<" not in content and ">" not in content, text[:300]
    for url, _label in _SLACK_LINK.findall(text):
        assert urlsplit(url.replace("&amp;", "&")).scheme in ("http", "https")


@given(replies)
def test_slack_blocks_are_valid_escaped_clean_and_within_limits(reply: Reply) -> None:
    message = render(reply, is_command=is_command)
    assert len(message.blocks) <= MAX_BLOCKS
    _check_mrkdwn(message.text.removeprefix("🚨 "), MAX_FALLBACK)
    assert message.text.strip()
    for block in message.blocks:
        if block["type"] == "section":
            assert block["text"]["verbatim"] is True
            _check_mrkdwn(block["text"]["text"], MAX_SECTION)
        elif block["type"] == "actions":
            assert len(block["elements"]) <= 25
            for element in block["elements"]:
                label = element["text"]["text"]
                assert 0 < len(label) <= MAX_BUTTON_TEXT
                _no_forbidden(label)
                assert len(element["value"]) <= MAX_BUTTON_VALUE
                assert len(element["action_id"]) <= MAX_ACTION_ID
        else:
            assert block["type"] == "context"


@given(replies)
def test_console_text_carries_no_bidi_or_control_character(reply: Reply) -> None:
    _no_forbidden(render_plain(reply))
