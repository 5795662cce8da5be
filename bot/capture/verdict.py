"""What a capture proves, said plainly: « preuve solide » only for a whole page with the review.

A failed or partial capture must never call itself proof (a practice may send its insurer a
bundle that proves only an attempt). Every place that cites a capture — chat message, bundle,
letters, case file — takes its words from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SOLID = "solide"
PARTIAL = "partielle"
NONE = "aucune"

CONSTAT = "tant que la page est en ligne, faites établir un constat par un commissaire de justice"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The proof level and the sentences that go with it."""

    level: str
    status: str
    headline: str
    statement: str
    next_step: str

    @property
    def solid(self) -> bool:
        """Whether the capture may be called proof of the publication."""
        return self.level == SOLID


#: Why a capture that ran is not whole, by code; the French phrase the bundle records.
SHORTFALLS = {
    "not_loaded": "la page n'avait pas fini de se charger",
    "image_cut": "la page était trop haute pour l'image entière",
    "network_cut": "le chargement a été coupé en volume",
    "blocked": "des éléments de la page ont été bloqués par sécurité",
    "text_missing": "le texte de l'avis n'a pas été retrouvé sur la page",
}


def shortfall_codes(manifest: Mapping[str, Any]) -> list[str]:
    """Why a capture that ran is not whole, one code of `SHORTFALLS` each (empty when whole)."""
    out: list[str] = []
    if manifest.get("page_loaded") is False:
        out.append("not_loaded")
    shot = manifest.get("screenshot") or {}
    if shot.get("cut"):
        out.append("image_cut")
    network = manifest.get("network") or {}
    if network.get("cut"):
        out.append("network_cut")
    if network.get("blocked"):
        out.append("blocked")
    found = manifest.get("text_on_page") or {}
    if found.get("searched") and not found.get("found"):
        out.append("text_missing")
    return out


def shortfalls(manifest: Mapping[str, Any]) -> list[str]:
    """Why a capture that ran is not whole, one French phrase each (empty when whole)."""
    return [SHORTFALLS[code] for code in shortfall_codes(manifest)]


def judge(
    status: str,
    *,
    url: str,
    moment: str,
    reason: str,
    shortfall: list[str],
    text_found: bool,
    retry: str,
    has_mention: bool = False,
) -> Verdict:
    """The verdict of a capture from its outcome; `retry` is the command to run again."""
    if status == "ok" and not shortfall:
        where = " et l'avis y figure (encadré dans extrait.png)" if text_found else ""
        return Verdict(
            SOLID,
            "ok",
            "📸 Capture",
            f"Preuve solide : la page a été capturée en entier{where}. Devant un tribunal, le "
            "constat d'un commissaire de justice reste la référence.",
            "",
        )
    if status in ("ok", "partial"):
        missing = " ; ".join(shortfall)
        return Verdict(
            PARTIAL,
            "partial",
            "⚠️ Capture partielle",
            f"Capture partielle, pas une preuve complète de la publication : {missing}. Le lot "
            f"montre ce qu'affichait {url} le {moment}.",
            f"À faire : réessayez ({retry}) ; si le défaut persiste, {CONSTAT}.",
        )
    what = reason.strip().rstrip(".") or "erreur inconnue"
    return Verdict(
        NONE,
        status,
        "⚠️ Capture incomplète",
        "Ce lot ne prouve pas la publication : il prouve seulement la tentative de capture de "
        f"{url or 'la mention'} le {moment} et l'erreur rencontrée ({what})."
        + (
            " Il garde la mention telle que Vigie l'a reçue de la source, ce qui n'en prouve "
            "pas la publication en ligne."
            if has_mention
            else ""
        ),
        f"À faire : réessayez ({retry}) ; {CONSTAT}.",
    )
