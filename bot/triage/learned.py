"""The learned half of triage: linear weights over hashed n-grams and the rules' cues, in numpy.

The weights ship with the code (`bot/triage/weights/triage_model.npz`, retrained by
`python -m bot.triage.train`), are read on the first triage only, and carry a version checked
at load. Without a usable model file the rules alone decide, after one clear log line.
A flag the model raises alone is explained by the sentence it finds most telling.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.match.normalize import Tokenized
from bot.models import Cue, Flag, Severity, Triage
from bot.triage.features import DIM, FEATURES_VERSION, Features, features, sentence_features

__all__ = [
    "MODEL_FORMAT",
    "MODEL_PATH",
    "Model",
    "ModelError",
    "Verdict",
    "check",
    "load",
    "model_path",
    "use",
    "verdict",
]

log = logging.getLogger(__name__)

#: Bumped when the file's layout changes; a file of another format is refused at load.
MODEL_FORMAT = 1
MODEL_PATH = Path(__file__).parent / "weights" / "triage_model.npz"
FLAGS = tuple(Flag)
SEVERITIES = tuple(Severity)
_FLAG_WORDS = {
    Flag.INSULT: "une injure",
    Flag.DEFAMATION: "une accusation de fait précis (diffamation)",
    Flag.PRIVACY: "une atteinte à la vie privée",
    Flag.THREAT: "une menace",
}
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_QUOTE_CHARS = 220


class ModelError(Exception):
    """A model file that is missing, unreadable or of another version."""


@dataclass(frozen=True, slots=True)
class Model:
    """Weights of the flag scorers (one row per flag) and the severity scorer (one per class)."""

    flag_w: npt.NDArray[np.float32]
    flag_b: npt.NDArray[np.float32]
    flag_threshold: npt.NDArray[np.float32]
    severity_w: npt.NDArray[np.float32]
    severity_b: npt.NDArray[np.float32]

    def flag_probabilities(self, x: Features) -> npt.NDArray[np.float32]:
        """The probability of each flag, in `Flag` order."""
        z = self.flag_w[:, x.index] @ x.value + self.flag_b
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float32)

    def severity_scores(self, x: Features) -> npt.NDArray[np.float32]:
        """The score of each severity, in `Severity` order (the highest wins)."""
        return np.asarray(self.severity_w[:, x.index] @ x.value + self.severity_b, np.float32)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the model reads in a mention: severity, flags and the cues of flags it adds."""

    severity: Severity
    flags: frozenset[Flag]
    cues: tuple[Cue, ...]


def read_model(path: Path) -> Model:
    """The model in `path`; `ModelError` with the reason when it cannot be used."""
    try:
        with path.open("rb") as fh, np.load(fh, allow_pickle=False) as data:
            version = data["version"]
            if version.shape != (2,) or tuple(int(v) for v in version) != (
                MODEL_FORMAT,
                FEATURES_VERSION,
            ):
                raise ModelError(
                    f"version {version.tolist()} du fichier, {[MODEL_FORMAT, FEATURES_VERSION]}"
                    " attendue : relancer python -m bot.triage.train"
                )
            model = Model(
                flag_w=data["flag_w"].astype(np.float32),
                flag_b=data["flag_b"].astype(np.float32),
                flag_threshold=data["flag_threshold"].astype(np.float32),
                severity_w=data["severity_w"].astype(np.float32),
                severity_b=data["severity_b"].astype(np.float32),
            )
    except FileNotFoundError:
        raise ModelError(f"fichier {path} absent") from None
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelError(f"fichier {path} illisible ({type(exc).__name__})") from None
    shapes = (
        model.flag_w.shape == (len(FLAGS), DIM)
        and model.flag_b.shape == (len(FLAGS),)
        and model.flag_threshold.shape == (len(FLAGS),)
        and model.severity_w.shape == (len(SEVERITIES), DIM)
        and model.severity_b.shape == (len(SEVERITIES),)
    )
    if not shapes or not all(
        np.isfinite(a).all() for a in (model.flag_w, model.severity_w, model.flag_b)
    ):
        raise ModelError(f"fichier {path} incohérent (dimensions ou valeurs)")
    return model


_lock = threading.Lock()
_loaded: dict[Path, Model | None] = {}


_configured: list[Path] = []


def use(path: Path | None) -> None:
    """Reads the model from `path` from now on (the `triage_model` setting); None: default."""
    with _lock:
        _configured[:] = [path] if path is not None else []
        _loaded.clear()


def model_path() -> Path:
    """The model file: the setting, else VIGIE_TRIAGE_MODEL, else the one shipped."""
    if _configured:
        return _configured[0]
    configured = os.environ.get("VIGIE_TRIAGE_MODEL", "").strip()
    return Path(configured) if configured else MODEL_PATH


def check(path: Path | None = None) -> str | None:
    """Without loading the weights: None when the model file looks usable, else the problem."""
    path = path or model_path()
    try:
        with path.open("rb") as fh, np.load(fh, allow_pickle=False) as data:
            version = data["version"]
            if tuple(int(v) for v in version) != (MODEL_FORMAT, FEATURES_VERSION):
                return f"version {version.tolist()} du fichier {path}, non prise en charge"
            missing = {"flag_w", "flag_b", "flag_threshold", "severity_w", "severity_b"} - set(
                data.files
            )
            if missing:
                return f"fichier {path} incomplet ({', '.join(sorted(missing))})"
    except FileNotFoundError:
        return f"fichier {path} absent"
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        return f"fichier {path} illisible ({type(exc).__name__})"
    return None


def unavailable_line(problem: str) -> str:
    """The one log line saying the learned triage is off and why."""
    return f"Tri appris indisponible ({problem}) : les règles seules trient les mentions."


def load(path: Path | None = None) -> Model | None:
    """The model, read once on first use; None (logged once) when it cannot be used."""
    path = path or model_path()
    with _lock:
        if path not in _loaded:
            try:
                _loaded[path] = read_model(path)
            except ModelError as exc:
                log.warning(unavailable_line(str(exc)))
                _loaded[path] = None
        return _loaded[path]


def forget() -> None:
    """Drops the loaded model, so the next triage reads the file again (tests, retraining)."""
    with _lock:
        _loaded.clear()


def _telling_sentence(tk: Tokenized, model: Model, flag_row: int) -> str:
    """The sentence of the text the flag's scorer rates highest, quoted from the raw text."""
    best, best_score = "", -np.inf
    for m in _SENTENCE.finditer(tk.raw):
        first = next((i for i, s in enumerate(tk.starts) if s >= m.start()), None)
        if first is None or tk.starts[first] >= m.end():
            continue
        last = first
        while last + 1 < len(tk.starts) and tk.starts[last + 1] < m.end():
            last += 1
        x = sentence_features(tk.words[first : last + 1])
        score = float(model.flag_w[flag_row, x.index] @ x.value)
        if score > best_score:
            best, best_score = tk.raw_span(first, last), score
    quote = " ".join(best.split()) or " ".join(tk.raw.split())
    return quote if len(quote) <= _QUOTE_CHARS else quote[: _QUOTE_CHARS - 1] + "…"


def verdict(tk: Tokenized, rules: Triage, rating: int | None, model: Model) -> Verdict:
    """The model's reading of a mention the rules have read first."""
    x = features(tk, rating)
    probabilities = model.flag_probabilities(x)
    flags = {
        f for f, p, t in zip(FLAGS, probabilities, model.flag_threshold, strict=True) if p >= t
    }
    cues: list[Cue] = []
    for row, flag in enumerate(FLAGS):
        if flag in flags and flag not in rules.flags:
            reason = (
                f"le modèle appris y lit {_FLAG_WORDS[flag]} "
                f"(probabilité {probabilities[row]:.2f})".replace(".", ",")
            )
            cues.append(Cue(flag, _telling_sentence(tk, model, row), reason))
    severity = SEVERITIES[int(np.argmax(model.severity_scores(x)))]
    return Verdict(severity=severity, flags=frozenset(flags), cues=tuple(cues))
