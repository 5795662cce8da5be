"""`vigie eval`: the scores on the dev and held-out corpora, `--predict`, and bad files."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from bot.evaluation import run_eval
from bot.triage.classify import triage

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
DEV = (SHARED / "watchlist-dev.json", SHARED / "mentions-dev.jsonl")
HOLDOUT = (DATA / "holdout-watchlist.json", DATA / "holdout-mentions.jsonl")
HOLDOUT2 = (DATA / "holdout2-watchlist.json", DATA / "holdout2-mentions.jsonl")
WATCHLIST = '[\n  {"id": "w1", "name": "Marie Dupont", "kind": "practitioner", "city": "Lyon"}\n]\n'
ITEM = {
    "id": "t1",
    "source": "forum",
    "scoped_to": None,
    "title": "Dermato Lyon",
    "text": "Le Dr Marie Dupont est une vraie perle.",
    "rating": None,
    "expected": ["w1"],
    "severity": "positive",
    "flags": [],
}


def _run(watchlist: Path, corpus: Path, *, predict: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    code = run_eval(watchlist, corpus, predict=predict, out=out)
    return code, out.getvalue()


def _figures(report: str) -> dict[str, float]:
    def grab(pattern: str) -> float:
        match = re.search(pattern, report)
        assert match, (pattern, report)
        return float(match.group(1).replace(",", "."))

    return {
        "precision": grab(r"Appariement des noms : précision (\d,\d+)"),
        "recall": grab(r"Appariement des noms : .*?rappel (\d,\d+)"),
        "severity": grab(r"Gravité : exactitude (\d,\d+)"),
        "risk_p": grab(r"Risque juridique .*?précision (\d,\d+)"),
        "risk_r": grab(r"Risque juridique .*?rappel (\d,\d+)"),
    }


def _write(tmp_path: Path, watchlist: str, lines: list[str]) -> tuple[Path, Path]:
    w = tmp_path / "w.json"
    c = tmp_path / "c.jsonl"
    w.write_text(watchlist, encoding="utf-8")
    c.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return w, c


def _meets_targets(report: str) -> None:
    f = _figures(report)
    assert f["precision"] >= 0.95 and f["recall"] >= 0.97, report
    assert f["risk_r"] >= 0.90 and f["risk_p"] >= 0.80, report
    assert f["severity"] >= 0.85, report


@pytest.mark.skipif(not DEV[1].exists(), reason="corpus de développement absent (../shared)")
def test_dev_corpus_meets_the_targets() -> None:
    code, report = _run(*DEV)
    assert code == 0
    _meets_targets(report)
    for flag in ("injure (insult)", "diffamation (defamation)", "vie privée", "menace (threat)"):
        assert flag in report


@pytest.mark.parametrize("corpus", [HOLDOUT, HOLDOUT2], ids=["holdout", "holdout2"])
def test_held_out_corpus_meets_the_targets(corpus: tuple[Path, Path]) -> None:
    code, report = _run(*corpus)
    assert code == 0
    _meets_targets(report)


def test_predict_prints_one_json_line_per_item() -> None:
    code, out = _run(*HOLDOUT, predict=True)
    assert code == 0
    lines = out.splitlines()
    corpus = HOLDOUT[1].read_text("utf-8").splitlines()
    assert len(lines) == len(corpus)
    first = json.loads(lines[0])
    assert set(first) == {"id", "matches", "severity", "flags"}
    assert first["id"] == json.loads(corpus[0])["id"]
    assert first["matches"] == ["h1"]
    assert first["severity"] in ("positive", "neutral", "negative")


def test_predictions_ignore_the_labels(tmp_path: Path) -> None:
    items = [json.loads(line) for line in HOLDOUT[1].read_text("utf-8").splitlines()]
    unlabelled = [
        json.dumps({k: v for k, v in it.items() if k not in ("expected", "severity", "flags")})
        for it in items
    ]
    scrambled = [
        json.dumps({**it, "expected": [], "severity": "neutral", "flags": ["threat"]})
        for it in items
    ]
    w = HOLDOUT[0]
    a = tmp_path / "a.jsonl"
    b = tmp_path / "b.jsonl"
    a.write_text("\n".join(unlabelled) + "\n", encoding="utf-8")
    b.write_text("\n".join(scrambled) + "\n", encoding="utf-8")
    assert _run(w, a, predict=True) == _run(w, b, predict=True) == _run(*HOLDOUT, predict=True)


def test_small_corpus_report(tmp_path: Path) -> None:
    w, c = _write(tmp_path, WATCHLIST, [json.dumps(ITEM)])
    code, report = _run(w, c)
    assert code == 0
    assert "précision 1,000" in report and "VP 1, FP 0, FN 0" in report


@pytest.mark.parametrize(
    ("watchlist", "lines", "message"),
    [
        ("[{", [json.dumps(ITEM)], "w.json, ligne 1 : JSON invalide"),
        ('{"id": "w1"}', [json.dumps(ITEM)], "une liste JSON"),
        (
            '[\n {"id": "w1", "name": "X", "kind": "robot"}\n]',
            [json.dumps(ITEM)],
            "w.json, ligne 2 : « kind » vaut « practitioner » ou « practice »",
        ),
        ('[\n {"id": "w1"}\n]', [json.dumps(ITEM)], "ligne 2 : le champ « name »"),
        (WATCHLIST, [json.dumps(ITEM), "{pas du json"], "c.jsonl, ligne 2 : JSON invalide"),
        (WATCHLIST, [json.dumps({**ITEM, "rating": 7})], "c.jsonl, ligne 1 : « rating »"),
        (WATCHLIST, [json.dumps({**ITEM, "expected": ["w9"]})], "« w9 » n'est pas dans la liste"),
        (WATCHLIST, [json.dumps({**ITEM, "flags": ["rude"]})], "« flags » est une liste"),
        (WATCHLIST, [json.dumps({**ITEM, "scoped_to": "w2"})], "« scoped_to » doit être"),
        (WATCHLIST, [json.dumps({**ITEM, "severity": "bad"})], "« severity » vaut"),
        (WATCHLIST, [""], "aucune mention"),
    ],
)
def test_bad_files_get_a_french_line_and_code_2(
    tmp_path: Path, watchlist: str, lines: list[str], message: str
) -> None:
    w, c = _write(tmp_path, watchlist, lines)
    code, out = _run(w, c)
    assert code == 2
    assert out.startswith("Erreur : ")
    assert message in out
    assert "Traceback" not in out
    assert out.count("\n") == 1


def test_missing_file_is_named(tmp_path: Path) -> None:
    code, out = _run(tmp_path / "absent.json", HOLDOUT[1])
    assert code == 2
    assert "absent.json : fichier introuvable" in out


def test_predict_mode_does_not_need_labels(tmp_path: Path) -> None:
    bare = {k: v for k, v in ITEM.items() if k not in ("expected", "severity", "flags")}
    w, c = _write(tmp_path, WATCHLIST, [json.dumps(bare)])
    code, out = _run(w, c, predict=True)
    assert code == 0
    # The answer is triage's own (rules and learned model); the item's labels are never read.
    seen = triage(str(ITEM["text"]), title=str(ITEM["title"]), rating=None)
    assert json.loads(out) == {
        "id": "t1",
        "matches": ["w1"],
        "severity": seen.severity.value,
        "flags": sorted(f.value for f in seen.flags),
    }
    code, out = _run(w, c)
    assert code == 2 and "« expected »" in out
