"""The labelled corpora in tests/data keep the shared format, so their scores mean something."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
FIELDS = {"id", "source", "scoped_to", "title", "text", "rating", "expected", "severity", "flags"}
SOURCES = {
    "google_alerts",
    "google_news",
    "forum",
    "social",
    "google_places",
    "pages_jaunes",
    "blog",
}
REVIEWS = {"google_places", "pages_jaunes"}
FLAGS = {"insult", "defamation", "privacy", "threat"}
PAIRS = sorted(p.name.removesuffix("-mentions.jsonl") for p in DATA.glob("holdout*-mentions.jsonl"))


@pytest.mark.parametrize("name", PAIRS)
def test_corpus_format(name: str) -> None:
    watches = json.loads((DATA / f"{name}-watchlist.json").read_text(encoding="utf-8"))
    ids = {w["id"] for w in watches}
    assert len(ids) == len(watches)
    lines = (DATA / f"{name}-mentions.jsonl").read_text(encoding="utf-8").splitlines()
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        item = json.loads(line)
        where = f"{name} line {number}"
        assert set(item) == FIELDS, where
        assert item["id"] not in seen, where
        seen.add(item["id"])
        assert item["source"] in SOURCES, where
        assert set(item["expected"]) <= ids, where
        assert item["scoped_to"] is None or item["scoped_to"] in item["expected"], where
        assert item["severity"] in {"positive", "neutral", "negative"}, where
        assert set(item["flags"]) <= FLAGS, where
        if item["source"] in REVIEWS:
            assert item["rating"] is None or 1 <= item["rating"] <= 5, where
        else:
            assert item["rating"] is None, where
    assert len(lines) >= 40
