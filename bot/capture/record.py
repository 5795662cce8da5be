"""The mention as Vigie received it, kept in every bundle: evidence even when the page is gone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from bot.capture.band import utc_label, visible
from bot.capture.bundle import MENTION_JSON, MENTION_TEXT, sha256_bytes, to_json
from bot.models import StoredMention

_LABELS = (
    ("id", "Numéro"),
    ("source", "Source"),
    ("url", "Adresse"),
    ("title", "Titre"),
    ("author", "Auteur"),
    ("rating", "Note"),
    ("published_at", "Publiée le"),
    ("detected_at", "Détectée par Vigie le"),
    ("external_id", "Identifiant chez la source"),
    ("severity", "Tonalité"),
    ("flags", "Risques juridiques relevés"),
    ("content_hash", "Empreinte du contenu (Vigie)"),
)
_SHOWN_APART = {"text", "raw"}


def _shown(value: object) -> str:
    if isinstance(value, datetime):
        return utc_label(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_shown(item) for item in value) or "aucun"
    return visible(str(value), keep="\n\t")


def mention_fields(mention: StoredMention) -> dict[str, object]:
    """A stored mention as the capture service documents it (`capture(..., mention=...)`)."""
    return {
        "id": mention.id,
        "source": f"{mention.source_label} ({mention.source_kind})",
        "external_id": mention.external_id,
        "url": mention.url,
        "title": mention.title,
        "author": mention.author,
        "rating": mention.rating,
        "published_at": mention.published_at,
        "detected_at": mention.detected_at,
        "content_hash": mention.content_hash,
        "severity": str(mention.severity),
        "flags": sorted(str(f) for f in mention.flags),
        "text": mention.text,
        "raw": mention.raw,
    }


def raw_bytes(mention: Mapping[str, object]) -> bytes | None:
    """The source's payload as received, if the mention carries one."""
    raw = mention.get("raw")
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, str):
        return raw.encode("utf-8")
    return None


def write_mention_record(
    folder: Path, mention: Mapping[str, object], *, recorded_at: datetime
) -> dict[str, object]:
    """Write `mention.json` (as received) and `mention.txt` (readable); return its summary."""
    payload = to_json(dict(mention))
    (folder / MENTION_JSON).write_text(payload, encoding="utf-8")
    raw = raw_bytes(mention)
    raw_hash = sha256_bytes(raw) if raw is not None else None
    lines = [
        "Mention telle que Vigie l'a reçue de la source",
        "==============================================",
        "",
    ]
    for key, label in _LABELS:
        value = mention.get(key)
        if value is not None and value != "":
            lines.append(f"{label} : {_shown(value)}")
    for key, value in mention.items():
        known = any(key == k for k, _ in _LABELS)
        if not known and key not in _SHOWN_APART and value is not None:
            lines.append(f"{key} : {_shown(value)}")
    lines.append(f"Enregistrée dans ce dossier le : {_shown(recorded_at)}")
    lines += ["", "Texte :", _shown(mention.get("text") or "(aucun texte)"), ""]
    if raw is not None:
        lines += [
            f"Données brutes reçues de la source (SHA-256 : {raw_hash}) :",
            _shown(raw.decode("utf-8", errors="replace")),
            "",
        ]
    (folder / MENTION_TEXT).write_text("\n".join(lines), encoding="utf-8")
    return {
        "id": mention.get("id"),
        "source": mention.get("source"),
        "url": mention.get("url"),
        "author": mention.get("author"),
        "detected_at": mention.get("detected_at"),
        "raw_sha256": raw_hash,
        "recorded_at": recorded_at,
    }
