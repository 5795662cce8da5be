"""Defects seen on real French comments, each kept as a regression test of the rules alone."""

from __future__ import annotations

import pytest

from bot.models import Flag, Severity, Triage
from bot.triage.classify import is_discriminatory, read_by_rules


def triage(text: str) -> Triage:
    """The rules' reading alone: these defects were the rules' own."""
    return read_by_rules(text)[0]


@pytest.mark.parametrize(
    "text",
    [
        "Les médecins les plus incompétents de la ville.",
        "LA PLUS NULLE des dentistes que j'ai vues",
        "Incompétent, pas qualifié",
        "Désagréable, jamais à l'écoute",
    ],
)
def test_superlative_and_next_clause_are_not_negation(text: str) -> None:
    assert triage(text).severity is Severity.NEGATIVE


def test_real_negation_still_turns_praise_over() -> None:
    assert triage("Pas aimable du tout, pas à l'écoute.").severity is Severity.NEGATIVE
    assert triage("Aucun dépassement, pas de retard.").severity is not Severity.NEGATIVE


def test_reported_slur_is_not_the_writers_own() -> None:
    result = triage("Le Dr Martin m'a traité de sale arabe devant tout le monde.")
    assert Flag.INSULT not in result.flags
    assert not is_discriminatory(result.cues)


def test_denied_slur_is_not_flagged() -> None:
    assert not triage("je suis pas nazi, mais ce cabinet est mal tenu").flags
    assert not triage("Je ne suis pas raciste.").flags


def test_thrown_slur_still_is() -> None:
    result = triage("sale arabe, retourne dans ton pays")
    assert Flag.INSULT in result.flags
    assert is_discriminatory(result.cues)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Ce toubib est un fils de pute", "fils de pute"),
        ("dr martin fdp", "fdp"),
        ("ta gueule le dentiste", "ta gueule"),
        ("t'es débile ou quoi", "es débile"),
        ("ce kiné est attardé", "est attardé"),
        ("quel plouc ce pharmacien", "plouc"),
        ("tu es attarde", "es attarde"),
        ("t'es qu'un charlatan", "charlatan"),
    ],
)
def test_common_vulgar_insults(text: str, words: str) -> None:
    result = triage(text)
    assert result.flags == {Flag.INSULT}, result.cues
    assert any(words in c.words for c in result.cues if c.flag is Flag.INSULT), result.cues
    assert result.severity is Severity.NEGATIVE


def test_pd_is_a_discriminatory_insult() -> None:
    result = triage("sale pd")
    assert Flag.INSULT in result.flags
    assert is_discriminatory(result.cues)


def test_situations_called_stupid_are_not_insults() -> None:
    assert not triage("C'est débile de devoir rappeler trois fois.").flags


@pytest.mark.parametrize(
    "text", ["je te casse la bouche", "on va débarquer chez toi", "Je vais te péter les dents"]
)
def test_plain_threats(text: str) -> None:
    assert Flag.THREAT in triage(text).flags


def test_threat_is_not_also_an_insult() -> None:
    result = triage("je vais te défoncer ta gueule")
    assert result.flags == {Flag.THREAT}


@pytest.mark.parametrize("text", ["c toi ta un problème", "pk il ment tjrs ce menteu"])
def test_sms_spelling_reads_as_blame(text: str) -> None:
    assert triage(text).severity is Severity.NEGATIVE
