"""Hostile review text (markup, control and bidi tricks, huge sizes) is quoted safely everywhere."""

from __future__ import annotations

import dataclasses
import email
import io
import json
import unicodedata
import zipfile
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup

from bot.documents import (
    Letter,
    case_file,
    coverage_letter,
    insurer_letter,
    platform_notice,
    reply_guidance,
)
from bot.models import (
    CaptureRecord,
    Cue,
    Flag,
    Insurer,
    Practitioner,
    Severity,
    StoredMention,
    TeamSettings,
)

NOW = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
MARKUP = (
    '<script>alert("x")</script></blockquote><h1>faux</h1>'
    "<img src=x onerror=alert(1)> &amp; {{ 7*7 }} {% if true %}"
)
ARABIC = "هذا الطبيب محتال"
HEBREW = "רופא רע מאוד"
TRICKS = "\u202eTXET ESREVER\u202c \u2066gauche \u2069\u2069 pop \u2067"
CONTROLS = "\x00\x07\x1b[31mrouge\x1b[0m\x0b\x0c\x7f\ud800\ufffe fin"
HOSTILE_TEXT = f"{MARKUP}\n{ARABIC}\n{HEBREW} mixed with Latin\n{TRICKS}\r\n{CONTROLS}"
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067")

SETTINGS = TeamSettings(
    team_id=1,
    team_name="Cabinet <b>du</b> Parc\r\nX-Evil: 1",
    practitioner=Practitioner(
        name="Dr Camille Martin\r\nBcc: victime@exemple.fr",
        profession="médecin <i>généraliste</i>",
        rpps="10009876543",
        address="8 allée des Tilleuls,\n35000 Rennes",
        email="cabinet.martin@exemple.fr",
    ),
    insurer=Insurer(
        name='Assureur "Exemple" <evil@exemple.fr>',
        email="sinistres@assureur.exemple",
        policy="RCP-42\r\nSubject: piraté",
    ),
)
MENTION = StoredMention(
    id=12,
    team_id=1,
    source_id=3,
    source_kind="page",
    source_label="Site\r\nBcc: label@exemple.fr",
    external_id="x",
    url="https://avis.exemple/p?q=<script>&r=\u202eevil\nnext",
    title="<h1>titre</h1>",
    text=HOSTILE_TEXT,
    author=f"Jean\r\nBcc: auteur@exemple.fr {ARABIC} <b>gras</b>",
    rating=1,
    published_at=datetime(2026, 3, 3, 13, 5, 9, tzinfo=UTC),
    detected_at=datetime(2026, 3, 4, 8, 12, 30, tzinfo=UTC),
    content_hash="h",
    severity=Severity.NEGATIVE,
    flags=frozenset({Flag.INSULT}),
    cues=(Cue(Flag.INSULT, "<b>escroc</b>\u202e", "terme injurieux"),),
    watch_ids=(1,),
    raw=HOSTILE_TEXT,
)
CAPTURE = CaptureRecord(
    id=7,
    team_id=1,
    mention_id=12,
    url="https://avis.exemple/p?q=<script>",
    requested_by="u1",
    started_at=datetime(2026, 3, 4, 8, 13, tzinfo=UTC),
    finished_at=datetime(2026, 3, 4, 8, 13, 21, tzinfo=UTC),
    bundle_path=None,
    screenshot_sha256="5" * 64,
    bundle_sha256="b" * 64,
    status="ok",
)


def assert_clean(text: str) -> None:
    """No control character but newline/tab, no bidi control at all (U+2066–U+2069 included)."""
    for char in text:
        if char in "\n\t":
            continue
        assert unicodedata.category(char) not in ("Cc", "Cs"), repr(char)
        assert char not in BIDI_CONTROLS, repr(char)
        assert char not in "\ufffe\uffff", repr(char)
    assert not set(text) & set("\u2066\u2067\u2068\u2069"), "invisible bidi isolate"


def letters(language: str) -> list[Letter]:
    """Every letter, written from the hostile facts."""
    return [
        insurer_letter(SETTINGS, MENTION, [CAPTURE], now=NOW, language=language),
        platform_notice(SETTINGS, MENTION, [CAPTURE], now=NOW, language=language),
        coverage_letter(SETTINGS, now=NOW, language=language),
    ]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_plain_text_quotes_hostile_text_verbatim_but_harmless(lang: str) -> None:
    for letter in letters(lang):
        for text in (letter.body_text, letter.instructions, letter.subject):
            assert_clean(text)
    body = letters(lang)[0].body_text
    assert f"> {MARKUP}" in body  # markup kept as text, never interpreted
    assert "49" not in body
    assert f"> {ARABIC}" in body  # right-to-left letters kept, on their own quoted line
    assert f"{HEBREW} mixed with Latin" in body
    assert "TXET ESREVER" in body and "rouge" in body
    assert "[31m" in body  # the escape byte is gone, the rest of the text is kept


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_eml_headers_cannot_be_injected(lang: str) -> None:
    for letter in letters(lang):
        if letter.eml_bytes is None:
            continue
        message = email.message_from_bytes(letter.eml_bytes, policy=policy.default)
        assert isinstance(message, EmailMessage)
        assert sorted(message.keys()) == sorted(
            [
                "From",
                "To",
                "Subject",
                "Date",
                "Message-ID",
                "X-Unsent",
                "Content-Type",
                "Content-Transfer-Encoding",
                "MIME-Version",
            ]
        )
        assert message["To"].addresses[0].addr_spec == "sinistres@assureur.exemple"
        assert message["From"].addresses[0].addr_spec == "cabinet.martin@exemple.fr"
        assert len(message["To"].addresses) == 1 and len(message["From"].addresses) == 1
        assert "\n" not in str(message["Subject"])
        body = message.get_body(("plain",))
        assert body is not None
        content = body.get_content()
        assert_clean(content.replace("\r\n", "\n"))
        assert all(len(line) <= 78 for line in letter.eml_bytes.split(b"\r\n"))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_docx_escapes_markup_and_drops_invalid_xml_characters(lang: str) -> None:
    letter = letters(lang)[0]
    assert letter.docx_bytes is not None
    document = docx.Document(io.BytesIO(letter.docx_bytes))
    text = "\n".join(p.text for p in document.paragraphs)
    assert_clean(text)
    assert MARKUP in text and ARABIC in text
    with zipfile.ZipFile(io.BytesIO(letter.docx_bytes)) as package:
        xml = package.read("word/document.xml")
        core = package.read("docProps/core.xml")
    assert b"<script>" not in xml and b"&lt;script&gt;" in xml
    assert b"<h1>" not in xml
    assert b"Bcc:" not in core or b"\r" not in core


def test_html_summary_and_timeline_escape_everything(tmp_path: Path) -> None:
    events = [(NOW, "insurer_letter", "<script>alert(2)</script>\u202e")]
    path = case_file(SETTINGS, MENTION, [CAPTURE], letters("fr"), events, out_dir=tmp_path, now=NOW)
    with zipfile.ZipFile(path) as archive:
        root = archive.namelist()[0].split("/")[0]
        html = archive.read(f"{root}/resume.html").decode()
        timeline = archive.read(f"{root}/chronologie.txt").decode()
        stored = json.loads(archive.read(f"{root}/mention.json"))
        names = archive.namelist()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all("script") == [] and soup.find_all("img") == []
    assert [h.get_text() for h in soup.find_all("h1")] == ["Dossier e-réputation – avis n°12"]
    assert soup.find_all("b") == [] and soup.find_all("i") == []
    quote = soup.find("blockquote")
    assert quote is not None and MARKUP in quote.get_text()
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert_clean(html)
    assert_clean(timeline)
    assert "<script>alert(2)</script>" in timeline  # plain text: shown as typed, cleaned
    # The mention as received is kept exactly, hostile bytes included.
    assert stored["text"] == HOSTILE_TEXT and stored["raw"] == HOSTILE_TEXT
    assert stored["author"] == MENTION.author
    assert all(name.startswith("dossier-avis-12-20260305-103000/") for name in names)
    assert all(name.isascii() for name in names)


def test_url_is_made_ascii_and_single_line() -> None:
    body = insurer_letter(SETTINGS, MENTION, [], now=NOW).body_text
    line = next(x for x in body.splitlines() if x.startswith("- Adresse exacte (URL)"))
    assert line == (
        "- Adresse exacte (URL) : https://avis.exemple/p?q=<script>&r=%E2%80%AEevil%0Anext"
    )


def test_very_long_text_is_bounded_in_letters_and_whole_in_the_case_file(
    tmp_path: Path,
) -> None:
    long_text = ("Ce praticien est un escroc. " * 8000).strip()
    long_url = "https://avis.exemple/" + "a" * 50_000
    huge = dataclasses.replace(
        MENTION, text=long_text, url=long_url, author="N" * 10_000, raw=long_text
    )
    for letter in (
        insurer_letter(SETTINGS, huge, [], now=NOW),
        platform_notice(SETTINGS, huge, [], now=NOW),
    ):
        assert len(letter.body_text) < 12_000
        assert_clean(letter.body_text)
    body = insurer_letter(SETTINGS, huge, [], now=NOW).body_text
    assert f"[Texte tronqué : {len(long_text)} caractères au total" in body
    assert "(adresse tronquée ici, complète dans le dossier)" in body
    path = case_file(SETTINGS, huge, [], [], [], out_dir=tmp_path, now=NOW)
    with zipfile.ZipFile(path) as archive:
        root = archive.namelist()[0].split("/")[0]
        stored = json.loads(archive.read(f"{root}/mention.json"))
        html = archive.read(f"{root}/resume.html").decode()
    assert stored["text"] == long_text and stored["url"] == long_url
    assert len(html) < 20_000


def test_reply_draft_never_echoes_the_review() -> None:
    lawful = dataclasses.replace(MENTION, flags=frozenset(), cues=())
    guidance = reply_guidance(SETTINGS, lawful, now=NOW)
    assert guidance.draft is not None
    for fragment in ("<", "Jean", ARABIC, "escroc", "Parc", "X-Evil"):
        assert fragment not in guidance.draft
    assert_clean(guidance.text)


def test_settings_with_line_breaks_stay_on_one_line() -> None:
    letter = insurer_letter(SETTINGS, MENTION, [], now=NOW)
    assert "RCP-42 Subject: piraté" in letter.subject
    assert "- Adresse professionnelle : 8 allée des Tilleuls, 35000 Rennes" in letter.body_text
