"""Slack rendering: hostile review text stays inert, links are only ours, Block Kit limits hold."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from adapters.slack.dispatch import is_command
from adapters.slack.inbound import from_slack, mention_request
from adapters.slack.render import (
    MAX_BLOCKS,
    MAX_BUTTON_TEXT,
    MAX_BUTTON_VALUE,
    MAX_SECTION,
    parse_button,
    render,
    split_sections,
    to_mrkdwn,
)
from bot.chat.markup import NL, b, code, i, link, quote, reply, t
from bot.chat.types import Button, Span, Urgency

HOSTILE = "<!channel> <!here> <@U0BOSS> <#C0GENERAL> <http://evil.example|cliquez ici> & <b>"


def _mrkdwn_objects(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for block in blocks:
        if block["type"] == "section":
            found.append(block["text"])
        if block["type"] == "context":
            found.extend(block["elements"])
    return found


def _controls(text: str) -> list[str]:
    """Every `<…>` control sequence Slack would interpret in mrkdwn."""
    return re.findall(r"<[^<>]*>", text)


@pytest.mark.parametrize("make", [t, b, i, code, quote])
def test_review_text_never_becomes_a_mention_or_a_link(make: Callable[[str], Span]) -> None:
    message = render(reply("Avis : ", make(HOSTILE)))
    for text in [message.text] + [o["text"] for o in _mrkdwn_objects(message.blocks)]:
        assert _controls(text) == []
        assert "&lt;!channel&gt;" in text
        assert "&lt;@U0BOSS&gt;" in text
        assert "&amp; &lt;b&gt;" in text


def test_every_mrkdwn_object_is_verbatim_so_slack_adds_no_link_or_mention() -> None:
    message = render(reply(t("@channel voir https://evil.example #general")), asked_by="alice")
    objects = _mrkdwn_objects(message.blocks)
    assert len(objects) == 2
    assert all(o["type"] == "mrkdwn" and o["verbatim"] is True for o in objects)


def test_only_http_links_become_links_with_separators_neutralised() -> None:
    text = to_mrkdwn(
        [
            link("Voir | en <ligne>", "https://exemple.fr/avis?id=1&x=<2>|3 4"),
            t(" "),
            link("piège", "javascript:alert(1)"),
            t(" "),
            link("fichier", "file:///etc/passwd"),
        ]
    )
    assert _controls(text) == [
        "<https://exemple.fr/avis?id=1&amp;x=%3C2%3E%7C3%204|Voir ¦ en &lt;ligne&gt;>"
    ]
    assert "piège (javascript:alert(1))" in text
    assert "fichier (file:///etc/passwd)" in text


def test_quote_lines_are_quoted_and_the_text_after_starts_a_new_line() -> None:
    text = to_mrkdwn([t("Avis :"), quote("Ligne un\n> pas une citation\n\nfin"), t("Tonalité")])
    assert text == "Avis :\n> Ligne un\n> &gt; pas une citation\n>\n> fin\nTonalité"


def test_styles_survive_their_own_delimiters_and_surrounding_spaces() -> None:
    assert to_mrkdwn([b(" 5*5 ")]) == " *5∗5* "
    assert to_mrkdwn([i("snake_case")]) == "_snake＿case_"
    assert to_mrkdwn([code("a`b")]) == "`aˋb`"
    assert to_mrkdwn([b("un\ndeux")]) == "*un*\n*deux*"
    assert to_mrkdwn([b("   ")]) == "   "


def test_command_names_get_the_slash_command_prefix_but_not_urls_or_reviews() -> None:
    text = to_mrkdwn(
        [
            t("Tapez /liste ou "),
            code("/surveiller Dr Marie Dupont, Lyon"),
            t(" ; https://exemple.fr/aide ; /inconnue"),
            quote("/aide"),
        ],
        is_command=is_command,
    )
    assert "Tapez /vigie liste ou `/vigie surveiller Dr Marie Dupont, Lyon`" in text
    assert "https://exemple.fr/aide" in text
    assert "/inconnue" in text and "/vigie inconnue" not in text
    assert text.endswith("> /aide")


def test_long_text_is_split_into_sections_of_at_most_3000_characters() -> None:
    words = " ".join(f"mot{n}" for n in range(3_000))
    message = render(reply(t(words), NL, quote(words)))
    sections = [b for b in message.blocks if b["type"] == "section"]
    assert len(sections) >= 5
    assert all(0 < len(s["text"]["text"]) <= MAX_SECTION for s in sections)
    joined = " ".join(s["text"]["text"] for s in sections)
    assert "mot0 " in joined and "mot2999" in joined
    assert len(message.text) <= 3_000


def test_splitting_never_cuts_an_entity_or_a_link() -> None:
    body = [t("&<>" * 2_000), link("lien", "https://exemple.fr/" + "a" * 100), t("&" * 3_000)]
    chunks = split_sections(to_mrkdwn(body))
    assert all(len(c) <= MAX_SECTION for c in chunks)
    for chunk in chunks:
        assert re.search(r"&(?!amp;|lt;|gt;)", chunk) is None
        assert chunk.count("<") == chunk.count(">")


def test_a_huge_reply_stays_within_50_blocks_and_says_it_was_cut() -> None:
    huge = "\n".join("x" * 2_900 for _ in range(80))
    buttons = [Button(f"Bouton {n}", "capture", str(n)) for n in range(30)]
    message = render(reply(t(huge), buttons=buttons), asked_by="alice", cut_notice="coupé {n}")
    assert len(message.blocks) == MAX_BLOCKS
    assert message.blocks[0]["type"] == "context"
    assert [b["type"] for b in message.blocks[-2:]] == ["actions", "actions"]
    last_section = [b for b in message.blocks if b["type"] == "section"][-1]
    assert re.fullmatch(r"coupé \d+", last_section["text"]["text"])


def test_buttons_respect_slack_limits_and_have_unique_action_ids() -> None:
    buttons = [
        Button("✅ " + "très long libellé " * 10, "traite", "12"),
        Button("📸 Capture", "capture", "12"),
        Button("📸 Capture", "capture", "13"),
        Button("Trop long", "capture", "9" * 5_000),
        Button("Action piégée", "capture; rm -rf", "1"),
    ]
    message = render(reply("Alerte", buttons=buttons))
    elements = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    assert len(elements) == 3
    assert all(len(e["text"]["text"]) <= MAX_BUTTON_TEXT for e in elements)
    assert elements[0]["text"]["text"].endswith("…")
    assert all(len(e["value"]) <= MAX_BUTTON_VALUE for e in elements)
    assert len({e["action_id"] for e in elements}) == 3
    assert elements[0]["style"] == "primary"
    pressed = [parse_button(e["action_id"], e["value"], e["text"]["text"]) for e in elements]
    assert [(p.action, p.arg) for p in pressed if p] == [
        ("traite", "12"),
        ("capture", "12"),
        ("capture", "13"),
    ]


@pytest.mark.parametrize(
    ("action_id", "value"),
    [
        ("vigie:0:capture", "capture 12"),
        ("vigie:0:capture", json.dumps({"a": "capture", "r": "12", "x": 1})),
        ("vigie:0:capture", json.dumps({"a": "traite", "r": "12"})),
        ("vigie:0:capture", json.dumps({"a": "capture", "r": 12})),
        ("vigie:0:capture", json.dumps({"a": "capture", "r": "1\x002"})),
        ("vigie:0:Capture!", json.dumps({"a": "Capture!", "r": "12"})),
        ("autre:0:capture", json.dumps({"a": "capture", "r": "12"})),
        ("vigie:0:capture", json.dumps({"a": "capture", "r": "1" * 3_000})),
        ("vigie:0:capture", json.dumps(["capture", "12"])),
    ],
)
def test_tampered_button_payloads_are_rejected(action_id: str, value: str) -> None:
    assert parse_button(action_id, value, "📸 Capture") is None


def test_urgent_alerts_say_so_in_the_notification_text() -> None:
    message = render(reply(b("#12"), " avis négatif", urgency=Urgency.URGENT))
    assert message.text.startswith("🚨 *#12* avis négatif")


def test_slack_markup_in_typed_commands_is_undone() -> None:
    typed = "source page <https://exemple.fr/avis?a=1&amp;b=2|exemple.fr/avis> .avis &gt; p"
    assert from_slack(typed) == "source page https://exemple.fr/avis?a=1&b=2 .avis > p"
    assert from_slack("pour <@U0BOB|bob> et <#C0GEN|general> <!here>") == (
        "pour @bob et #general @here"
    )
    assert from_slack("contact <mailto:a@b.fr|a@b.fr>\u200b") == "contact a@b.fr"


def test_a_mention_loses_the_bot_mention_and_keeps_the_command() -> None:
    body = {
        "team_id": "T0CABINET",
        "event_id": "Ev1",
        "event": {
            "type": "app_mention",
            "user": "U0ALICE",
            "channel": "C0CABINET",
            "text": "<@U0VIGIE> surveiller Dr Marie Dupont, Lyon",
        },
    }
    req = mention_request(body, "U0VIGIE")
    assert (req.text, req.channel, req.workspace, req.event_id) == (
        "surveiller Dr Marie Dupont, Lyon",
        "C0CABINET",
        "T0CABINET",
        "Ev1",
    )
