"""The watch loop: which source to poll when, how many at once, backoff and source health.

What a poll brought goes through the pure ingest step (`bot.watch.ingest`); this module stores
its events and queues their alerts through the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import httpx
from pydantic import SecretStr

from bot.chat.places import place, places
from bot.chat.types import Reply
from bot.clock import later, utcnow
from bot.match.matcher import Matcher
from bot.messages import messages
from bot.models import Mention, StoredMention, TeamSettings, Triage, Watch
from bot.notify.alert_text import (
    baseline_alert,
    edited_alert,
    falling_average_alert,
    hidden_reviews_alert,
    new_mention_alert,
    source_health_alert,
    vanished_alert,
)
from bot.notify.case_alerts import copy_alert, original_line, wave_alert, wave_update
from bot.ports import Outbox, PollOutcome
from bot.services import Services
from bot.sources import (
    ConfigError,
    FetchResult,
    Source,
    SourceConfig,
    SourceError,
    SourceSpec,
    SourceState,
    build_sources,
    new_client,
)
from bot.sources.business import ConfigAuthError
from bot.sources.google_token import token_path
from bot.sources.google_usage import record_calls
from bot.sources.http import host_of
from bot.sources.listing_stats import FallingAverage, compare
from bot.sources.page import item_key
from bot.store import NewAlert, SourceRow, SourceSuccess
from bot.store.cases import CaseLink
from bot.watch.grouping import Grouping, WavePlan, text_signature
from bot.watch.ingest import EditedItem, IngestPlan, NewItem, ingest

log = logging.getLogger(__name__)

FAILURES_BEFORE_TELLING = 3
MAX_BACKOFF = timedelta(hours=6)
LISTING_KINDS = ("places", "business", "page", "youtube", "mastodon")
GOOGLE_KINDS = ("places", "business")

OnRisk = Callable[[StoredMention], Awaitable[None]]


def source_config(services: Services) -> SourceConfig:
    """The sources' settings, read from Vigie's settings."""
    s = services.settings

    def secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None

    return SourceConfig(
        places_api_url=s.google_places_api_url,
        places_api_key=secret(s.google_places_api_key),
        business_api_url=s.google_business_api_url,
        oauth_token_url=s.google_oauth_token_url,
        google_client_id=s.google_client_id,
        google_client_secret=secret(s.google_client_secret),
        google_refresh_token=secret(s.google_refresh_token),
        google_token_file=str(token_path(s.data_dir)),
        news_url=s.google_news_url,
        reddit_url=s.reddit_url,
        reddit_oauth_url=s.reddit_oauth_url,
        reddit_client_id=s.reddit_client_id,
        reddit_client_secret=secret(s.reddit_client_secret),
        youtube_api_url=s.youtube_api_url,
        youtube_api_key=secret(s.youtube_api_key),
        youtube_team_daily_units=s.youtube_team_daily_units,
        bluesky_public_url=s.bluesky_public_url,
        bluesky_pds_url=s.bluesky_pds_url,
        bluesky_handle=s.bluesky_handle,
        bluesky_app_password=secret(s.bluesky_app_password),
        mastodon_instance=s.mastodon_instance,
        allow_private=s.allow_private_urls,
        poll_interval_s=s.poll_interval,
    )


class Monitor:
    """Polls every team's sources at their interval, with bounded and per-host concurrency."""

    def __init__(
        self,
        services: Services,
        *,
        config: SourceConfig | None = None,
        concurrency: int = 16,
        per_host: int = 4,
        on_new_alerts: Callable[[], None] | None = None,
        on_risk: OnRisk | None = None,
    ) -> None:
        self.services = services
        self.config = config or source_config(services)
        self.sources: dict[str, Source] = build_sources(self.config)
        self._limit = asyncio.Semaphore(concurrency)
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(per_host)
        )
        self._wake = asyncio.Event()
        self._matcher: Matcher | None = None
        self._watches: dict[int, Watch] = {}
        self._client: httpx.AsyncClient | None = None
        self.outbox = services.outbox
        if on_new_alerts is not None:
            self.outbox.subscribe(on_new_alerts)
        self.on_risk = on_risk
        self._running: set[int] = set()
        self.grouping = Grouping(services.store)
        services.monitor = self

    async def rebuild_matcher(self) -> None:
        """Index every active watch again (after /surveiller or /retirer)."""
        watches = await self.services.store.watches.all_active()
        self._watches = {w.id: w for w in watches}
        self._matcher = Matcher(watches)

    def wake(self) -> None:
        """Poll due sources now (a source was added, /bilan was asked)."""
        self._wake.set()

    async def run(self) -> None:
        """Poll forever; sleeps until the next source is due or someone wakes it."""
        await self.rebuild_matcher()
        async with new_client(self.config) as client:
            self._client = client
            while True:
                await self.poll_due()
                next_due = await self.services.store.sources.next_due_at()
                delay = 60.0
                if next_due is not None:
                    delay = min(60.0, max(0.05, (next_due - utcnow()).total_seconds()))
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def poll_due(self) -> list[PollOutcome]:
        """Poll every due source once, concurrently."""
        rows = [
            r for r in await self.services.store.sources.due(utcnow()) if r.id not in self._running
        ]
        return await self.poll_sources(rows)

    async def poll_sources(self, rows: list[SourceRow]) -> list[PollOutcome]:
        """Poll these sources now, whatever their schedule (for /bilan).

        The sources that answer « not modified » are recorded together at the end, in one
        statement: most polls of a cycle are those.
        """
        cycle: list[SourceSuccess] = []
        try:
            return list(await asyncio.gather(*(self._guarded_poll(r, cycle) for r in rows)))
        finally:
            await self.services.store.polls.record_successes(cycle)

    async def _guarded_poll(self, row: SourceRow, cycle: list[SourceSuccess]) -> PollOutcome:
        self._running.add(row.id)
        try:
            async with self._limit, self._hosts[self._host(row)]:
                outcome = await self.poll(row, cycle)
            self.services.metrics.poll_done(error=outcome.error, not_modified=outcome.not_modified)
            return outcome
        finally:
            self._running.discard(row.id)

    def _host(self, row: SourceRow) -> str:
        if row.kind in ("feed", "page", "mastodon"):
            return host_of(row.target)
        return row.kind

    async def _lang(self, row: SourceRow) -> str:
        """The language of the team that owns a source."""
        return (await self.services.store.teams.settings(row.team_id)).language

    async def poll(self, row: SourceRow, cycle: list[SourceSuccess] | None = None) -> PollOutcome:
        """Poll one source and record everything it brought, or its failure.

        A « not modified » answer is added to `cycle` when given (recorded with the others).
        """
        if self._matcher is None:
            await self.rebuild_matcher()
        store = self.services.store
        source = self.sources.get(row.kind)
        outcome = PollOutcome(row.id)
        if source is None:
            outcome.error = messages(await self._lang(row)).poll_unknown_kind(row.kind)
            await store.sources.record_failure(row.id, outcome.error, utcnow() + MAX_BACKOFF)
            return outcome
        spec = SourceSpec(row.id, row.team_id, row.kind, row.target, row.selector, row.watch_id)
        client = self._client
        try:
            if client is None:
                async with new_client(self.config) as own:
                    result = await source.fetch(own, spec, SourceState.from_json(row.state))
            else:
                result = await source.fetch(client, spec, SourceState.from_json(row.state))
        except SourceError as exc:
            outcome.error = exc.message
            await self._count_calls(row, 1)
            lang = await self._lang(row)
            await self._failed(
                row,
                source,
                exc.said_in(lang),
                exc.retry_after_s,
                exc.permanent,
                tell_now=isinstance(exc, ConfigError | ConfigAuthError),
            )
            return outcome
        except Exception as exc:  # a bug in one source must not stop the others
            log.exception("source %s failed unexpectedly", row.id)
            outcome.error = messages(await self._lang(row)).poll_unexpected(type(exc).__name__)
            await self._failed(row, source, outcome.error, None, False)
            return outcome
        calls = result.summary.get("calls")
        await self._count_calls(row, calls if isinstance(calls, int) else 1)
        try:
            await self._record(row, source, spec, result, outcome)
        except Exception:
            log.exception("recording source %s failed", row.id)
            outcome.error = messages(await self._lang(row)).poll_not_recorded()
            await self._failed(row, source, outcome.error, None, False)
            return outcome
        success = SourceSuccess(row.id, result.state.to_json(), self._next_poll(source))
        if outcome.not_modified and cycle is not None:
            cycle.append(success)
        else:
            await store.polls.record_successes([success])
        if row.failing_notified:
            await store.sources.set_failing_notified(row.id, False)
            lang = (await store.teams.settings(row.team_id)).language
            message = source_health_alert(source.describe(spec), False, None, lang)
            await self._team_alert(row.team_id, "source_ok", message)
        return outcome

    async def _count_calls(self, row: SourceRow, calls: int) -> None:
        """Google calls per source and day, for /statut and the Places cost estimate."""
        if row.kind not in GOOGLE_KINDS:
            return
        try:
            await record_calls(
                self.services.settings.data_dir, row.team_id, row.id, row.kind, calls
            )
        except OSError:
            log.warning("could not record Google calls of source %s", row.id)

    def _next_poll(self, source: Source) -> datetime:
        interval = source.interval_s
        return later(interval * random.uniform(0.9, 1.1))

    async def _failed(
        self,
        row: SourceRow,
        source: Source,
        message: str,
        retry_after: float | None,
        permanent: bool,
        *,
        tell_now: bool = False,
    ) -> None:
        """Schedule the retry; tell the team once: after a few failures, or at once for a key
        or OAuth problem (one alert per team for the same refusal, whatever its listings)."""
        store = self.services.store
        base = max(60, source.interval_s // 4)
        backoff = min(MAX_BACKOFF.total_seconds(), base * 2 ** min(row.consecutive_failures, 10))
        if permanent:
            backoff = MAX_BACKOFF.total_seconds()
        if retry_after is not None:
            backoff = max(retry_after, 1.0)
        delay = backoff * random.uniform(1.0, 1.2)
        failures = await store.sources.record_failure(row.id, message, later(delay))
        log.warning("source %s failed (%s in a row): %s", row.id, failures, message)
        if (failures >= FAILURES_BEFORE_TELLING or tell_now) and not row.failing_notified:
            await store.sources.set_failing_notified(row.id, True)
            if tell_now and await self._already_told(row, message):
                return
            spec = SourceSpec(row.id, row.team_id, row.kind, row.target, row.selector, row.watch_id)
            lang = (await store.teams.settings(row.team_id)).language
            alert = source_health_alert(source.describe(spec), True, message, lang)
            await self._team_alert(row.team_id, "source_failing", alert)

    async def _already_told(self, row: SourceRow, message: str) -> bool:
        """Whether another source of the team already carries this very refusal."""
        others = await self.services.store.sources.active(row.team_id)
        return any(
            o.id != row.id and o.kind == row.kind and o.failing_notified and o.last_error == message
            for o in others
        )

    async def _team_alert(self, team_id: int, kind: str, message: Reply) -> None:
        await self.outbox.post(team_id, kind, message)

    def concerned(self, row: SourceRow, mention: Mention) -> list[int]:
        """Which of the team's watches a mention concerns."""
        assert self._matcher is not None
        scoped = mention.scoped_watch_id if row.kind in LISTING_KINDS else None
        matches = self._matcher.match(mention.text, title=mention.title, scoped_watch_id=scoped)
        team_watches = [
            m.watch_id
            for m in matches
            if (w := self._watches.get(m.watch_id)) and w.team_id == row.team_id
        ]
        if scoped is not None and scoped not in team_watches and scoped in self._watches:
            team_watches.insert(0, scoped)
        return team_watches

    async def _record(
        self,
        row: SourceRow,
        source: Source,
        spec: SourceSpec,
        result: FetchResult,
        outcome: PollOutcome,
    ) -> None:
        """Run the ingest step on what the poll brought, then store its events in order."""
        if result.not_modified:
            outcome.not_modified = True
            return
        store = self.services.store
        known = await self._known(row, result)
        plan = ingest(
            result.mentions,
            known=known,
            purged=await store.mentions.tombstones(row.id),
            concerned=lambda mention: self.concerned(row, mention),
            complete=result.complete,
            baseline=not row.baseline_done,
        )
        batch = _Batch(
            row=row,
            settings=await store.teams.settings(row.team_id),
            chats=[c.id for c in await store.teams.chats_of(row.team_id)],
            watches=[w for w in self._watches.values() if w.team_id == row.team_id],
        )
        for item in plan.edited:
            await self._store_edit(batch, item)
            outcome.edited += 1
        stored_new = await self._store_fresh(batch, plan.new, baseline=plan.baseline)
        outcome.new += len(stored_new)
        risky_new = [m for m in stored_new if m.flags and not plan.baseline]
        if plan.vanished:
            outcome.vanished = await self._record_vanished(batch, plan.vanished)
        await self._listing_figures(row, result, len(plan.new), batch.settings.language)
        if plan.baseline:
            await self._baseline(row, source.describe(spec), plan, result, batch.settings)
        if outcome.new or outcome.edited:
            self.outbox.wake()
        if self.on_risk is not None:
            for stored in risky_new:
                await self.on_risk(stored)

    async def _known(self, row: SourceRow, result: FetchResult) -> dict[str, tuple[int, str]]:
        """The source's stored items, after two reconciliations before the ingest step.

        A vanished review that is back is the same review (marked back online, not new). A page
        item stored under its text hash (before page items had stable keys) takes its new key
        when its text is unchanged, so an upgrade raises no flood of « new » reviews.
        """
        store = self.services.store
        known = await store.mentions.known_keys(row.id)
        incoming = {m.external_id: m for m in result.mentions}
        gone = await store.mentions.disappeared_keys(row.id)
        for key, (mention_id, digest) in gone.items():
            if key in incoming and key not in known:
                await store.mentions.mark_reappeared(mention_id)
                known[key] = (mention_id, digest)
        if row.kind == "page":
            for key, mention in incoming.items():
                legacy = item_key(mention.text)
                if key in known or key == legacy or legacy not in known or legacy in incoming:
                    continue
                mention_id, digest = known.pop(legacy)
                await store.mentions.rekey(mention_id, key)
                known[key] = (mention_id, digest)
        return known

    async def _listing_figures(
        self, row: SourceRow, result: FetchResult, new_visible: int, lang: str
    ) -> None:
        """Compare the listing's count and rating with the last poll's; keep the new figures."""
        settings = self.services.settings
        previous = SourceState.from_json(row.state).listing if row.baseline_done else None
        events, kept = compare(
            previous,
            dict(result.summary),
            new_visible=new_visible,
            today=utcnow().date(),
            window_days=settings.rating_drop_window_days,
            drop=settings.rating_drop,
            shows_all=row.kind == "business" and result.complete,
        )
        result.state = replace(result.state, listing=kept)
        for event in events:
            if isinstance(event, FallingAverage):
                message = falling_average_alert(event, row.kind, row.target, lang)
                await self._team_alert(row.team_id, "rating_falling", message)
            else:
                message = hidden_reviews_alert(event, row.kind, row.target, lang)
                await self._team_alert(row.team_id, "hidden_reviews", message)

    async def _baseline(
        self,
        row: SourceRow,
        label: str,
        plan: IngestPlan,
        result: FetchResult,
        settings: TeamSettings,
    ) -> None:
        """One message for a new source's existing items, instead of a flood."""
        count, risky, average = plan.baseline_tally()
        listed = result.summary.get("rating")
        if isinstance(listed, int | float):
            average = float(listed)
        message = baseline_alert(label, count, average, risky, settings.language)
        await self._team_alert(row.team_id, "baseline", message)

    async def _store_fresh(
        self, batch: _Batch, items: list[NewItem], *, baseline: bool
    ) -> list[StoredMention]:
        """New mentions: a wave of negative reviews is grouped, a copied text told briefly."""
        if not items:
            return []
        plan = None
        if not baseline:
            pairs = [(i.mention, i.verdict) for i in items]
            plan = await self.grouping.wave_plan(
                batch.row.team_id, batch.row.id, batch.row.kind, pairs
            )
        stored: list[StoredMention] = []
        held: list[StoredMention] = []
        for number, item in enumerate(items):
            if plan is not None and number in plan.new_indexes:
                mention = await self._store_new(batch, item, baseline=baseline, wave=plan)
                held.append(mention)
            else:
                async with self.grouping.lock:
                    mention = await self._store_new(batch, item, baseline=baseline)
            stored.append(mention)
        if plan is not None and held:
            await self._announce_wave(batch, plan, held)
        return stored

    async def _announce_wave(
        self, batch: _Batch, plan: WavePlan, held: list[StoredMention]
    ) -> None:
        """One grouped alert for the whole wave, or a short note when it was announced before."""
        store = self.services.store
        tz = self.services.settings.tz
        lang = batch.settings.language
        if plan.case_id is not None:
            members = await store.cases.members(batch.row.team_id, plan.case_id, "wave")
            message = wave_update(held, len(members), members[0], lang, tz)
            root = plan.case_id
        else:
            members = [*plan.earlier, *held]
            root = members[0].id
            await store.cases.link([m.id for m in members], CaseLink("wave", root))
            row = batch.row
            spec = SourceSpec(row.id, row.team_id, row.kind, row.target, row.selector, row.watch_id)
            source = self.sources.get(row.kind)
            listing = source.describe(spec) if source else row.target
            owner = next((w.display for w in batch.watches if w.id == row.watch_id), None)
            message = wave_alert(members, listing, owner, plan.wave, lang, tz)
        await self.outbox.post(batch.row.team_id, "wave", message, mention_id=root)

    async def _store_new(
        self, batch: _Batch, item: NewItem, *, baseline: bool, wave: WavePlan | None = None
    ) -> StoredMention:
        """A mention never seen: store it with one alert per chat (none during a baseline).

        A wave's review is stored with no alert of its own (the wave has one); a copy of a
        text already announced gets a short « repris sur N sites » alert instead of a full one.
        """
        tz = self.services.settings.tz
        store = self.services.store
        team = batch.row.team_id
        stored_ref: list[StoredMention] = []
        sig = text_signature(item.mention.title, item.mention.text)
        where = place(item.mention.url, batch.row.kind)
        copy = None if wave is not None else await self.grouping.copy_plan(team, sig, where)
        cases: list[tuple[str, int, float | None]] = []
        if copy is not None:
            cases.append(("copy", copy.case_id, copy.similarity))
        if wave is not None and wave.case_id is not None:
            cases.append(("wave", wave.case_id, None))
        members = await store.cases.members(team, copy.case_id, "copy") if copy else []
        lang = batch.settings.language

        def build(mention_id: int) -> list[NewAlert]:
            stored = _as_stored(mention_id, batch.row, item.mention, item.verdict, item.digest,
                                list(item.watch_ids))  # fmt: skip
            stored_ref.append(stored)
            if baseline or wave is not None:
                return []
            kind = "new"
            if copy is not None and members:
                count = len(places([*members, stored]))
                if copy.announced:
                    message = copy_alert(stored, members[0], count, lang, tz)
                    kind = "copy"
                else:
                    message = new_mention_alert(stored, batch.watches, batch.settings, tz)
                    extra = original_line(members[0], count, lang, tz)
                    message = replace(message, spans=message.spans + tuple(extra))
            else:
                message = new_mention_alert(stored, batch.watches, batch.settings, tz)
            return Outbox.rows(batch.chats, kind, message)

        mention_id = await store.mentions.insert(
            team,
            item.mention,
            content_hash=item.digest,
            triage=item.verdict,
            watch_ids=list(item.watch_ids),
            alerts=build,
            cases=cases,
        )
        self.grouping.remember(mention_id, team, sig)
        if not baseline and wave is None:
            self.outbox.wake()  # deliver this alert now, while the rest of the poll is recorded
        return stored_ref[0]

    async def _store_edit(self, batch: _Batch, item: EditedItem) -> None:
        """A known mention whose content changed: record it and raise an « avis modifié »."""
        store = self.services.store
        old = await store.mentions.get(batch.row.team_id, item.mention_id)
        old_rating = old.rating if old else None
        old_text = old.text if old else None
        ids = list(item.watch_ids) or list(old.watch_ids if old else ())
        tz = self.services.settings.tz

        def build(mention_id: int) -> list[NewAlert]:
            stored = _as_stored(mention_id, batch.row, item.mention, item.verdict, item.digest, ids)
            message = edited_alert(
                stored, batch.watches, batch.settings, tz, old_rating=old_rating, old_text=old_text
            )
            return Outbox.rows(batch.chats, "edited", message)

        await store.mentions.update_content(
            item.mention_id,
            batch.row.team_id,
            item.mention,
            content_hash=item.digest,
            triage=item.verdict,
            alerts=build,
            detail=f"note {old_rating} → {item.mention.rating}",
        )

    async def _record_vanished(self, batch: _Batch, gone: list[int]) -> int:
        """Reviews missing from a complete listing: recorded, and the team told quietly."""
        store = self.services.store
        await store.mentions.mark_disappeared(gone)
        for mention_id in gone:
            stored = await store.mentions.get(batch.row.team_id, mention_id)
            if stored is not None:
                message = vanished_alert(stored, batch.settings.language)
                await self._team_alert(batch.row.team_id, "vanished", message)
        return len(gone)


@dataclass
class _Batch:
    """One poll's context: the team's settings, chats and watches."""

    row: SourceRow
    settings: TeamSettings
    chats: list[int]
    watches: list[Watch]


def _as_stored(
    mention_id: int,
    row: SourceRow,
    mention: Mention,
    verdict: Triage,
    digest: str,
    watch_ids: list[int],
) -> StoredMention:
    return StoredMention(
        id=mention_id,
        team_id=row.team_id,
        source_id=row.id,
        source_kind=row.kind,
        source_label=row.target,
        external_id=mention.external_id,
        url=mention.url,
        title=mention.title,
        text=mention.text,
        author=mention.author,
        rating=mention.rating,
        published_at=mention.published_at,
        detected_at=utcnow(),
        content_hash=digest,
        severity=verdict.severity,
        flags=verdict.flags,
        cues=verdict.cues,
        watch_ids=tuple(watch_ids),
        raw=mention.raw,
    )
