"""Scores matching and triage on a labelled corpus, so every rule change is measured, not guessed.

`vigie eval --watchlist W.json --corpus C.jsonl` prints precision, recall and F1 for name
matching, accuracy for severity, and precision / recall for legal risk; with `--predict` it
prints one JSON line per item instead. The predictor only reads the unlabelled fields.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot.match.matcher import Matcher
from bot.models import Flag, Severity, Watch, WatchKind
from bot.triage.classify import triage

_SOURCES = frozenset(
    {"google_alerts", "google_news", "forum", "social", "google_places", "pages_jaunes", "blog"}
)
_FLAG_NAMES = {
    Flag.INSULT: "injure",
    Flag.DEFAMATION: "diffamation",
    Flag.PRIVACY: "vie privée",
    Flag.THREAT: "menace",
}
_TARGETS = {"precision": 0.95, "recall": 0.97, "severity": 0.85, "risk_r": 0.90, "risk_p": 0.80}


class CorpusError(Exception):
    """A watchlist or corpus file that cannot be read; the message says where and how to fix."""


@dataclass(frozen=True, slots=True)
class Item:
    """The unlabelled fields of one corpus line: all the predictor may read."""

    id: str
    source: str
    scoped_to: str | None
    title: str | None
    text: str
    rating: int | None


@dataclass(frozen=True, slots=True)
class Labels:
    """What the corpus says the right answer is for one item."""

    expected: frozenset[str]
    severity: Severity
    flags: frozenset[Flag]


@dataclass(frozen=True, slots=True)
class Prediction:
    """What Vigie answers for one item."""

    id: str
    matches: tuple[str, ...]
    severity: Severity
    flags: frozenset[Flag]

    def as_json(self) -> str:
        """The `--predict` line for this item."""
        return json.dumps(
            {
                "id": self.id,
                "matches": list(self.matches),
                "severity": self.severity.value,
                "flags": sorted(f.value for f in self.flags),
            },
            ensure_ascii=False,
        )


# --- Reading the files ------------------------------------------------------------------------


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CorpusError(f"{path} : fichier introuvable ; vérifiez le chemin.") from None
    except IsADirectoryError:
        raise CorpusError(f"{path} : c'est un dossier, pas un fichier.") from None
    except UnicodeDecodeError:
        raise CorpusError(f"{path} : le fichier doit être encodé en UTF-8.") from None
    except OSError as exc:
        raise CorpusError(f"{path} : lecture impossible ({exc.strerror}).") from None


def _array_items(path: Path, text: str) -> Iterator[tuple[Any, int]]:
    """Each element of a JSON array with the line it starts on."""
    decoder = json.JSONDecoder()
    pos = len(text) - len(text.lstrip())
    if not text[pos:].startswith("["):
        raise CorpusError(
            f"{path}, ligne 1 : une liste JSON [ … ] de noms surveillés est attendue."
        )
    pos += 1
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text):
            raise CorpusError(f"{path} : la liste JSON n'est pas refermée par « ] ».")
        if text[pos] == "]":
            return
        line = text.count("\n", 0, pos) + 1
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path}, ligne {exc.lineno} : JSON invalide ({exc.msg}).") from None
        yield value, line


def _text_field(obj: dict[str, Any], key: str, where: str, *, required: bool) -> str | None:
    value = obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise CorpusError(f"{where} : le champ « {key} » doit être un texte non vide.")
    return value


def load_watchlist(path: Path) -> list[tuple[str, Watch]]:
    """The corpus watch ids with their `Watch`, numbered 1, 2, … in file order."""
    out: list[tuple[str, Watch]] = []
    seen: set[str] = set()
    for obj, line in _array_items(path, _read(path)):
        where = f"{path}, ligne {line}"
        if not isinstance(obj, dict):
            raise CorpusError(f"{where} : chaque nom surveillé est un objet JSON {{ … }}.")
        wid = _text_field(obj, "id", where, required=True)
        name = _text_field(obj, "name", where, required=True)
        assert wid is not None and name is not None
        if wid in seen:
            raise CorpusError(f"{where} : l'identifiant « {wid} » est déjà utilisé.")
        seen.add(wid)
        kind = obj.get("kind", "practitioner")
        if kind not in ("practitioner", "practice"):
            raise CorpusError(
                f"{where} : « kind » vaut « practitioner » ou « practice », pas « {kind} »."
            )
        aliases = obj.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise CorpusError(f"{where} : « aliases » doit être une liste de textes.")
        watch = Watch(
            id=len(out) + 1,
            team_id=0,
            name=name,
            kind=WatchKind(kind),
            title=_text_field(obj, "title", where, required=False) or None,
            specialty=_text_field(obj, "specialty", where, required=False) or None,
            city=_text_field(obj, "city", where, required=False) or None,
            aliases=tuple(aliases),
        )
        out.append((wid, watch))
    if not out:
        raise CorpusError(f"{path} : la liste des noms surveillés est vide.")
    return out


def load_corpus(
    path: Path, watch_ids: frozenset[str], *, labelled: bool
) -> list[tuple[Item, Labels | None]]:
    """The corpus items, with their labels when `labelled`."""
    out: list[tuple[Item, Labels | None]] = []
    for line_no, line in enumerate(_read(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}, ligne {line_no}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{where} : JSON invalide ({exc.msg}).") from None
        if not isinstance(obj, dict):
            raise CorpusError(f"{where} : chaque ligne est un objet JSON {{ … }}.")
        out.append(
            (_item(obj, where, watch_ids), _labels(obj, where, watch_ids) if labelled else None)
        )
    if not out:
        raise CorpusError(f"{path} : le corpus ne contient aucune mention.")
    return out


def _item(obj: dict[str, Any], where: str, watch_ids: frozenset[str]) -> Item:
    item_id = obj.get("id")
    if not isinstance(item_id, str) or not item_id:
        raise CorpusError(f"{where} : le champ « id » doit être un texte non vide.")
    source = obj.get("source")
    if not isinstance(source, str) or not source:
        raise CorpusError(f"{where} : le champ « source » doit être un texte (par ex. « forum »).")
    scoped = obj.get("scoped_to")
    if scoped is not None and (not isinstance(scoped, str) or scoped not in watch_ids):
        raise CorpusError(
            f"{where} : « scoped_to » doit être null ou un id de la liste surveillée."
        )
    rating = obj.get("rating")
    if rating is not None and (
        isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5
    ):
        raise CorpusError(f"{where} : « rating » doit être null ou un entier de 1 à 5.")
    text = obj.get("text")
    if not isinstance(text, str):
        raise CorpusError(f"{where} : le champ « text » doit être un texte.")
    title = obj.get("title")
    if title is not None and not isinstance(title, str):
        raise CorpusError(f"{where} : le champ « title » doit être un texte ou null.")
    return Item(item_id, source, scoped, title, text, rating)


def _labels(obj: dict[str, Any], where: str, watch_ids: frozenset[str]) -> Labels:
    expected = obj.get("expected")
    if not isinstance(expected, list) or not all(isinstance(e, str) for e in expected):
        raise CorpusError(f'{where} : « expected » doit être une liste d\'ids (par ex. ["w1"]).')
    unknown = [e for e in expected if e not in watch_ids]
    if unknown:
        raise CorpusError(f"{where} : « {unknown[0]} » n'est pas dans la liste surveillée.")
    try:
        severity = Severity(str(obj.get("severity")))
    except ValueError:
        raise CorpusError(
            f"{where} : « severity » vaut « positive », « neutral » ou « negative »."
        ) from None
    flags = obj.get("flags")
    try:
        parsed = frozenset(Flag(f) for f in flags) if isinstance(flags, list) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise CorpusError(
            f"{where} : « flags » est une liste parmi insult, defamation, privacy, threat."
        )
    return Labels(frozenset(expected), severity, parsed)


# --- Predicting and scoring -------------------------------------------------------------------


def predict_item(item: Item, matcher: Matcher, ids: Sequence[str]) -> Prediction:
    """Vigie's answer for one item, from its unlabelled fields only."""
    scoped = ids.index(item.scoped_to) + 1 if item.scoped_to is not None else None
    matches = matcher.match(item.text, title=item.title, scoped_watch_id=scoped)
    result = triage(item.text, title=item.title, rating=item.rating)
    return Prediction(
        id=item.id,
        matches=tuple(ids[m.watch_id - 1] for m in matches),
        severity=result.severity,
        flags=result.flags,
    )


@dataclass(slots=True)
class _Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, expected: bool) -> None:
        self.tp += predicted and expected
        self.fp += predicted and not expected
        self.fn += expected and not predicted

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _num(x: float) -> str:
    return f"{x:.3f}".replace(".", ",")


def _goal(value: float, target: float) -> str:
    return f"objectif ≥ {_num(target)} {'atteint' if value >= target else 'NON atteint'}"


@dataclass(frozen=True, slots=True)
class Scores:
    """The figures `vigie eval` prints."""

    matching: _Counts
    severity_ok: int
    total: int
    risk: _Counts
    per_flag: dict[Flag, _Counts]
    misses: tuple[str, ...]

    @property
    def severity_accuracy(self) -> float:
        return self.severity_ok / self.total if self.total else 0.0


def score(pairs: Sequence[tuple[Prediction, Labels]]) -> Scores:
    """Precision, recall and accuracy over a labelled corpus."""
    matching = _Counts()
    risk = _Counts()
    per_flag = {f: _Counts() for f in Flag}
    ok = 0
    misses: list[str] = []
    for pred, lab in pairs:
        got = set(pred.matches)
        matching.tp += len(got & lab.expected)
        matching.fp += len(got - lab.expected)
        matching.fn += len(lab.expected - got)
        ok += pred.severity is lab.severity
        risk.add(bool(pred.flags), bool(lab.flags))
        for f in Flag:
            per_flag[f].add(f in pred.flags, f in lab.flags)
        diffs = []
        if got != lab.expected:
            diffs.append(f"noms {sorted(got)} au lieu de {sorted(lab.expected)}")
        if pred.severity is not lab.severity:
            diffs.append(f"gravité {pred.severity.value} au lieu de {lab.severity.value}")
        if pred.flags != lab.flags:
            diffs.append(
                f"signaux {sorted(f.value for f in pred.flags)}"
                f" au lieu de {sorted(f.value for f in lab.flags)}"
            )
        if diffs:
            misses.append(f"  {pred.id} : " + " ; ".join(diffs))
    return Scores(matching, ok, len(pairs), risk, per_flag, tuple(misses))


def _report(scores: Scores, corpus: Path, n_watches: int, out: TextIO) -> None:
    m, r = scores.matching, scores.risk
    acc = scores.severity_accuracy
    lines = [
        f"Corpus : {corpus} — {scores.total} mentions, {n_watches} noms surveillés",
        f"Appariement des noms : précision {_num(m.precision)} "
        f"({_goal(m.precision, _TARGETS['precision'])}), "
        f"rappel {_num(m.recall)} ({_goal(m.recall, _TARGETS['recall'])}), F1 {_num(m.f1)}"
        f"  [VP {m.tp}, FP {m.fp}, FN {m.fn}]",
        f"Gravité : exactitude {_num(acc)} ({scores.severity_ok}/{scores.total}, "
        f"{_goal(acc, _TARGETS['severity'])})",
        f"Risque juridique (au moins un signal) : précision {_num(r.precision)} "
        f"({_goal(r.precision, _TARGETS['risk_p'])}), rappel {_num(r.recall)} "
        f"({_goal(r.recall, _TARGETS['risk_r'])})  [VP {r.tp}, FP {r.fp}, FN {r.fn}]",
    ]
    for flag, counts in scores.per_flag.items():
        lines.append(
            f"  {_FLAG_NAMES[flag]} ({flag.value}) : précision {_num(counts.precision)}, "
            f"rappel {_num(counts.recall)}  [VP {counts.tp}, FP {counts.fp}, FN {counts.fn}]"
        )
    if scores.misses:
        lines.append(f"Écarts ({len(scores.misses)} mentions) :")
        lines.extend(scores.misses)
    out.write("\n".join(lines) + "\n")


def run_eval(watchlist: Path, corpus: Path, *, predict: bool, out: TextIO) -> int:
    """Runs `vigie eval`; 0 on success, 2 with a French message when a file is unusable."""
    try:
        watches = load_watchlist(watchlist)
        ids = [wid for wid, _ in watches]
        items = load_corpus(corpus, frozenset(ids), labelled=not predict)
    except CorpusError as exc:
        out.write(f"Erreur : {exc}\n")
        return 2
    matcher = Matcher(w for _, w in watches)
    predictions = [predict_item(item, matcher, ids) for item, _ in items]
    if predict:
        for p in predictions:
            out.write(p.as_json() + "\n")
        return 0
    pairs = [(p, lab) for p, (_, lab) in zip(predictions, items, strict=True) if lab is not None]
    _report(score(pairs), corpus, len(ids), out)
    return 0


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Mesure l'appariement et le tri sur un corpus.")
    parser.add_argument("--watchlist", required=True, type=Path)
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--predict", action="store_true")
    ns = parser.parse_args()
    sys.exit(run_eval(ns.watchlist, ns.corpus, predict=ns.predict, out=sys.stdout))
