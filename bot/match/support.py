"""Support and veto rules: what the words around a name say about whose name it is."""

from __future__ import annotations

from bot.match.doc import Doc
from bot.match.index import Person

UNKNOWN, HOMONYM_SPAN, TITLED_SPAN, PLAIN_SPAN = object(), object(), object(), object()


def span_facts(doc: Doc, start: int, end: int) -> object:
    """What the words around a name say, whoever it is (cached per span).

    None: not a name here (a street, another kind of title); HOMONYM_SPAN: someone with
    another trade or too young; TITLED_SPAN or PLAIN_SPAN otherwise."""
    key = (start, end)
    known = doc.spans.get(key, UNKNOWN)
    if known is UNKNOWN:
        known = doc.spans[key] = _compute_span(doc, start, end)
    return known


def _compute_span(doc: Doc, start: int, end: int) -> object:
    if street(doc, start):
        return None
    if _role(doc, start, end) or _young(doc, end):
        return HOMONYM_SPAN
    w = doc.w
    if start > 0 and w[start - 1] in doc.lex.other_titles and doc.capitalized(start - 1):
        return None
    return TITLED_SPAN if title_word(doc, start, end) is not None else PLAIN_SPAN


def specialty_cached(
    doc: Doc, groups: frozenset[str], start: int, end: int
) -> tuple[float, bool] | None:
    """`specialty`, computed once per text for the same groups and span."""
    key = (groups, start, end)
    if key not in doc.spec_cache:
        doc.spec_cache[key] = specialty(doc, groups, start, end)
    return doc.spec_cache[key]


def city_cached(doc: Doc, depts: frozenset[str], start: int, end: int) -> float | None:
    """`Doc.city_evidence`, computed once per text for the same départements and span."""
    key = (depts, start, end)
    if key not in doc.city_cache:
        doc.city_cache[key] = doc.city_evidence(depts, start, end)
    return doc.city_cache[key]


def proper(doc: Doc, s: int, extras: list[str]) -> bool:
    """A common-word surname written as a name, with both specialty and city beside it."""
    return not doc.flat_case and doc.capitalized(s) and "spécialité" in extras and "ville" in extras


def other_name(doc: Doc, p: Person, s: int, e: int) -> bool:
    """True when the surname belongs to someone else: another first name, a compound."""
    lex = doc.lex
    w = doc.w
    first_names = doc.index.first_names
    if s > 0 and not doc.boundary(s):
        prev = w[s - 1]
        sep = doc.sep(s)
        if (
            sep.strip() == ""
            and (prev in first_names or _titled_unknown(doc, s - 1))
            and prev not in p.first
            and doc.cap(s - 1)
            and prev not in lex.titles
        ):
            return True
        if (
            prev in lex.particles
            and doc.capitalized(s - 1)
            and not doc.flat_case
            and s > 1
            and not doc.boundary(s - 1)
            and (w[s - 2] in lex.first_names or w[s - 2] in lex.titles)
        ):
            return True
    if e + 1 < doc.n and not doc.boundary(e + 1) and doc.bare(e + 1):
        nxt = w[e + 1]
        if nxt in first_names and nxt not in p.first and doc.cap(e + 1):
            return nxt not in lex.titles and not _name_follows(doc, e + 2)
        if _name_follows(doc, e + 1) and not doc.all_caps(e):
            return not _known_word(doc, e + 1)
    return False


def _titled_unknown(doc: Doc, i: int) -> bool:
    """True for « Dr Hoang Ly »: a capitalised unknown word between a title and the surname."""
    return (
        i > 0
        and not doc.flat_case
        and doc.w[i - 1] in doc.lex.titles
        and doc.w[i - 1] != "m"
        and not doc.boundary(i)
        and doc.capitalized(i)
        and not doc.all_caps(i)
        and doc.w[i] not in doc.lex.common_words
        and not _known_word(doc, i)
    )


def _known_word(doc: Doc, i: int) -> bool:
    """True when word i is a title, a place, a specialty or a trade (not a surname)."""
    word = doc.w[i]
    lex = doc.lex
    return (
        word in lex.titles
        or word in lex.particles
        or word in doc.index.cities.first_words
        or word in lex.specialties.first_words
        or word in lex.roles.first_words
    )


def _name_follows(doc: Doc, i: int) -> bool:
    """True when word i starts a capitalised word glued to the previous one (a full name)."""
    return (
        i < doc.n
        and not doc.flat_case
        and doc.capitalized(i)
        and not doc.boundary(i)
        and doc.bare(i)
    )


def compound(doc: Doc, s: int, e: int) -> bool:
    """True when the surname is glued by a hyphen to another name (« Martin-Lacombe »)."""
    if (
        s > 0
        and doc.sep(s).strip() == "-"
        and doc.cap(s - 1)
        and doc.w[s - 1] not in doc.lex.titles
    ):
        return True
    return e + 1 < doc.n and doc.sep(e + 1).strip() == "-" and doc.cap(e + 1)


def street(doc: Doc, start: int) -> bool:
    """True for « rue du Docteur-Rigaud », « lycée Jacques-Ménard » and the like."""
    lo = max(0, start - 3)
    for i in range(lo, start):
        if doc.w[i] in doc.lex.streets and not any(
            doc.boundary(j) for j in range(i + 1, start + 1)
        ):
            return True
    return False


def _role(doc: Doc, start: int, end: int) -> bool:
    roles = doc.roles
    return bool(roles) and any(doc.attached(start, end, s, e) for s, e in roles)


def _young(doc: Doc, end: int) -> bool:
    """True for « Camille Rigaud, 17 ans »: too young to practise."""
    w = doc.w
    for i in range(end + 1, min(end + 3, doc.n - 1)):
        if w[i].isdigit() and w[i + 1] == "ans" and int(w[i]) < 24:
            return True
    return False


def title_word(doc: Doc, start: int, end: int) -> str | None:
    """The title written beside the name (« Dr », « Pr », « M. »…), if any."""
    lex = doc.lex
    w = doc.w
    for i in (start - 1, start - 2):
        if i < 0 or any(doc.boundary(j) for j in range(i + 1, start + 1)):
            break
        if w[i] in lex.titles and (w[i] != "m" or doc.capitalized(i)):
            return w[i]
        if w[i] not in lex.liaison:
            break
    if end + 1 < doc.n and w[end + 1] in ("dr", "pr") and not doc.boundary(end + 1):
        return w[end + 1]
    return None


def specialty(doc: Doc, groups: frozenset[str], start: int, end: int) -> tuple[float, bool] | None:
    """(points, attached) for the specialty evidence; None when another one is attached."""
    if not groups:
        return 0.0, False
    nearest: tuple[int, frozenset[str], bool] | None = None
    anywhere = False
    for s, e, named in doc.specs:
        dist = start - e if e < start else s - end
        if dist <= 0:
            continue
        attached = doc.attached(start, end, s, e)
        if attached and not (named & groups) and doc.w[s : e + 1] in doc.lex.specific:
            return None
        if named & groups:
            anywhere = True
        if dist <= 8 and (nearest is None or dist < nearest[0]):
            nearest = (dist, named, attached)
    if nearest and nearest[1] & groups:
        return 1.0, nearest[2]
    return (0.5 if anywhere else 0.0), False
