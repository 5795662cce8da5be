"""Letters, notices, reply guidance and the case file: golden files, missing settings, edge cases.

Golden files live in tests/golden/<langue>/. After a deliberate wording change, regenerate
them with `VIGIE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_documents.py` and
review the diff.
"""

from __future__ import annotations

import dataclasses
import email
import hashlib
import io
import json
import os
import re
import zipfile
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import docx
import pytest

from bot.documents import (
    DocumentRefused,
    Letter,
    MissingSettings,
    TimelineEvent,
    case_file,
    coverage_letter,
    insurer_letter,
    platform_notice,
    reply_guidance,
)
from bot.documents.facts import platform_of
from bot.models import (
    CaptureRecord,
    Coverage,
    Cue,
    Flag,
    Insurer,
    Practitioner,
    Severity,
    StoredMention,
    TeamSettings,
)

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("VIGIE_UPDATE_GOLDEN") == "1"
NOW = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
LANGUAGES = ("fr", "en")

SETTINGS = TeamSettings(
    team_id=1,
    team_name="Cabinet du Parc",
    practitioner=Practitioner(
        name="Dr Camille Martin",
        profession="médecin généraliste",
        rpps="10009876543",
        address="8 allée des Tilleuls, 35000 Rennes",
        email="cabinet.martin@exemple.fr",
    ),
    insurer=Insurer(
        name="Mutuelle Exemple Assurances",
        email="sinistres@assureur.exemple",
        policy="RCP-2024-0042",
    ),
)
MENTION = StoredMention(
    id=12,
    team_id=1,
    source_id=3,
    source_kind="places",
    source_label="Google – Cabinet du Parc",
    external_id="rev-abc",
    url="https://www.google.com/maps/place/?q=place_id:ChIJexemple",
    title=None,
    text="Ce médecin est un escroc.\nIl ment à tout le monde et vole ses clients.",
    author="Jean D.",
    rating=1,
    published_at=datetime(2026, 3, 3, 13, 5, 9, tzinfo=UTC),
    detected_at=datetime(2026, 3, 4, 8, 12, 30, tzinfo=UTC),
    content_hash="c0ffee",
    severity=Severity.NEGATIVE,
    flags=frozenset({Flag.INSULT, Flag.DEFAMATION}),
    cues=(
        Cue(Flag.INSULT, "escroc", "terme injurieux"),
        Cue(Flag.DEFAMATION, "vole ses clients", "imputation d'un fait précis"),
        Cue(None, "ment", "ton négatif"),
    ),
    watch_ids=(1,),
    raw='{"name": "places/ChIJexemple/reviews/abc", "rating": 1}',
)
CAPTURE = CaptureRecord(
    id=7,
    team_id=1,
    mention_id=12,
    url="https://www.google.com/maps/place/?q=place_id:ChIJexemple",
    requested_by="u1",
    started_at=datetime(2026, 3, 4, 8, 13, 0, tzinfo=UTC),
    finished_at=datetime(2026, 3, 4, 8, 13, 21, tzinfo=UTC),
    bundle_path=None,
    screenshot_sha256="5" * 64,
    bundle_sha256="b" * 64,
    status="ok",
)
NEGATIVE = dataclasses.replace(
    MENTION,
    text="Attente interminable, accueil froid. Je ne recommande pas.",
    flags=frozenset(),
    cues=(),
)
FORBIDDEN = {
    "fr": ("patient", "consultation", "soin", "traitement", "dossier médical", "rendez-vous"),
    "en": ("patient", "consultation", "care", "treatment", "medical record", "appointment"),
}


def golden(name: str, actual: str | bytes) -> None:
    """Compare with tests/golden/<name>, or write it when VIGIE_UPDATE_GOLDEN=1."""
    path = GOLDEN / name
    data = actual.encode("utf-8") if isinstance(actual, str) else actual
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"golden file {path} missing: run with VIGIE_UPDATE_GOLDEN=1"
    assert data.decode("utf-8") == path.read_bytes().decode("utf-8")


def docx_text(content: bytes) -> str:
    """The Word letter as text: one line per paragraph, prefixed with its style when not Normal."""
    document = docx.Document(io.BytesIO(content))
    lines = []
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else "Normal"
        prefix = "" if style == "Normal" else f"[{style}] "
        italic = "[italique] " if paragraph.runs and all(r.italic for r in paragraph.runs) else ""
        lines.append(prefix + italic + paragraph.text)
    return "\n".join(lines) + "\n"


def letter_text(letter: Letter) -> str:
    """Everything a letter shows in the chat, in one file."""
    return (
        f"SUBJECT: {letter.subject}\nRECIPIENT: {letter.recipient}\nFILES: "
        f"{', '.join(letter.filenames)}\n--- instructions\n{letter.instructions}\n--- body\n"
        f"{letter.body_text}"
    )


def parse_eml(content: bytes) -> EmailMessage:
    """The draft as a mail client reads it."""
    message = email.message_from_bytes(content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


# --- Golden files -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_insurer_letter_golden(lang: str) -> None:
    letter = insurer_letter(SETTINGS, MENTION, [CAPTURE], now=NOW, language=lang)
    golden(f"{lang}/insurer_letter.txt", letter_text(letter))
    assert letter.eml_bytes is not None and letter.docx_bytes is not None
    golden(f"{lang}/insurer_letter.eml", letter.eml_bytes)
    golden(f"{lang}/insurer_letter.docx.txt", docx_text(letter.docx_bytes))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_platform_notice_golden(lang: str) -> None:
    notice = platform_notice(SETTINGS, MENTION, [CAPTURE], now=NOW, language=lang)
    golden(f"{lang}/platform_notice.txt", letter_text(notice))
    assert notice.eml_bytes is None and notice.docx_bytes is not None
    golden(f"{lang}/platform_notice.docx.txt", docx_text(notice.docx_bytes))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_coverage_letter_golden(lang: str) -> None:
    letter = coverage_letter(SETTINGS, now=NOW, language=lang)
    golden(f"{lang}/coverage_letter.txt", letter_text(letter))
    assert letter.eml_bytes is not None and letter.docx_bytes is not None
    golden(f"{lang}/coverage_letter.eml", letter.eml_bytes)
    golden(f"{lang}/coverage_letter.docx.txt", docx_text(letter.docx_bytes))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("case", "mention"),
    [
        ("legal_risk", MENTION),
        ("negative", NEGATIVE),
        ("positive", dataclasses.replace(NEGATIVE, severity=Severity.POSITIVE, rating=5)),
        ("neutral", dataclasses.replace(NEGATIVE, severity=Severity.NEUTRAL, rating=None)),
    ],
)
def test_reply_guidance_golden(lang: str, case: str, mention: StoredMention) -> None:
    guidance = reply_guidance(SETTINGS, mention, now=NOW, language=lang)
    assert guidance.case == case
    golden(
        f"{lang}/reply_guidance_{case}.txt",
        f"{guidance.text}--- draft\n{guidance.draft or ''}\n",
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_case_file_golden(lang: str, tmp_path: Path) -> None:
    letter = insurer_letter(SETTINGS, MENTION, [CAPTURE], now=NOW, language=lang)
    events = [TimelineEvent(NOW, "insurer_letter", "sinistres@assureur.exemple")]
    path = case_file(
        SETTINGS, MENTION, [CAPTURE], [letter], events, out_dir=tmp_path, now=NOW, language=lang
    )
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        root = names[0].split("/")[0]
        summary = "resume.html" if lang == "fr" else "summary.html"
        timeline = "chronologie" if lang == "fr" else "timeline"
        golden(f"{lang}/case_file_listing.txt", "\n".join(names) + "\n")
        golden(f"{lang}/case_summary.html", archive.read(f"{root}/{summary}"))
        golden(f"{lang}/timeline.txt", archive.read(f"{root}/{timeline}.txt"))
        golden(f"{lang}/timeline.json", archive.read(f"{root}/{timeline}.json"))
        golden(f"{lang}/mention.json", archive.read(f"{root}/mention.json"))


def test_english_case_summary_gives_the_capture_time_in_english(tmp_path: Path) -> None:
    path = case_file(SETTINGS, MENTION, [CAPTURE], [], [], out_dir=tmp_path, now=NOW, language="en")
    with zipfile.ZipFile(path) as archive:
        root = archive.namelist()[0].split("/")[0]
        summary = archive.read(f"{root}/summary.html").decode("utf-8")
    assert "heure de Paris" not in summary
    assert "UTC (09:13:00 Paris time)" in summary
    french = case_file(
        SETTINGS, MENTION, [CAPTURE], [], [], out_dir=tmp_path, now=NOW, language="fr"
    )
    with zipfile.ZipFile(french) as archive:
        root = archive.namelist()[0].split("/")[0]
        assert "(09:13:00 heure de Paris)" in archive.read(f"{root}/resume.html").decode("utf-8")


# --- Content rules ------------------------------------------------------------------------


def test_insurer_letter_names_facts_evidence_deadline_and_request() -> None:
    letter = insurer_letter(SETTINGS, MENTION, [CAPTURE], now=NOW)
    body = letter.body_text
    for fact in (
        "Dr Camille Martin",
        "médecin généraliste",
        "10009876543",
        "8 allée des Tilleuls, 35000 Rennes",
        "RCP-2024-0042",
        "https://www.google.com/maps/place/?q=place_id:ChIJexemple",
        "3 mars 2026",
        "4 mars 2026 à 9 h 12",
        "2026-03-04 08:13:00 UTC (09:13:00 heure de Paris)",
        "b" * 64,
        "5" * 64,
        "le délai expire le 3 juin 2026",
        "pourraient constituer",
        "art. 29 al. 2 et 33",
        "art. 29 al. 1 et 32",
        "garantie e-réputation / protection juridique",
    ):
        assert fact in body, fact
    assert "art. 9 du code civil" not in body  # only the flags raised
    assert letter.recipient == "sinistres@assureur.exemple"
    assert letter.filenames == ("courrier-assureur-avis-12.eml", "courrier-assureur-avis-12.docx")


def test_every_qualification_is_worded_as_a_suggestion() -> None:
    all_flags = dataclasses.replace(MENTION, flags=frozenset(Flag), cues=())
    body = insurer_letter(SETTINGS, all_flags, [], now=NOW).body_text
    for basis in (
        "injure publique envers un particulier (art. 29 al. 2 et 33 de la loi du 29 juillet 1881)",
        "diffamation publique envers un particulier (art. 29 al. 1 et 32 de la loi",
        "atteinte à la vie privée (art. 9 du code civil)",
        "menace (art. 222-17 du code pénal)",
    ):
        assert f"- une {basis}" in body
    assert "pourraient constituer" in body
    assert "Aucune capture complète de la publication n'a pu être réalisée" in body
    assert "constat par un commissaire de justice" in body
    notice = platform_notice(SETTINGS, all_flags, [], now=NOW).body_text
    assert "Il pourrait constituer :" in notice
    assert notice.count("\n- une ") == 4


def test_a_failed_capture_is_not_presented_as_complete_evidence() -> None:
    failed = dataclasses.replace(
        CAPTURE, id=8, status="unreachable", bundle_sha256="c" * 64, screenshot_sha256=None
    )
    body = insurer_letter(SETTINGS, MENTION, [CAPTURE, failed], now=NOW).body_text
    when = "2026-03-04 08:13:00 UTC (09:13:00 heure de Paris)"
    assert f"- Capture n°7 du {when} : page entière" in body
    line = next(x for x in body.splitlines() if x.startswith("- Capture n°8"))
    assert "tentative échouée (page injoignable)" in line
    assert "ne prouve pas à elle seule la publication" in line
    assert "capture d'écran" not in line


def test_unknown_publication_date_is_said_and_the_deadline_is_an_estimate() -> None:
    undated = dataclasses.replace(MENTION, published_at=None)
    body = insurer_letter(SETTINGS, undated, [CAPTURE], now=NOW).body_text
    assert "Date de publication : inconnue" in body
    assert "le délai expire le 4 juin 2026" in body
    assert "date de publication inconnue : estimation depuis la détection le 4 mars 2026" in body
    assert "Cette date est une estimation" in body
    english = insurer_letter(SETTINGS, undated, [CAPTURE], now=NOW, language="en").body_text
    assert "This date is an estimate" in english


def test_discriminatory_statements_get_the_one_year_limit_in_letters() -> None:
    body = insurer_letter(SETTINGS, MENTION, [], now=NOW, discriminatory=True).body_text
    assert "un an (loi du 29 juillet 1881, art. 65-3)" in body
    assert "le délai expire le 3 mars 2027" in body


def test_expired_limit_is_said_plainly() -> None:
    late = datetime(2026, 7, 1, 9, tzinfo=UTC)
    body = insurer_letter(SETTINGS, MENTION, [], now=late).body_text
    assert "semble expiré depuis le 3 juin 2026" in body


def test_mention_without_url_letter_says_so_but_notice_is_refused() -> None:
    no_url = dataclasses.replace(MENTION, url=None)
    body = insurer_letter(SETTINGS, no_url, [], now=NOW).body_text
    assert "Adresse exacte (URL) : non fournie par la plateforme" in body
    with pytest.raises(DocumentRefused, match=r"n'a pas d'adresse exacte \(URL\)"):
        platform_notice(SETTINGS, no_url, [], now=NOW)


def test_lawful_mention_gets_no_dsa_notice_but_a_way_forward() -> None:
    with pytest.raises(DocumentRefused) as refused:
        platform_notice(SETTINGS, NEGATIVE, [], now=NOW)
    assert "/repondre 12" in str(refused.value) and "/assureur 12" in str(refused.value)
    body = insurer_letter(SETTINGS, NEGATIVE, [], now=NOW).body_text
    assert "n'a pas relevé de propos manifestement illicites" in body
    assert "pourraient constituer" not in body


def test_notice_meets_dsa_article_16() -> None:
    notice = platform_notice(SETTINGS, MENTION, [CAPTURE], now=NOW)
    body = notice.body_text
    assert "article 16 du règlement (UE) 2022/2065" in body
    assert "Adresse (URL) : https://www.google.com/maps/place/?q=place_id:ChIJexemple" in body
    assert "- Nom : Dr Camille Martin" in body
    assert "- Adresse e-mail : cabinet.martin@exemple.fr" in body
    assert "de bonne foi" in body and "exactes et complètes" in body
    assert "« Signaler l'avis »" in notice.instructions
    assert "https://support.google.com/legal/answer/3110420" in notice.instructions


def test_notice_for_another_site_gives_the_generic_route() -> None:
    page = dataclasses.replace(
        MENTION, source_kind="page", url="https://avis-sante.exemple/praticiens/martin#avis-88"
    )
    notice = platform_notice(SETTINGS, page, [], now=NOW)
    assert "Notification à avis-sante.exemple" in notice.instructions
    assert "mentions légales" in notice.instructions
    assert "support.google.com" not in notice.instructions + notice.body_text


@pytest.mark.parametrize(
    ("kind", "url", "platform", "google"),
    [
        ("business", None, "Google", True),
        ("page", "https://www.google.fr/maps/place/Cabinet/@48.1,-1.6", "Google", True),
        ("feed", "https://maps.app.goo.gl/AbCdEf", "Google", True),
        ("news", "https://news.google.com/articles/CBMi", "news.google.com", False),
        ("page", "https://www.google.com.evil.example/maps/x", "google.com.evil.example", False),
        ("feed", "https://www.journal.exemple/article", "journal.exemple", False),
        ("feed", None, "Google – Cabinet du Parc", False),
    ],
)
def test_platform_is_named_and_google_reviews_get_the_google_route(
    kind: str, url: str | None, platform: str, google: bool
) -> None:
    mention = dataclasses.replace(MENTION, source_kind=kind, url=url)
    assert platform_of(mention) == (platform, google)


def test_no_bullet_is_ever_left_blank() -> None:
    sparse = TeamSettings(
        team_id=1,
        team_name="",
        practitioner=dataclasses.replace(SETTINGS.practitioner, profession=None, rpps=None),
        insurer=SETTINGS.insurer,
    )
    bare = dataclasses.replace(MENTION, author=None, rating=None, published_at=None, url=None)
    texts = [
        insurer_letter(SETTINGS, bare, [], now=NOW).body_text,
        platform_notice(sparse, MENTION, [], now=NOW).body_text,
        coverage_letter(sparse, now=NOW).body_text,
        coverage_letter(sparse, now=NOW, language="en").body_text,
    ]
    for text in texts:
        assert "None" not in text
        lines = text.splitlines()
        for line, following in zip(lines, [*lines[1:], ""], strict=True):
            if re.fullmatch(r"- [^:]+ ?:\s*", line):  # only a quotation may follow
                assert following.startswith("> "), line
            assert "RPPS" not in line or re.search(r"RPPS (: )?\d", line), line


# --- Missing settings ---------------------------------------------------------------------


def test_missing_settings_list_every_fix_and_no_letter_is_written() -> None:
    empty = TeamSettings(team_id=1, team_name="Cabinet")
    with pytest.raises(MissingSettings) as raised:
        insurer_letter(empty, MENTION, [], now=NOW)
    keys = [item.key for item in raised.value.items]
    assert keys == [
        "practitioner.name",
        "practitioner.profession",
        "practitioner.rpps",
        "practitioner.address",
        "practitioner.email",
        "insurer.name",
        "insurer.email",
        "insurer.policy",
    ]
    message = str(raised.value)
    assert message.startswith("Pour rédiger le courrier à l'assureur, il manque :")
    assert "• le numéro RPPS du praticien : /reglages praticien rpps=10001234567" in message
    assert "/reglages assureur email=sinistres@exemple.fr" in message


def test_only_the_missing_items_are_listed() -> None:
    no_rpps = dataclasses.replace(
        SETTINGS,
        practitioner=dataclasses.replace(SETTINGS.practitioner, rpps="  "),
        insurer=dataclasses.replace(SETTINGS.insurer, email=None),
    )
    with pytest.raises(MissingSettings) as raised:
        insurer_letter(no_rpps, MENTION, [], now=NOW)
    assert [i.key for i in raised.value.items] == ["practitioner.rpps", "insurer.email"]
    # The notice needs only the sender's name and e-mail: it is still written.
    assert platform_notice(no_rpps, MENTION, [], now=NOW).body_text


def test_an_unusable_insurer_email_is_reported_not_sent() -> None:
    broken = dataclasses.replace(
        SETTINGS, insurer=dataclasses.replace(SETTINGS.insurer, email="sinistres at assureur")
    )
    with pytest.raises(MissingSettings, match="l'adresse enregistrée n'est pas valide"):
        coverage_letter(broken, now=NOW)


def test_missing_settings_in_english() -> None:
    empty = TeamSettings(team_id=1, team_name="Cabinet", language="en")
    with pytest.raises(MissingSettings) as raised:
        coverage_letter(empty, now=NOW)
    message = str(raised.value)
    assert message.startswith("To write the cover request to the insurer, Vigie still needs:")
    assert "• the practitioner's name: /reglages praticien nom=" in message


def test_team_language_is_the_default() -> None:
    english_team = dataclasses.replace(SETTINGS, language="en")
    letter = coverage_letter(english_team, now=NOW)
    assert letter.body_text.startswith("Dear Sir or Madam,")
    assert coverage_letter(english_team, now=NOW, language="fr").body_text.startswith("Madame")


# --- Reply guidance -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("severity", list(Severity))
def test_drafts_never_confirm_a_patient_nor_mention_care(lang: str, severity: Severity) -> None:
    mention = dataclasses.replace(
        NEGATIVE,
        severity=severity,
        author="Patient mécontent",
        text="Mauvais soins, consultation bâclée, traitement inutile. Dossier médical perdu.",
    )
    team = dataclasses.replace(SETTINGS, team_name="Centre de soins du Parc")
    guidance = reply_guidance(team, mention, now=NOW, language=lang)
    if severity is Severity.NEUTRAL:
        assert guidance.draft is None
        return
    assert guidance.draft
    lowered = guidance.draft.lower()
    for word in FORBIDDEN[lang]:
        assert word not in lowered, word
    for echo in ("mécontent", "bâclée", "perdu", "Parc"):
        assert echo not in guidance.draft
    assert guidance.draft in guidance.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_legal_risk_guidance_says_do_not_reply_and_call_the_insurer(lang: str) -> None:
    guidance = reply_guidance(SETTINGS, MENTION, now=NOW, language=lang)
    assert guidance.draft is None and not guidance.reply_advised
    assert "/assureur 12" in guidance.text and "/capture #12" in guidance.text
    assert "Mutuelle Exemple Assurances" in guidance.text
    assert "/assureur garantie" in guidance.text  # cover still unknown
    assert ("3 juin 2026" if lang == "fr" else "3 June 2026") in guidance.text
    covered = dataclasses.replace(
        SETTINGS, insurer=dataclasses.replace(SETTINGS.insurer, coverage=Coverage.YES)
    )
    assert "/assureur garantie" not in reply_guidance(covered, MENTION, now=NOW).text


def test_legal_risk_guidance_without_insurer_says_how_to_set_it() -> None:
    no_insurer = dataclasses.replace(SETTINGS, insurer=Insurer())
    text = reply_guidance(no_insurer, MENTION, now=NOW).text
    assert "/reglages assureur" in text and "None" not in text


# --- Files --------------------------------------------------------------------------------


def test_eml_draft_is_addressed_to_the_insurer_and_matches_the_chat_text() -> None:
    letter = insurer_letter(SETTINGS, MENTION, [CAPTURE], now=NOW)
    assert letter.eml_bytes is not None
    message = parse_eml(letter.eml_bytes)
    assert message["To"] == "Mutuelle Exemple Assurances <sinistres@assureur.exemple>"
    assert message["From"] == "Dr Camille Martin <cabinet.martin@exemple.fr>"
    assert message["Subject"] == letter.subject
    assert message["X-Unsent"] == "1"
    assert message["Date"] == "Thu, 05 Mar 2026 10:30:00 +0100"
    body = message.get_body(("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n") == letter.body_text


def test_save_writes_attachments_for_the_reply(tmp_path: Path) -> None:
    letter = coverage_letter(SETTINGS, now=NOW)
    attachments = letter.save(tmp_path / "out")
    assert [a.filename for a in attachments] == [
        "demande-garantie-e-reputation.eml",
        "demande-garantie-e-reputation.docx",
    ]
    assert attachments[0].mime_type == "message/rfc822"
    assert attachments[1].path.read_bytes() == letter.docx_bytes
    assert attachments[1].caption == "Courrier modifiable (Word)."


def test_docx_letter_has_letterhead_subject_and_quote() -> None:
    letter = insurer_letter(SETTINGS, MENTION, [CAPTURE], now=NOW)
    assert letter.docx_bytes is not None
    document = docx.Document(io.BytesIO(letter.docx_bytes))
    texts = [p.text for p in document.paragraphs]
    assert texts[0].startswith("Dr Camille Martin\nmédecin généraliste – RPPS 10009876543")
    assert texts[1].startswith("Mutuelle Exemple Assurances")
    assert texts[2] == "Rennes, le 5 mars 2026"  # the place, from the practice address
    subject = document.paragraphs[3]
    assert subject.text == (
        f"Lettre recommandée avec accusé de réception\nObjet : {letter.subject}"
    )
    assert subject.runs[0].bold
    # Each qualification is supported by the whole sentence, not a lone word.
    assert "propos relevés : « Ce médecin est un escroc. »" in letter.body_text
    quotes = [p for p in document.paragraphs if p.runs and all(r.italic for r in p.runs)]
    assert len(quotes) == 1 and "escroc" in quotes[0].text
    assert "recommandée" not in letter.body_text  # the e-mail is not a registered letter
    assert document.core_properties.author == "Dr Camille Martin"
    assert document.core_properties.language == "fr-FR"


# --- Case file ----------------------------------------------------------------------------


def test_case_file_copies_bundles_records_letters_and_checksums(tmp_path: Path) -> None:
    bundle = tmp_path / "captures" / "cap-7.zip"
    bundle.parent.mkdir()
    bundle.write_bytes(b"PK\x03\x04 fake bundle " + os.urandom(64))
    gone = dataclasses.replace(CAPTURE, id=8, bundle_path=str(tmp_path / "missing.zip"))
    other = dataclasses.replace(CAPTURE, id=9, mention_id=99, bundle_path=str(bundle))
    kept = dataclasses.replace(CAPTURE, bundle_path=str(bundle))
    letters = [
        insurer_letter(SETTINGS, MENTION, [kept], now=NOW),
        platform_notice(SETTINGS, MENTION, [kept], now=NOW),
    ]
    events: list[TimelineEvent | tuple[datetime, str, str]] = [
        (datetime(2026, 3, 5, 9, 0, tzinfo=UTC), "insurer_letter", "envoyé"),
        TimelineEvent(datetime(2026, 3, 5, 9, 10, tzinfo=UTC), "platform_notice", "Google"),
    ]
    out = tmp_path / "dossiers"
    path = case_file(SETTINGS, MENTION, [kept, gone, other], letters, events, out_dir=out, now=NOW)
    assert path.name == "dossier-avis-12-20260305-103000.zip"
    assert sorted(p.name for p in out.iterdir()) == [path.name]  # no partial file left
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        root = "dossier-avis-12-20260305-103000/"
        names = {n.removeprefix(root) for n in archive.namelist()}
        assert "captures/capture-7.zip" in names
        assert not any("capture-8" in n or "capture-9" in n for n in names)
        assert archive.read(root + "captures/capture-7.zip") == bundle.read_bytes()
        for name in (
            "courriers/courrier-assureur-avis-12.eml",
            "courriers/courrier-assureur-avis-12.docx",
            "courriers/courrier-assureur-avis-12.txt",
            "courriers/notification-plateforme-avis-12.docx",
            "courriers/notification-plateforme-avis-12.txt",
        ):
            assert name in names
        records = json.loads(archive.read(root + "captures/captures.json"))
        assert [(r["id"], r["bundle_in_zip"]) for r in records] == [
            (7, "captures/capture-7.zip"),
            (8, None),
        ]
        sums = archive.read(root + "SHA256SUMS.txt").decode().splitlines()
        assert len(sums) == len(names) - 1
        for line in sums:
            digest, name = line.split("  ", 1)
            assert hashlib.sha256(archive.read(root + name)).hexdigest() == digest
        summary = archive.read(root + "resume.html").decode()
        assert "archive absente du serveur" in summary
        assert "fichier : captures/capture-7.zip" in summary
        timeline = archive.read(root + "chronologie.txt").decode().replace("\u2068", "")
        order = [
            timeline.index(label)
            for label in (
                ": Publication",
                ": Détection par la veille",
                ": Capture",
                ": Courrier à l'assureur",
                ": Notification à la plateforme",
                "3 juin 2026 : Fin du délai pour agir",
            )
        ]
        assert order == sorted(order)
        data = json.loads(archive.read(root + "chronologie.json"))
        assert [e["kind"] for e in data["events"]] == [
            "published",
            "detected",
            "captured",
            "captured",
            "insurer_letter",
            "platform_notice",
        ]
        assert data["deadline"]["date"] == "2026-06-03" and not data["deadline"]["estimated"]


def test_case_file_keeps_the_mention_as_received(tmp_path: Path) -> None:
    path = case_file(SETTINGS, MENTION, [], [], [], out_dir=tmp_path, now=NOW)
    with zipfile.ZipFile(path) as archive:
        root = archive.namelist()[0].split("/")[0]
        data = json.loads(archive.read(f"{root}/mention.json"))
    assert data["text"] == MENTION.text
    assert data["raw"] == MENTION.raw
    assert data["published_at"] == "2026-03-03T13:05:09+00:00"
    assert data["flags"] == ["defamation", "insult"]
    assert data["cues"][0] == {"flag": "insult", "words": "escroc", "reason": "terme injurieux"}


def test_given_events_replace_derived_ones_and_handled_is_shown(tmp_path: Path) -> None:
    handled = dataclasses.replace(MENTION, handled_at=datetime(2026, 3, 6, 8, tzinfo=UTC))
    published = (datetime(2026, 3, 2, 7, 0, tzinfo=UTC), "published", "vu par un proche")
    path = case_file(SETTINGS, handled, [], [], [published], out_dir=tmp_path, now=NOW)
    with zipfile.ZipFile(path) as archive:
        root = archive.namelist()[0].split("/")[0]
        events = json.loads(archive.read(f"{root}/chronologie.json"))["events"]
    assert [(e["kind"], e["at"]) for e in events] == [
        ("published", "2026-03-02T07:00:00+00:00"),
        ("detected", "2026-03-04T08:12:30+00:00"),
        ("handled", "2026-03-06T08:00:00+00:00"),
    ]


# --- Editable templates -------------------------------------------------------------------


def test_an_override_directory_changes_the_wording(tmp_path: Path) -> None:
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "coverage_letter.txt.j2").write_text(
        "{% set subject %}Question de garantie{% endset %}"
        "Bonjour {{ insurer.name }}, couvrez-vous l'e-réputation ?\n",
        encoding="utf-8",
    )
    letter = coverage_letter(SETTINGS, now=NOW, templates=tmp_path)
    assert letter.subject == "Question de garantie"
    assert (
        letter.body_text == "Bonjour Mutuelle Exemple Assurances, couvrez-vous l'e-réputation ?\n"
    )
    # Other documents still come from the shipped templates.
    assert (
        "article 16"
        in platform_notice(SETTINGS, MENTION, [], now=NOW, templates=tmp_path).body_text
    )


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{% if %}\n", "coverage_letter.txt.j2"),
        ("RPPS {{ practitioner.rpps }}\n", "valeur absente"),
        ("{{ practitioner.surnom }}\n", "surnom"),
    ],
)
def test_a_broken_template_is_reported_politely(
    tmp_path: Path, template: str, expected: str
) -> None:
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "coverage_letter.txt.j2").write_text(template, encoding="utf-8")
    settings = dataclasses.replace(
        SETTINGS, practitioner=dataclasses.replace(SETTINGS.practitioner, rpps=None)
    )
    with pytest.raises(DocumentRefused) as refused:
        coverage_letter(settings, now=NOW, templates=tmp_path)
    message = str(refused.value)
    assert message.startswith("Le modèle « fr/coverage_letter.txt.j2 » n'a pas pu être utilisé")
    assert expected in message
    assert "remettez la version fournie" in message
