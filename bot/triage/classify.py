"""Reads a mention the way the practice must: how it sounds, and whether the press law is in play.

Severity comes from the star rating and a French sentiment lexicon; legal-risk flags come from
lexicons of insults, precise accusations, private-life disclosures and threats. Every flag
carries the words that raised it, so the team can see why, and the triage recommends the
commands that fit (capture, insurer letter, notice to the platform, reply guidance).
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import cache

from bot.match.normalize import Tokenized, lexicon_lines, split_camel, tokenize, undisguise
from bot.models import Cue, Flag, Severity, Triage
from bot.triage import learned as triage_learned
from bot.triage.accusation import accusations, unvoided
from bot.triage.patterns import (
    Hit,
    Pattern,
    PatternError,
    Searchable,
    compile_pattern,
    load_patterns,
)

__all__ = [
    "DISCRIMINATORY_REASON",
    "PatternError",
    "compile_pattern",
    "is_discriminatory",
    "load_patterns",
    "read_by_rules",
    "triage",
]


# --- Triage ----------------------------------------------------------------------------------

_NEGATORS = frozenset({"pas", "jamais", "plus", "aucun", "aucune", "sans", "zero", "ni", "peu"})
_AFTER_NEGATORS = frozenset({"pas", "jamais", "rien"})
_BRIDGE = frozenset(
    {"de", "d", "le", "la", "les", "l", "un", "une", "tres", "si", "assez", "vraiment"}
)
_RATING_WEIGHT = {1: -3.0, 2: -2.0, 3: 0.0, 4: 2.0, 5: 3.0}
_POSITIVE_EMOJI = frozenset("👍🙏❤💪✨🙌😍🥰👏👌💕😊🤩💯⭐🌟💖💗😃😄☺🎉")
_NEGATIVE_EMOJI = frozenset("😤🙄😡🤬👎😠😒💩😭😞😩🤮🚨🙃")
_SENTENCE_END = re.compile(r"[.!?\n]")
_QUESTION_BLAME = 0.4
_EMOJI_WEIGHT = 0.75
_HARMFUL = frozenset({Flag.INSULT, Flag.DEFAMATION, Flag.THREAT})
LEGAL_ACTIONS = ("capture", "assureur", "signaler")
#: The reason of the cue marking discriminatory words: such statements are prescribed after
#: one year instead of three months (loi du 29 juillet 1881, art. 65-3).
DISCRIMINATORY_REASON = (
    "propos à caractère discriminatoire : délai d'un an (loi de 1881, art. 65-3)"
)


def is_discriminatory(cues: tuple[Cue, ...]) -> bool:
    """Whether a triage found discriminatory words (the one-year press-law limit applies)."""
    return any(c.flag is None and c.reason == DISCRIMINATORY_REASON for c in cues)


@dataclass(frozen=True, slots=True)
class _Lexicons:
    insult: list[Pattern]
    defamation: list[Pattern]
    privacy: list[Pattern]
    threat: list[Pattern]
    sentiment: list[Pattern]
    discrimination: list[Pattern]


@cache
def _lexicons() -> _Lexicons:
    return _Lexicons(
        insult=load_patterns("insult.txt"),
        defamation=load_patterns("defamation.txt"),
        privacy=load_patterns("privacy.txt"),
        threat=load_patterns("threat.txt"),
        sentiment=load_patterns("sentiment.txt"),
        discrimination=load_patterns("discrimination.txt"),
    )


@cache
def _sms() -> dict[str, str]:
    """SMS spellings and abbreviations, each to the word it writes (« pk » → « pourquoi »)."""
    pairs = (line.split() for line in lexicon_lines("sms.txt"))
    return {p[0]: p[1] for p in pairs if len(p) == 2 and p[0] != p[1]}


def _prepare(text: str, title: str | None) -> Tokenized:
    raw = f"{title}\n{text}" if title else text
    tk = tokenize(split_camel(undisguise(raw).replace("€", " euros")))
    sms = _sms()
    if not any(w in sms for w in tk.words):
        return tk
    words = tuple(sms.get(w, w) for w in tk.words)
    return Tokenized(tk.raw, words, tk.starts, tk.ends)


def _longest(hits: list[Hit]) -> list[Hit]:
    """Drops hits covered by a longer one (« merci pour rien » beats « merci »)."""
    kept: list[Hit] = []
    for h in sorted(hits, key=lambda h: (h.first - h.last, h.first)):
        if not any(k.first <= h.first and h.last <= k.last for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h.first)


def _cue(flag: Flag | None, hit: Hit) -> Cue:
    return Cue(flag=flag, words=hit.words, reason=hit.pattern.reason)


def _flag_hits(search: Searchable) -> dict[Flag, list[Hit]]:
    """The hits that raise each legal-risk flag (weak cues only when confirmed)."""
    lex = _lexicons()
    out: dict[Flag, list[Hit]] = {}
    insult = [h for h in _longest(search.find(lex.insult)) if _owned(search.tk, h)]
    if insult:
        out[Flag.INSULT] = insult
    privacy = _longest(search.find(lex.privacy)) + _plates(search)
    if privacy:
        out[Flag.PRIVACY] = privacy
    threat = [h for h in search.find(lex.threat) if not _reported(search.tk, h)]
    if any(h.pattern.kind == "" for h in threat):
        out[Flag.THREAT] = _longest(threat)
        # « je vais te défoncer ta gueule » is one threat, not a threat and an insult.
        inside = [h for h in insult if any(t.first <= h.first and h.last <= t.last for t in threat)]
        if inside:
            insult = [h for h in insult if h not in inside]
            if insult:
                out[Flag.INSULT] = insult
            else:
                out.pop(Flag.INSULT, None)
    found = search.find(lex.defamation)
    judged = any(h.pattern.kind == "-" for h in found)
    found = unvoided(search, found)
    defamation = [] if judged else _longest(found)
    asked = [h for h in defamation if _asked_word(search.tk, h)]
    strong = [h for h in defamation if h.pattern.kind == "" and h not in asked]
    weak = {h.pattern.source for h in defamation if h.pattern.kind == "+" or h in asked}
    if strong or len(weak) >= 2:
        out[Flag.DEFAMATION] = [h for h in defamation if h.pattern.kind != "=" or strong or weak]
    return out


_TIED_FACT = frozenset({"a", "ont", "avait", "avaient", "aurait", "auraient"})


def _absorbed(tk: Tokenized, insult: Hit) -> bool:
    """An insult that a relative clause ties to a precise fact (« un escroc qui a détourné… »)
    is part of the defamation, not a separate insult (loi de 1881, art. 29)."""
    after = tk.words[insult.last + 1 : insult.last + 5]
    return any(w == "qui" and nxt in _TIED_FACT for w, nxt in itertools.pairwise(after))


def _flag_cues(search: Searchable) -> dict[Flag, list[Cue]]:
    """The cues of each legal-risk flag: the lexicons', then the accusation frames'."""
    hits = _flag_hits(search)
    cues = {flag: [_cue(flag, h) for h in found] for flag, found in hits.items()}
    if Flag.DEFAMATION not in cues:
        judged = [p for p in _lexicons().defamation if p.kind == "-"]
        framed = [] if search.find(judged) else accusations(search)
        if framed:
            cues[Flag.DEFAMATION] = framed
    if Flag.DEFAMATION in cues and Flag.INSULT in hits:
        kept = [_cue(Flag.INSULT, h) for h in hits[Flag.INSULT] if not _absorbed(search.tk, h)]
        if kept:
            cues[Flag.INSULT] = kept
        else:
            del cues[Flag.INSULT]
    return cues


_PLATE = re.compile(r"(?<![\w-])[A-HJ-NP-TV-Z]{2}[- ]?[0-9]{3}[- ]?[A-HJ-NP-TV-Z]{2}(?![\w-])")
_PLATE_REASON = "plaque d'immatriculation divulguée (vie privée)"


def _plates(search: Searchable) -> list[Hit]:
    """French number plates (« AB-123-CD ») in the raw text: they lead to the person."""
    tk = search.tk
    hits: list[Hit] = []
    for m in _PLATE.finditer(tk.raw):
        first = bisect.bisect_right(tk.starts, m.start()) - 1
        last = bisect.bisect_left(tk.ends, m.end())
        if 0 <= first <= last < len(tk.words):
            pattern = Pattern("", _PLATE_REASON, "plaque", _PLATE)
            hits.append(Hit(pattern, first, last, tk.raw_span(first, last)))
    return hits


_CLOSING = re.compile('[»"”]')
_REPORTING = frozenset(
    {"traite", "traitee", "traites", "traitees", "traiter", "traitait", "traitant", "qualifie"}
    | {"qualifiee", "insulte", "insultee", "insulter", "insultait", "crie", "hurle", "lance"}
    | {"menace", "menacee", "ecrit", "lache", "crache", "dit", "repete", "aurait", "avait"}
)


def _reported(tk: Tokenized, hit: Hit) -> bool:
    """True when the words are someone else's, reported (« l'a traitée de conne »,
    « « je vais te crever », lui aurait-il lancé »)."""
    words = tk.words
    if any(w in _REPORTING for w in words[max(0, hit.first - 5) : hit.first]):
        return True
    after = hit.last + 1
    if after >= len(words) or not _CLOSING.search(tk.raw, tk.ends[hit.last], tk.starts[after]):
        return False
    return any(w in _REPORTING for w in words[after : after + 4])


_SUPERLATIVE = frozenset({"le", "la", "les", "l", "des", "du"})
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\n]")


def _negator(tk: Tokenized, at: int, word: int) -> bool:
    """Whether word `at` negates word `word` of the same clause: « plus » after an article is
    a superlative (« les plus incompétents », « LA PLUS NULLE »), and a comma between them
    starts another clause (« Incompétent, pas qualifié »)."""
    words = tk.words
    if words[at] not in _NEGATORS:
        return False
    if words[at] == "plus" and at >= 1 and words[at - 1] in _SUPERLATIVE:
        return False
    lo, hi = (at, word) if at < word else (word, at)
    return not _CLAUSE_BREAK.search(tk.raw, tk.ends[lo], tk.starts[hi])


_DENYING = frozenset({"pas", "jamais", "ni", "aucunement", "nullement"})
_BEING = frozenset({"suis", "es", "est", "sommes", "etes", "sont", "etait", "sui", "chui", "tes"})


def _denied(tk: Tokenized, hit: Hit) -> bool:
    """« je suis pas nazi », « il n'est pas raciste » : the word is denied, not thrown."""
    before = range(max(0, hit.first - 4), hit.first)
    window = [
        i for i in before if not _CLAUSE_BREAK.search(tk.raw, tk.ends[i], tk.starts[hit.first])
    ]
    words = [tk.words[i] for i in window]
    return any(w in _DENYING for w in words) and any(w in _BEING for w in words)


def _owned(tk: Tokenized, hit: Hit) -> bool:
    """The writer's own words: neither reported from someone else nor denied."""
    return not _reported(tk, hit) and not _denied(tk, hit)


def _negated(tk: Tokenized, first: int, last: int) -> bool:
    """True for « pas de dépassement », « zéro écoute », « je ne recommande pas »."""
    words = tk.words
    if first >= 1 and _negator(tk, first - 1, first):
        return True
    if first >= 2 and words[first - 1] in _BRIDGE and _negator(tk, first - 2, first):
        return True
    if first >= 3 and words[first - 2 : first] == ("du", "tout") and _negator(tk, first - 3, first):
        return True
    after = words[last + 1 : last + 3]
    if not after or _CLAUSE_BREAK.search(tk.raw, tk.ends[last], tk.starts[last + 1]):
        return False
    return after[0] in _AFTER_NEGATORS or after == ("a", "personne")


def _in_question(tk: Tokenized, last: int) -> bool:
    """True when the sentence holding word `last` ends with « ? » (asked, not asserted)."""
    end = _SENTENCE_END.search(tk.raw, tk.ends[last])
    return end is not None and end.group(0) == "?"


def _asked_word(tk: Tokenized, hit: Hit) -> bool:
    """A lone accusing word asked as a question (« Escroquerie ? ») is a hint, not a charge."""
    return hit.pattern.kind == "" and hit.first == hit.last and _in_question(tk, hit.last)


def _ironic(tk: Tokenized, weighed: list[tuple[Hit, float]]) -> list[tuple[Hit, float]]:
    """Praise that a colon turns into a grievance is irony: « Super l'accueil : 2h de retard »,
    « merci pour cette belle nuit : 5h d'attente ». Such praise counts as blame."""
    out: list[tuple[Hit, float]] = []
    for hit, weight in weighed:
        if weight > 0:
            colon = tk.raw.find(":", tk.ends[hit.last])
            end = _SENTENCE_END.search(tk.raw, tk.ends[hit.last])
            if colon >= 0 and (end is None or colon < end.start()):
                stop = len(tk.raw) if end is None else end.start()
                if any(w < 0 and colon < tk.starts[h.first] < stop for h, w in weighed):
                    weight = -weight
        out.append((hit, weight))
    return out


def _sentiment(search: Searchable) -> tuple[float, list[Cue]]:
    """Sum of the sentiment lexicon's weights, a negator before a word turning it over.

    A question asks rather than judges: its praise words do not count, its blame words count
    less (set phrases like « on fait comment » keep their weight).
    """
    score = 0.0
    cues: list[Cue] = []
    weighed: list[tuple[Hit, float]] = []
    for hit in _longest(search.find(_lexicons().sentiment)):
        weight = float(hit.pattern.kind or 0)
        if _negated(search.tk, hit.first, hit.last):
            weight = -weight
        if weight and hit.first == hit.last and _in_question(search.tk, hit.last):
            weight = 0.0 if weight > 0 else weight * _QUESTION_BLAME
        if weight:
            weighed.append((hit, weight))
    for hit, weight in _ironic(search.tk, weighed):
        score += weight
        tone = "ton positif" if weight > 0 else "ton négatif"
        cues.append(Cue(flag=None, words=hit.words, reason=f"{tone} ({hit.pattern.reason})"))
    raw = search.tk.raw
    pos = sum(1 for c in raw if c in _POSITIVE_EMOJI)
    neg = sum(1 for c in raw if c in _NEGATIVE_EMOJI)
    score += min(pos, 3) * _EMOJI_WEIGHT - min(neg, 3) * _EMOJI_WEIGHT
    return score, cues


def _actions(severity: Severity, flags: frozenset[Flag]) -> tuple[str, ...]:
    """The commands worth offering for this triage."""
    if flags:
        return LEGAL_ACTIONS
    if severity is Severity.NEGATIVE:
        return ("repondre",)
    return ()


def triage(text: str, *, title: str | None = None, rating: int | None = None) -> Triage:
    """Severity, legal-risk flags with their cues, and the recommended commands.

    The rules read first; the learned model (when its file is usable) weighs their verdict
    with the text's n-grams and may add a flag, explained by its most telling sentence, and
    set the severity. A flag the rules raised is never dropped."""
    rules, tk = read_by_rules(text, title=title, rating=rating)
    model = triage_learned.load()
    if model is None or not tk.words:
        return rules
    seen = triage_learned.verdict(tk, rules, rating, model)
    flags = rules.flags | seen.flags
    severity = Severity.NEGATIVE if flags & _HARMFUL else seen.severity
    return Triage(
        severity=severity,
        flags=flags,
        cues=rules.cues + seen.cues,
        actions=_actions(severity, flags),
    )


def read_by_rules(
    text: str, *, title: str | None = None, rating: int | None = None
) -> tuple[Triage, Tokenized]:
    """The rules' triage alone, with the folded words it read (the model's input)."""
    search = Searchable(_prepare(text, title))
    flagged = _flag_cues(search)
    flags = frozenset(flagged)
    cues: list[Cue] = [c for found in flagged.values() for c in found]
    discriminatory = [h for h in search.find(_lexicons().discrimination) if _owned(search.tk, h)]
    if discriminatory:
        hit = discriminatory[0]
        if not flags:
            flags = frozenset({Flag.INSULT})
            cues.append(Cue(Flag.INSULT, hit.words, "terme discriminatoire (injure)"))
        cues.append(Cue(None, hit.words, DISCRIMINATORY_REASON))
    score, tone = _sentiment(search)
    if Flag.PRIVACY in flags:
        score -= 1.0
    if rating is not None and rating in _RATING_WEIGHT:
        score += _RATING_WEIGHT[rating]
        cues.append(Cue(flag=None, words=f"{rating}/5", reason="note attribuée par l'auteur"))
    if flags & _HARMFUL or score <= -1.0:
        severity = Severity.NEGATIVE
    elif score >= 1.0:
        severity = Severity.POSITIVE
    else:
        severity = Severity.NEUTRAL
    cues.extend(tone)
    result = Triage(
        severity=severity, flags=flags, cues=tuple(cues), actions=_actions(severity, flags)
    )
    return result, search.tk
