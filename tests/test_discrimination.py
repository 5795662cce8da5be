"""Discriminatory statements get the one-year press-law limit (art. 65-3), found by triage."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.deadlines import press_deadline
from bot.models import Severity, StoredMention
from bot.triage.classify import is_discriminatory, triage


@pytest.mark.parametrize(
    "text",
    [
        "Retourne dans ton pays, sale arabe, tu n'as rien à faire dans un cabinet.",
        "Une femme ne devrait pas opérer, qu'elle reste chez elle.",
        "Ce toubib est une tapette, allez voir ailleurs.",
    ],
)
def test_discriminatory_words_are_marked_and_flagged(text: str) -> None:
    verdict = triage(text)
    assert is_discriminatory(verdict.cues)
    assert verdict.flags, "discriminatory words are at least an insult"


@pytest.mark.parametrize(
    "text",
    [
        "Le Dr Martin est arabophone, pratique pour mes parents.",
        "Très bonne gynécologue, une femme à l'écoute.",
        "Attente interminable, je déconseille ce cabinet.",
    ],
)
def test_ordinary_mentions_of_origin_or_sex_are_not(text: str) -> None:
    assert not is_discriminatory(triage(text).cues)


def stored(text: str, published: datetime) -> StoredMention:
    verdict = triage(text)
    return StoredMention(
        id=1, team_id=1, source_id=1, source_kind="places", source_label="x", external_id="e",
        url="https://maps.google.com/?r=1", title=None, text=text, author=None, rating=1,
        published_at=published, detected_at=published, content_hash="h",
        severity=Severity.NEGATIVE, flags=verdict.flags, cues=verdict.cues, watch_ids=(),
    )  # fmt: skip


def test_deadline_is_one_year_for_discriminatory_statements_three_months_otherwise() -> None:
    published = datetime(2026, 3, 10, 12, tzinfo=UTC)
    racist = press_deadline(stored("Sale arabe, retourne dans ton pays.", published))
    plain = press_deadline(stored("Escroc, incompétent, voleur.", published))
    assert racist.expires_on == date(2027, 3, 10) and racist.months == 12
    assert plain.expires_on == date(2026, 6, 10) and plain.months == 3
    assert press_deadline(stored("Escroc.", published), discriminatory=True).months == 12
