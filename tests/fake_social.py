"""Fake Reddit, YouTube Data API v3, Bluesky XRPC, Mastodon and Brave Search on one loopback server.

Each fake answers the real paths with the real JSON shapes (Reddit listings of `t3` things,
YouTube `youtube#searchListResponse` / `youtube#commentThreadListResponse`, Bluesky
`app.bsky.feed.searchPosts` post views, Mastodon `Status` entities, Brave `WebSearchApiResponse`),
checks the credentials the way each service does, and records every request:

    async with FakeSocial() as social:
        social.reddit_posts.append(reddit_post("abc", "Le Dr Marie Dupont…"))
        config = social.config()
"""

from __future__ import annotations

import base64
import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.settings import Settings, load_settings
from bot.sources import SourceConfig
from tests.fakeweb import FakeWeb

YOUTUBE_KEY = "AIza-cle-de-test"
REDDIT_ID = "reddit-client"
REDDIT_SECRET = "reddit-secret"
BLUESKY_HANDLE = "cabinet.bsky.social"
BLUESKY_PASSWORD = "abcd-efgh-ijkl-mnop"
BRAVE_KEY = "BSA-cle-de-test"
_NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def iso(when: datetime | None = None) -> str:
    """A Google/AT Protocol style timestamp."""
    return (when or _NOW).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def reddit_post(post_id: str, title: str, selftext: str = "", **extra: Any) -> dict[str, Any]:
    """A Reddit `t3` thing as the search listing returns it."""
    data = {
        "id": post_id,
        "name": f"t3_{post_id}",
        "title": title,
        "selftext": selftext,
        "author": "patient_lyon",
        "subreddit": "lyon",
        "subreddit_name_prefixed": "r/lyon",
        "permalink": f"/r/lyon/comments/{post_id}/avis/",
        "url": f"https://www.reddit.com/r/lyon/comments/{post_id}/avis/",
        "created_utc": _NOW.timestamp(),
        "score": 3,
        "num_comments": 0,
        **extra,
    }
    return {"kind": "t3", "data": data}


def youtube_video(video_id: str, title: str, description: str = "") -> dict[str, Any]:
    """A `youtube#searchResult` for a video."""
    return {
        "kind": "youtube#searchResult",
        "etag": f"etag-{video_id}",
        "id": {"kind": "youtube#video", "videoId": video_id},
        "snippet": {
            "publishedAt": iso(),
            "channelId": "UCchaineDeQuelquUnAutre00",
            "title": title,
            "description": description,
            "channelTitle": "Santé Lyon TV",
            "liveBroadcastContent": "none",
            "publishTime": iso(),
        },
    }


def youtube_thread(
    thread_id: str, video_id: str, text: str, author: str = "@Patient"
) -> dict[str, Any]:
    """A `youtube#commentThread` with its top-level comment."""
    comment = {
        "kind": "youtube#comment",
        "etag": f"etag-{thread_id}",
        "id": thread_id,
        "snippet": {
            "channelId": "UCchaineDeQuelquUnAutre00",
            "videoId": video_id,
            "textDisplay": text,
            "textOriginal": text,
            "authorDisplayName": author,
            "authorChannelUrl": "http://www.youtube.com/@Patient",
            "canRate": True,
            "viewerRating": "none",
            "likeCount": 0,
            "publishedAt": iso(),
            "updatedAt": iso(),
        },
    }
    return {
        "kind": "youtube#commentThread",
        "etag": f"etag-t-{thread_id}",
        "id": thread_id,
        "snippet": {
            "channelId": "UCchaineDeQuelquUnAutre00",
            "videoId": video_id,
            "topLevelComment": comment,
            "canReply": True,
            "totalReplyCount": 0,
            "isPublic": True,
        },
    }


def bluesky_post(rkey: str, text: str, handle: str = "patiente.bsky.social") -> dict[str, Any]:
    """An `app.bsky.feed.defs#postView`."""
    did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
    return {
        "uri": f"at://{did}/app.bsky.feed.post/{rkey}",
        "cid": f"bafyrei{rkey}",
        "author": {"did": did, "handle": handle, "displayName": "Patiente", "labels": []},
        "record": {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": iso(),
            "langs": ["fr"],
        },
        "replyCount": 0,
        "repostCount": 0,
        "likeCount": 0,
        "indexedAt": iso(),
        "labels": [],
    }


def mastodon_status(status_id: str, html: str, host: str = "mastodon.social") -> dict[str, Any]:
    """A Mastodon `Status` entity as a hashtag timeline lists it."""
    return {
        "id": status_id,
        "created_at": iso(),
        "in_reply_to_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "fr",
        "uri": f"https://{host}/users/patiente/statuses/{status_id}",
        "url": f"https://{host}/@patiente/{status_id}",
        "content": html,
        "account": {
            "id": "1",
            "username": "patiente",
            "acct": "patiente",
            "display_name": "Patiente",
            "url": f"https://{host}/@patiente",
        },
        "tags": [],
        "reblog": None,
    }


def brave_result(url: str, title: str, description: str) -> dict[str, Any]:
    """One result of Brave's `web.results`."""
    host = url.split("/")[2] if url.count("/") >= 2 else url
    return {
        "type": "search_result",
        "title": title,
        "url": url,
        "description": description,
        "is_source_local": False,
        "is_source_both": False,
        "language": "fr",
        "family_friendly": True,
        "profile": {"name": host, "url": url, "long_name": host},
        "meta_url": {"scheme": "https", "netloc": host, "hostname": host, "path": ""},
    }


def _google_error(code: int, status: str, reason: str, message: str) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "errors": [{"message": message, "domain": "global", "reason": reason}],
            "status": status,
        }
    }


@dataclass
class FakeSocial:
    """All the social and search APIs Vigie reads, on one loopback server."""

    web: FakeWeb = field(default_factory=FakeWeb)
    reddit_posts: list[dict[str, Any]] = field(default_factory=list)
    reddit_public_blocked: bool = False
    youtube_videos: list[dict[str, Any]] = field(default_factory=list)
    youtube_threads: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    youtube_channel_threads: list[dict[str, Any]] = field(default_factory=list)
    youtube_quota_exceeded: bool = False
    bluesky_posts: list[dict[str, Any]] = field(default_factory=list)
    bluesky_public_open: bool = False
    mastodon_statuses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    brave_results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    brave_throttle_next: int = 0  # answer that many requests with 429 (Retry-After: 1)
    _tokens: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    valid_bluesky_tokens: set[str] = field(default_factory=set)

    async def __aenter__(self) -> FakeSocial:
        await self.web.start()
        routes = {
            "/reddit/search.json": self._reddit_public,
            "/reddit/api/v1/access_token": self._reddit_token,
            "/reddit-oauth/search": self._reddit_oauth,
            "/youtube/v3/search": self._youtube_search,
            "/youtube/v3/commentThreads": self._youtube_comments,
            "/bsky-public/xrpc/app.bsky.feed.searchPosts": self._bsky_public,
            "/bsky-pds/xrpc/com.atproto.server.createSession": self._bsky_session,
            "/bsky-pds/xrpc/app.bsky.feed.searchPosts": self._bsky_search,
            "/brave/res/v1/web/search": self._brave,
        }
        for path, handler in routes.items():
            self.web.route(path, handler)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.web.close()

    def mastodon_tag(self, tag: str, statuses: list[dict[str, Any]]) -> None:
        """Serve a hashtag timeline at /api/v1/timelines/tag/TAG."""
        self.mastodon_statuses[tag] = statuses

        async def handler(request: web.Request) -> web.Response:
            return _json(self.mastodon_statuses.get(tag, []))

        self.web.route(f"/api/v1/timelines/tag/{tag}", handler)

    def _apis(self) -> dict[str, Any]:
        """Every social API's address on this server and the keys it takes (same names in
        SourceConfig and in the settings)."""
        return {
            "reddit_url": self.web.url("/reddit"),
            "reddit_oauth_url": self.web.url("/reddit-oauth"),
            "youtube_api_url": self.web.url("/youtube/v3"),
            "youtube_api_key": YOUTUBE_KEY,
            "bluesky_public_url": self.web.url("/bsky-public"),
            "bluesky_pds_url": self.web.url("/bsky-pds"),
            "bluesky_handle": BLUESKY_HANDLE,
            "bluesky_app_password": BLUESKY_PASSWORD,
            "mastodon_instance": self.web.base_url,
        }

    def config(self, **overrides: Any) -> SourceConfig:
        """A SourceConfig whose every social API points at this server, keys set."""
        values: dict[str, Any] = {"allow_private": True, "timeout_s": 5.0, **self._apis()}
        values.update(overrides)
        return SourceConfig(**values)

    def settings(self) -> dict[str, Any]:
        """The same, as `load_settings` keyword arguments (for the whole bot)."""
        return {
            **self._apis(),
            "web_search_url": self.web.url("/brave/res/v1/web/search"),
            "web_search_key": BRAVE_KEY,
        }

    def count(self, path: str) -> int:
        """Requests received on a path."""
        return self.web.count(path)

    # --- Reddit ---

    def _listing(self) -> web.Response:
        return _json(
            {
                "kind": "Listing",
                "data": {
                    "after": None,
                    "before": None,
                    "dist": len(self.reddit_posts),
                    "children": self.reddit_posts,
                },
            }
        )

    async def _reddit_public(self, request: web.Request) -> web.Response:
        if self.reddit_public_blocked:
            return web.Response(status=403, text="<html><body>blocked</body></html>",
                                content_type="text/html")  # fmt: skip
        return self._listing()

    async def _reddit_token(self, request: web.Request) -> web.Response:
        expected = base64.b64encode(f"{REDDIT_ID}:{REDDIT_SECRET}".encode()).decode()
        form = await request.post()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return _json({"message": "Unauthorized", "error": 401}, status=401)
        if form.get("grant_type") != "client_credentials":
            return _json({"error": "unsupported_grant_type"}, status=400)
        return _json({"access_token": "reddit-token-1", "token_type": "bearer",
                      "expires_in": 86400, "scope": "*"})  # fmt: skip

    async def _reddit_oauth(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != "bearer reddit-token-1":
            return _json({"message": "Unauthorized", "error": 401}, status=401)
        return self._listing()

    # --- YouTube ---

    def _youtube_refused(self, request: web.Request) -> web.Response | None:
        if request.query.get("key") != YOUTUBE_KEY:
            body = _google_error(400, "INVALID_ARGUMENT", "badRequest",
                                 "API key not valid. Please pass a valid API key.")  # fmt: skip
            body["error"]["details"] = [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                 "domain": "googleapis.com"}
            ]  # fmt: skip
            return _json(body, status=400)
        if self.youtube_quota_exceeded:
            return _json(
                _google_error(403, "PERMISSION_DENIED", "quotaExceeded",
                              "The request cannot be completed because you have exceeded your "
                              "<a href=\"/youtube/v3/getting-started#quota\">quota</a>."),
                status=403,
            )  # fmt: skip
        return None

    async def _youtube_search(self, request: web.Request) -> web.Response:
        refused = self._youtube_refused(request)
        if refused is not None:
            return refused
        if request.query.get("part") != "snippet" or request.query.get("type") != "video":
            return _json(_google_error(400, "INVALID_ARGUMENT", "invalidParameter", "part"), 400)
        return _json(
            {
                "kind": "youtube#searchListResponse",
                "etag": "etag-search",
                "regionCode": "FR",
                "pageInfo": {"totalResults": len(self.youtube_videos), "resultsPerPage": 25},
                "items": self.youtube_videos,
            }
        )

    async def _youtube_comments(self, request: web.Request) -> web.Response:
        refused = self._youtube_refused(request)
        if refused is not None:
            return refused
        video = request.query.get("videoId")
        channel = request.query.get("allThreadsRelatedToChannelId")
        if video is not None:
            if video not in self.youtube_threads:
                return _json(
                    _google_error(403, "PERMISSION_DENIED", "commentsDisabled",
                                  "The video identified by the videoId parameter has disabled "
                                  "comments."),
                    status=403,
                )  # fmt: skip
            items = self.youtube_threads[video]
        elif channel is not None:
            items = self.youtube_channel_threads
        else:
            return _json(_google_error(400, "INVALID_ARGUMENT", "missingRequiredParameter",
                                       "No filter selected."), status=400)  # fmt: skip
        return _json(
            {
                "kind": "youtube#commentThreadListResponse",
                "etag": "etag-threads",
                "pageInfo": {"totalResults": len(items), "resultsPerPage": 50},
                "items": items,
            }
        )

    # --- Bluesky ---

    def _posts(self) -> web.Response:
        return _json({"posts": self.bluesky_posts, "hitsTotal": len(self.bluesky_posts)})

    async def _bsky_public(self, request: web.Request) -> web.Response:
        if not request.query.get("q"):
            return _json(
                {"error": "InvalidRequest", "message": 'Params must have the property "q"'}, 400
            )
        if not self.bluesky_public_open:
            return _json({"error": "Forbidden", "message": "Forbidden"}, status=403)
        return self._posts()

    async def _bsky_session(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("identifier") != BLUESKY_HANDLE or body.get("password") != BLUESKY_PASSWORD:
            return _json({"error": "AuthenticationRequired",
                          "message": "Invalid identifier or password"}, status=401)  # fmt: skip
        token = f"jwt-{next(self._tokens)}"
        self.valid_bluesky_tokens.add(token)
        return _json({"did": "did:plc:cabinet", "handle": BLUESKY_HANDLE, "accessJwt": token,
                      "refreshJwt": "refresh-" + token, "active": True})  # fmt: skip

    async def _bsky_search(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization", "")
        if auth.removeprefix("Bearer ") not in self.valid_bluesky_tokens:
            return _json({"error": "ExpiredToken", "message": "Token has expired"}, status=400)
        return self._posts()

    def expire_bluesky_tokens(self) -> None:
        """Every session token given so far stops working."""
        self.valid_bluesky_tokens.clear()

    # --- Brave Search ---

    async def _brave(self, request: web.Request) -> web.Response:
        if request.headers.get("X-Subscription-Token") != BRAVE_KEY:
            return _json(
                {"type": "ErrorResponse",
                 "error": {"id": "e1", "status": 422, "code": "SUBSCRIPTION_TOKEN_INVALID",
                           "detail": "The provided subscription token is invalid."},
                 "time": 1}, status=422)  # fmt: skip
        if self.brave_throttle_next:
            self.brave_throttle_next -= 1
            return web.Response(
                status=429,
                headers={"Retry-After": "1", "X-RateLimit-Limit": "1, 2000"},
                text=json.dumps({"type": "ErrorResponse", "error": {"code": "RATE_LIMITED"}}),
                content_type="application/json",
            )
        query = request.query.get("q", "")
        results = next((r for q, r in self.brave_results.items() if q in query), [])
        return _json(
            {
                "type": "search",
                "query": {"original": query, "country": request.query.get("country", "")},
                "mixed": {"type": "mixed", "main": []},
                "web": {"type": "search", "results": results, "family_friendly": True},
            }
        )


def _json(data: object, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(data, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )


def social_settings(tmp_path: Path, social: FakeSocial, overrides: dict[str, Any]) -> Settings:
    """Vigie's settings with every social and search API on the fake, keys set, then overrides."""
    return load_settings(
        _env_file=None,
        database=tmp_path / "vigie.db",
        data_dir=tmp_path / "data",
        allow_private_urls=True,
        **{**social.settings(), **overrides},
    )
