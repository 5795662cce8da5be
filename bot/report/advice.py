"""The searches to add, as ready-to-type commands with the reason, in the team's language."""

from __future__ import annotations

from dataclasses import dataclass

from bot.report.stats import Suggestion


@dataclass(frozen=True, slots=True)
class Advice:
    """One suggestion as the team reads it: the command and why."""

    command: str
    why: str


def advise(s: Suggestion, language: str) -> Advice:
    """The command to type for a suggestion, and the reason, in French or English."""
    en = language == "en"
    name = s.watch_name or ""
    n = s.watch_number
    if s.kind == "watch":
        if en:
            return Advice(
                "/watch Dr Marie Dupont, dermatologist, Lyon",
                "No name is watched yet: add the practitioners and the practice.",
            )
        return Advice(
            "/surveiller Dr Marie Dupont, dermatologue, Lyon",
            "Aucun nom n'est surveillé : ajoutez les praticiens et le cabinet.",
        )
    if s.kind == "feed":
        if en:
            return Advice(
                "/source feed https://www.google.com/alerts/feeds/…",
                "No Google Alert yet: create one per name on google.com/alerts "
                "(Deliver to: RSS feed) and add its feed address; it also covers blogs and forums.",
            )
        return Advice(
            "/source flux https://www.google.com/alerts/feeds/…",
            "Aucune alerte Google : créez-en une par nom sur google.fr/alerts "
            "(Envoyer à : flux RSS) et ajoutez l'adresse du flux ; elle couvre aussi "
            "les blogs et les forums.",
        )
    if s.kind == "news":
        if en:
            return Advice(f"/source news {n}", f"{name} has no Google News search.")
        return Advice(f"/source actus {n}", f"{name} n'a pas de recherche Google Actualités.")
    if en:
        return Advice(
            f"/source places PLACE_ID for {n}",
            f"{name} is a practice with no Google listing followed: its reviews are where "
            "patients look first.",
        )
    return Advice(
        f"/source google PLACE_ID pour {n}",
        f"{name} est un cabinet sans fiche Google suivie : c'est là que les patients lisent "
        "les avis en premier.",
    )
