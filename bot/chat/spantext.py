"""What no rendered span may carry on any platform: bidi controls and control characters.

A review's author can hide a word or reverse a sentence with U+202E (RIGHT-TO-LEFT OVERRIDE)
and its kin; control characters break or hide text. Every renderer (Telegram HTML, Slack
mrkdwn, the console) passes each span through `neutral` at the last moment, in text, titles,
author names and link labels alike. Right-to-left *letters* are kept; line breaks and tabs too.
"""

from __future__ import annotations

import re

# Embeddings, overrides, isolates (U+202A–U+202E, U+2066–U+2069) and the implicit marks
# (LRM, RLM, ALM): none is needed in a chat message, each can disguise what is shown.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
# C0/C1 controls except tab and line feed, lone surrogates (unencodable), bidi controls,
# the interlinear annotation marks and noncharacters U+FFFE/U+FFFF.
_UNWANTED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
    + "".join(sorted(BIDI_CONTROLS))
    + "\ufff9-\ufffb\ufffe\uffff]"
)


def neutral(text: str) -> str:
    """The text without bidi controls or control characters (line breaks and tabs kept)."""
    return _UNWANTED.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def is_neutral(text: str) -> bool:
    """True when `neutral` would leave the text unchanged."""
    return "\r" not in text and _UNWANTED.search(text) is None
