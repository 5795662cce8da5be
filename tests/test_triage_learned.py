"""The learned triage: shipped, versioned, lazily loaded, explained; the rules alone without it."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bot.models import Flag
from bot.triage import learned as triage_learned
from bot.triage.classify import read_by_rules, triage
from bot.triage.features import FEATURES_VERSION

DATA = Path(__file__).parent / "data"


@pytest.fixture
def model_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A model path set through VIGIE_TRIAGE_MODEL, read afresh by the next triage."""
    path = tmp_path / "model.npz"
    monkeypatch.setenv("VIGIE_TRIAGE_MODEL", str(path))
    triage_learned.forget()
    yield path
    triage_learned.forget()


TEXT = "Ce dentiste est un charlatan, je vais lui casser la gueule. Il habite au 3 rue des Lilas."


def _rules_only(text: str) -> object:
    return read_by_rules(text)[0]


@pytest.mark.parametrize("content", [None, b"not a zip file at all", b"PK\x03\x04broken"])
def test_missing_or_corrupt_model_leaves_the_rules_with_one_log_line(
    model_file: Path, content: bytes | None, caplog: pytest.LogCaptureFixture
) -> None:
    if content is not None:
        model_file.write_bytes(content)
    assert triage_learned.check() is not None
    with caplog.at_level(logging.WARNING, logger="bot.triage.learned"):
        first = triage(TEXT)
        second = triage("Très bon accueil, merci.")
    assert first == _rules_only(TEXT)
    assert second == _rules_only("Très bon accueil, merci.")
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.triage.learned"]
    assert len(lines) == 1
    assert lines[0].startswith("Tri appris indisponible")
    assert "les règles seules" in lines[0]


def test_model_of_another_version_is_refused(model_file: Path) -> None:
    with np.load(triage_learned.MODEL_PATH) as shipped:
        arrays = {k: shipped[k] for k in shipped.files}
    arrays["version"] = np.array([triage_learned.MODEL_FORMAT, FEATURES_VERSION + 1], np.int32)
    with model_file.open("wb") as fh:
        np.savez_compressed(fh, **arrays)
    problem = triage_learned.check()
    assert problem is not None and "version" in problem
    assert triage_learned.load() is None
    assert triage(TEXT) == _rules_only(TEXT)


def test_model_of_wrong_shape_is_refused(model_file: Path) -> None:
    with np.load(triage_learned.MODEL_PATH) as shipped:
        arrays = {k: shipped[k] for k in shipped.files}
    arrays["flag_w"] = arrays["flag_w"][:, :10]
    with model_file.open("wb") as fh:
        np.savez_compressed(fh, **arrays)
    assert triage_learned.load() is None


def test_shipped_model_is_small_versioned_and_loads() -> None:
    assert triage_learned.MODEL_PATH.stat().st_size < 5_000_000
    assert triage_learned.check(triage_learned.MODEL_PATH) is None
    model = triage_learned.read_model(triage_learned.MODEL_PATH)
    assert model.flag_threshold.shape == (4,)
    assert ((model.flag_threshold > 0) & (model.flag_threshold < 1)).all()


def _corpus_items() -> Iterator[dict[str, object]]:
    for path in sorted(DATA.glob("holdout*-mentions.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            yield json.loads(line)


def test_every_flag_quotes_the_text_that_raised_it() -> None:
    """Rules quote their words; a flag from the model alone quotes its most telling sentence."""
    triage_learned.forget()
    model_only = 0
    for item in _corpus_items():
        text, title = str(item["text"]), item["title"]
        result = triage(text, title=title if isinstance(title, str) else None)
        # The text as triage reads it: disguises undone (« p*te »), « € » spelt out.
        raw = read_by_rules(text, title=title if isinstance(title, str) else None)[1].raw
        for flag in result.flags:
            cues = [c for c in result.cues if c.flag is flag]
            assert cues, (item["id"], flag)
            for cue in cues:
                assert cue.words and cue.reason
            model_cues = [c for c in cues if c.reason.startswith("le modèle appris")]
            if model_cues:
                model_only += 1
                quote = model_cues[0].words.rstrip("…")
                assert " ".join(quote.split()) in " ".join(raw.split()), item["id"]
    assert model_only > 0  # the model does add flags the rules miss


def test_a_rule_flag_is_never_dropped() -> None:
    triage_learned.forget()
    for item in list(_corpus_items())[:300]:
        text = str(item["text"])
        assert read_by_rules(text)[0].flags <= triage(text).flags


def test_model_reads_a_threat_the_rules_miss_and_quotes_it() -> None:
    text = "Tu vas voir ce qui va t'arriver quand tu sortiras du cabinet ce soir."
    assert Flag.THREAT not in read_by_rules(text)[0].flags
    triage_learned.forget()
    result = triage(text)
    assert Flag.THREAT in result.flags
    (cue,) = [c for c in result.cues if c.flag is Flag.THREAT]
    assert cue.words == text.rstrip(".")
    assert cue.reason.startswith("le modèle appris y lit une menace (probabilité 0,")
    assert result.actions == ("capture", "assureur", "signaler")


def test_training_is_deterministic_and_its_file_too(tmp_path: Path) -> None:
    """Same data and seed: same weights, and the model file's bytes depend on them alone."""
    from bot.triage.train import Example, featurize, fit, save

    texts = [
        ("Ce dentiste est un connard", {Flag.INSULT}, "negative"),
        ("Merci pour votre accueil, très bon cabinet", set(), "positive"),
        ("Je vais te casser la gueule à la sortie", {Flag.THREAT}, "negative"),
        ("Il a falsifié mon dossier le 3 mars", {Flag.DEFAMATION}, "negative"),
        ("Elle habite au 4 rue des Lilas avec ses enfants", {Flag.PRIVACY}, "neutral"),
        ("Rendez-vous pris pour mardi", set(), "neutral"),
    ]
    from bot.models import Severity

    examples = [
        Example("t", text, None, None, frozenset(flags), Severity(sev))
        for text, flags, sev in texts
    ]
    rows, _ = featurize(examples)
    first, second = fit(examples, rows, seed=7), fit(examples, rows, seed=7)
    assert np.array_equal(first.flag_w, second.flag_w)
    assert np.array_equal(first.severity_w, second.severity_w)
    thresholds = np.full(4, 0.5, np.float32)
    save(first, thresholds, tmp_path / "a.npz", "{}")
    save(second, thresholds, tmp_path / "b.npz", "{}")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert triage_learned.check(tmp_path / "a.npz") is None
    assert triage_learned.read_model(tmp_path / "a.npz").flag_w.shape[0] == 4


def test_vigie_run_says_once_at_start_that_the_model_is_unusable(tmp_path: Path) -> None:
    """A real `vigie run` with a corrupt weights file: one clear line, then it serves."""
    from tests.test_cli import run_cli

    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"garbage")
    result = run_cli(["run"], tmp_path, stdin="/liste\n", VIGIE_TRIAGE_MODEL=str(broken))
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "Tri appris indisponible" in line]
    assert len(lines) == 1, result.stderr
    assert "illisible" in lines[0] and "les règles seules" in lines[0]
    assert "Traceback" not in result.stderr
    healthy = run_cli(["run"], tmp_path, stdin="/liste\n")
    assert "Tri appris indisponible" not in healthy.stderr
