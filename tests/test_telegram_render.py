"""Telegram HTML, keyboards, file routes, the command menu and inbound rules, checked offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from telegram import Message

from adapters.telegram.files import Route, fits_photo, plan
from adapters.telegram.inbound import Action, read_message, thread_of
from adapters.telegram.keyboard import build_keyboard, callback_data, parse_callback
from adapters.telegram.menu import menu
from adapters.telegram.render import (
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    render_caption,
    render_chunks,
    safe_url,
    units,
)
from bot.chat.markup import NL, b, code, i, link, quote, reply, t
from bot.chat.types import Attachment, Button
from bot.commands.registry import all_commands
from tests.fake_telegram import EntityError, parse_html

ACTIONS = {"capture", "assureur", "signaler", "repondre", "traite"}


def test_user_content_is_escaped_in_every_style() -> None:
    hostile = '<script>alert("x")</script> & <b>faux gras</b>'
    chunks = render_chunks(
        reply(t(hostile), NL, b(hostile), NL, i(hostile), NL, code(hostile), NL, quote(hostile))
    )
    assert len(chunks) == 1
    html = chunks[0]
    assert "<script>" not in html and "<b>faux gras</b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    visible = parse_html(html)  # Telegram would accept it
    assert visible.count(hostile) == 5
    assert "<blockquote>" in html and "<code>" in html and "<i>" in html


def test_links_only_for_http_urls_and_hrefs_quoted() -> None:
    html = render_chunks(
        reply(
            link("avis", 'https://exemple.fr/a?x=1&y="2"'),
            NL,
            link("piège", "javascript:alert(1)"),
            NL,
            link("fichier", "file:///etc/passwd"),
            NL,
            link("sans hôte", "https:///chemin"),
        )
    )[0]
    assert '<a href="https://exemple.fr/a?x=1&amp;y=&quot;2&quot;">avis</a>' in html
    assert html.count("<a ") == 1
    visible = parse_html(html)
    assert "piège (javascript:alert(1))" in visible and "fichier (file:///etc/passwd)" in visible
    assert safe_url("http://exemple.fr") == "http://exemple.fr"
    assert safe_url("https://exemple.fr/a b") is None


def test_long_reply_is_split_on_line_boundaries_without_breaking_tags() -> None:
    spans = []
    for n in range(300):
        spans += [b(f"#{n}"), t(f" Avis n°{n} & suite <ok> "), quote(f"texte cité {n} " * 3), NL]
    chunks = render_chunks(reply(*spans))
    assert len(chunks) > 2
    seen = []
    for chunk in chunks:
        assert units(chunk) <= MESSAGE_LIMIT
        visible = parse_html(chunk)  # each chunk has balanced tags
        assert not visible.startswith("\n") and not visible.endswith("\n")
        seen += [line for line in visible.split("\n") if line]
    assert seen[0].startswith("#0 ") and seen[-1].startswith("#299 ")
    assert len(seen) == 300  # no line lost, none cut in two


def test_split_prefers_paragraph_breaks() -> None:
    blocks = [[b(f"Bloc {n}"), NL, t("ligne " * 40), NL, t("fin"), NL, NL] for n in range(40)]
    chunks = render_chunks(reply(*[s for block in blocks for s in block]))
    assert len(chunks) > 1
    for chunk in chunks[:-1]:
        assert parse_html(chunk).endswith("fin")  # a block is never cut in its middle


def test_one_enormous_line_is_cut_between_words_then_inside_a_word() -> None:
    words = reply(quote("mot& " * 3000))
    chunks = render_chunks(words)
    assert len(chunks) >= 4
    assert all(units(c) <= MESSAGE_LIMIT and c.startswith("<blockquote>") for c in chunks)
    assert "".join(parse_html(c) for c in chunks).split() == ["mot&"] * 3000
    one_word = render_chunks(reply(t("&" * 20_000)))
    assert all(units(c) <= MESSAGE_LIMIT for c in one_word)
    assert "".join(parse_html(c) for c in one_word) == "&" * 20_000


def test_emoji_count_double_as_telegram_counts_them() -> None:
    chunks = render_chunks(reply(*[t("😀" * 100 + "\n") for _ in range(30)]))
    assert all(units(c) <= MESSAGE_LIMIT for c in chunks)
    assert len(chunks) == 2  # 30 × 201 units do not fit in one message


def test_empty_reply_has_no_chunk() -> None:
    assert render_chunks(reply()) == []
    assert render_chunks(reply("\n\n", quote("  "))) == []


def test_caption_within_limit() -> None:
    short, cut = render_caption("Capture <probante> & datée")
    assert short == "Capture &lt;probante&gt; &amp; datée" and not cut
    long_text = ("Empreinte SHA-256 " + "a" * 64 + " ") * 40
    caption, cut = render_caption(long_text)
    assert cut and units(parse_html(caption)) <= CAPTION_LIMIT and caption.endswith(" …")
    emoji, cut = render_caption("📸" * 1000)
    assert cut and units(parse_html(emoji)) <= CAPTION_LIMIT


def test_callback_data_round_trip_and_strict_parsing() -> None:
    data = callback_data(Button("✅ Traité", "traite", "42"))
    assert data == "traite:42"
    assert parse_callback(data, ACTIONS, "✅ Traité") == Button("✅ Traité", "traite", "42")
    assert callback_data(Button("x", "traite", "9" * 80)) is None  # over 64 bytes
    assert callback_data(Button("x", "Traite", "1")) is None
    for forged in (
        "supprimer:1",  # not an action
        "traite:1;DROP",
        "traite",
        ":1",
        "traite:1:2",
        "traite:" + "1" * 70,
        "",
        None,
        "traite:é",
    ):
        assert parse_callback(forged, ACTIONS) is None, forged


def test_keyboard_two_per_row_and_unencodable_buttons_left_out() -> None:
    buttons = [Button(f"B{n}", "traite", str(n)) for n in range(5)]
    buttons.append(Button("trop long", "traite", "x" * 100))
    markup = build_keyboard(buttons)
    assert markup is not None
    rows = markup.inline_keyboard
    assert [len(r) for r in rows] == [2, 2, 1]
    assert rows[2][0].callback_data == "traite:4"
    assert build_keyboard([]) is None


def test_photo_rules(tmp_path: Path) -> None:
    assert fits_photo((1280, 5000))
    assert not fits_photo((1280, 9000))  # width + height over 10,000
    assert not fits_photo((200, 4100))  # ratio over 20
    assert not fits_photo(None)
    small = tmp_path / "petite.png"
    Image.new("RGB", (800, 600), "white").save(small)
    tall = tmp_path / "page.png"
    Image.new("RGB", (1280, 9500), "white").save(tall)
    not_image = tmp_path / "faux.png"
    not_image.write_bytes(b"pas une image")
    assert plan(Attachment(small, "p.png", "image/png", is_image=True)).route is Route.PHOTO
    tall_plan = plan(Attachment(tall, "page.png", "image/png", is_image=True))
    assert tall_plan.route is Route.DOCUMENT and tall_plan.dimensions == (1280, 9500)
    assert plan(Attachment(not_image, "f.png", "image/png", is_image=True)).route is Route.DOCUMENT
    assert plan(Attachment(small, "p.png", "image/png")).route is Route.DOCUMENT
    missing = plan(Attachment(tmp_path / "absent.pdf", "a.pdf", "application/pdf"))
    assert missing.route is Route.MISSING


def test_too_big_files_are_not_sent(tmp_path: Path) -> None:
    big = tmp_path / "dossier.zip"
    with big.open("wb") as handle:
        handle.truncate(51 * 1024 * 1024)  # sparse: no disk used
    result = plan(Attachment(big, "dossier.zip", "application/zip"))
    assert result.route is Route.TOO_BIG and result.size == 51 * 1024 * 1024


def test_menu_has_french_names_and_both_languages() -> None:
    french = menu(all_commands(), "fr")
    english = menu(all_commands(), "en")
    names = [c.command for c in french]
    assert {"aide", "rejoindre", "surveiller", "liste", "traite"} <= set(names)
    assert names == [c.command for c in english]
    by_name = {c.command: c.description for c in english}
    assert by_name["surveiller"] != {c.command: c.description for c in french}["surveiller"]
    assert all(1 <= len(c.description) <= 256 for c in french + english)


def test_fake_server_refuses_what_telegram_refuses() -> None:
    for bad in ("a < b", "<b>gras", "<b><i>x</b></i>", "&nbsp;", "<script>x</script>", "x > y"):
        with pytest.raises(EntityError):
            parse_html(bad)
    assert parse_html('<a href="https://x.fr">l&amp;ien</a> &lt;3') == "l&ien <3"


def _message(**fields: object) -> Message:
    base: dict[str, object] = {
        "message_id": 1,
        "date": 1_700_000_000,
        "chat": {"id": -1001, "type": "supergroup", "title": "Cabinet"},
        "from": {"id": 7, "is_bot": False, "first_name": "Léa", "last_name": "Martin"},
    }
    base.update(fields)
    message = Message.de_json(base, None)
    assert message is not None
    return message


def test_inbound_decisions() -> None:
    command = read_message(_message(text="/liste 2"), "VigieBot")
    assert command.action is Action.ROUTE and command.incoming is not None
    assert command.incoming.text == "/liste 2" and command.incoming.chat_id == "-1001"
    assert command.incoming.user_id == "7" and command.incoming.user_name == "Léa Martin"
    assert read_message(_message(text="/liste@vigiebot"), "VigieBot").action is Action.ROUTE
    assert read_message(_message(text="/liste@AutreBot"), "VigieBot").action is Action.IGNORE
    assert read_message(_message(text="salut"), "VigieBot").action is Action.IGNORE
    edited = read_message(_message(text="/liste"), "VigieBot", edited=True)
    assert edited.action is Action.EDITED
    assert read_message(_message(text="oups"), "VigieBot", edited=True).action is Action.IGNORE

    anonymous_admin = _message(
        text="/statut",
        sender_chat={"id": -1001, "type": "supergroup", "title": "Cabinet"},
        **{"from": {"id": 1087968824, "is_bot": True, "first_name": "Group"}},
    )
    admin = read_message(anonymous_admin, "VigieBot")
    assert admin.action is Action.ROUTE and admin.incoming is not None
    assert admin.incoming.user_id == "-1001" and "anonyme" in admin.incoming.user_name
    as_channel = _message(text="/statut", sender_chat={"id": -100555, "type": "channel"})
    assert read_message(as_channel, "VigieBot").action is Action.IGNORE
    from_bot = _message(text="/aide", **{"from": {"id": 9, "is_bot": True, "first_name": "B"}})
    assert read_message(from_bot, "VigieBot").action is Action.IGNORE

    private = {"id": 42, "type": "private", "first_name": "Léa"}
    hint = read_message(_message(chat=private, text="Bonjour !"), "VigieBot")
    assert hint.action is Action.ROUTE and hint.incoming is not None and hint.incoming.text == ""
    pinned = _message(chat=private, pinned_message={"message_id": 3, "date": 0, "chat": private})
    assert read_message(pinned, "VigieBot").action is Action.IGNORE

    topic = _message(text="/liste", message_thread_id=12, is_topic_message=True)
    assert thread_of(topic) == 12 and thread_of(_message(text="/liste")) is None
