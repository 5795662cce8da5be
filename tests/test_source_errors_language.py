"""A source's own error is said in the team's language, and in French word for word as before."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from bot.netguard import UnsafeURLError, resolve
from bot.sources.aiohttp_transport import _internal_network
from bot.sources.base import InvalidTargetError, SourceConfig, SourceError
from bot.sources.http import _status_error, _timeout
from bot.sources.places_search import search_places
from tests.test_english import COMMAND, FRENCH

URL = "https://reviews.example.org/clinic"


def errors() -> list[SourceError]:
    """One error of each kind the HTTP layer builds with a sentence."""
    config = SourceConfig()
    made = [_timeout(URL, config)]
    for status, headers in (
        (429, {"retry-after": "120"}),
        (500, {}),
        (503, {"retry-after": "30"}),
        (404, {}),
        (410, {}),
        (403, {}),
        (400, {}),
    ):
        made.append(_status_error(URL, status, httpx.Headers(headers), b""))
    return made


@pytest.mark.parametrize("error", errors(), ids=lambda e: type(e).__name__)
def test_the_french_sentence_is_the_message_and_english_has_no_french(error: SourceError) -> None:
    assert error.sentence is not None
    assert error.said_in("fr") == error.message
    english = error.said_in("en")
    assert english != error.message
    assert not FRENCH.search(english.replace("/source retirer", "")), english


async def test_the_places_search_without_key_is_said_in_english() -> None:
    async with httpx.AsyncClient() as client:
        with pytest.raises(SourceError) as caught:
            await search_places(client, SourceConfig(places_api_key=None), "Cabinet Dupont Lyon")
    assert caught.value.said_in("fr") == caught.value.message
    assert caught.value.said_in("en").startswith("Searching Google listings needs")


async def test_an_unknown_site_is_said_in_english() -> None:
    with pytest.raises(UnsafeURLError) as caught:
        await resolve("nowhere.invalid")
    assert caught.value.sentence is not None
    from bot.messages import messages

    assert caught.value.sentence(messages("fr")) == str(caught.value)
    assert caught.value.sentence(messages("en")) == (
        "The site “nowhere.invalid” cannot be found (unknown domain name)."
    )


def test_an_internal_network_is_said_in_english() -> None:
    from bot.messages import messages

    french = _internal_network("intranet.local", "10.0.0.1", messages("fr"))
    assert french.startswith("Le site intranet.local mène à un réseau interne (10.0.0.1)")
    assert "internal network" in _internal_network("intranet.local", "10.0.0.1", messages("en"))


def _typed_wrong() -> list[tuple[str, Callable[[], object]]]:
    from bot.sources.feed import normalize_url
    from bot.sources.news import NewsSource
    from bot.sources.page import validate_selector
    from bot.sources.places import parse_place_id

    example = "/source flux https://example.org/feed.xml"
    return [
        ("no selector", lambda: validate_selector("")),
        ("long selector", lambda: validate_selector("a" * 301)),
        ("bad selector", lambda: validate_selector("[[")),
        ("not a place id", lambda: parse_place_id("ABC")),
        ("no address", lambda: normalize_url("", example)),
        ("long address", lambda: normalize_url("https://example.org/" + "a" * 2001, example)),
        ("ftp address", lambda: normalize_url("ftp://example.org/feed", example)),
        ("address with login", lambda: normalize_url("https://me:pw@example.org/", example)),
        ("empty news search", lambda: NewsSource(SourceConfig()).normalize('""', None)),
        ("long news search", lambda: NewsSource(SourceConfig()).normalize("a" * 501, None)),
    ]


@pytest.mark.parametrize(("case", "call"), _typed_wrong(), ids=[c for c, _ in _typed_wrong()])
def test_a_mistyped_source_is_said_in_english(case: str, call: Callable[[], object]) -> None:
    with pytest.raises(InvalidTargetError) as caught:
        call()
    assert caught.value.said_in("fr") == caught.value.message, case
    english = COMMAND.sub("", caught.value.said_in("en"))
    assert not FRENCH.search(english), english


def test_a_too_large_answer_and_a_broken_connection_are_said_in_english() -> None:
    from bot.messages import messages
    from bot.sources.http import _connection_failed, _too_large

    for limit in (2 * 1_048_576, 512 * 1024):
        error = _too_large(URL, limit)
        assert error.said_in("fr") == error.message
        assert "exceeds" in error.said_in("en")
    french = _connection_failed("example.org", "ReadError", True, messages("fr"))
    assert french == (
        "La connexion avec example.org a été coupée pendant la lecture (ReadError). "
        "Vigie réessaiera au prochain passage."
    )
    english = _connection_failed("example.org", "ConnectError", False, messages("en"))
    assert english == (
        "The connection with example.org failed (ConnectError). Vigie will retry at the next poll."
    )


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (503, b""),
        (400, b'{"error": {"status": "INVALID_ARGUMENT", "message": "API key not valid."}}'),
        (403, b'{"error": {"status": "PERMISSION_DENIED", "message": "Billing disabled."}}'),
        (403, b""),
        (400, b'{"error": {"status": "INVALID_ARGUMENT", "message": "Bad query."}}'),
    ],
)
def test_a_refused_listing_search_is_said_in_english(status: int, body: bytes) -> None:
    from bot.sources.base import HttpStatusError
    from bot.sources.places_search import _search_error

    error = _search_error(HttpStatusError("refused", status=status, body=body))
    assert error.said_in("fr") == error.message
    english = error.said_in("en")
    assert english.startswith("Google") or english.startswith("The Google"), english
    assert not FRENCH.search(english), english


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"  ", "application/rss+xml"),
        (b'<?xml version="1.0"?><a><b></a>', "application/xml"),
        (b"<html><body>Bonjour</body></html>", "text/html"),
    ],
    ids=["empty", "malformed", "html"],
)
def test_an_unreadable_feed_is_said_in_english(body: bytes, content_type: str) -> None:
    from bot.sources.base import ContentError, SourceSpec
    from bot.sources.feed import parse_feed

    spec = SourceSpec(1, 1, "feed", URL, None, None)
    with pytest.raises(ContentError) as caught:
        parse_feed(body, URL, content_type, spec)
    assert caught.value.said_in("fr") == caught.value.message
    english = COMMAND.sub("", caught.value.said_in("en"))
    assert not FRENCH.search(english), english


def test_a_page_that_cannot_be_read_is_said_in_english() -> None:
    from bot.messages import messages
    from bot.sources.page import _not_a_page, _unreadable_page

    assert _not_a_page(URL, "image/png", messages("fr")) == (
        f"L'adresse {URL} ne renvoie pas une page web (image/png). "
        "Donnez l'adresse de la page qui affiche les avis."
    )
    assert "does not return a web page" in _not_a_page(URL, "image/png", messages("en"))
    assert _unreadable_page(URL, "ParserError", messages("fr")) == (
        f"La page {URL} est illisible (ParserError)."
    )
    assert "cannot be read" in _unreadable_page(URL, "ParserError", messages("en"))


def test_an_internal_address_and_bad_json_are_said_in_english() -> None:
    from bot.messages import messages
    from bot.sources.http import _address_internal, _not_json

    fr, en = messages("fr"), messages("en")
    assert _address_internal("http://10.0.0.1/", None, "10.0.0.1", fr) == (
        "L'adresse http://10.0.0.1/ mène à un réseau interne (10.0.0.1) : Vigie refuse de la "
        "consulter. Donnez l'adresse publique de la page."
    )
    assert _address_internal("http://10.0.0.1/", "example.org", "10.0.0.1", en).startswith(
        "example.org redirects to http://10.0.0.1/, which leads to an internal network"
    )
    assert _not_json("example.org", "Expecting value", fr) == (
        "La réponse de example.org n'est pas du JSON lisible (Expecting value)."
    )
    assert not FRENCH.search(_not_json("example.org", "Expecting value", en))
