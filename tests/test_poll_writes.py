"""A poll's writes go in one transaction: mentions, events, alerts and the source, or nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.chat.types import Urgency
from bot.clock import utcnow
from bot.models import Mention, Severity, Triage
from bot.store import EditRow, NewAlert, NewMentionRow, SourceSuccess, Store


async def _setup(tmp_path: Path) -> tuple[Store, int, int, int]:
    store = await Store.open(tmp_path / "v.db")
    team = await store.teams.create("A")
    chat = await store.teams.bind_chat(team, "test", "c1")
    source = await store.sources.add(
        team, "feed", "https://e.fr/f", selector=None, watch_id=None, interval_s=60
    )
    return store, team, chat.id, source


def _row(source: int, ext: str, text: str) -> NewMentionRow:
    mention = Mention(source_id=source, external_id=ext, url=None, title=None, text=text)
    return NewMentionRow(mention, f"h-{ext}", Triage(severity=Severity.NEUTRAL), ())


async def test_new_mentions_their_alerts_and_the_source_success_are_written_together(
    tmp_path: Path,
) -> None:
    store, team, chat, source = await _setup(tmp_path)
    seen: list[int] = []

    def alerts(ids: list[int]) -> list[list[NewAlert]]:
        seen.extend(ids)
        return [[NewAlert(chat, "new", f'{{"m": {i}}}', Urgency.NORMAL)] for i in ids]

    later = utcnow() + timedelta(hours=1)
    ids = await store.polls.record(
        team,
        new=[_row(source, "a", "Un"), _row(source, "b", "Deux")],
        new_alerts=alerts,
        success=SourceSuccess(source, '{"etag": "x"}', later),
    )
    assert ids == seen and len(set(ids)) == 2
    assert await store.mentions.known(source, "b") == (ids[1], "h-b")
    assert await store.alerts.counts(team) == {"pending": 2}
    row = await store.sources.get(source)
    assert row is not None and row.baseline_done and row.state == '{"etag": "x"}'
    assert [kind for _, kind, _ in await store.mentions.events(ids[0])] == ["detected"]

    edited = Mention(source_id=source, external_id="a", url=None, title=None, text="Un bis")
    await store.polls.record(
        team,
        edits=[
            EditRow(ids[0], edited, "h-a2", Triage(severity=Severity.NEGATIVE), "note 5 → 1",
                    [NewAlert(chat, "edited", "{}", Urgency.URGENT)]),
        ],
    )  # fmt: skip
    stored = await store.mentions.get(team, ids[0])
    assert stored is not None and stored.text == "Un bis" and stored.content_hash == "h-a2"
    assert await store.alerts.counts(team) == {"pending": 3}
    await store.close()


async def test_a_failure_while_building_alerts_writes_nothing(tmp_path: Path) -> None:
    store, team, _, source = await _setup(tmp_path)

    def broken(ids: list[int]) -> list[list[NewAlert]]:
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError):
        await store.polls.record(
            team,
            new=[_row(source, "a", "Un")],
            new_alerts=broken,
            success=SourceSuccess(source, "{}", utcnow()),
        )
    assert await store.mentions.known(source, "a") is None
    row = await store.sources.get(source)
    assert row is not None and not row.baseline_done  # the source stays due, nothing half-done
    assert await store.alerts.counts(team) == {}
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
