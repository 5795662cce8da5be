"""The medical-secrecy check run before a reply is published: what it refuses, with the words
that raised it, and that the guidance's own drafts always pass it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from bot.documents import reply_guidance
from bot.documents.secrecy import check_reply, describe_hits
from bot.models import Severity, StoredMention, TeamSettings

REFUSED = [
    ("Bonjour, lors de votre consultation nous avons tout expliqué.", "votre consultation"),
    ("Nous regrettons que votre rendez-vous du 3 mars ait été retardé.", "votre rendez-vous"),
    ("Notre patiente a été reçue à l'heure.", "Notre patiente"),
    ("En tant que patient, vous savez que le cabinet est sérieux.", "En tant que patient"),
    ("Vous avez été soignée selon les règles.", "Vous avez été soignée"),
    ("Nous vous avons reçu deux fois ce mois-ci.", "vous avons reçu"),
    ("Le Dr Dupont vous a prescrit le traitement adapté.", "vous a prescrit"),
    ("Votre diabète impose un suivi régulier.", "Votre diabète"),
    ("Votre Traitement était adapté.", "Votre Traitement"),
    ("Sorry, your appointment was delayed.", "your appointment"),
    ("We treated you with care.", "We treated you"),
    ("As our patient you deserve better.", "As our patient"),
]
ACCEPTED = [
    "Bonjour, merci pour votre message. Le cabinet reste à votre écoute.",
    "Tenus au secret professionnel, nous ne pouvons ni confirmer ni commenter publiquement une "
    "situation individuelle. Contactez directement le cabinet.",
    "Merci d'avoir pris le temps de laisser ce message.",
    "Nous prenons chaque avis au sérieux et restons joignables au secrétariat.",
    "Thank you for your message; the practice remains available.",
]


@pytest.mark.parametrize(("text", "words"), REFUSED)
def test_refused_with_the_words_that_raised_it(text: str, words: str) -> None:
    hits = check_reply(text)
    assert hits, text
    assert words in [h.words for h in hits]


@pytest.mark.parametrize("text", ACCEPTED)
def test_lawful_replies_pass(text: str) -> None:
    assert check_reply(text) == []


def test_description_names_words_and_reasons() -> None:
    hits = check_reply("Lors de votre consultation, votre diabète a été pris en compte.")
    assert describe_hits(hits) == (
        "« votre consultation » (relation de soin), « votre diabète » (information de santé)"
    )
    assert describe_hits(hits, "en") == (
        "“votre consultation” (care relationship), “votre diabète” (health information)"
    )


MENTION = StoredMention(
    id=12,
    team_id=1,
    source_id=1,
    source_kind="business",
    source_label="accounts/1/locations/2",
    external_id="accounts/1/locations/2/reviews/x",
    url=None,
    title=None,
    text="Attente interminable, consultation bâclée, traitement inutile.",
    author="Patient mécontent",
    rating=2,
    published_at=datetime(2026, 11, 1, tzinfo=UTC),
    detected_at=datetime(2026, 11, 1, tzinfo=UTC),
    content_hash="h",
    severity=Severity.NEGATIVE,
    flags=frozenset(),
    cues=(),
    watch_ids=(1,),
)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("severity", [Severity.NEGATIVE, Severity.POSITIVE])
def test_the_guidance_drafts_always_pass(lang: str, severity: Severity) -> None:
    mention = dataclasses.replace(MENTION, severity=severity)
    team = TeamSettings(team_id=1, team_name="Centre de soins du Parc")
    guidance = reply_guidance(team, mention, now=datetime(2026, 11, 2, tzinfo=UTC), language=lang)
    assert guidance.draft
    assert check_reply(guidance.draft) == []
