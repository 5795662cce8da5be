"""A fake of the Google APIs Vigie calls, on loopback, holding a small mutable world.

Places API (New) Text Search and Place Details, the OAuth 2.0 token endpoint, Business Profile
accounts, locations, reviews and review replies. Tests change the world (a listing's count, a
token revoked) and read `calls` to see what Vigie asked, with which credentials.

    async with FakeGoogle() as google:
        google.add_place("ChIJ…", "Cabinet Dupont", rating=4.2, count=12)
        config = SourceConfig(places_api_url=google.places_url, places_api_key=google.api_key)
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.fakeweb import RecordedRequest as Call
from tests.loopback import serve_on_free_port

API_KEY = "cle-places-de-test"
CLIENT_ID = "client-test.apps.googleusercontent.com"
CLIENT_SECRET = "secret-client-test"


@dataclass
class FakePlace:
    """One Google Maps listing as Places API (New) shows it."""

    place_id: str
    name: str
    address: str = "1 rue de la République, 69001 Lyon, France"
    rating: float | None = None
    count: int | None = None
    reviews: list[dict[str, Any]] = field(default_factory=list)

    def review(self, key: str, rating: int, text: str, author: str = "Anonyme") -> dict[str, Any]:
        """Add (at the top) one review among the « most relevant » ones and return it."""
        data = {
            "name": f"places/{self.place_id}/reviews/{key}",
            "rating": rating,
            "text": {"text": text, "languageCode": "fr"},
            "authorAttribution": {"displayName": author},
            "publishTime": "2026-11-20T10:00:00Z",
            "googleMapsUri": f"https://www.google.com/maps/reviews/data={key}",
        }
        self.reviews.insert(0, data)
        del self.reviews[5:]
        return data


@dataclass
class FakeLocation:
    """A Business Profile location and its reviews, newest first."""

    account: str
    location: str
    title: str
    reviews: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """`accounts/A/locations/L`."""
        return f"accounts/{self.account}/locations/{self.location}"

    def review(self, key: str, stars: str, comment: str, author: str = "Anonyme") -> str:
        """Add a review and return its resource name."""
        name = f"{self.name}/reviews/{key}"
        self.reviews.insert(
            0,
            {
                "name": name,
                "reviewId": key,
                "reviewer": {"displayName": author},
                "starRating": stars,
                "comment": comment,
                "createTime": "2026-11-21T09:00:00Z",
                "updateTime": "2026-11-21T09:00:00Z",
            },
        )
        return name


class FakeGoogle:
    """Places, OAuth and Business Profile on one loopback port."""

    def __init__(self) -> None:
        self.port = 0
        self.calls: list[Call] = []
        self.api_key = API_KEY
        self.places: dict[str, FakePlace] = {}
        self.searches: dict[str, list[str]] = {}
        self.locations: dict[str, FakeLocation] = {}
        self.accounts: dict[str, str] = {}
        self.codes: dict[str, dict[str, str]] = {}
        self.refresh_tokens: set[str] = set()
        self.revoked: set[str] = set()
        self.access_tokens: set[str] = set()
        self.replies: dict[str, str] = {}
        self.one_location_per_page = False
        self._runner: web.AppRunner | None = None

    # --- lifecycle and addresses ---

    async def __aenter__(self) -> FakeGoogle:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        self.port = await serve_on_free_port(self._runner)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        """`http://127.0.0.1:port`."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def places_url(self) -> str:
        """Places API (New) base URL."""
        return self.base + "/places/v1"

    @property
    def token_url(self) -> str:
        """The OAuth token endpoint."""
        return self.base + "/oauth/token"

    @property
    def business_url(self) -> str:
        """The Business Profile v4 base URL (reviews and replies)."""
        return self.base + "/mybusiness/v4"

    @property
    def accounts_url(self) -> str:
        """The Account Management v1 base URL."""
        return self.base + "/accounts/v1"

    @property
    def info_url(self) -> str:
        """The Business Information v1 base URL (locations)."""
        return self.base + "/info/v1"

    def settings(self) -> dict[str, Any]:
        """Vigie settings pointing every Google API at this fake."""
        return {
            "google_places_api_url": self.places_url,
            "google_places_api_key": self.api_key,
            "google_oauth_token_url": self.token_url,
            "google_business_api_url": self.business_url,
            "google_accounts_api_url": self.accounts_url,
            "google_info_api_url": self.info_url,
            "google_client_id": CLIENT_ID,
            "google_client_secret": CLIENT_SECRET,
        }

    def calls_to(self, fragment: str, method: str | None = None) -> list[Call]:
        """The calls whose path contains `fragment`."""
        return [
            c for c in self.calls if fragment in c.path and (method is None or c.method == method)
        ]

    # --- the world ---

    def add_place(
        self, place_id: str, name: str, *, rating: float | None = None, count: int | None = None,
        address: str = "1 rue de la République, 69001 Lyon, France",
    ) -> FakePlace:  # fmt: skip
        """A listing Place Details and Text Search can return."""
        place = FakePlace(place_id, name, address, rating, count)
        self.places[place_id] = place
        return place

    def add_location(self, account: str, location: str, title: str) -> FakeLocation:
        """A Business Profile location the authorised account manages."""
        self.accounts.setdefault(account, f"Compte {account}")
        found = FakeLocation(account, location, title)
        self.locations[found.name] = found
        return found

    def grant_code(self, code: str = "code-autorisation") -> str:
        """An authorisation code the token endpoint will exchange (once)."""
        self.codes[code] = {}
        return code

    def issue_refresh_token(self) -> str:
        """A refresh token the token endpoint accepts."""
        token = "1//refresh-" + secrets.token_hex(6)
        self.refresh_tokens.add(token)
        return token

    def revoke(self, token: str) -> None:
        """The account owner removed Vigie's access: the refresh token is now invalid_grant."""
        self.revoked.add(token)
        self.access_tokens.clear()

    # --- dispatch ---

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        call = await Call.of(request)
        self.calls.append(call)
        path = request.path
        if path.startswith("/places/v1/"):
            return self._places(call, path.removeprefix("/places/v1/"))
        if path == "/oauth/token":
            return self._token(call)
        if path.startswith(("/mybusiness/v4/", "/accounts/v1/", "/info/v1/")):
            if call.headers.get("Authorization", "").removeprefix("Bearer ") not in (
                self.access_tokens
            ):
                return _error(401, "UNAUTHENTICATED", "Request had invalid authentication.")
            if path.startswith("/accounts/v1/"):
                return self._accounts()
            if path.startswith("/info/v1/"):
                return self._locations(path.removeprefix("/info/v1/"), call.query)
            return self._business(call, path.removeprefix("/mybusiness/v4/"))
        return _error(404, "NOT_FOUND", "no such path")

    def _places(self, call: Call, rest: str) -> web.Response:
        if call.headers.get("X-Goog-Api-Key") != self.api_key:
            return web.json_response(
                {
                    "error": {
                        "code": 400,
                        "message": "API key not valid. Please pass a valid API key.",
                        "status": "INVALID_ARGUMENT",
                        "details": [{"reason": "API_KEY_INVALID"}],
                    }
                },
                status=400,
            )
        if not call.headers.get("X-Goog-FieldMask"):
            return _error(400, "INVALID_ARGUMENT", "FieldMask is a required parameter")
        if rest == "places:searchText" and call.method == "POST":
            query = str(call.json().get("textQuery", ""))
            size = int(call.json().get("pageSize", 20))
            ids = self.searches.get(query.lower(), [])[:size]
            found = [self._search_entry(self.places[i]) for i in ids if i in self.places]
            return web.json_response({"places": found} if found else {})
        if rest.startswith("places/") and call.method == "GET":
            place = self.places.get(rest.removeprefix("places/"))
            if place is None:
                return _error(404, "NOT_FOUND", "Place not found.")
            data: dict[str, Any] = {"displayName": {"text": place.name, "languageCode": "fr"}}
            if place.rating is not None:
                data["rating"] = place.rating
            if place.count is not None:
                data["userRatingCount"] = place.count
            if place.reviews:
                data["reviews"] = place.reviews
            return web.json_response(data)
        return _error(404, "NOT_FOUND", "no such method")

    def _search_entry(self, place: FakePlace) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": place.place_id,
            "displayName": {"text": place.name, "languageCode": "fr"},
            "formattedAddress": place.address,
            "googleMapsUri": f"https://maps.google.com/?cid={place.place_id}",
        }
        if place.rating is not None:
            data["rating"] = place.rating
        if place.count is not None:
            data["userRatingCount"] = place.count
        return data

    def _token(self, call: Call) -> web.Response:
        form = call.form()
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return web.json_response({"error": "invalid_client"}, status=401)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            if form.get("code") not in self.codes or not form.get("code_verifier"):
                return web.json_response({"error": "invalid_grant"}, status=400)
            del self.codes[form["code"]]
            refresh = self.issue_refresh_token()
            return web.json_response(
                {**self._access(), "refresh_token": refresh, "scope": "business.manage"}
            )
        if grant == "refresh_token":
            token = form.get("refresh_token", "")
            if token in self.revoked or token not in self.refresh_tokens:
                return web.json_response(
                    {"error": "invalid_grant", "error_description": "Token has been revoked."},
                    status=400,
                )
            return web.json_response(self._access())
        return web.json_response({"error": "unsupported_grant_type"}, status=400)

    def _access(self) -> dict[str, Any]:
        token = "ya29." + secrets.token_hex(8)
        self.access_tokens.add(token)
        return {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def _accounts(self) -> web.Response:
        accounts = [
            {"name": f"accounts/{a}", "accountName": n, "type": "PERSONAL"}
            for a, n in self.accounts.items()
        ]
        return web.json_response({"accounts": accounts})

    def _locations(self, rest: str, query: dict[str, str]) -> web.Response:
        # accounts/A/locations
        parts = rest.split("/")
        if len(parts) != 3 or parts[2] != "locations":
            return _error(404, "NOT_FOUND", "no such account")
        found = [
            {"name": f"locations/{loc.location}", "title": loc.title}
            for loc in self.locations.values()
            if loc.account == parts[1]
        ]
        # One location per page when asked, to exercise `nextPageToken`.
        if self.one_location_per_page:
            start = int(page_token) if (page_token := query.get("pageToken")) else 0
            page: dict[str, object] = {"locations": found[start : start + 1]}
            if start + 1 < len(found):
                page["nextPageToken"] = str(start + 1)
            return web.json_response(page)
        return web.json_response({"locations": found})

    def _business(self, call: Call, rest: str) -> web.Response:
        if rest.endswith("/reviews") and call.method == "GET":
            location = self.locations.get(rest.removesuffix("/reviews"))
            if location is None:
                return _error(404, "NOT_FOUND", "Requested entity was not found.")
            reviews = [dict(r) for r in location.reviews]
            for review in reviews:
                if review["name"] in self.replies:
                    review["reviewReply"] = {"comment": self.replies[review["name"]]}
            stars = [{"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}[r["starRating"]]
                     for r in reviews]  # fmt: skip
            return web.json_response(
                {
                    "reviews": reviews,
                    "averageRating": sum(stars) / len(stars) if stars else 0,
                    "totalReviewCount": len(reviews),
                }
            )
        if rest.endswith("/reply"):
            review = rest.removesuffix("/reply")
            location = self.locations.get(review.split("/reviews/")[0])
            if location is None or all(r["name"] != review for r in location.reviews):
                return _error(404, "NOT_FOUND", "Requested entity was not found.")
            if call.method == "PUT":
                comment = call.json().get("comment")
                if not isinstance(comment, str) or not comment:
                    return _error(400, "INVALID_ARGUMENT", "comment is required")
                self.replies[review] = comment
                return web.json_response({"comment": comment, "updateTime": "2026-12-04T10:00:00Z"})
            if call.method == "DELETE":
                self.replies.pop(review, None)
                return web.json_response({})
        return _error(404, "NOT_FOUND", "no such method")


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response(
        {"error": {"code": status, "message": message, "status": code}}, status=status
    )
