"""The web search client of /bilan and its sorting of sites, against the fake Brave Search API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.sources import new_client
from bot.sources.websearch import SiteKind, WebSearchError, classify, search_web
from tests.fake_social import BRAVE_KEY, FakeSocial, brave_result


@pytest.fixture
async def social() -> AsyncIterator[FakeSocial]:
    async with FakeSocial() as server:
        yield server


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://www.doctolib.fr/dermatologue/lyon/marie-dupont", SiteKind.REVIEWS),
        ("https://www.google.com/maps/place/Cabinet+Dupont/@45.7,4.8", SiteKind.REVIEWS),
        ("https://www.google.com/search?q=dupont", SiteKind.OTHER),
        ("https://fr-fr.facebook.com/groups/lyon/posts/1", SiteKind.SOCIAL),
        ("https://bsky.app/profile/x.bsky.social/post/3k", SiteKind.SOCIAL),
        ("https://www.leprogres.fr/sante/2026/11/02/article", SiteKind.PRESS),
        ("https://forum.doctissimo.fr/sante/dermatologie/sujet_1.htm", SiteKind.FORUMS),
        ("https://mon-blog-sante.fr/2026/avis-dermato", SiteKind.FORUMS),
        ("https://forum.exemple.fr/t/2", SiteKind.FORUMS),
        ("https://exemple-annuaire-inconnu.fr/marie-dupont", SiteKind.OTHER),
        ("pas une adresse", SiteKind.OTHER),
    ],
)
def test_sites_are_sorted_by_kind(url: str, kind: SiteKind) -> None:
    assert classify(url) is kind


async def test_results_keep_their_order_and_plain_text(social: FakeSocial) -> None:
    social.brave_results["Dupont"] = [
        brave_result("https://www.pagesjaunes.fr/pros/1", "<strong>Dupont</strong> Marie",
                     "Dr <strong>Marie Dupont</strong> &amp; associés"),
        brave_result("javascript:alert(1)", "piège", "jamais gardé"),
        brave_result("https://www.reddit.com/r/lyon/comments/abc/", "Dupont ?", "Avis ?"),
    ]  # fmt: skip
    config = social.config()
    async with new_client(config) as client:
        found = await search_web(
            client, '"Marie Dupont" Lyon', url=social.web.url("/brave/res/v1/web/search"),
            key=BRAVE_KEY, config=config,
        )  # fmt: skip
    assert [r.kind for r in found] == [SiteKind.REVIEWS, SiteKind.SOCIAL]
    assert found[0].title == "Dupont Marie" and found[0].description == "Dr Marie Dupont & associés"
    (request,) = social.web.requests_to("/brave/res/v1/web/search")
    assert request.headers["X-Subscription-Token"] == BRAVE_KEY
    assert request.query == {
        "q": '"Marie Dupont" Lyon',
        "country": "FR",
        "search_lang": "fr",
        "count": "20",
    }


async def test_a_rate_limit_is_told_not_retried(social: FakeSocial) -> None:
    social.web.json(
        "/limite",
        {"type": "ErrorResponse", "error": {"code": "RATE_LIMITED", "status": 429}},
        status=429,
        headers={"Retry-After": "1"},
    )
    config = social.config()
    async with new_client(config) as client:
        with pytest.raises(WebSearchError) as caught:
            await search_web(client, "x", url=social.web.url("/limite"), key=BRAVE_KEY,
                             config=config)  # fmt: skip
    assert "ralentir" in caught.value.message and social.count("/limite") == 1
