"""Accusation frames: unseen phrasings of a precise fact are flagged, lawful criticism is not."""

from __future__ import annotations

import pytest

from bot.match.normalize import tokenize
from bot.models import Flag
from bot.triage.accusation import accusations
from bot.triage.classify import triage
from bot.triage.patterns import Searchable

ACCUSATIONS = [
    "Le Dr Aubert a truqué la date de mon compte rendu pour se couvrir.",
    "Le remplaçant puisait dans la cagnotte du service depuis 2 ans.",
    "Elle a soutiré 3 000 euros à ma grand-mère en lui faisant signer des chèques.",
    "Mon kiné a gonflé la facture de 12 séances, la mutuelle me l'a montré.",
    "L'aide-soignante a giflé ma mère devant moi mardi.",
    "Le chirurgien a profité de mon anesthésie pour me photographier.",
    "Il a raconté mes résultats d'analyses à ma voisine, qui me l'a répété.",
    "Il paraît que le Dr Morel bidouille les transmissions après chaque décès ?",
    "Le pharmacien pioche dans la caisse de l'officine, tout le monde le sait.",
    "On dit que le Dr Royer a couché avec une patiente mineure.",
    "L'infirmière de nuit volait la morphine des résidents.",
    "Le médecin empestait le whisky pendant ma consultation de 18h.",
    "Le Dr Petit signe des certificats contre un billet de 50 euros.",
    "La directrice de l'EHPAD a laissé ma tante baigner dans ses excréments, j'ai des photos.",
    "Le Dr Faure a détourné les dons de l'association, le trésorier l'a vu.",
    "Il m'a posé deux implants rien que pour l'argent, pour encaisser la prime.",
    "Le chirurgien a caché la perforation pendant 3 jours, une infirmière me l'a dit.",
    "Le psychologue a divulgué mon diagnostic à mon employeur.",
]

LAWFUL = [
    "Trois heures d'attente, le médecin est arrivé en retard et ne s'est pas excusé.",
    "Tarifs exorbitants, il vole ses patients avec ses dépassements, je déconseille.",
    "La secrétaire est d'une rudesse incroyable, elle m'a raccroché au nez.",
    "Ce dentiste est incompétent, ma couronne est tombée au bout d'un mois.",
    "Je vais porter plainte auprès de l'Ordre, c'est inadmissible.",
    "Ils ont perdu mon dossier deux fois, quelle désorganisation.",
    "Le docteur a changé la date du rendez-vous trois fois sans prévenir.",
    "Elle m'a prescrit des antibiotiques sans m'examiner, très décevant.",
    "Le gynécologue m'a palpé les seins sans un mot d'explication, froid et expéditif.",
    "Il est très attaché à ses patients, je le recommande.",
    "On m'a facturé 80 euros pour dix minutes, c'est du vol.",
    "Le dentiste a gonflé mes espoirs puis m'a déçue, accueil froid.",
    "Le médecin a modifié mon traitement sans me demander mon avis.",
    "Je me demande pourquoi il faut attendre six mois pour un rendez-vous.",
    "Elle m'a caché son mépris mais ça se voyait, le rendez-vous a duré 5 minutes.",
    "Le kiné m'a dit de ne pas boire avant la séance, bon conseil.",
    "Le labo a jeté un oeil au dossier et m'a rappelée le lendemain.",
    "Il a dit mes résultats à mon mari qui m'accompagnait, avec mon accord.",
    "Le pharmacien vend des médicaments sans ordonnance quand c'est autorisé, pratique.",
    "Elle boit son café pendant les consultations, un peu désinvolte.",
    "Le chirurgien a opéré mon genou sans raison apparente de se presser, 2 mois d'attente.",
]


def _frames(text: str) -> list[str]:
    return [c.reason for c in accusations(Searchable(tokenize(text)))]


@pytest.mark.parametrize("text", ACCUSATIONS)
def test_accusation_frame_flags_defamation(text: str) -> None:
    result = triage(text)
    assert Flag.DEFAMATION in result.flags
    assert _frames(text), "le cadre d'accusation doit trouver le fait"


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_criticism_stays_unflagged(text: str) -> None:
    assert Flag.DEFAMATION not in triage(text).flags
    assert _frames(text) == []


def test_cue_explains_the_frame_in_french() -> None:
    reasons = _frames("Le Dr Aubert a truqué la date de mon compte rendu, j'ai la preuve.")
    assert reasons
    assert reasons[0].startswith("fait précis allégué : falsification")
    assert "acte allégué" in reasons[0] and "(diffamation)" in reasons[0]


def test_question_is_an_insinuation_frame() -> None:
    reasons = _frames("Le Dr Morel, a-t-il vraiment maquillé le dossier de mon père ?")
    assert reasons and "insinuation" in reasons[0]
    reasons = _frames("On raconte que le Dr Morel maquille les dossiers de ses patients.")
    assert reasons and "insinuation" in reasons[0]


def test_mild_predicate_needs_a_precision() -> None:
    assert _frames("Le chirurgien a caché la perforation.") == []
    assert _frames("Le chirurgien a caché la perforation, une infirmière me l'a dit.")


def test_negation_and_hypothesis_void_the_frame() -> None:
    assert _frames("Le Dr Morel n'a jamais maquillé un dossier.") == []
    assert _frames("Même si elle avait maquillé le dossier, je ne le saurais pas.") == []


def test_self_subject_is_no_accusation() -> None:
    assert _frames("J'ai falsifié le compte rendu, je l'avoue.") == []


def test_court_report_is_not_an_imputation() -> None:
    text = "Le tribunal a condamné le Dr X à un an de sursis ; il avait falsifié des ordonnances."
    assert Flag.DEFAMATION not in triage(text).flags
