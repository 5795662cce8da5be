"""The medical-secrecy check run on a public reply before Vigie publishes it.

A reply must never confirm that the reviewer is or was a patient, nor disclose anything learned
in care (code de la santé publique, L1110-4; code de déontologie, R4127-4): « lors de votre
consultation », « notre patiente », « votre traitement », « votre diabète » are refused, with the
words that raised it, unless the team overrides explicitly. Matching is accent- and
case-insensitive; the words returned are those the team typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.messages import messages

CARE = "relation de soin"
HEALTH = "information de santé"
CARE_EN = "care relationship"
HEALTH_EN = "health information"

_CARE_NOUNS = (
    r"consultations?|rendez[- ]vous|rdv|visites?|seances?|soins?|traitements?|operations?|"
    r"interventions?|examens?|ordonnances?|prescriptions?|diagnostics?|hospitalisations?|suivi|"
    r"dossier(?: medical)?|analyses?|resultats?|radios?|radiographies?|bilans?|prise en charge|"
    r"passage au cabinet|venue au cabinet|accouchement|vaccins?|vaccinations?|chirurgie|"
    r"extractions?|detartrage|couronnes?|implants?|protheses?|dents?|reeducation|therapie|"
    r"pathologies?|maladies?|symptomes?|douleurs?|medicaments?|arret de travail|anesthesie|"
    r"echographie|irm|scanner|prise de sang|piqure|injection|cure|sejour"
)
_HEALTH_WORDS = (
    r"diabete|cancers?|tumeurs?|depression|grossesse|enceinte|fausse couche|ivg|avortement|vih|"
    r"sida|seropositi\w*|hepatites?|allergies?|asthme|epilepsie|alzheimer|parkinson|"
    r"psychiatri\w*|anxiete|addictions?|alcoolisme|toxicomanie|obesite|infections?|covid|"
    r"handicap\w*|cholesterol|hypertension|sclerose|bipolaire|schizophren\w*|anorexie|boulimie|"
    r"chimio\w*|radiotherapie|dialyse|herpes|mst|ist|contraception|sterilite|fiv|pma|"
    r"burn[- ]out|troubles? \w+|fracture|entorse|caries?|gingivite|diagnostique\w*"
)
_PARTICIPLES = (
    r"venue?s?|suivie?s?|soignee?s?|operee?s?|recue?s?|vue?s?|examinee?s?|hospitalisee?s?|"
    r"prise?s? en charge|traitee?s?|consulte|accouchee?|vaccinee?s?|auscultee?s?"
)
_FR: tuple[tuple[str, str], ...] = (
    (
        rf"\b(?:votre|vos|ton|tes|ta|ton) (?:(?:derniere?|premiere?|recente?|prochaine?|"
        rf"precedente?) )?(?:{_CARE_NOUNS})\b",
        CARE,
    ),
    (r"\b(?:notre|nos|mon|ma|mes|cette|ce) (?:ancienne? |jeune )?patiente?s?\b", CARE),
    (r"\ben tant que patiente?s?\b", CARE),
    (rf"\b(?:vous|tu) (?:etes|etiez|avez ete|as ete|es|etait|fut) (?:{_PARTICIPLES})\b", CARE),
    (
        r"\b(?:vous|t') ?(?:avons|ai|a|avions|avait|avaient|ont) (?:recue?|vue?|soignee?|"
        r"operee?|examinee?|prescrit|suivie?|traitee?|auscultee?|vaccinee?|hospitalisee?|"
        r"accueillie?|opere|consulte)\b",
        CARE,
    ),
    (r"\bvous avez consulte\b|\bvotre medecin traitant\b|\bau cours de vos soins\b", CARE),
    (
        rf"\b(?:votre|vos|ton|ta|tes|sa|son|ses|de|du|d'un|d'une|une|un) (?:{_HEALTH_WORDS})\b",
        HEALTH,
    ),
)
_EN_CARE_NOUNS = (
    r"appointments?|consultations?|visits?|treatments?|surgery|surgeries|prescriptions?|"
    r"diagnosis|medical records?|test results?|procedures?|care|exams?|examinations?|"
    r"check-?ups?|therapy|scans?|x-?rays?|medications?|hospital stay"
)
_EN: tuple[tuple[str, str], ...] = (
    (rf"\byour (?:(?:last|recent|first|next|previous) )?(?:{_EN_CARE_NOUNS})\b", CARE_EN),
    (r"\b(?:our|my|a former|this) patients?\b|\bas (?:a|our) patient\b", CARE_EN),
    (r"\byou were (?:seen|treated|examined|operated|admitted|prescribed|vaccinated)\b", CARE_EN),
    (r"\b(?:we|i|the doctor) (?:treated|saw|examined|operated on|prescribed) you\b", CARE_EN),
    (
        r"\byour (?:diabetes|cancer|tumou?r|depression|pregnancy|hiv|allergy|asthma|epilepsy|"
        r"condition|illness|disease|infection|anxiety|addiction|diagnosis|disorder)\b|"
        r"\byou are pregnant\b",
        HEALTH_EN,
    ),
)
_COMPILED = {
    "fr": tuple((re.compile(p), r) for p, r in _FR),
    "en": tuple((re.compile(p), r) for p, r in _EN),
}


@dataclass(frozen=True, slots=True)
class SecrecyHit:
    """Words of a reply that breach medical secrecy, and why."""

    words: str
    reason: str


def _fold(text: str) -> tuple[str, list[int]]:
    """Lower case without accents, and for each folded character its index in `text`."""
    out: list[str] = []
    index: list[int] = []
    for position, char in enumerate(text.replace("’", "'")):
        for part in unicodedata.normalize("NFD", char.casefold()):
            if not unicodedata.combining(part):
                out.append(part)
                index.append(position)
    return "".join(out), index


def check_reply(text: str) -> list[SecrecyHit]:
    """Every passage of a reply that confirms a care relationship or discloses health data.

    Both languages' rules run whatever the team's language: a French team may answer an
    English review in English.
    """
    folded, index = _fold(" ".join(text.split()))
    source = " ".join(text.split()).replace("’", "'")
    hits: list[SecrecyHit] = []
    seen: set[tuple[int, int]] = set()
    for rules in _COMPILED.values():
        for pattern, reason in rules:
            for match in pattern.finditer(folded):
                if match.start() == match.end():
                    continue
                span = (index[match.start()], index[match.end() - 1] + 1)
                if any(a <= span[0] < b or span[0] <= a < span[1] for a, b in seen):
                    continue
                seen.add(span)
                hits.append(SecrecyHit(source[span[0] : span[1]], reason))
    hits.sort(key=lambda h: source.find(h.words))
    return hits


def describe_hits(hits: list[SecrecyHit], lang: str = "fr") -> str:
    """« « votre consultation » (relation de soin), « diabète » (information de santé) »."""
    return messages(lang).secrecy_hits([(h.words, _REASON_CODE[h.reason]) for h in hits])


_REASON_CODE = {CARE: "care", CARE_EN: "care", HEALTH: "health", HEALTH_EN: "health"}
