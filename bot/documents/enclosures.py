"""The pieces a letter sends with it: the capture PDF and the framed excerpt, numbered.

An insurer should not have to ask for the evidence: the e-mail draft carries the PDF of the
latest whole capture and its framed excerpt of the review. Past a size cap (mailboxes refuse
large messages) the files stay out and the letter says where the full bundle is kept.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.models import CaptureRecord

#: Total size of the files attached to an e-mail draft; above it, the letter points to the bundle.
MAX_ATTACHED_BYTES = 8 * 1024 * 1024

_PIECES = (
    ("page.pdf", "pdf", "application/pdf", "la page capturée, imprimée en PDF (horodatée)"),
    ("extrait.png", "extrait.png", "image/png", "l'avis encadré sur la page capturée"),
)
_PIECES_EN = {
    "page.pdf": "the captured page, printed as PDF (timestamped)",
    "extrait.png": "the review, framed, on the captured page",
}


@dataclass(frozen=True, slots=True)
class Enclosure:
    """One numbered piece: its file name in the e-mail, what it is, and its bytes."""

    number: int
    filename: str
    description: str
    mime_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Enclosures:
    """What goes with the letter, or why nothing does and where the bundle is."""

    pieces: tuple[Enclosure, ...] = ()
    withheld_bytes: int = 0
    bundle_name: str | None = None
    capture_number: int | None = None


def enclosures_for(
    captures: Sequence[CaptureRecord], language: str, cap: int = MAX_ATTACHED_BYTES
) -> Enclosures:
    """The files of the latest whole capture still on disk, within `cap` bytes in total."""
    whole = [c for c in captures if c.status == "ok" and c.bundle_path]
    for capture in sorted(whole, key=lambda c: (c.started_at, c.id), reverse=True):
        folder = Path(str(capture.bundle_path)).with_suffix("")
        found = [(name, mime, text) for name, _, mime, text in _PIECES if (folder / name).is_file()]
        if not found:
            continue
        size = sum((folder / name).stat().st_size for name, _, _ in found)
        bundle = Path(str(capture.bundle_path)).name
        if size > cap:
            return Enclosures((), size, bundle, capture.id)
        pieces = tuple(
            Enclosure(
                number,
                f"capture-{capture.id}-{name}",
                _PIECES_EN[name] if language == "en" else text,
                mime,
                (folder / name).read_bytes(),
            )
            for number, (name, mime, text) in enumerate(found, start=1)
        )
        return Enclosures(pieces, 0, bundle, capture.id)
    return Enclosures()


def _manifests(captures: Sequence[CaptureRecord]) -> list[dict[str, object]]:
    """The manifests of the captures still on disk, latest first."""
    out: list[dict[str, object]] = []
    for capture in sorted(captures, key=lambda c: (c.started_at, c.id), reverse=True):
        if not capture.bundle_path:
            continue
        manifest = Path(str(capture.bundle_path)).with_suffix("") / "manifest.json"
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            out.append(data)
    return out


def author_on_page(captures: Sequence[CaptureRecord]) -> str | None:
    """The author's pseudonym the latest capture read beside the review on the page, if any."""
    for data in _manifests(captures):
        found = data.get("text_on_page")
        author = found.get("author_on_page") if isinstance(found, dict) else None
        if isinstance(author, str) and author.strip():
            return author
    return None


def site_name_on_page(captures: Sequence[CaptureRecord]) -> str | None:
    """The site's own name as the latest capture read it (og:site_name or title)."""
    for data in _manifests(captures):
        name = data.get("site_name")
        if isinstance(name, str) and name.strip():
            return name
    return None
