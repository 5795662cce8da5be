"""Whether a practitioner's surname found in a text is really them, and how sure we are."""

from __future__ import annotations

import re
from typing import NamedTuple

from bot.match.doc import Doc
from bot.match.index import Person
from bot.match.names import DROPPED, FUZZY, LABELS, PARTIAL, PROFESSOR
from bot.match.phrases import positions
from bot.match.scoring import (
    IMPOSSIBLE,
    LOOSE,
    STRICT,
    THRESHOLD,
    context_max,
    could_match,
    need_floor,
)
from bot.match.support import (
    HOMONYM_SPAN,
    TITLED_SPAN,
    city_cached,
    compound,
    other_name,
    proper,
    span_facts,
    specialty,
    specialty_cached,
    title_word,
)

_TITLE_KIND = {
    **dict.fromkeys(("dr", "dre", "docteur", "docteure", "doc", "doct"), "dr"),
    **dict.fromkeys(("pr", "professeur", "professeure", "prof"), "dr"),
    **dict.fromkeys(("mme", "madame", "mlle", "mademoiselle"), "f"),
    **dict.fromkeys(("m", "monsieur", "mr"), "h"),
}
HOMONYM = (-1.0, "homonyme")  # a full name shown to be someone else: the whole text is about them
INITIALS_RE = re.compile(
    r"\b(?:Dr|Pr|Docteure?|Professeure?)\.?\s+([A-Z])\.\s*([A-Z])\.(?![A-Za-z])"
)


class Occurrence(NamedTuple):
    """Where a surname variant sits in the text, and how much it says on its own."""

    start: int
    end: int
    quality: float


def person_occurrences(doc: Doc, fuzzy: list[tuple[int, int]]) -> list[tuple[int, Occurrence]]:
    """(person, occurrence) pairs, without those inside a longer or better one of theirs."""
    index = doc.index.person_index
    w = doc.w
    raw: list[tuple[int, Occurrence]] = []
    for i in positions(w, doc.present.intersection(doc.index.person_keys)):
        for idx, variant, quality in index[w[i]]:
            k = len(variant)
            if k > 1 and (i - k + 1 < 0 or w[i - k + 1 : i + 1] != variant):
                continue
            raw.append((idx, Occurrence(i - k + 1, i, quality)))
    raw.extend((idx, Occurrence(i, i, FUZZY)) for i, idx in fuzzy)
    if len(raw) < 2 or len({idx for idx, _ in raw}) == len(raw):
        return raw
    by_person: dict[int, list[Occurrence]] = {}
    for idx, occ in raw:
        by_person.setdefault(idx, []).append(occ)
    kept: list[tuple[int, Occurrence]] = []
    for idx, occs in by_person.items():
        for occ in occs:
            if len(occs) == 1 or not any(
                o is not occ
                and o.start <= occ.start
                and occ.end <= o.end
                and (o.end - o.start > occ.end - occ.start or o.quality > occ.quality)
                for o in occs
            ):
                kept.append((idx, occ))
    return kept


def judge_person(doc: Doc, p: Person, occ: Occurrence) -> tuple[float, str] | None:
    """Points and reason for `p` at this occurrence; None when it is not them."""
    if not could_match(p, occ.quality, doc.present, doc.has_title, doc.scoped_depts):
        return None
    named = _name_part(doc, p, occ)
    if named is None:
        return None
    start, end, first_pts, label = named
    if (first_pts < 1.0 or not doc.homonym_cues) and city_cached(doc, p.depts, start, end) is None:
        # Another city vetoes it, and no homonym verdict (which needs the whole first name and
        # a trade or an age in the text) could come first: skip reading the span.
        return None
    span = span_facts(doc, start, end)
    if span is None:
        return None
    if span is HOMONYM_SPAN:
        return HOMONYM if first_pts >= 1.0 else None
    titled = span is TITLED_SPAN
    if not titled and not first_pts and _dateline(doc, occ):
        return None  # « Fontaine : un cabinet ouvre… » : the surname is the town of the news
    if (
        titled
        and p.title not in PROFESSOR
        and doc.w[occ.end] in doc.index.professors
        and title_word(doc, start, end) in PROFESSOR
    ):
        return None
    points = occ.quality + first_pts + (1.0 if titled else 0.0)
    spec_max, city_max = context_max(p, doc.present, doc.scoped_depts)
    if points + spec_max + city_max < need_floor(p, occ.quality, first_pts):
        return None
    extras = ["titre"] if titled else []
    spec = specialty_cached(doc, p.groups, start, end)
    if spec is None:
        return None
    if spec[0]:
        points += spec[0]
        extras.append("spécialité")
        titled = titled or spec[1]
    city = city_cached(doc, p.depts, start, end)
    if city is None:
        return None
    if city:
        points += city
        extras.append("ville")
    if not first_pts and not titled and "spécialité" not in extras and _tiny(doc, occ):
        return None  # « Ly », « Roy » alone: a title or the trade must say it is them
    if "spécialité" not in extras and (
        not doc.lex.animal.isdisjoint(doc.present) or (not titled and _celebrity_world(doc))
    ):
        return None
    need = THRESHOLD
    if occ.quality == PARTIAL:
        need = STRICT
    elif occ.quality == FUZZY:
        need = (3.5 if p.common else LOOSE) if titled else IMPOSSIBLE
    elif occ.quality == DROPPED:
        need = LOOSE
    elif p.common and not first_pts:
        need = STRICT if titled or proper(doc, occ.start, extras) else IMPOSSIBLE
    if points < need:
        return None
    return points, " + ".join([label, *extras])


def _tiny(doc: Doc, occ: Occurrence) -> bool:
    """True for a surname of three letters or fewer, common to many families."""
    return sum(len(w) for w in doc.w[occ.start : occ.end + 1]) <= 3


def _celebrity_world(doc: Doc) -> bool:
    """True when the text speaks of sport or show business and never of care or a title."""
    lex = doc.lex
    return (
        not doc.has_title
        and not doc.specs
        and not lex.offtopic.isdisjoint(doc.present)
        and lex.health.isdisjoint(doc.present)
    )


def _dateline(doc: Doc, occ: Occurrence) -> bool:
    """True when the bare surname is a town heading a news line (« Fontaine : un cabinet… »)."""
    if not doc.boundary(occ.start) or occ.end + 1 >= doc.n:
        return False
    if not doc.sep(occ.end + 1).strip().startswith(":"):
        return False
    return any(s <= occ.start and occ.end <= e for s, e, _ in doc.cities)


def _name_part(doc: Doc, p: Person, occ: Occurrence) -> tuple[int, int, float, str] | None:
    """The whole name's span with first name or initial, or None for someone else's."""
    w = doc.w
    s, e = occ.start, occ.end
    start, end = s, e
    first_pts = 0.0
    label = LABELS[occ.quality]
    k = len(p.first)
    if k and s - k >= 0 and w[s - k : s] == p.first and not doc.boundary(s):
        first_pts, start, label = 1.0, s - k, label + " et prénom"
    elif k and e + k < doc.n and w[e + 1 : e + 1 + k] == p.first and not doc.boundary(e + 1):
        first_pts, end, label = 1.0, e + k, label + " et prénom"
    elif s > 0 and len(w[s - 1]) == 1 and not doc.boundary(s) and doc.capitalized(s - 1):
        if w[s - 1] == p.initial:
            first_pts, start, label = 0.75, s - 1, label + " et initiale"
        elif w[s - 1] != "m" and doc.sep(s).startswith("."):
            return None
    if compound(doc, s, e) or (not first_pts and other_name(doc, p, s, e)):
        return None
    return start, end, first_pts, label


def initial_matches(doc: Doc) -> list[tuple[int, tuple[float, str]]]:
    """Persons named by initials only: « le Dr C. M. à Villeurbanne, généraliste »."""
    out: list[tuple[int, tuple[float, str]]] = []
    for m in INITIALS_RE.finditer(doc.raw):
        key = (m.group(1) + m.group(2)).lower()
        pos = next((i for i, s in enumerate(doc.starts) if s >= m.start(1)), None)
        if pos is None:
            continue
        for idx in doc.index.initials.get(key, ()):
            p = doc.index.persons[idx]
            spec = specialty(doc, p.groups, pos, pos + 1)
            city = doc.city_evidence(p.depts, pos, pos + 1)
            if spec and spec[0] >= 0.5 and city:
                out.append((idx, (3.0, "initiales + titre + spécialité + ville")))
    return out


def title_kind(title: str | None) -> str:
    """« dr » for a doctor's title, « f » or « h » for a civil one, "" for none."""
    return _TITLE_KIND.get(title or "", "")


def _says_doctor(doc: Doc, start: int, end: int) -> bool:
    """True when « médecin » or « toubib » stands within a few words of the name."""
    near = doc.w[max(0, start - 6) : end + 7]
    return not doc.lex.physician_words.isdisjoint(near)


def _physician(doc: Doc, p: Person) -> bool:
    """True for a watched doctor (not a dentist, a midwife, a physiotherapist…)."""
    return bool(p.groups) and not p.groups <= doc.lex.non_physicians


def shared_surname_losers(doc: Doc, hits: list[tuple[Person, Occurrence, str]]) -> set[int]:
    """Watch ids to drop when two watched people share a surname written once.

    « Mme Kieffer » is the watched Mme, not the watched Dr of the same family; « le docteur
    Kieffer » is the Dr, not the osteopath; « Kieffer, le dentiste » is the one whose trade
    it is. Only applied when some but not all of them fit the title or the trade."""
    by_span: dict[tuple[int, int], list[tuple[Person, str]]] = {}
    for p, occ, reason in hits:
        by_span.setdefault((occ.start, occ.end), []).append((p, reason))
    lost: set[tuple[int, int]] = set()
    for (start, end), people in by_span.items():
        ids = {p.watch_id for p, _ in people}
        if len(ids) < 2:
            continue
        kind = title_kind(title_word(doc, start, end))
        fits = {p.watch_id for p, _ in people if kind and title_kind(p.title) == kind}
        if not fits or fits == ids:
            fits = {p.watch_id for p, reason in people if "spécialité" in reason}
        if (not fits or fits == ids) and _says_doctor(doc, start, end):
            fits = {p.watch_id for p, _ in people if _physician(doc, p)}
        if fits and fits != ids:
            lost |= {(p.watch_id, start) for p, _ in people if p.watch_id not in fits}
    # A watch id losing at one span may still be named elsewhere (« Léa Kieffer »).
    kept = {p.watch_id for p, occ, _ in hits if (p.watch_id, occ.start) not in lost}
    return {wid for wid, _ in lost} - kept
