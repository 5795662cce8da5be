"""A poll's writes: a mention with its rows in one hand-off, a cycle's 304s in one statement."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.chat.types import Urgency
from bot.clock import utcnow
from bot.models import Mention, Severity, Triage, WatchKind
from bot.store import NewAlert, SourceSuccess, Store


async def _setup(tmp_path: Path) -> tuple[Store, int, int, int]:
    store = await Store.open(tmp_path / "v.db")
    team = await store.teams.create("A")
    chat = await store.teams.bind_chat(team, "test", "c1")
    source = await store.sources.add(
        team, "feed", "https://e.fr/f", selector=None, watch_id=None, interval_s=60
    )
    return store, team, chat.id, source


async def test_a_new_mention_and_its_rows_are_written_together_or_not_at_all(
    tmp_path: Path,
) -> None:
    store, team, chat, source = await _setup(tmp_path)
    mention = Mention(source_id=source, external_id="a", url=None, title=None, text="Un")

    def alerts(mention_id: int) -> list[NewAlert]:
        return [NewAlert(chat, "new", f'{{"m": {mention_id}}}', Urgency.NORMAL)]

    watch = (await store.watches.add(team, "Marie Dupont", WatchKind.PRACTITIONER)).id
    mention_id = await store.mentions.insert(
        team, mention, content_hash="h", triage=Triage(severity=Severity.NEUTRAL),
        watch_ids=[watch], alerts=alerts,
    )  # fmt: skip
    stored = await store.mentions.get(team, mention_id)
    assert stored is not None and stored.watch_ids == (watch,)
    assert [kind for _, kind, _ in await store.mentions.events(mention_id)] == ["detected"]
    assert await store.alerts.counts(team) == {"pending": 1}

    def broken(mention_id: int) -> list[NewAlert]:
        raise RuntimeError("renderer crashed")

    other = Mention(source_id=source, external_id="b", url=None, title=None, text="Deux")
    with pytest.raises(RuntimeError):
        await store.mentions.insert(
            team, other, content_hash="h2", triage=Triage(severity=Severity.NEUTRAL),
            watch_ids=[watch], alerts=broken,
        )  # fmt: skip
    assert await store.mentions.known(source, "b") is None  # its rows went with it
    assert await store.alerts.counts(team) == {"pending": 1}
    await store.close()


async def test_not_modified_sources_are_recorded_in_one_statement(tmp_path: Path) -> None:
    store, team, _, source = await _setup(tmp_path)
    other = await store.sources.add(
        team, "feed", "https://e.fr/g", selector=None, watch_id=None, interval_s=60
    )
    later = utcnow() + timedelta(hours=2)
    await store.polls.record_successes(
        [
            SourceSuccess(source, '{"etag": "1"}', later),
            SourceSuccess(other, '{"etag": "2"}', later),
        ]
    )
    states = {(r.id, r.state) for r in await store.sources.active(team)}
    assert states == {(source, '{"etag": "1"}'), (other, '{"etag": "2"}')}
    assert await store.sources.due(utcnow()) == []
    await store.close()
