"""The source contract: stored state, the registry, intervals and text clean-up."""

from __future__ import annotations

import pytest

from bot.sources import (
    InvalidTargetError,
    SourceConfig,
    SourceError,
    SourceKind,
    SourceSpec,
    SourceState,
    build_source,
    build_sources,
    describe,
)
from bot.sources.text import cap, clean_text, html_to_line, html_to_text


def test_state_round_trips_through_json() -> None:
    state = SourceState(etag='W/"a1"', last_modified="Thu, 02 May 2024 08:00:00 GMT")
    assert SourceState.from_json(state.to_json()) == state
    assert SourceState().to_json() == "{}"


@pytest.mark.parametrize(
    "stored", [None, "", "pas du json", "[1, 2]", '{"etag": 5}', '{"etag": ""}']
)
def test_unreadable_state_gives_a_fresh_one(stored: str | None) -> None:
    assert SourceState.from_json(stored) == SourceState()


def test_registry_builds_every_kind_with_its_interval() -> None:
    sources = build_sources(SourceConfig())
    assert {k: s.interval_s for k, s in sources.items()} == {
        "feed": 900,
        "news": 1800,
        "places": 7200,  # two listings inside Google's free Place Details allowance
        "business": 1800,
        "page": 3600,
        "reddit": 3600,
        "youtube": 6 * 3600,  # a search costs 100 of the key's 10,000 daily units
        "bluesky": 1800,
        "mastodon": 1800,
    }
    for kind, source in sources.items():
        assert source.kind == kind
        assert source.default_interval_s == source.interval_s
    overridden = build_sources(SourceConfig(poll_interval_s=120))
    assert {s.interval_s for s in overridden.values()} == {120}
    assert overridden["places"].default_interval_s == 7200


def test_unknown_kind_is_refused_politely() -> None:
    with pytest.raises(InvalidTargetError) as caught:
        build_source("twitter", SourceConfig())
    assert "Type de source inconnu : « twitter »" in caught.value.message
    assert caught.value.permanent
    spec = SourceSpec(id=1, team_id=1, kind="twitter", target="@x")
    assert describe(spec) == "Source inconnue (twitter) · @x"


def test_kinds_are_plain_strings() -> None:
    assert SourceKind.PLACES.value == "places" and isinstance(SourceKind.PLACES, str)
    assert build_source(SourceKind.PAGE, SourceConfig()).kind == "page"


def test_source_error_carries_its_hints() -> None:
    error = SourceError("Le site est en panne.", retry_after_s=30.0)
    assert str(error) == "Le site est en panne."
    assert error.retry_after_s == 30.0 and not error.permanent and error.status is None


def test_text_helpers() -> None:
    assert cap("abcdef", 4) == "abc…"
    assert cap("abc", 4) == "abc"
    assert clean_text("  a \t b \r\n\r\n\r\n\r\n c\x00\x1b ") == "a b\n\nc"
    assert clean_text("e\u0301te") == "éte"  # NFC, so names match however they were typed
    assert (
        html_to_text("<p>Un&nbsp;<b>avis</b></p><p>deux</p><style>p{}</style>") == "Un avis\n\ndeux"
    )
    assert html_to_text("x < y & z") == "x < y & z"
    assert html_to_line("Le <b>Dr\nDupont</b>  ") == "Le Dr Dupont"


@pytest.mark.parametrize(
    "markup",
    ['D/&[-<"""=xA<![<=A"><A! xC=', "AC]<![C\"<>'TA", "a <![?c#c ?/A# b", "<![if !IE]>x"],
)
def test_malformed_markup_never_raises(markup: str) -> None:
    text = html_to_text(markup)
    assert "<![" not in text
