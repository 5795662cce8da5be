"""`vigie export` and `vigie purge`: a team's data out as CSV/JSON, and retention (GDPR)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import to_iso, utcnow
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
        watches = [
            {
                "id": w.id,
                "nom": w.name,
                "type": w.kind.value,
                "titre": w.title or "",
                "specialite": w.specialty or "",
                "ville": w.city or "",
                "alias": "; ".join(w.aliases),
            }
            for w in await store.watches.active(team_id)
        ]
        mentions = [
            {
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
            for m in await store.mentions.all_of(team_id)
        ]
        captures = [
            {
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
            for c in await store.captures.of_team(team_id)
        ]
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


def _write_csv(path: Path, rows: Sequence[Mapping[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        if not rows:
            return
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


async def purge_before(settings: Settings, before: str, *, confirmed: bool) -> int:
    """Delete every mention detected before a date (reviews can hold health data)."""
    try:
        cutoff = datetime.strptime(before, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        print("Date illisible : écrivez-la AAAA-MM-JJ, par exemple 2025-01-31.", file=sys.stderr)
        return 2
    if not confirmed:
        print(
            f"Cette commande supprime définitivement les avis détectés avant le {before}, avec "
            "leurs alertes et leur historique (les lots de preuve restent dans le dossier de "
            "données). Relancez avec --yes pour confirmer.",
            file=sys.stderr,
        )
        return 1
    services = await open_services(settings)
    try:
        removed = await services.store.mentions.purge_before(cutoff)
    finally:
        await services.store.close()
    print(f"{removed} avis supprimé(s).")
    return 0
