"""Finds an alleged precise fact by its shape, so defamation is seen in words no lexicon lists.

A sentence accuses when it names a person, tells an act done or habitual (or insinuates it:
« on dit que », « est-il vrai que », a question), and carries a morally or legally charged
predicate; a milder predicate needs a verifiable precision (amount, date, document, witness).
The pieces live in lexicons/accusation.txt; a negation before the act or a hypothesis voids it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.models import Cue, Flag
from bot.triage.patterns import Hit, Pattern, Searchable, load_patterns

__all__ = ["accusations"]

_SENTENCE_END = re.compile(r"[.!?\n;]")
_NEGATION = frozenset({"ne", "n", "pas", "jamais", "aucun", "aucune", "sans", "rien", "ni"})
_SELF = frozenset({"je", "j", "tu"})
_ACT_WINDOW = 4
_PERSON_WINDOW = 12
_STRENGTH = {"2": 2, "1": 1}


@dataclass(frozen=True, slots=True)
class _Parts:
    person: list[Pattern]
    act: list[Pattern]
    insinuation: list[Pattern]
    precision: list[Pattern]
    hypothesis: list[Pattern]
    predicate: list[Pattern]


@cache
def _parts() -> _Parts:
    groups: dict[str, list[Pattern]] = {}
    for p in load_patterns("accusation.txt"):
        groups.setdefault(p.kind, []).append(p)
    return _Parts(
        person=groups["personne"],
        act=groups["acte"],
        insinuation=groups["insinuation"],
        precision=groups["precision"],
        hypothesis=groups["dementi"],
        predicate=groups.get("2", []) + groups.get("1", []),
    )


def _sentence_ids(search: Searchable) -> list[int]:
    """The sentence number of each word (a « . ! ? ; » or a line break ends one)."""
    tk = search.tk
    ids: list[int] = []
    current = 0
    for i in range(len(tk.words)):
        if i and _SENTENCE_END.search(tk.raw, tk.ends[i - 1], tk.starts[i]):
            current += 1
        ids.append(current)
    return ids


def _is_question(search: Searchable, last: int) -> bool:
    end = _SENTENCE_END.search(search.tk.raw, search.tk.ends[last])
    return end is not None and end.group(0) == "?"


def _positions(hits: list[Hit]) -> dict[int, Hit]:
    """Each hit keyed by its last word, for a scan backwards."""
    return {h.last: h for h in hits}


def _subject(words: tuple[str, ...], persons: dict[int, Hit], sent: list[int], at: int) -> str:
    """Who the nearest subject before word `at` is: « person », « self », « on » or « »."""
    for i in range(at - 1, max(-1, at - 1 - _PERSON_WINDOW), -1):
        if sent[i] != sent[at]:
            break
        if i in persons:
            return "person"
        if words[i] in _SELF:
            return "self"
        if words[i] == "on":
            return "on"
    return ""


# A denial of the act itself: « ne/n' » + auxiliary + « jamais/pas/rien » before the participle.
_DENIAL = frozenset({"ne", "n"})
_AUXILIARY = frozenset({"a", "ont", "avait", "avaient", "aurait", "auraient", "as", "avez", "l"})
_ADVERB = frozenset({"jamais", "pas", "rien", "aucunement", "nullement"})


def unvoided(search: Searchable, hits: list[Hit]) -> list[Hit]:
    """Hits not denied just before (« n'a jamais falsifié ») nor set in a hypothesis or done
    with consent (« si elle avait caché », « à ma demande »), within their own clause."""
    if not hits:
        return hits
    words = search.tk.words
    sent = _sentence_ids(search)
    hypothetical = {sent[h.first] for h in search.find(_parts().hypothesis)}
    kept = []
    for hit in hits:
        if sent[hit.first] in hypothetical:
            continue
        before = [
            words[i] for i in range(max(0, hit.first - 3), hit.first) if sent[i] == sent[hit.first]
        ]
        # « n'a jamais / n'ont pas / ne l'a jamais » right before the act denies it.
        denied = (
            any(w in _DENIAL for w in before)
            and any(w in _AUXILIARY for w in before)
            and any(w in _ADVERB for w in before)
        )
        if not denied:
            kept.append(hit)
    return kept


def accusations(search: Searchable) -> list[Cue]:
    """The defamation cues of the sentences shaped like an accusation of a precise fact."""
    parts = _parts()
    predicates = search.find(parts.predicate)
    if not predicates:
        return []
    words = search.tk.words
    sent = _sentence_ids(search)
    persons = _positions(search.find(parts.person))
    acts = {i for h in search.find(parts.act) for i in range(h.first, h.last + 1)}
    insinuated = {sent[h.first] for h in search.find(parts.insinuation)}
    hypothetical = {sent[h.first] for h in search.find(parts.hypothesis)}
    precisions = search.find(parts.precision)
    cues: list[Cue] = []
    for hit in predicates:
        s = sent[hit.first]
        if s in hypothetical:
            continue
        before = range(max(0, hit.first - _ACT_WINDOW), hit.first)
        window = [i for i in before if sent[i] == s]
        if any(words[i] in _NEGATION for i in window):
            continue
        subject = _subject(words, persons, sent, hit.first)
        if subject in ("", "self"):
            continue
        insinuation = s in insinuated or _is_question(search, hit.last)
        act = any(i in acts or i in persons for i in window)
        if not (act or insinuation):
            continue
        precise = [
            p
            for p in precisions
            if sent[p.first] in (s, s + 1) and (p.last < hit.first or p.first > hit.last)
        ]
        strength = _STRENGTH[hit.pattern.kind]
        needed = 2 if subject == "person" else 3
        if strength + min(len(precise), 2) < needed:
            continue
        frame = "insinuation" if insinuation else "acte allégué"
        detail = f", précisé par « {precise[0].words} »" if precise else ""
        reason = f"fait précis allégué : {hit.pattern.reason} ({frame}{detail}) (diffamation)"
        cues.append(Cue(flag=Flag.DEFAMATION, words=hit.words, reason=reason))
    return cues
