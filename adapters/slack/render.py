"""A `Reply` as Slack Block Kit: every span escaped, so review text can never ping or link."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote as percent_quote
from urllib.parse import urlsplit

from bot.chat.types import Button, Reply, Span, SpanStyle, Urgency

# Block Kit limits (docs.slack.dev/reference/block-kit).
MAX_SECTION = 3_000
MAX_BLOCKS = 50
MAX_ACTIONS_PER_BLOCK = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2_000
MAX_ACTION_ID = 255
MAX_FALLBACK = 3_000
MAX_BUTTON_ARG = 200

ACTION_PREFIX = "vigie:"
COMMAND = "/vigie"

Block = dict[str, Any]
IsCommand = Callable[[str], bool]

_ACTION_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,29}$")
_COMMAND_WORD = re.compile(r"(?<![\w/@.:#-])/([^\W\d][\w-]{0,29})")
_UNSAFE_URL = re.compile(r"[\s<>|\"'`]")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
# Delimiters that would end a styled run early; shown as look-alikes inside that run.
_LOOKALIKE = {SpanStyle.BOLD: ("*", "∗"), SpanStyle.ITALIC: ("_", "＿"), SpanStyle.CODE: ("`", "ˋ")}
_MARK = {SpanStyle.BOLD: "*", SpanStyle.ITALIC: "_", SpanStyle.CODE: "`"}


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """What chat.postMessage (or a response_url) receives: fallback text and blocks."""

    text: str
    blocks: list[Block]

    def payload(self) -> dict[str, Any]:
        """The JSON body fields shared by every way of posting."""
        return {"text": self.text, "blocks": self.blocks}


def clean(text: str) -> str:
    """Drop control and format characters that Slack rejects or hides (keep line breaks)."""
    if text.replace("\n", "").replace(" ", "").isprintable():
        return text  # the common case, without a look at every character
    return "".join(
        ch for ch in text if ch in "\n\t" or not unicodedata.category(ch).startswith("C")
    )


def escape(text: str) -> str:
    """Slack's three reserved characters as entities: no `<!channel>`, `<@U…>` or link."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _with_command_prefix(text: str, is_command: IsCommand | None) -> str:
    """`/liste` → `/vigie liste` when `liste` is a command: the core speaks Telegram's syntax."""
    if is_command is None:
        return text

    def swap(match: re.Match[str]) -> str:
        word = match.group(1)
        return f"{COMMAND} {word}" if is_command(word) else match.group(0)

    return _COMMAND_WORD.sub(swap, text)


def _safe_url(url: str) -> str | None:
    """An http(s) URL with the characters that could break `<url|text>` percent-encoded."""
    url = clean(url).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    encoded = _UNSAFE_URL.sub(lambda m: percent_quote(m.group(0), safe=""), url)
    return encoded.replace("&", "&amp;")


def _styled(text: str, style: SpanStyle) -> str:
    """Bold, italic or code, line by line, with the spaces outside the markers."""
    plain, lookalike = _LOOKALIKE[style]
    mark = _MARK[style]
    out = []
    for line in text.split("\n"):
        core = line.strip()
        if not core:
            out.append(line)
            continue
        start = line.index(core[0])
        lead, trail = line[:start], line[start + len(core) :]
        out.append(f"{lead}{mark}{escape(core.replace(plain, lookalike))}{mark}{trail}")
    return "\n".join(out)


def _link(span: Span) -> str:
    """Only http(s) links become `<url|text>`; anything else stays visible, inert text."""
    url = _safe_url(span.url or "")
    label = span.text.strip() or (span.url or "")
    if url is None:
        shown = escape(label)
        if span.url and span.url != label:
            shown += f" ({escape(span.url)})"
        return shown
    safe_label = escape(label.replace("\n", " ")).replace("|", "¦")
    return f"<{url}|{safe_label}>"


def to_mrkdwn(spans: Sequence[Span], *, is_command: IsCommand | None = None) -> str:
    """The spans as Slack mrkdwn text, every character of content escaped."""
    out: list[str] = []
    after_quote = False
    for span in spans:
        text = span.text
        if after_quote and text and not text.startswith("\n"):
            out.append("\n")
        after_quote = False
        if span.style is SpanStyle.QUOTE:
            if out and not out[-1].endswith("\n"):
                out.append("\n")
            lines = clean(text).split("\n") or [""]
            out.append("\n".join(f"> {escape(line)}" if line else ">" for line in lines))
            after_quote = True
        elif span.style is SpanStyle.LINK:
            out.append(_link(span))
        elif span.style in _MARK:
            out.append(_styled(_with_command_prefix(text, is_command), span.style))
        else:
            out.append(escape(_with_command_prefix(text, is_command)))
    return "".join(out)


def _safe_cut(text: str, limit: int) -> int:
    """Where to cut `text` at most `limit` chars in: at a space, never inside `&…;` or `<…>`."""
    if len(text) <= limit:
        return len(text)
    cut = limit
    space = text.rfind(" ", limit // 2, limit)
    newline = text.rfind("\n", limit // 2, limit)
    if max(space, newline) > 0:
        cut = max(space, newline) + 1
    while cut > 0:
        head = text[:cut]
        in_link = head.rfind("<") > head.rfind(">")
        in_entity = head.rfind("&") > head.rfind(";")
        if not in_link and not in_entity:
            return cut
        cut = head.rfind("<") if in_link else head.rfind("&")
    return limit  # one huge link: Slack will refuse it rather than ping anyone


def split_sections(text: str, limit: int = MAX_SECTION) -> list[str]:
    """Chunks of at most `limit` characters, cut between lines where possible."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        while len(line) > limit:
            cut = _safe_cut(line, limit)
            chunks.append(line[:cut])
            line = line[cut:]
        current = line
    if current.strip():
        chunks.append(current)
    return [c for c in chunks if c.strip()]


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, cut safely, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: _safe_cut(text, limit - 2)].rstrip() + " …"


def section(text: str) -> Block:
    """A section of verbatim mrkdwn: Slack adds no link, channel name or mention of its own."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def context(text: str) -> Block:
    """A small grey line (who asked for what)."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text, "verbatim": True}]}


def button_value(button: Button) -> str | None:
    """What a button carries back when pressed; None when it cannot fit Slack's limits."""
    if not _ACTION_NAME.match(button.action) or len(button.arg) > MAX_BUTTON_ARG:
        return None
    value = json.dumps({"a": button.action, "r": button.arg}, ensure_ascii=False)
    return value if len(value) <= MAX_BUTTON_VALUE else None


def parse_button(action_id: str, value: str, label: str = "") -> Button | None:
    """The button a press refers to, or None when the payload was altered or is malformed."""
    if not action_id.startswith(ACTION_PREFIX) or len(value) > MAX_BUTTON_VALUE:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) != {"a", "r"}:
        return None
    action, arg = data["a"], data["r"]
    if not isinstance(action, str) or not isinstance(arg, str):
        return None
    if not _ACTION_NAME.match(action) or len(arg) > MAX_BUTTON_ARG or clean(arg) != arg:
        return None
    if action_id.rsplit(":", 1)[-1] != action:
        return None
    return Button(label=clean(label)[:MAX_BUTTON_TEXT], action=action, arg=arg)


def _button_text(label: str) -> str:
    label = clean(label).replace("\n", " ").strip()
    if len(label) > MAX_BUTTON_TEXT:
        label = label[: MAX_BUTTON_TEXT - 1].rstrip() + "…"
    return label


def action_blocks(buttons: Sequence[Button]) -> list[Block]:
    """Buttons in rows of 25, each with a unique action_id naming its command."""
    elements: list[Block] = []
    for index, button in enumerate(buttons):
        value = button_value(button)
        text = _button_text(button.label) or button.action
        if value is None:
            continue
        element: Block = {
            "type": "button",
            "text": {"type": "plain_text", "text": text, "emoji": True},
            "action_id": f"{ACTION_PREFIX}{index}:{button.action}"[:MAX_ACTION_ID],
            "value": value,
        }
        if button.action == "traite":
            element["style"] = "primary"
        elements.append(element)
    return [
        {"type": "actions", "elements": elements[i : i + MAX_ACTIONS_PER_BLOCK]}
        for i in range(0, len(elements), MAX_ACTIONS_PER_BLOCK)
    ]


def requester(user_id: str, user_name: str, what: str) -> str:
    """`@alice · /vigie capture 12` for the grey line above a command's answer."""
    who = f"<@{user_id}>" if _USER_ID.match(user_id) else escape(user_name or user_id)
    return truncate(f"{who} · {escape(what)}", MAX_SECTION)


def render(
    reply: Reply,
    *,
    is_command: IsCommand | None = None,
    asked_by: str | None = None,
    cut_notice: str = "… (suite tronquée : {n} caractères non affichés)",
) -> SlackMessage:
    """Block Kit within Slack's limits, and the escaped fallback text for notifications."""
    mrkdwn = to_mrkdwn(reply.spans, is_command=is_command)
    actions = action_blocks(reply.buttons)[: MAX_BLOCKS - 2]
    head = [context(asked_by)] if asked_by else []
    room = MAX_BLOCKS - len(actions) - len(head)
    chunks = split_sections(mrkdwn)
    if len(chunks) > room:
        hidden = sum(len(c) for c in chunks[room - 1 :])
        chunks = [*chunks[: room - 1], escape(cut_notice.format(n=hidden))]
    blocks = head + [section(c) for c in chunks] + actions
    prefix = "🚨 " if reply.urgency is Urgency.URGENT else ""
    fallback = truncate(prefix + (mrkdwn or escape(reply.plain_text)), MAX_FALLBACK)
    if not fallback.strip():
        fallback = " ".join(escape(b.label) for b in reply.buttons) or "Vigie"
    return SlackMessage(text=fallback, blocks=blocks)
