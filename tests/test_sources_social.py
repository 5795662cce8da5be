"""Reddit, YouTube, Bluesky and Mastodon sources against faithful fakes of their APIs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.sources import (
    ConfigError,
    FetchResult,
    HttpStatusError,
    InvalidTargetError,
    SourceConfig,
    SourceSpec,
    SourceState,
    build_source,
    new_client,
)
from bot.sources.youtube import QuotaExhaustedError, YouTubeSource, quota_day, spent_from_states
from tests.fake_social import (
    BLUESKY_HANDLE,
    REDDIT_ID,
    REDDIT_SECRET,
    FakeSocial,
    bluesky_post,
    mastodon_status,
    reddit_post,
    youtube_thread,
    youtube_video,
)

QUERY = '"Marie Dupont"'


@pytest.fixture
async def social() -> AsyncIterator[FakeSocial]:
    async with FakeSocial() as server:
        yield server


async def poll(
    config: SourceConfig,
    kind: str,
    target: str,
    state: SourceState | None = None,
    *,
    source: Any = None,
    source_id: int = 7,
    team_id: int = 1,
) -> FetchResult:
    source = source or build_source(kind, config)
    spec = SourceSpec(id=source_id, team_id=team_id, kind=kind, target=target, watch_id=2)
    async with new_client(config) as client:
        result: FetchResult = await source.fetch(client, spec, state or SourceState())
        return result


# --- Reddit ---


async def test_reddit_public_search_reads_posts(social: FakeSocial) -> None:
    social.reddit_posts.append(
        reddit_post("1abcde", "Le Dr Marie Dupont à Lyon ?", "Quelqu'un la connaît ?")
    )
    result = await poll(social.config(), "reddit", QUERY)
    (request,) = social.web.requests_to("/reddit/search.json")
    assert request.query["q"] == QUERY and request.query["sort"] == "new"
    assert "Vigie" in request.headers["User-Agent"]
    (mention,) = result.mentions
    assert mention.external_id == "t3_1abcde"
    assert mention.url == "https://www.reddit.com/r/lyon/comments/1abcde/avis/"
    assert mention.title == "Le Dr Marie Dupont à Lyon ? (r/lyon)"
    assert mention.text == "Quelqu'un la connaît ?"
    assert mention.author == "u/patient_lyon"
    assert mention.published_at is not None and mention.scoped_watch_id is None


async def test_reddit_blocked_public_search_asks_for_an_application(social: FakeSocial) -> None:
    social.reddit_public_blocked = True
    with pytest.raises(ConfigError) as caught:
        await poll(social.config(), "reddit", QUERY)
    assert caught.value.permanent
    assert "VIGIE_REDDIT_CLIENT_ID" in caught.value.message


async def test_reddit_oauth_takes_a_token_then_searches(social: FakeSocial) -> None:
    social.reddit_posts.append(reddit_post("2b", "Dr Marie Dupont"))
    config = social.config(reddit_client_id=REDDIT_ID, reddit_client_secret=REDDIT_SECRET)
    source = build_source("reddit", config)
    await poll(config, "reddit", QUERY, source=source)
    result = await poll(config, "reddit", QUERY, source=source)
    assert [m.external_id for m in result.mentions] == ["t3_2b"]
    assert social.count("/reddit/api/v1/access_token") == 1  # the token is reused
    assert social.count("/reddit-oauth/search") == 2
    assert social.count("/reddit/search.json") == 0


async def test_reddit_refused_credentials_are_named(social: FakeSocial) -> None:
    config = social.config(reddit_client_id=REDDIT_ID, reddit_client_secret="faux")
    with pytest.raises(ConfigError) as caught:
        await poll(config, "reddit", QUERY)
    assert caught.value.permanent and "VIGIE_REDDIT_CLIENT_SECRET" in caught.value.message
    assert social.count("/reddit-oauth/search") == 0


# --- YouTube ---


async def test_youtube_without_a_key_says_which_setting(social: FakeSocial) -> None:
    with pytest.raises(ConfigError) as caught:
        await poll(social.config(youtube_api_key=None), "youtube", QUERY)
    assert "VIGIE_YOUTUBE_API_KEY" in caught.value.message and caught.value.permanent
    assert social.web.count() == 0


async def test_youtube_refused_key_is_permanent(social: FakeSocial) -> None:
    with pytest.raises(ConfigError) as caught:
        await poll(social.config(youtube_api_key="mauvaise"), "youtube", QUERY)
    assert "refusée" in caught.value.message and caught.value.permanent
    assert "mauvaise" not in caught.value.message


async def test_youtube_search_then_comments_of_videos_naming_the_watch(social: FakeSocial) -> None:
    social.youtube_videos += [
        youtube_video("vid1", "Mon rendez-vous chez le Dr Marie Dupont", "dermatologue"),
        youtube_video("vid2", "Vlog Lyon", "rien à voir"),
        youtube_video("vid3", "Marie Dupont répond", "interview"),
    ]
    social.youtube_threads["vid1"] = [youtube_thread("Ugx1", "vid1", "Elle est nulle")]
    # vid3 has its comments disabled: the fake answers 403 commentsDisabled.
    result = await poll(social.config(), "youtube", QUERY)
    search = social.web.requests_to("/youtube/v3/search")[0].query
    assert search["q"] == QUERY and search["order"] == "date" and search["type"] == "video"
    ids = [m.external_id for m in result.mentions]
    assert ids == ["video:vid1", "video:vid2", "video:vid3", "comment:Ugx1"]
    asked = [r.query["videoId"] for r in social.web.requests_to("/youtube/v3/commentThreads")]
    assert asked == ["vid1", "vid3"]
    comment = result.mentions[-1]
    assert comment.text == "Elle est nulle" and comment.scoped_watch_id == 2
    assert comment.url == "https://www.youtube.com/watch?v=vid1&lc=Ugx1"
    assert comment.title is not None and "Dr Marie Dupont" in comment.title
    # vid3 (comments disabled) is forgotten; units spent are remembered: 100 + 2.
    assert result.state.extra["videos"] == [["vid1", "Mon rendez-vous chez le Dr Marie Dupont"]]
    assert result.state.extra["units"] == 102
    assert spent_from_states([result.state.to_json()], quota_day()) == 102


async def test_youtube_team_budget_stops_calls_before_spending(social: FakeSocial) -> None:
    config = social.config(youtube_team_daily_units=150)
    source = build_source("youtube", config)
    first = await poll(config, "youtube", QUERY, source=source)
    assert first.state.extra["units"] == 100
    with pytest.raises(QuotaExhaustedError) as caught:
        await poll(config, "youtube", QUERY, first.state, source=source)
    assert social.count("/youtube/v3/search") == 1  # refused without calling YouTube
    assert caught.value.retry_after_s is not None and caught.value.retry_after_s > 0
    assert "100 / 150" in caught.value.message
    # Another team has its own budget.
    await poll(config, "youtube", QUERY, source=source, source_id=8, team_id=2)
    assert social.count("/youtube/v3/search") == 2


async def test_youtube_budget_survives_a_restart_through_the_state(social: FakeSocial) -> None:
    config = social.config(youtube_team_daily_units=150)
    first = await poll(config, "youtube", QUERY)
    fresh = YouTubeSource(config)  # a restarted process: empty ledger
    with pytest.raises(QuotaExhaustedError):
        await poll(config, "youtube", QUERY, first.state, source=fresh)
    assert social.count("/youtube/v3/search") == 1


async def test_youtube_quota_exceeded_waits_for_the_reset(social: FakeSocial) -> None:
    social.youtube_quota_exceeded = True
    with pytest.raises(QuotaExhaustedError) as caught:
        await poll(social.config(), "youtube", QUERY)
    assert not caught.value.permanent
    assert caught.value.retry_after_s is not None and caught.value.retry_after_s <= 86_400


async def test_youtube_channel_comments(social: FakeSocial) -> None:
    social.youtube_channel_threads.append(youtube_thread("Ugc9", "vidC", "Merci docteur"))
    source = build_source("youtube", social.config())
    target, _ = source.normalize("https://www.youtube.com/channel/UC1234567890abcdefghijkl", None)
    assert target == "chaine:UC1234567890abcdefghijkl"
    result = await poll(social.config(), "youtube", target, source=source)
    (request,) = social.web.requests_to("/youtube/v3/commentThreads")
    assert request.query["allThreadsRelatedToChannelId"] == "UC1234567890abcdefghijkl"
    (mention,) = result.mentions
    assert mention.scoped_watch_id == 2 and result.state.extra["units"] == 1
    with pytest.raises(InvalidTargetError):
        source.normalize("chaine:UCtropcourt", None)


# --- Bluesky ---


async def test_bluesky_opens_a_session_and_searches(social: FakeSocial) -> None:
    social.bluesky_posts.append(bluesky_post("3kabc", "Le Dr Marie Dupont m'a très bien soignée"))
    config = social.config()
    source = build_source("bluesky", config)
    result = await poll(config, "bluesky", QUERY, source=source)
    (session,) = social.web.requests_to("/bsky-pds/xrpc/com.atproto.server.createSession")
    assert (
        b'"identifier": "cabinet.bsky.social"' in session.body
        or BLUESKY_HANDLE.encode() in session.body
    )
    (search,) = social.web.requests_to("/bsky-pds/xrpc/app.bsky.feed.searchPosts")
    assert search.query == {"q": QUERY, "sort": "latest", "limit": "50"}
    (mention,) = result.mentions
    assert mention.url == "https://bsky.app/profile/patiente.bsky.social/post/3kabc"
    assert mention.author == "Patiente (@patiente.bsky.social)"
    # An expired token is replaced once, transparently.
    social.expire_bluesky_tokens()
    again = await poll(config, "bluesky", QUERY, source=source)
    assert len(again.mentions) == 1
    assert social.count("/bsky-pds/xrpc/com.atproto.server.createSession") == 2


async def test_bluesky_wrong_app_password(social: FakeSocial) -> None:
    with pytest.raises(ConfigError) as caught:
        await poll(social.config(bluesky_app_password="faux"), "bluesky", QUERY)
    assert "VIGIE_BLUESKY_APP_PASSWORD" in caught.value.message and caught.value.permanent


async def test_bluesky_without_account_explains_how_to_get_one(social: FakeSocial) -> None:
    config = social.config(bluesky_handle=None, bluesky_app_password=None)
    with pytest.raises(ConfigError) as caught:
        await poll(config, "bluesky", QUERY)
    assert "mot de passe d'application" in caught.value.message
    social.bluesky_public_open = True
    social.bluesky_posts.append(bluesky_post("3kxyz", "Marie Dupont"))
    result = await poll(config, "bluesky", QUERY)
    assert len(result.mentions) == 1


# --- Mastodon ---


async def test_mastodon_hashtag_timeline(social: FakeSocial) -> None:
    social.mastodon_tag(
        "MarieDupont",
        [mastodon_status("1131", '<p>Consultation chez <a href="#">#MarieDupont</a> : top</p>')],
    )
    config = social.config()
    source = build_source("mastodon", config)
    target, _ = source.normalize("#MarieDupont", None)
    assert target == f"{social.web.base_url}/tags/MarieDupont"
    assert source.normalize(f"{social.web.base_url}/tags/MarieDupont", None)[0] == target
    result = await poll(config, "mastodon", target, source=source)
    (mention,) = result.mentions
    assert mention.text == "Consultation chez #MarieDupont : top"
    assert mention.external_id == "https://mastodon.social/users/patiente/statuses/1131"
    assert mention.scoped_watch_id == 2
    assert social.web.requests_to("/api/v1/timelines/tag/MarieDupont")[0].query == {"limit": "40"}
    with pytest.raises(InvalidTargetError):
        source.normalize("#Marie Dupont!", None)


async def test_mastodon_instance_closed_to_anonymous_readers(social: FakeSocial) -> None:
    social.web.json(
        "/api/v1/timelines/tag/Ferme",
        {"error": "This method requires an authenticated user"},
        status=422,
    )
    with pytest.raises(HttpStatusError) as caught:
        await poll(social.config(), "mastodon", f"{social.web.base_url}/tags/Ferme")
    assert caught.value.permanent and "autre instance" in caught.value.message
