"""The near-duplicate index: copies found through edits, quotes, truncation; look-alikes not."""

from __future__ import annotations

import random

import pytest

from bot.match.neardup import NearDupIndex, Signature, signature, similarity

ORIGINAL = (
    "Le Dr Dupont est un charlatan qui m'a mal soignée, il a oublié mon dossier et m'a parlé "
    "comme à un chien. Fuyez ce cabinet, vraiment honteux pour un médecin."
)
COPIES = {
    "one word changed": ORIGINAL.replace("charlatan", "escroc"),
    "two words changed": ORIGINAL.replace("chien", "moins que rien").replace("Fuyez", "Évitez"),
    "quoted in a longer post": "Lu sur Google à propos du cabinet : « "
    + ORIGINAL
    + " » Partagez !",
    "truncated": ORIGINAL[:95] + "…",
    "shouted, no accents": ORIGINAL.upper().replace("É", "E"),
    "punctuation changed": ORIGINAL.replace(",", "").replace(".", " !!!"),
}
OTHERS = [
    "Très bon médecin, à l'écoute, je recommande vivement le Dr Dupont pour toute la famille.",
    "Le Dr Dupont m'a bien soignée, il a pris le temps d'expliquer et le cabinet est propre.",
    "Cabinet honteux : attente de deux heures, secrétaire désagréable, je ne reviendrai pas.",
    "Un médecin qui parle aux patients comme à des chiens ne mérite pas son diplôme, honteux.",
]


def sig(text: str) -> Signature:
    found = signature(text)
    assert found is not None
    return found


@pytest.mark.parametrize("name", sorted(COPIES))
def test_copies_are_found(name: str) -> None:
    index = NearDupIndex()
    index.add(1, 10, sig(ORIGINAL))
    for n, other in enumerate(OTHERS, 2):
        index.add(n, 10, sig(other))
    matches = index.query(10, sig(COPIES[name]))
    assert [m.item_id for m in matches] == [1]


@pytest.mark.parametrize("text", OTHERS)
def test_reviews_on_the_same_theme_are_not_copies(text: str) -> None:
    index = NearDupIndex()
    index.add(1, 10, sig(ORIGINAL))
    assert index.query(10, sig(text)) == []


def test_another_team_never_sees_the_copy() -> None:
    index = NearDupIndex()
    index.add(1, 10, sig(ORIGINAL))
    assert index.query(11, sig(COPIES["one word changed"])) == []


def test_short_texts_are_not_compared() -> None:
    assert signature("Très bon médecin, je recommande") is None
    assert signature("") is None


def test_similarity_estimates_follow_the_edits() -> None:
    jaccard, containment = similarity(sig(ORIGINAL), sig(COPIES["truncated"]))
    assert jaccard < 0.8 and containment > 0.8
    assert similarity(sig(ORIGINAL), sig(ORIGINAL)) == (1.0, 1.0)


def test_found_before_and_after_the_sorted_merge() -> None:
    rng = random.Random(5)
    words = [f"mot{i}" for i in range(5000)]
    index = NearDupIndex()
    index.add(0, 1, sig(ORIGINAL))
    for n in range(1, 3000):  # past the tail size: the first entries are merged and sorted
        index.add(n, 1, sig(" ".join(rng.choice(words) for _ in range(30))))
    index.add(5000, 1, sig(OTHERS[0]))  # stays in the unsorted tail
    assert len(index) == 3001 and 0 in index
    assert [m.item_id for m in index.query(1, sig(COPIES["quoted in a longer post"]))] == [0]
    assert [m.item_id for m in index.query(1, sig(OTHERS[0] + " Merci encore."))] == [5000]
