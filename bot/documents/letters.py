"""The three letters (insurer, platform notice, cover request): facts in, files ready to send."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.chat.types import Attachment
from bot.deadlines import discriminatory_for, format_date, local_date, press_deadline
from bot.documents.docx_letter import build_docx
from bot.documents.eml import build_eml
from bot.documents.enclosures import (
    Enclosure,
    Enclosures,
    author_on_page,
    enclosures_for,
    site_name_on_page,
)
from bot.documents.errors import DocumentRefused
from bot.documents.facts import (
    HOSTED_AT,
    capture_facts,
    deadline_facts,
    insurer_facts,
    language_of,
    mention_facts,
    practitioner_facts,
    setting,
)
from bot.documents.render import Rendered, render
from bot.documents.requirements import require
from bot.documents.safe import clean, header_safe, untrusted
from bot.messages import messages
from bot.models import CaptureRecord, StoredMention, TeamSettings

EML_MIME = "message/rfc822"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TXT_MIME = "text/plain"

_PRACTITIONER = (
    "practitioner.name",
    "practitioner.profession",
    "practitioner.rpps",
    "practitioner.address",
    "practitioner.email",
)
_INSURER = ("insurer.name", "insurer.email", "insurer.policy")

# Document names (for messages) and file stems, per language.
_NAMES = {
    "fr": {
        "insurer_letter": ("le courrier à l'assureur", "courrier-assureur-avis-{n}"),
        "platform_notice": ("la notification à la plateforme", "notification-plateforme-avis-{n}"),
        "coverage_letter": ("la demande de garantie à l'assureur", "demande-garantie-e-reputation"),
    },
    "en": {
        "insurer_letter": ("letter to the insurer", "insurer-letter-review-{n}"),
        "platform_notice": ("notice to the platform", "platform-notice-review-{n}"),
        "coverage_letter": ("cover request to the insurer", "e-reputation-cover-request"),
    },
}
_CAPTIONS = {
    "fr": {
        EML_MIME: "Brouillon d'e-mail : ouvrez-le, relisez, envoyez.",
        DOCX_MIME: "Courrier modifiable (Word).",
        TXT_MIME: "Texte à copier.",
    },
    "en": {
        EML_MIME: "E-mail draft: open it, check it, send it.",
        DOCX_MIME: "Editable letter (Word).",
        TXT_MIME: "Text to copy.",
    },
}


@dataclass(frozen=True, slots=True)
class LetterFile:
    """One file of a letter (the e-mail draft, the Word letter)."""

    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True, slots=True)
class Letter:
    """A ready-to-send letter: text for the chat, the team's instructions, and its files."""

    kind: str
    language: str
    subject: str
    body_text: str
    instructions: str
    recipient: str | None
    files: tuple[LetterFile, ...]
    mention_id: int | None = None

    def _content(self, mime_type: str) -> bytes | None:
        """The bytes of the file of that type, if the letter has one."""
        return next((f.content for f in self.files if f.mime_type == mime_type), None)

    @property
    def eml_bytes(self) -> bytes | None:
        """The `.eml` draft, when the letter goes by e-mail."""
        return self._content(EML_MIME)

    @property
    def docx_bytes(self) -> bytes | None:
        """The editable Word letter."""
        return self._content(DOCX_MIME)

    @property
    def filenames(self) -> tuple[str, ...]:
        """The files' names, in the order they are attached."""
        return tuple(f.filename for f in self.files)

    @property
    def chat_text(self) -> str:
        """What the chat shows: the instructions, then the text to copy."""
        if not self.instructions:
            return self.body_text
        return f"{self.instructions.rstrip()}\n\n{self.body_text}"

    def save(self, directory: Path) -> tuple[Attachment, ...]:
        """Write the files into `directory` and describe them as reply attachments."""
        directory.mkdir(parents=True, exist_ok=True)
        captions = _CAPTIONS[self.language]
        attachments = []
        for item in self.files:
            path = directory / item.filename
            path.write_bytes(item.content)
            attachments.append(
                Attachment(path, item.filename, item.mime_type, captions.get(item.mime_type, ""))
            )
        return tuple(attachments)


def _files(
    kind: str,
    language: str,
    rendered: Rendered,
    settings: TeamSettings,
    *,
    stem: str,
    now: datetime,
    email: bool,
    attached: Sequence[Enclosure] = (),
) -> tuple[LetterFile, ...]:
    """The `.eml` draft (when addressed by e-mail) and the Word letter."""
    subject = header_safe(rendered.part("subject"), 300)
    person, insurer = settings.practitioner, settings.insurer
    files: list[LetterFile] = []
    if email and person.email and insurer.email:
        eml = build_eml(
            sender_name=person.name,
            sender_email=clean(person.email, single_line=True),
            to_name=insurer.name,
            to_email=clean(insurer.email, single_line=True),
            subject=subject,
            body=rendered.body,
            now=now,
            attachments=[(a.filename, a.mime_type, a.content) for a in attached],
        )
        files.append(LetterFile(f"{stem}.eml", eml, EML_MIME))
    docx = build_docx(
        sender=rendered.part("sender"),
        recipient=rendered.part("recipient"),
        dateline=rendered.part("dateline"),
        subject_line=rendered.part("subject_line"),
        body=rendered.body,
        title=subject,
        author=person.name or settings.team_name,
        language=language,
        now=now,
    )
    files.append(LetterFile(f"{stem}.docx", docx, DOCX_MIME))
    return tuple(files)


def _letter(
    kind: str,
    language: str,
    facts: dict[str, object],
    settings: TeamSettings,
    *,
    now: datetime,
    email: bool,
    mention_id: int | None,
    templates: Path | None,
    attached: Sequence[Enclosure] = (),
) -> Letter:
    """Render one letter and package it."""
    rendered = render(kind, language, facts, templates=templates)
    stem = _NAMES[language][kind][1].format(n=mention_id)
    return Letter(
        kind=kind,
        language=language,
        subject=header_safe(rendered.part("subject"), 300),
        body_text=rendered.body,
        instructions=rendered.part("instructions"),
        recipient=clean(settings.insurer.email, single_line=True)
        if email and settings.insurer.email
        else None,
        files=_files(
            kind, language, rendered, settings, stem=stem, now=now, email=email, attached=attached
        ),
        mention_id=mention_id,
    )


def _common(settings: TeamSettings, language: str, now: datetime) -> dict[str, object]:
    """Facts every letter may print."""
    return {
        "language": language,
        "practitioner": practitioner_facts(settings),
        "insurer": insurer_facts(settings),
        "team": setting(settings.team_name) or "Cabinet",
        "today": format_date(local_date(now), language),
    }


def _mention_facts(
    settings: TeamSettings,
    mention: StoredMention,
    captures: Sequence[CaptureRecord],
    language: str,
    now: datetime,
    discriminatory: bool | None,
) -> dict[str, object]:
    """Facts of a letter about one mention: the publication, the evidence, the deadline."""
    facts = _common(settings, language, now)
    deadline = press_deadline(mention, discriminatory=discriminatory)
    about = mention_facts(mention, language)
    own = [c for c in captures if c.mention_id == mention.id]
    if about.author is None:
        seen = untrusted(author_on_page(own), limit=200)
        if seen is not None:
            about = dataclasses.replace(about, author=seen, author_from_page=True)
    if about.platform.startswith(HOSTED_AT):
        site = untrusted(site_name_on_page(own), limit=120)
        if site is not None:
            about = dataclasses.replace(about, platform=f"{site} ({about.platform})")
    facts.update(
        mention=about,
        captures=capture_facts([c for c in captures if c.mention_id in (None, mention.id)]),
        deadline=deadline_facts(deadline, now, language),
        discriminatory=discriminatory_for(mention, discriminatory),
        enclosures=Enclosures(),
    )
    return facts


def insurer_letter(
    settings: TeamSettings,
    mention: StoredMention,
    captures: Sequence[CaptureRecord],
    *,
    now: datetime,
    language: str | None = None,
    discriminatory: bool | None = None,
    templates: Path | None = None,
    appearances: Sequence[object] = (),
) -> Letter:
    """`/assureur #ID`: the letter asking the RCP insurer to open a file (e-mail + Word).

    `appearances` lists every place and time the same text (or the same wave) appeared.
    """
    lang = language_of(language, settings)
    document = _NAMES[lang]["insurer_letter"][0]
    require(settings, _PRACTITIONER + _INSURER, document=document, language=lang)
    facts = _mention_facts(settings, mention, captures, lang, now, discriminatory)
    own = [c for c in captures if c.mention_id in (None, mention.id)]
    enclosures = enclosures_for(own, lang)
    facts["enclosures"] = enclosures
    facts["appearances"] = list(appearances)
    return _letter(
        "insurer_letter",
        lang,
        facts,
        settings,
        now=now,
        email=True,
        mention_id=mention.id,
        templates=templates,
        attached=enclosures.pieces,
    )


def platform_notice(
    settings: TeamSettings,
    mention: StoredMention,
    captures: Sequence[CaptureRecord],
    *,
    now: datetime,
    language: str | None = None,
    discriminatory: bool | None = None,
    templates: Path | None = None,
) -> Letter:
    """`/signaler #ID`: the DSA art. 16 notice to the host, with the platform's own route."""
    lang = language_of(language, settings)
    document = _NAMES[lang]["platform_notice"][0]
    require(settings, ("practitioner.name", "practitioner.email"), document=document, language=lang)
    if not mention.url or not clean(mention.url, single_line=True):
        raise DocumentRefused(messages(lang).notice_needs_url(mention.id))
    if not mention.flags:
        raise DocumentRefused(messages(lang).notice_no_legal_basis(mention.id))
    facts = _mention_facts(settings, mention, captures, lang, now, discriminatory)
    return _letter(
        "platform_notice",
        lang,
        facts,
        settings,
        now=now,
        email=False,
        mention_id=mention.id,
        templates=templates,
    )


def coverage_letter(
    settings: TeamSettings,
    *,
    now: datetime,
    language: str | None = None,
    templates: Path | None = None,
) -> Letter:
    """`/assureur garantie`: asks the insurer whether the contract covers e-reputation, and how."""
    lang = language_of(language, settings)
    document = _NAMES[lang]["coverage_letter"][0]
    keys = ("practitioner.name", "practitioner.address", "practitioner.email", *_INSURER)
    require(settings, keys, document=document, language=lang)
    return _letter(
        "coverage_letter",
        lang,
        _common(settings, lang, now),
        settings,
        now=now,
        email=True,
        mention_id=None,
        templates=templates,
    )
