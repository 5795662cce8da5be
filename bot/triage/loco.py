"""Leave-one-corpus-out measures of the learned triage: thresholds and honest figures.

Each corpus written for Vigie is held out in turn while the model learns from all the others;
its items are then read by the rules plus that model. The pooled out-of-corpus probabilities
choose each flag's threshold, and the per-corpus figures are what `--loco` prints.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.models import Flag, Severity, Triage
from bot.triage.classify import read_by_rules, triage
from bot.triage.features import Features
from bot.triage.learned import FLAGS, SEVERITIES
from bot.triage.train import Example, fit, predict

_GRID = np.round(np.arange(0.20, 0.96, 0.05), 2)
_HARMFUL = (Flag.INSULT, Flag.DEFAMATION, Flag.THREAT)


@dataclass(frozen=True, slots=True)
class OutOfCorpus:
    """For every corpus item: the rules' flags, the held-out model's probabilities, severity."""

    corpus: list[str]
    truth_flags: npt.NDArray[np.bool_]
    truth_severity: list[Severity | None]
    rule_flags: npt.NDArray[np.bool_]
    rule_severity: list[Severity]
    probabilities: npt.NDArray[np.float64]
    model_severity: list[Severity]


_cache: dict[int, OutOfCorpus] = {}


def out_of_corpus(
    corpora: dict[str, list[Example]],
    outside: list[Example],
    rows: Sequence[Features],
    rules: Sequence[Triage],
    seed: int,
) -> OutOfCorpus:
    """Probabilities for each corpus item from a model that never saw its corpus."""
    key = seed
    if key in _cache:
        return _cache[key]
    names = list(corpora)
    examples = [ex for n in names for ex in corpora[n]]
    n_repo = len(examples)
    all_examples = examples + outside
    probabilities = np.zeros((n_repo, len(FLAGS)))
    model_severity: list[Severity] = [Severity.NEUTRAL] * n_repo
    for name in names:
        held = [i for i in range(n_repo) if examples[i].corpus == name]
        train = [i for i in range(len(all_examples)) if all_examples[i].corpus != name]
        weights = fit([all_examples[i] for i in train], [rows[i] for i in train], seed)
        p, s = predict(weights, [rows[i] for i in held])
        for j, i in enumerate(held):
            probabilities[i] = p[j]
            model_severity[i] = SEVERITIES[int(s[j])]
    result = OutOfCorpus(
        corpus=[ex.corpus for ex in examples],
        truth_flags=np.array([[f in (ex.flags or ()) for f in FLAGS] for ex in examples]),
        truth_severity=[ex.severity for ex in examples],
        rule_flags=np.array([[f in rules[i].flags for f in FLAGS] for i in range(n_repo)]),
        rule_severity=[rules[i].severity for i in range(n_repo)],
        probabilities=probabilities,
        model_severity=model_severity,
    )
    _cache[key] = result
    return result


def _f1(pred: npt.NDArray[np.bool_], truth: npt.NDArray[np.bool_]) -> float:
    tp = float(np.sum(pred & truth))
    fp = float(np.sum(pred & ~truth))
    fn = float(np.sum(~pred & truth))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


#: The precision each flag's model alone must reach out of corpus (the target is 0.85 for
#: rules and model together, whose flags add up).
PRECISION_FLOOR = 0.90


def thresholds_from_loco(
    corpora: dict[str, list[Example]],
    outside: list[Example],
    rows: Sequence[Features],
    rules: Sequence[Triage],
    seed: int,
) -> npt.NDArray[np.float32]:
    """Each flag's threshold: the lowest at which the model alone, over the pooled held-out
    items, is right at least `PRECISION_FLOOR` of the time (the best F1 if none is).

    The model alone, not rules-or-model: on the corpora the rules were tuned on they are right
    already, and that choice would only learn to silence the model where rules are untuned.
    Measured: the best-F1 thresholds flagged « Je vais vous retrouver un créneau » as a threat.
    """
    ooc = out_of_corpus(corpora, outside, rows, rules, seed)
    out = np.zeros(len(FLAGS), np.float32)
    for k in range(len(FLAGS)):
        truth = ooc.truth_flags[:, k]
        chosen = None
        for t in _GRID:
            pred = ooc.probabilities[:, k] >= t
            if pred.any() and float(np.sum(pred & truth)) / float(pred.sum()) >= PRECISION_FLOOR:
                chosen = t
                break
        if chosen is None:
            scores = [_f1(ooc.probabilities[:, k] >= t, truth) for t in _GRID]
            chosen = _GRID[int(np.argmax(scores))]
        out[k] = chosen
    return out


def combined(
    ooc: OutOfCorpus, thresholds: npt.NDArray[np.float32]
) -> tuple[npt.NDArray[np.bool_], list[Severity]]:
    """The flags and severity the rules plus the held-out model give each item."""
    flags = ooc.rule_flags | (ooc.probabilities >= thresholds)
    harmful = [FLAGS.index(f) for f in _HARMFUL]
    severity = [
        Severity.NEGATIVE if flags[i, harmful].any() else ooc.model_severity[i]
        for i in range(len(ooc.corpus))
    ]
    return flags, severity


def _figures(
    flags: npt.NDArray[np.bool_],
    severity: Sequence[Severity],
    ooc: OutOfCorpus,
    items: list[int],
) -> str:
    truth = ooc.truth_flags[items]
    pred = flags[items]
    any_t, any_p = truth.any(axis=1), pred.any(axis=1)
    tp = int(np.sum(any_t & any_p))
    p = tp / max(int(any_p.sum()), 1)
    r = tp / max(int(any_t.sum()), 1)
    sev = [(severity[i], ooc.truth_severity[i]) for i in items if ooc.truth_severity[i]]
    acc = sum(a is b for a, b in sev) / max(len(sev), 1)
    per_flag = []
    for k, f in enumerate(FLAGS):
        n = int(truth[:, k].sum())
        rec = float(np.sum(truth[:, k] & pred[:, k])) / n if n else float("nan")
        per_flag.append(f"{f.value[:3]} {rec:.2f}/{n}")
    return f"sev {acc:.3f} · risk P {p:.3f} R {r:.3f} · R par signal " + " ".join(per_flag)


def loco_report(
    corpora: dict[str, list[Example]],
    outside: list[Example],
    rows: Sequence[Features],
    rules: Sequence[Triage],
    thresholds: npt.NDArray[np.float32],
    seed: int,
) -> str:
    """Per-corpus figures, rules alone then rules plus the model that never saw the corpus."""
    ooc = out_of_corpus(corpora, outside, rows, rules, seed)
    flags, severity = combined(ooc, thresholds)
    lines = ["Leave-one-corpus-out (rules alone → rules + model trained without the corpus)"]
    for name in corpora:
        items = [i for i, c in enumerate(ooc.corpus) if c == name]
        lines.append(f"{name} ({len(items)})")
        lines.append("  rules  " + _figures(ooc.rule_flags, ooc.rule_severity, ooc, items))
        lines.append("  +model " + _figures(flags, severity, ooc, items))
    everything = list(range(len(ooc.corpus)))
    lines.append(f"pooled ({len(everything)})")
    lines.append("  rules  " + _figures(ooc.rule_flags, ooc.rule_severity, ooc, everything))
    lines.append("  +model " + _figures(flags, severity, ooc, everything))
    return "\n".join(lines) + "\n"


def outside_report(root: Path) -> str:
    """The outside check: Multilingual HateCheck, French (CC BY 4.0), never trained nor tuned on.

    Hateful cases should raise a flag (insult, or threat for the threat functions); the
    non-hateful ones (neutral or positive statements about groups, negated hate, counter-speech
    quoting hate, profanity aimed at no one) should raise none."""
    items = [
        json.loads(line)
        for line in (root / "tests" / "data" / "outside" / "mhc_fr.jsonl")
        .read_text("utf-8")
        .splitlines()
    ]
    by_function: dict[str, list[tuple[bool, bool, bool]]] = {}
    for item in items:
        full = triage(item["text"]).flags
        rules = read_by_rules(item["text"])[0].flags
        hateful = item["label"] == "hateful"
        found = (hateful, bool(rules), bool(full))
        by_function.setdefault(item["functionality"], []).append(found)
    lines = ["Outside check: Multilingual HateCheck (French), rules alone → rules + model"]
    hateful = [r for rs in by_function.values() for r in rs if r[0]]
    neutral = [r for rs in by_function.values() for r in rs if not r[0]]
    lines.append(
        f"hateful ({len(hateful)}): flagged {np.mean([r[1] for r in hateful]):.3f} → "
        f"{np.mean([r[2] for r in hateful]):.3f}"
    )
    lines.append(
        f"non-hateful ({len(neutral)}): flagged {np.mean([r[1] for r in neutral]):.3f} → "
        f"{np.mean([r[2] for r in neutral]):.3f}"
    )
    for name, results in sorted(by_function.items()):
        lines.append(
            f"  {name} ({len(results)}, {'hateful' if results[0][0] else 'non-hateful'}): "
            f"flagged {np.mean([r[1] for r in results]):.3f} → "
            f"{np.mean([r[2] for r in results]):.3f}"
        )
    return "\n".join(lines) + "\n"
