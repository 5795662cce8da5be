"""`vigie export` and `vigie purge`: a team's data out as CSV/JSON, and retention (GDPR)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import to_iso, utcnow
from bot.models import CaptureRecord, StoredMention, Watch
from bot.retention import open_case_reason
from bot.settings import Settings
from vigie.app import open_services


async def export_team(settings: Settings, *, team: str | None, out: Path | None) -> int:
    """Write watches.csv, mentions.csv, captures.csv and export.json for one team."""
    services = await open_services(settings)
    store = services.store
    try:
        team_id = await store.teams.find_by_name(team) if team else None
        if team and team_id is None:
            print(f"Équipe inconnue : « {team} ».", file=sys.stderr)
            return 2
        if team_id is None:
            team_id = await store.teams.default_team(settings.team_name, language=settings.language)
        stamp = utcnow().strftime("%Y%m%d-%H%M%S")
        folder = out or settings.data_dir / "exports" / f"equipe-{team_id}-{stamp}"
        folder.mkdir(parents=True, exist_ok=True)
        watches = [_watch_row(w) for w in await store.watches.active(team_id)]
        mentions = [_mention_row(m) for m in await store.mentions.all_of(team_id)]
        captures = [_capture_row(c) for c in await store.captures.of_team(team_id)]
        for name, rows in (("noms", watches), ("avis", mentions), ("captures", captures)):
            _write_csv(folder / f"{name}.csv", rows)
        document = {"noms": watches, "avis": mentions, "captures": captures}
        (folder / "export.json").write_text(
            json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    finally:
        await store.close()
    print(f"Export écrit dans {folder} ({len(mentions)} avis).")
    return 0


def _watch_row(w: Watch) -> dict[str, object]:
    """One watched name as a row of noms.csv."""
    return {
        "id": w.id,
        "nom": w.name,
        "type": w.kind.value,
        "titre": w.title or "",
        "specialite": w.specialty or "",
        "ville": w.city or "",
        "alias": "; ".join(w.aliases),
    }


def _mention_row(m: StoredMention) -> dict[str, object]:
    """One mention as a row of avis.csv."""
    return {
        "id": m.id,
        "source": m.source_kind,
        "url": m.url or "",
        "auteur": m.author or "",
        "note": m.rating if m.rating is not None else "",
        "publie_le": to_iso(m.published_at) if m.published_at else "",
        "detecte_le": to_iso(m.detected_at),
        "tonalite": m.severity.value,
        "risques": "; ".join(sorted(f.value for f in m.flags)),
        "traite_le": to_iso(m.handled_at) if m.handled_at else "",
        "texte": m.text,
    }


def _capture_row(c: CaptureRecord) -> dict[str, object]:
    """One capture as a row of captures.csv."""
    return {
        "id": c.id,
        "avis": c.mention_id or "",
        "url": c.url,
        "demande_par": c.requested_by,
        "debut": to_iso(c.started_at),
        "statut": c.status,
        "lot": c.bundle_path or "",
        "sha256_image": c.screenshot_sha256 or "",
        "sha256_lot": c.bundle_sha256 or "",
    }


def _write_csv(path: Path, rows: Sequence[Mapping[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        if not rows:
            return
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


async def purge_before(
    settings: Settings, before: str, *, confirmed: bool, include: Sequence[str] = ()
) -> int:
    """Delete mentions detected before a date (reviews can hold health data), keeping open
    cases and their evidence unless named; each purged item leaves a tombstone of its key."""
    try:
        cutoff = datetime.strptime(before, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        print("Date illisible : écrivez-la AAAA-MM-JJ, par exemple 2025-01-31.", file=sys.stderr)
        return 2
    named = _mention_numbers(include)
    if named is None:
        print(
            "--include attend des numéros d'avis séparés par des virgules, par exemple "
            "--include 3,12.",
            file=sys.stderr,
        )
        return 2
    services = await open_services(settings)
    try:
        store = services.store
        candidates = await store.mentions.detected_before(cutoff)
        now = utcnow()
        kept: list[tuple[StoredMention, str]] = []
        doomed: list[StoredMention] = []
        for mention in candidates:
            reason = open_case_reason(mention, now, settings.tz)
            if reason is not None and mention.id not in named:
                kept.append((mention, reason))
            else:
                doomed.append(mention)
        report = _purge_report(before, doomed, kept, named, candidates)
        if not confirmed:
            print(
                "\n".join(
                    [
                        *report,
                        "Rien n'a encore été supprimé. Relancez avec --yes pour confirmer.",
                    ]
                ),
                file=sys.stderr,
            )
            return 1
        removed = await store.mentions.purge(doomed)
    finally:
        await services.store.close()
    report[0] = f"{removed} avis supprimé(s) (détectés avant le {before})."
    print("\n".join(report))
    return 0


def _mention_numbers(values: Sequence[str]) -> set[int] | None:
    """`["3,12", "5"]` → {3, 5, 12}; None when a part is not a number."""
    numbers: set[int] = set()
    for value in values:
        for part in value.replace(";", ",").split(","):
            part = part.strip().lstrip("#").removeprefix("n°").strip()
            if not part:
                continue
            if not (part.isascii() and part.isdigit()) or len(part) > 12:
                return None
            numbers.add(int(part))
    return numbers


def _purge_report(
    before: str,
    doomed: list[StoredMention],
    kept: list[tuple[StoredMention, str]],
    named: set[int],
    candidates: list[StoredMention],
) -> list[str]:
    """What the purge removes, what it keeps and why, in French, one fact per line."""
    lines = [
        f"{len(doomed)} avis à supprimer définitivement (détectés avant le {before}), avec "
        "leurs alertes et leur historique."
    ]
    if kept:
        lines.append(
            f"{len(kept)} dossier(s) ouvert(s) conservé(s), avec leurs captures, parce que "
            "l'équipe peut encore en avoir besoin :"
        )
        lines.extend(f"  - avis n° {m.id} : {reason}" for m, reason in kept[:50])
        if len(kept) > 50:
            lines.append(f"  - … et {len(kept) - 50} autre(s)")
        example = ",".join(str(m.id) for m, _ in kept[:3])
        lines.append(f"Pour en supprimer quand même, nommez-les : --include {example}")
    unknown = sorted(named - {m.id for m in candidates})
    if unknown:
        lines.append(
            "Non trouvé(s) parmi les avis détectés avant cette date : "
            + ", ".join(f"n° {n}" for n in unknown)
            + "."
        )
    lines.append(
        "Les avis supprimés ne reviendront pas : leur clé (empreinte SHA-256, sans texte) est "
        "gardée pour ne plus jamais les signaler. Leurs captures restent, détachées, dans le "
        "dossier de données."
    )
    return lines
