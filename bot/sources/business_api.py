"""Business Profile calls beyond reading reviews: the account's locations, and the owner's reply.

`vigie google connecter` lists accounts (Account Management API) and their locations (Business
Information API); `/repondre` publishes, replaces or deletes the owner's reply to a review
(`PUT`/`DELETE …/reviews/*/reply`, Google My Business API v4).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import httpx

from bot.sources.base import ContentError, HttpStatusError, SourceConfig
from bot.sources.business import CONNECT_HINT, OAuthTokens
from bot.sources.http import ACCEPT_JSON, fetch
from bot.sources.places import google_error
from bot.sources.text import one_line

MAX_REPLY_CHARS = 4096
MAX_LIST_PAGES = 20


@dataclass(frozen=True, slots=True)
class Location:
    """One establishment the connected account manages."""

    account: str
    account_name: str
    location: str
    title: str
    address: str

    @property
    def target(self) -> str:
        """`accounts/A/locations/L`, as `/source fiche` takes it."""
        return f"{self.account}/{self.location}"

    @property
    def short(self) -> str:
        """`A/L`, as a team types it."""
        return f"{self.account.split('/')[-1]}/{self.location.split('/')[-1]}"


class BusinessApi:
    """Authenticated calls with one renewal of the access token on a 401."""

    def __init__(
        self,
        config: SourceConfig,
        tokens: OAuthTokens | None = None,
        *,
        accounts_url: str = "https://mybusinessaccountmanagement.googleapis.com/v1",
        info_url: str = "https://mybusinessbusinessinformation.googleapis.com/v1",
    ) -> None:
        self.config = config
        self.tokens = tokens or OAuthTokens(config)
        self.accounts_url = accounts_url.rstrip("/")
        self.info_url = info_url.rstrip("/")

    async def _call(
        self,
        client: httpx.AsyncClient,
        method: str,
        url: str,
        body: object | None = None,
    ) -> dict[str, object]:
        for attempt in (1, 2):
            token = await self.tokens.get(client)
            headers = {"Accept": ACCEPT_JSON, "Authorization": f"Bearer {token}"}
            try:
                response = await fetch(
                    client,
                    url,
                    self.config,
                    method=method,
                    headers=headers,
                    json_body=body,
                    trusted=True,
                    follow_redirects=False,
                )
            except HttpStatusError as exc:
                if exc.status == 401 and attempt == 1:
                    self.tokens.forget(token)
                    continue
                raise _api_error(exc) from exc
            if not response.body.strip():
                return {}
            data = response.json()
            if not isinstance(data, dict):
                raise ContentError("Réponse inattendue de Google Business Profile (pas un objet).")
            return data
        raise AssertionError("unreachable")  # pragma: no cover

    async def _pages(
        self, client: httpx.AsyncClient, url: str, key: str
    ) -> list[dict[str, object]]:
        """Every item of a paginated list (`nextPageToken`), up to MAX_LIST_PAGES pages."""
        items: list[dict[str, object]] = []
        token: str | None = None
        for _page in range(MAX_LIST_PAGES):
            sep = "&" if "?" in url else "?"
            page_url = f"{url}{sep}{urlencode({'pageToken': token})}" if token else url
            data = await self._call(client, "GET", page_url)
            found = data.get(key) or []
            items += [i for i in found if isinstance(i, dict)] if isinstance(found, list) else []
            next_token = data.get("nextPageToken")
            if not isinstance(next_token, str) or not next_token or next_token == token:
                break
            token = next_token
        return items

    async def locations(self, client: httpx.AsyncClient) -> list[Location]:
        """Every location of every account the connected Google account can manage."""
        accounts = await self._pages(client, f"{self.accounts_url}/accounts", "accounts")
        found: list[Location] = []
        for account in accounts:
            if not isinstance(account.get("name"), str):
                continue
            name = str(account["name"])
            label = account.get("accountName")
            query = urlencode({"readMask": "name,title,storefrontAddress", "pageSize": "100"})
            url = f"{self.info_url}/{name}/locations?{query}"
            for location in await self._pages(client, url, "locations"):
                if not isinstance(location.get("name"), str):
                    continue
                found.append(
                    Location(
                        account=name,
                        account_name=one_line(label, 120) if isinstance(label, str) else name,
                        location=str(location["name"]),
                        title=one_line(str(location.get("title") or ""), 200),
                        address=_address(location.get("storefrontAddress")),
                    )
                )
        return found

    async def put_reply(self, client: httpx.AsyncClient, review: str, text: str) -> None:
        """Publish (or replace) the owner's reply to a review (`accounts/…/reviews/R`)."""
        url = f"{self.config.business_api_url.rstrip('/')}/{quote(review)}/reply"
        await self._call(client, "PUT", url, {"comment": text})

    async def delete_reply(self, client: httpx.AsyncClient, review: str) -> None:
        """Remove the owner's reply to a review."""
        url = f"{self.config.business_api_url.rstrip('/')}/{quote(review)}/reply"
        await self._call(client, "DELETE", url)


def _address(value: object) -> str:
    if not isinstance(value, dict):
        return ""
    lines = value.get("addressLines")
    parts = [str(x) for x in lines if isinstance(x, str)] if isinstance(lines, list) else []
    for key in ("postalCode", "locality"):
        item = value.get(key)
        if isinstance(item, str):
            parts.append(item)
    return one_line(", ".join(parts), 200)


def _api_error(exc: HttpStatusError) -> HttpStatusError:
    code = exc.status or 0
    if code == 429 or code >= 500:
        return HttpStatusError(
            f"Google Business Profile est indisponible pour l'instant (erreur {code}) : "
            "réessayez dans quelques minutes.",
            status=code,
            body=exc.body,
        )
    _status, message = google_error(exc)
    said = f" (Google : {message})" if message else ""
    if code == 401:
        text = f"Google refuse l'accès au compte Business Profile{said} ; {CONNECT_HINT}."
    elif code == 403:
        text = (
            "Le compte Google connecté n'a pas le droit de gérer cette fiche, ou l'API Business "
            f"Profile n'est pas activée pour le client OAuth{said}."
        )
    elif code == 404:
        text = f"Google ne trouve pas cet avis ou cette fiche (peut-être supprimé){said}."
    else:
        text = f"Google Business Profile a refusé la demande (erreur {code}){said}."
    return HttpStatusError(text, status=code, body=exc.body, permanent=True)
