"""YouTube Data API v3: videos naming a watch (`search.list`) and new comments (`commentThreads`).

A search costs 100 quota units and a page of comments 1; the project's key has 10,000 a day,
reset at midnight Pacific time. Each team gets a daily budget (`youtube_team_daily_units`):
the ledger below refuses a call that would exceed it, and each source remembers its own
spending in its state so a restart does not forget it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx

from bot.match.normalize import fold
from bot.models import Mention
from bot.sources.api import get_json, missing_key, raw_record
from bot.sources.base import (
    ConfigError,
    ConfiguredSource,
    ContentError,
    FetchResult,
    HttpStatusError,
    InvalidTargetError,
    SourceConfig,
    SourceError,
    SourceKind,
    SourceSpec,
    SourceState,
)
from bot.sources.places import parse_time
from bot.sources.social import check_query, dig, text_of
from bot.sources.text import cap, clean_text, one_line

SEARCH_UNITS = 100
COMMENTS_UNITS = 1
MAX_VIDEOS = 10
PACIFIC = ZoneInfo("America/Los_Angeles")
CHANNEL_PREFIX = "chaine:"
WATCH_URL = "https://www.youtube.com/watch?v="
_CHANNEL = re.compile(r"(?:.*youtube\.com/channel/)?(UC[A-Za-z0-9_-]{22})/?", re.IGNORECASE)
_QUOTED = re.compile(r'"([^"]+)"')
_EXAMPLE = "/source youtube 1  ou  /source youtube chaine:UCxxxxxxxxxxxxxxxxxxxxxx pour 1"


def quota_day(now: datetime | None = None) -> str:
    """The quota day (Pacific time) of an instant, as YYYY-MM-DD."""
    return (now or datetime.now(UTC)).astimezone(PACIFIC).date().isoformat()


def seconds_to_reset(now: datetime | None = None) -> float:
    """Seconds until the quota resets (next midnight, Pacific time)."""
    local = (now or datetime.now(UTC)).astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), PACIFIC)
    return max((midnight - local).total_seconds(), 1.0)


class QuotaExhaustedError(SourceError):
    """The team's YouTube budget (or the key's quota) is spent until the daily reset."""


class QuotaLedger:
    """Units spent per team and quota day, source by source."""

    def __init__(self) -> None:
        self._spent: defaultdict[tuple[int, str], dict[int, int]] = defaultdict(dict)

    def seed(self, team_id: int, source_id: int, day: str, units: int) -> None:
        """Take a source's remembered spending into account (after a restart)."""
        book = self._spent[(team_id, day)]
        book[source_id] = max(book.get(source_id, 0), units)

    def spent(self, team_id: int, day: str) -> int:
        """Units the team spent that day."""
        return sum(self._spent.get((team_id, day), {}).values())

    def source_spent(self, team_id: int, source_id: int, day: str) -> int:
        """Units one source spent that day."""
        return self._spent.get((team_id, day), {}).get(source_id, 0)

    def charge(self, team_id: int, source_id: int, day: str, units: int) -> None:
        """Record units spent by a source."""
        book = self._spent[(team_id, day)]
        book[source_id] = book.get(source_id, 0) + units


def spent_from_states(states: list[str], day: str) -> int:
    """A team's units spent today, read from its YouTube sources' stored states (for /statut)."""
    total = 0
    for text in states:
        extra = SourceState.from_json(text).extra
        units = extra.get("units")
        if extra.get("quota_day") == day and isinstance(units, int):
            total += units
    return total


def parse_channel(text: str) -> str | None:
    """A channel id (UC…) from `chaine:UC…` or a channel address, else None."""
    value = text.strip()
    lowered = value.lower()
    for prefix in (CHANNEL_PREFIX, "chaîne:", "channel:"):
        if lowered.startswith(prefix):
            value = value[len(prefix) :].strip()
            break
    else:
        if "youtube.com/channel/" not in lowered:
            return None
    match = _CHANNEL.fullmatch(value)
    if not match:
        raise InvalidTargetError(
            f"« {cap(text.strip(), 80)} » n'est pas un identifiant de chaîne YouTube : il "
            "commence par UC et compte 24 caractères (YouTube Studio > Paramètres > Chaîne > "
            f"Paramètres avancés). Exemple : {_EXAMPLE}"
        )
    return match.group(1)


class YouTubeSource(ConfiguredSource):
    """A search for videos naming the watch plus their comments, or a channel's comments."""

    kind = SourceKind.YOUTUBE.value
    default_interval_s = 6 * 3600

    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config)
        self.ledger = QuotaLedger()

    def normalize(self, target: str, selector: str | None) -> tuple[str, str | None]:
        """A search text, or `chaine:UC…` for the practice's own channel; no selector."""
        channel = parse_channel(target)
        if channel is not None:
            return CHANNEL_PREFIX + channel, None
        return check_query(target, _EXAMPLE), None

    def describe(self, spec: SourceSpec) -> str:
        """« YouTube · "Marie Dupont" » or « YouTube (chaîne) · UC… »."""
        if spec.target.startswith(CHANNEL_PREFIX):
            return f"YouTube (commentaires de la chaîne) · {spec.target[len(CHANNEL_PREFIX) :]}"
        return f"YouTube · {cap(spec.target, 80)}"

    async def fetch(
        self, client: httpx.AsyncClient, spec: SourceSpec, state: SourceState
    ) -> FetchResult:
        """The channel's newest comment threads, or a search then each found video's comments."""
        if not self.config.youtube_api_key:
            raise missing_key(
                "YouTube",
                "VIGIE_YOUTUBE_API_KEY",
                " (console Google Cloud, « YouTube Data API v3 »)",
            )
        day = quota_day()
        extra = dict(state.extra)
        if extra.get("quota_day") == day and isinstance(extra.get("units"), int):
            self.ledger.seed(spec.team_id, spec.id, day, int(str(extra["units"])))
        call = _Calls(self, client, spec, day)
        try:
            if spec.target.startswith(CHANNEL_PREFIX):
                channel = spec.target[len(CHANNEL_PREFIX) :]
                threads = await call.comments({"allThreadsRelatedToChannelId": channel})
                mentions = [m for t in threads if (m := _comment(t, spec, None)) is not None]
            else:
                mentions = await self._search(call, spec, extra)
        finally:
            extra["quota_day"] = day
            extra["units"] = self.ledger.source_spent(spec.team_id, spec.id, day)
        return FetchResult(
            mentions=mentions,
            state=SourceState(state.etag, state.last_modified, extra),
        )

    async def _search(
        self, call: _Calls, spec: SourceSpec, extra: dict[str, object]
    ) -> list[Mention]:
        params = {
            "part": "snippet",
            "q": spec.target,
            "type": "video",
            "order": "date",
            "maxResults": "25",
            "relevanceLanguage": "fr",
            "regionCode": "FR",
        }
        data = await call.get("search", params, SEARCH_UNITS)
        items = dig(data, "items")
        if not isinstance(items, list):
            raise ContentError("Réponse inattendue de YouTube (« items » manquant).")
        names = [fold(n) for n in _QUOTED.findall(spec.target)] or [fold(spec.target)]
        videos = _remembered(extra.get("videos"))
        mentions: list[Mention] = []
        for item in items:
            mention = _video(item, spec)
            if mention is None:
                continue
            mentions.append(mention)
            said = fold(f"{mention.title or ''} {mention.text}")
            video_id = mention.external_id.removeprefix("video:")
            if any(n and n in said for n in names) and video_id not in videos:
                videos[video_id] = mention.title or ""
        kept = dict(list(videos.items())[-MAX_VIDEOS:])
        for video_id, title in list(kept.items()):
            try:
                threads = await call.comments({"videoId": video_id})
            except _VideoGone:
                del kept[video_id]
                continue
            mentions += [m for t in threads if (m := _comment(t, spec, title)) is not None]
        extra["videos"] = [[k, v] for k, v in kept.items()]
        return mentions


class _VideoGone(Exception):
    """A video whose comments are disabled, or which no longer exists."""


class _Calls:
    """The API calls of one poll, each charged to the team's budget before it is made."""

    def __init__(
        self, source: YouTubeSource, client: httpx.AsyncClient, spec: SourceSpec, day: str
    ) -> None:
        self.source = source
        self.client = client
        self.spec = spec
        self.day = day

    async def comments(self, where: dict[str, str]) -> list[object]:
        """The newest top-level comment threads of a video or a channel (one page)."""
        params = {
            "part": "snippet",
            "order": "time",
            "maxResults": "50",
            "textFormat": "plainText",
            **where,
        }
        data = await self.get("commentThreads", params, COMMENTS_UNITS)
        items = dig(data, "items")
        return items if isinstance(items, list) else []

    async def get(self, method: str, params: dict[str, str], units: int) -> object:
        """One call, refused beforehand when the team's budget cannot pay for it."""
        cfg = self.source.config
        ledger = self.source.ledger
        budget = cfg.youtube_team_daily_units
        spent = ledger.spent(self.spec.team_id, self.day)
        if spent + units > budget:
            raise QuotaExhaustedError(
                f"Budget YouTube du jour atteint pour l'équipe ({spent} / {budget} unités) : "
                "reprise après la remise à zéro quotidienne (minuit, heure du Pacifique).",
                retry_after_s=seconds_to_reset(),
            )
        ledger.charge(self.spec.team_id, self.spec.id, self.day, units)
        query = urlencode({**params, "key": cfg.youtube_api_key or ""})
        url = f"{cfg.youtube_api_url.rstrip('/')}/{method}?{query}"
        return await get_json(
            self.client, url, cfg, refused=lambda exc: _api_error(exc, "videoId" in params)
        )


def _reasons(exc: HttpStatusError) -> tuple[set[str], str]:
    try:
        data = json.loads(exc.body)
    except ValueError:
        return set(), ""
    reasons: set[str] = set()
    for key in ("errors", "details"):
        entries = dig(data, "error", key)
        if isinstance(entries, list):
            reasons |= {text_of(dig(e, "reason")) for e in entries} - {""}
    status = text_of(dig(data, "error", "status"))
    if status:
        reasons.add(status)
    return reasons, one_line(text_of(dig(data, "error", "message")), 200)


def _api_error(exc: HttpStatusError, video: bool) -> Exception:
    code = exc.status or 0
    reasons, message = _reasons(exc)
    said = f" (YouTube : {message})" if message else ""
    if reasons & {"quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded"}:
        return QuotaExhaustedError(
            "Le quota YouTube de la clé est épuisé pour aujourd'hui : reprise après la remise à "
            f"zéro quotidienne (minuit, heure du Pacifique){said}.",
            retry_after_s=seconds_to_reset(),
            status=code,
        )
    if video and (reasons & {"commentsDisabled", "videoNotFound"} or code == 404):
        return _VideoGone()
    if code == 429 or code >= 500:
        return exc
    if reasons & {"keyInvalid", "API_KEY_INVALID", "keyExpired", "API_KEY_EXPIRED"} or (
        "API key" in message
    ):
        return ConfigError(
            f"La clé d'API YouTube est refusée : vérifiez VIGIE_YOUTUBE_API_KEY{said}.",
            permanent=True,
            status=code,
        )
    if code == 403:
        return ConfigError(
            "YouTube refuse l'accès avec cette clé : activez « YouTube Data API v3 » pour le "
            f"projet de la clé dans la console Google Cloud, ou levez ses restrictions{said}.",
            permanent=True,
            status=code,
        )
    if code == 404 or reasons & {"channelNotFound"}:
        return HttpStatusError(
            f"YouTube ne connaît pas cette chaîne : vérifiez l'identifiant (UC…){said}.",
            status=code,
            body=exc.body,
            permanent=True,
        )
    return HttpStatusError(
        f"YouTube a refusé la demande (erreur {code}){said}.",
        status=code,
        body=exc.body,
        permanent=True,
    )


def _remembered(value: object) -> dict[str, str]:
    videos: dict[str, str] = {}
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str):
                videos[entry[0]] = text_of(entry[1])
    return videos


def _video(item: object, spec: SourceSpec) -> Mention | None:
    video_id = text_of(dig(item, "id", "videoId")).strip()
    if not video_id:
        return None
    snippet = dig(item, "snippet")
    return Mention(
        source_id=spec.id,
        external_id=cap("video:" + video_id, 200),
        url=WATCH_URL + video_id,
        title=one_line(text_of(dig(snippet, "title")), 500) or None,
        text=clean_text(text_of(dig(snippet, "description"))),
        author=one_line(text_of(dig(snippet, "channelTitle")), 200) or None,
        published_at=parse_time(dig(snippet, "publishedAt")),
        scoped_watch_id=None,
        raw=raw_record(item),
    )


def _comment(thread: object, spec: SourceSpec, video_title: str | None) -> Mention | None:
    thread_id = text_of(dig(thread, "id")).strip()
    top = dig(thread, "snippet", "topLevelComment", "snippet")
    if not thread_id or not isinstance(top, dict):
        return None
    video_id = text_of(top.get("videoId")) or text_of(dig(thread, "snippet", "videoId"))
    text = text_of(top.get("textOriginal")) or text_of(top.get("textDisplay"))
    where = f"« {cap(video_title, 120)} »" if video_title else "une vidéo de la chaîne"
    return Mention(
        source_id=spec.id,
        external_id=cap("comment:" + thread_id, 200),
        url=f"{WATCH_URL}{video_id}&lc={thread_id}" if video_id else None,
        title=f"Commentaire YouTube sous {where}",
        text=clean_text(text),
        author=one_line(text_of(top.get("authorDisplayName")), 200) or None,
        published_at=parse_time(top.get("publishedAt")),
        scoped_watch_id=spec.watch_id,
        raw=raw_record(thread),
    )
