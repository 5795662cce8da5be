"""Name matching: data-driven cases (tests/data/matching_cases.json) and the matcher's contract."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from bot.matching import Match, Matcher
from bot.models import Watch, WatchKind
from bot.normalize import PhraseIndex, fold, quick_words, split_camel, tokenize, tokens

DATA = json.loads((Path(__file__).parent / "data" / "matching_cases.json").read_text("utf-8"))


def _watch(entry: dict[str, Any]) -> Watch:
    return Watch(
        id=entry["id"],
        team_id=1,
        name=entry["name"],
        kind=WatchKind(entry["kind"]),
        title=entry.get("title"),
        specialty=entry.get("specialty"),
        city=entry.get("city"),
        aliases=tuple(entry.get("aliases", ())),
    )


WATCHES = [_watch(e) for e in DATA["watchlist"]]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(WATCHES)


@pytest.mark.parametrize("case", DATA["cases"], ids=lambda c: c["text"][:50] or "vide")
def test_case(matcher: Matcher, case: dict[str, Any]) -> None:
    found = matcher.match(case["text"], title=case.get("title"), scoped_watch_id=case.get("scoped"))
    assert sorted(m.watch_id for m in found) == sorted(case["expected"]), [
        (m.watch_id, m.reason) for m in found
    ]
    if "reason" in case:
        assert any(case["reason"] in m.reason for m in found), [m.reason for m in found]


def test_results_are_sorted_scored_and_explained(matcher: Matcher) -> None:
    found = matcher.match(
        "Le Dr Lefèvre-Durand et le Dr Marie Dupont, dermatologue à Lyon.", scoped_watch_id=8
    )
    assert found[0] == Match(8, 1.0, "annonce rattachée à la fiche")
    scores = [m.score for m in found]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 < m.score <= 1.0 for m in found)
    dupont = next(m for m in found if m.watch_id == 1)
    assert dupont.reason == "nom et prénom + titre + spécialité + ville"


def test_unknown_scoped_watch_is_ignored(matcher: Matcher) -> None:
    assert matcher.match("Très bien.", scoped_watch_id=999) == []


def test_homonym_named_with_another_trade_is_dropped_for_the_whole_text(matcher: Matcher) -> None:
    text = "Julie Boulanger, romancière, dédicace à Rennes. Julie Boulanger signera jusqu'à 18 h."
    assert matcher.match(text) == []


def test_same_surname_siblings_are_told_apart_by_specialty() -> None:
    father = Watch(1, 1, "Alain Garnier", WatchKind.PRACTITIONER, "Dr", "cardiologue", "Nancy")
    daughter = Watch(2, 1, "Lucie Garnier", WatchKind.PRACTITIONER, "Dr", "dermatologue", "Nancy")
    m = Matcher([father, daughter])
    assert [x.watch_id for x in m.match("Le cardiologue Garnier à Nancy, très bien.")] == [1]
    assert [x.watch_id for x in m.match("Dr Garnier (la dermato) à Nancy : top.")] == [2]
    assert [x.watch_id for x in m.match("Dr L. Garnier, Nancy")] == [2]
    assert sorted(x.watch_id for x in m.match("Dr Garnier à Nancy : 1h de retard.")) == [1, 2]


def test_city_outside_the_lexicon_still_counts() -> None:
    w = Watch(1, 1, "Paul Kerjean", WatchKind.PRACTITIONER, "Dr", "ORL", "Plouguerneau")
    m = Matcher([w])
    assert [x.watch_id for x in m.match("Kerjean à Plouguerneau, rien à redire.")] == [1]


def test_building_for_a_thousand_watches_is_fast() -> None:
    watches = [
        Watch(i, 1, f"Prénom{i} Nom{i}", WatchKind.PRACTITIONER, "Dr", "pédiatre", "Lyon")
        for i in range(1, 1001)
    ]
    Matcher(watches[:1])
    t0 = time.perf_counter()
    m = Matcher(watches)
    assert time.perf_counter() - t0 < 2.0
    assert [x.watch_id for x in m.match("Le Dr Nom512 à Lyon, pédiatre en or.")] == [512]


def test_normalisation_ignores_case_accents_and_punctuation() -> None:
    assert tokens("Hélène LEFÈVRE-Durand, N’Diaye") == ["helene", "lefevre", "durand", "n", "diaye"]
    assert fold("ŒIL Straße") == "oeil strasse"
    assert split_camel("@DrLeGall") == "@Dr Le Gall"
    for text in ("Cœur à Łódź — «ça» 😀", "Şahin ÉCOLE", "plain ascii, text!"):
        tk = tokenize(text)
        assert list(tk.words) == tokens(text) == quick_words(text)
        assert all(fold(tk.raw_span(i, i)) == w for i, w in enumerate(tk.words))


def test_phrase_index_prefers_longest_phrase() -> None:
    index: PhraseIndex[str] = PhraseIndex()
    index.add(("saint",), "a")
    index.add(("saint", "etienne"), "b")
    assert index.find(("a", "saint", "etienne", "saint")) == [(1, 2, "b"), (3, 3, "a")]
    assert index.get(("saint", "etienne")) == "b"
    assert ("nulle", "part") not in index
