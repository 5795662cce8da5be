"""`/dossier`: one ZIP an insurer or a lawyer can open cold — mention, evidence, letters, dates.

The ZIP holds a one-page summary, the timeline (text and JSON), the mention exactly as
stored (raw payload included), the capture bundles that still exist on disk, the letters
generated, and a SHA256SUMS file over everything else. Blocking file I/O: run it in a thread.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time
from pathlib import Path

from bot.deadlines import (
    PARIS,
    Deadline,
    as_utc,
    format_datetime,
    format_datetime_utc,
    press_deadline,
)
from bot.documents.facts import (
    CaptureFacts,
    capture_facts,
    deadline_facts,
    insurer_facts,
    language_of,
    mention_facts,
    practitioner_facts,
    setting,
)
from bot.documents.letters import Letter
from bot.documents.render import render
from bot.documents.safe import Untrusted, clean, shorten
from bot.models import CaptureRecord, StoredMention, TeamSettings

#: Timeline kinds, in the order they usually happen.
EVENT_KINDS = (
    "published",
    "appeared",
    "detected",
    "captured",
    "insurer_letter",
    "platform_notice",
    "reply_guidance",
    "reply_published",
    "reply_deleted",
    "handled",
    "deadline",
)

_LAYOUT = {
    "fr": {
        "zip": "dossier-avis-{n}-{stamp}",
        "summary": "resume.html",
        "timeline": "chronologie",
        "captures": "captures",
        "letters": "courriers",
    },
    "en": {
        "zip": "case-file-review-{n}-{stamp}",
        "summary": "summary.html",
        "timeline": "timeline",
        "captures": "captures",
        "letters": "letters",
    },
}


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """Something that happened to a mention; `kind` is one of `EVENT_KINDS`."""

    at: datetime
    kind: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class EventFacts:
    """A timeline line as templates print it."""

    kind: str
    when: str
    utc: str | None
    detail: Untrusted | None


@dataclass(frozen=True, slots=True)
class CaptureFileFacts:
    """Whether a capture's bundle made it into the ZIP, and under which name."""

    number: int
    archived_as: str | None


def _as_event(item: TimelineEvent | tuple[datetime, str, str]) -> TimelineEvent:
    """Accept the dataclass or a plain (datetime, kind, detail) tuple."""
    return item if isinstance(item, TimelineEvent) else TimelineEvent(*item)


def build_timeline(
    mention: StoredMention,
    captures: Sequence[CaptureRecord],
    events: Sequence[TimelineEvent | tuple[datetime, str, str]],
) -> list[TimelineEvent]:
    """The given events plus those the mention and captures tell, sorted; deadline excluded."""
    given = [_as_event(e) for e in events]
    kinds = {e.kind for e in given}
    derived: list[TimelineEvent] = []
    if mention.published_at is not None:
        derived.append(TimelineEvent(mention.published_at, "published", mention.source_label))
    derived.append(TimelineEvent(mention.detected_at, "detected", mention.source_label))
    for capture in captures:
        derived.append(TimelineEvent(capture.started_at, "captured", _capture_detail(capture)))
    if mention.handled_at is not None:
        derived.append(TimelineEvent(mention.handled_at, "handled", ""))
    # Captures always come from their records, which say what each one proves.
    given = [e for e in given if e.kind != "captured"]
    kinds.discard("captured")
    merged = given + [e for e in derived if e.kind not in kinds]
    return sorted(merged, key=_event_order)


def _capture_detail(capture: CaptureRecord) -> str:
    """A capture as the timeline states it: number, what it proves, its fingerprint."""
    if capture.status == "ok" and capture.bundle_sha256:
        proof = "preuve solide (page entière, avis visible)"
    elif capture.status == "partial":
        proof = "capture partielle, ne prouve pas à elle seule la publication"
    else:
        proof = f"échec ({capture.status}) : prouve la tentative, pas la publication"
    digest = f", SHA-256 {capture.bundle_sha256}" if capture.bundle_sha256 else ""
    return f"#{capture.id} — {proof}{digest}"


def _event_order(event: TimelineEvent) -> tuple[datetime, int]:
    """Chronological, and in the usual order when two events share the same second."""
    rank = EVENT_KINDS.index(event.kind) if event.kind in EVENT_KINDS else len(EVENT_KINDS)
    return as_utc(event.at), rank


def _event_facts(event: TimelineEvent, language: str) -> EventFacts:
    """A timeline event formatted for people (Paris) and for evidence (UTC)."""
    detail = shorten(clean(event.detail, single_line=True), 300)[0]
    return EventFacts(
        kind=event.kind,
        when=format_datetime(event.at, language),
        utc=format_datetime_utc(event.at),
        detail=Untrusted(detail) if detail else None,
    )


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, or None."""
    return None if value is None else as_utc(value).isoformat(timespec="seconds")


def mention_json(mention: StoredMention) -> bytes:
    """The mention exactly as stored, raw payload included (lone surrogates kept as escapes)."""
    data = {
        "id": mention.id,
        "team_id": mention.team_id,
        "source_id": mention.source_id,
        "source_kind": mention.source_kind,
        "source_label": mention.source_label,
        "external_id": mention.external_id,
        "url": mention.url,
        "title": mention.title,
        "author": mention.author,
        "rating": mention.rating,
        "text": mention.text,
        "published_at": _iso(mention.published_at),
        "detected_at": _iso(mention.detected_at),
        "content_hash": mention.content_hash,
        "severity": mention.severity.value,
        "flags": sorted(flag.value for flag in mention.flags),
        "cues": [
            {"flag": c.flag.value if c.flag else None, "words": c.words, "reason": c.reason}
            for c in mention.cues
        ],
        "watch_ids": list(mention.watch_ids),
        "handled_at": _iso(mention.handled_at),
        "raw": mention.raw,
    }
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return text.encode("utf-8", errors="backslashreplace")


def _captures_json(captures: Sequence[CaptureRecord], archived: dict[int, str]) -> bytes:
    """The capture records, with where each bundle sits in the ZIP (or null if it is gone)."""
    data = [
        {
            "id": c.id,
            "url": c.url,
            "requested_by": c.requested_by,
            "started_at": _iso(c.started_at),
            "finished_at": _iso(c.finished_at),
            "status": c.status,
            "screenshot_sha256": c.screenshot_sha256,
            "bundle_sha256": c.bundle_sha256,
            "bundle_in_zip": archived.get(c.id),
            "note": c.note,
        }
        for c in captures
    ]
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode(
        "utf-8", errors="backslashreplace"
    )


def _timeline_json(events: list[TimelineEvent], deadline: Mapping[str, object]) -> bytes:
    """The timeline for machines: UTC instants, kinds, details, and the deadline."""
    data = {
        "events": [{"at": _iso(e.at), "kind": e.kind, "detail": e.detail} for e in events],
        "deadline": deadline,
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode(
        "utf-8", errors="backslashreplace"
    )


class _ZipWriter:
    """Adds files under one top folder with a fixed timestamp, and remembers their SHA-256."""

    def __init__(self, archive: zipfile.ZipFile, root: str, now: datetime) -> None:
        self.archive = archive
        self.root = root
        self.stamp = as_utc(now).astimezone(PARIS).timetuple()[:6]
        self.sums: list[tuple[str, str]] = []

    def add(self, name: str, content: bytes) -> None:
        """Store bytes as `root/name`."""
        info = zipfile.ZipInfo(f"{self.root}/{name}", date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        self.archive.writestr(info, content)
        self.sums.append((hashlib.sha256(content).hexdigest(), name))

    def add_file(self, name: str, path: Path) -> None:
        """Copy a file from disk as `root/name` (stored, bundles are already compressed)."""
        digest = hashlib.sha256()
        info = zipfile.ZipInfo(f"{self.root}/{name}", date_time=self.stamp)
        info.compress_type = zipfile.ZIP_STORED
        with path.open("rb") as source, self.archive.open(info, "w", force_zip64=True) as target:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                target.write(chunk)
        self.sums.append((digest.hexdigest(), name))


def case_file(
    settings: TeamSettings,
    mention: StoredMention,
    captures: Sequence[CaptureRecord],
    letters: Sequence[Letter],
    timeline: Sequence[TimelineEvent | tuple[datetime, str, str]],
    *,
    out_dir: Path,
    now: datetime,
    language: str | None = None,
    discriminatory: bool | None = None,
    templates: Path | None = None,
) -> Path:
    """`/dossier #ID`: write the case-file ZIP into `out_dir` and return its path."""
    lang = language_of(language, settings)
    layout = _LAYOUT[lang]
    own = sorted((c for c in captures if c.mention_id in (None, mention.id)), key=lambda c: c.id)
    stamp = as_utc(now).astimezone(PARIS).strftime("%Y%m%d-%H%M%S")
    root = layout["zip"].format(n=mention.id, stamp=stamp)
    deadline = press_deadline(mention, discriminatory=discriminatory)
    events = build_timeline(mention, own, timeline)

    archived = _archived_bundles(own)
    archived_names = {
        number: f"{layout['captures']}/capture-{number}{path.suffix or '.zip'}"
        for number, path in archived.items()
    }
    letter_files = _letter_files(letters)

    facts: dict[str, object] = {
        "language": lang,
        "practitioner": practitioner_facts(settings),
        "insurer": insurer_facts(settings),
        "team": setting(settings.team_name) or "Cabinet",
        "mention": mention_facts(mention, lang),
        "captures": _capture_lines(own, lang),
        "archived": tuple(CaptureFileFacts(c.id, archived_names.get(c.id)) for c in own),
        "deadline": deadline_facts(deadline, now, lang),
        "events": tuple(_event_facts(e, lang) for e in events),
        "letters": tuple(name for name, _ in letter_files),
        "layout": layout,
        "generated": format_datetime(now, lang),
        "generated_utc": format_datetime_utc(now),
    }
    timeline_text = render("timeline", lang, facts, templates=templates).body
    summary = render("case_summary", lang, facts, kind="html", templates=templates).body
    deadline_json = _deadline_json(deadline, lang)
    files: list[tuple[str, bytes]] = [
        (layout["summary"], summary.encode("utf-8")),
        (f"{layout['timeline']}.txt", timeline_text.encode("utf-8")),
        (f"{layout['timeline']}.json", _timeline_json(events, deadline_json)),
        ("mention.json", mention_json(mention)),
        (f"{layout['captures']}/captures.json", _captures_json(own, archived_names)),
    ]
    bundles = [(archived_names[number], path) for number, path in archived.items()]
    files_after = [(f"{layout['letters']}/{name}", content) for name, content in letter_files]
    return _write_zip(out_dir, root, now, files, bundles, files_after)


def _capture_lines(own: Sequence[CaptureRecord], lang: str) -> tuple[CaptureFacts, ...]:
    """The captures as the summary lists them, each instant in the team's language."""
    facts = capture_facts(own)
    if lang != "en":
        return facts
    started = {c.id: c.started_at for c in own}
    return tuple(replace(f, captured=_capture_time_en(started[f.number])) for f in facts)


def _capture_time_en(value: datetime) -> str:
    """ "2026-03-03 14:05:09 UTC (15:05:09 Paris time)": `format_capture_time` in English."""
    utc = as_utc(value)
    local = utc.astimezone(PARIS)
    day = "" if local.date() == utc.date() else f"{local:%Y-%m-%d} "
    return f"{utc:%Y-%m-%d %H:%M:%S} UTC ({day}{local:%H:%M:%S} Paris time)"


def _deadline_json(deadline: Deadline, lang: str) -> dict[str, object]:
    """The press-law limit as the timeline's JSON states it (end of day, Paris time)."""
    deadline_end = datetime.combine(deadline.expires_on, time(23, 59, 59), PARIS)
    return {
        "date": deadline.expires_on.isoformat(),
        "ends_at": _iso(deadline_end),
        "estimated": deadline.estimated,
        "months": deadline.months,
        "basis": deadline.basis_in(lang),
    }


def _archived_bundles(own: Sequence[CaptureRecord]) -> dict[int, Path]:
    """Capture number -> its bundle on disk, for the captures whose bundle still exists."""
    archived: dict[int, Path] = {}
    for capture in own:
        bundle = Path(capture.bundle_path) if capture.bundle_path else None
        if bundle is not None and bundle.is_file():
            archived[capture.id] = bundle
    return archived


def _letter_files(letters: Sequence[Letter]) -> list[tuple[str, bytes]]:
    """Each letter's attachments, then its text as a .txt, in the order written."""
    letter_files: list[tuple[str, bytes]] = []
    for letter in letters:
        letter_files.extend((item.filename, item.content) for item in letter.files)
        stem = letter.filenames[-1].rsplit(".", 1)[0] if letter.files else letter.kind
        letter_files.append((f"{stem}.txt", letter.body_text.encode("utf-8")))
    return letter_files


def _write_zip(
    out_dir: Path,
    root: str,
    now: datetime,
    files: Sequence[tuple[str, bytes]],
    bundles: Sequence[tuple[str, Path]],
    files_after: Sequence[tuple[str, bytes]],
) -> Path:
    """Write the ZIP beside its final name, then move it in place (never half a file)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{root}.zip"
    partial = out_dir / f".{root}.zip.part"
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            writer = _ZipWriter(archive, root, now)
            for name, content in files:
                writer.add(name, content)
            for name, path in bundles:
                writer.add_file(name, path)
            for name, content in files_after:
                writer.add(name, content)
            sums = "".join(f"{digest}  {name}\n" for digest, name in writer.sums)
            writer.add("SHA256SUMS.txt", sums.encode("utf-8"))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target
