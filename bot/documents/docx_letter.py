"""Lays a rendered letter out as an editable Word file, for teams that print, sign or adapt it.

The layout reads the plain-text body: a blank line separates paragraphs, lines starting
with "- " are bullets, lines starting with "> " are the quoted publication.
"""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from bot.deadlines import as_utc
from bot.documents.safe import header_safe

_RECIPIENT_INDENT = Cm(9)
_QUOTE_INDENT = Cm(1)


def _lines_paragraph(paragraph: Paragraph, lines: list[str]) -> None:
    """Fill a paragraph with lines joined by soft line breaks."""
    run = paragraph.add_run(lines[0])
    for line in lines[1:]:
        run.add_break()
        run = paragraph.add_run(line)


def _blocks(body: str) -> list[tuple[str, list[str]]]:
    """The body cut into (kind, lines) blocks: "text", "bullet" or "quote"."""
    blocks: list[tuple[str, list[str]]] = []
    for chunk in body.strip("\n").split("\n\n"):
        current: tuple[str, list[str]] | None = None
        for line in chunk.split("\n"):
            if line.startswith("- "):
                blocks.append(("bullet", [line[2:]]))
                current = None
                continue
            kind, text = (
                ("quote", line[1:].removeprefix(" ")) if line.startswith(">") else ("text", line)
            )
            if current is not None and current[0] == kind:
                current[1].append(text)
            else:
                current = (kind, [text])
                blocks.append(current)
    return blocks


def build_docx(
    *,
    sender: str,
    recipient: str,
    dateline: str,
    subject_line: str,
    body: str,
    title: str,
    author: str,
    language: str,
    now: datetime,
) -> bytes:
    """The letter as `.docx` bytes: letterhead, subject in bold, then the body's paragraphs."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)

    properties = document.core_properties
    properties.title = header_safe(title, 200)
    properties.author = header_safe(author, 120)
    properties.last_modified_by = properties.author
    properties.language = "en-GB" if language == "en" else "fr-FR"
    moment = as_utc(now).replace(tzinfo=None)
    properties.created = moment
    properties.modified = moment
    properties.revision = 1

    if sender:
        _lines_paragraph(document.add_paragraph(), sender.split("\n"))
    if recipient:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = _RECIPIENT_INDENT
        paragraph.paragraph_format.space_before = Pt(12)
        _lines_paragraph(paragraph, recipient.split("\n"))
    if dateline:
        paragraph = document.add_paragraph(dateline)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_before = Pt(12)
    if subject_line:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(12)
        paragraph.add_run(subject_line).bold = True

    for kind, lines in _blocks(body):
        if kind == "bullet":
            document.add_paragraph(lines[0], style="List Bullet")
        elif kind == "quote":
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = _QUOTE_INDENT
            _lines_paragraph(paragraph, lines)
            for run in paragraph.runs:
                run.italic = True
        else:
            _lines_paragraph(document.add_paragraph(), lines)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
