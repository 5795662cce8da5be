"""`vigie purge` as the server's admin runs it (a real subprocess on the real store): open cases
and their evidence are kept unless named, and what was purged never comes back as an alert."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from aiohttp import web

from bot.clock import utcnow
from bot.models import WatchKind
from bot.services import Services
from bot.settings import Settings
from bot.sources import SourceConfig
from bot.watch.monitor import Monitor
from tests.fakeweb import FakeWeb
from tests.feeds import Item, atom

INSULT = "Le Dr Marie Dupont, dermatologue à Lyon, est une voleuse et une incapable."
PRAISE = "Le Dr Marie Dupont, dermatologue à Lyon, est attentive et très douce."
OLD = "2025-01-10T10:00:00Z"  # the press-law limit passed long ago


def purge(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")} | {
        "VIGIE_DATABASE": str(settings.database),
        "VIGIE_DATA_DIR": str(settings.data_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "vigie", "purge", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        cwd=settings.database.parent,
    )


async def test_purge_keeps_open_cases_and_evidence_and_never_resurrects_what_it_removed(
    services: Services, settings: Settings, team_id: int, fakeweb: FakeWeb
) -> None:
    store = services.store
    recent = (utcnow() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    items: list[Item] = []

    async def feed(request: web.Request) -> web.Response:
        return web.Response(text=atom(items), content_type="application/atom+xml")

    fakeweb.route("/alerts", feed)
    chat = await store.teams.bind_chat(team_id, "test", "chat-1")
    await store.watches.add(
        team_id, "Marie Dupont", WatchKind.PRACTITIONER, title="Dr", city="Lyon"
    )
    await store.sources.add(
        team_id, "feed", fakeweb.url("/alerts"), selector=None, watch_id=None, interval_s=900
    )
    monitor = Monitor(services, config=SourceConfig(allow_private=True, timeout_s=3))
    await monitor.rebuild_matcher()
    await monitor.poll_due()  # baseline: nothing online yet
    items += [
        Item("a-open", "Avis A", INSULT, published=OLD),  # legal risk, never handled
        Item("b-recent", "Avis B", INSULT + " (B)", published=recent),  # handled, limit ahead
        Item("c-closed", "Avis C", INSULT + " (C)", published=OLD),  # handled, limit passed
        Item("d-praise", "Avis D", PRAISE, published=OLD),  # no legal risk
    ]
    await store.sources.poll_now(team_id)
    [outcome] = await monitor.poll_due()
    assert outcome.new == 4
    by_title = {m.title: m for m in await store.mentions.all_of(team_id)}
    a, b, c, d = (by_title[f"Avis {x}"] for x in "ABCD")
    assert a.flags and b.flags and c.flags and not d.flags
    await store.mentions.mark_handled(team_id, b.id, by="alice")
    await store.mentions.mark_handled(team_id, c.id, by="alice")
    capture = await store.captures.record(
        team_id,
        mention_id=a.id,
        url="https://forum.exemple.fr/t/1",
        requested_by="alice",
        started_at=utcnow(),
        finished_at=utcnow(),
        bundle_path=str(settings.data_dir / "captures" / "a.zip"),
        screenshot_sha256="0" * 64,
        bundle_sha256="1" * 64,
        status="ok",
    )
    tomorrow = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%d")

    asked = purge(settings, "--before", tomorrow)
    assert asked.returncode == 1 and "Traceback" not in asked.stderr
    assert "2 avis" in asked.stderr and "conserv" in asked.stderr
    assert {m.id for m in await store.mentions.all_of(team_id)} == {a.id, b.id, c.id, d.id}

    done = purge(settings, "--before", tomorrow, "--yes")
    assert done.returncode == 0, done.stderr
    said = done.stdout
    assert "2 avis supprimé" in said
    assert f"n° {a.id}" in said and "risque juridique non traité" in said
    assert f"n° {b.id}" in said and "délai pour agir" in said
    assert f"--include {a.id}" in said or "--include" in said
    assert {m.id for m in await store.mentions.all_of(team_id)} == {a.id, b.id}
    [kept_capture] = await store.captures.for_mention(team_id, a.id)
    assert kept_capture.id == capture

    # The purged reviews are still online: the next poll must not alert them again.
    alerts_before = sum((await store.alerts.counts(team_id)).values())
    await store.sources.poll_now(team_id)
    [again] = await monitor.poll_due()
    assert again.error is None and again.new == 0 and again.edited == 0
    assert {m.id for m in await store.mentions.all_of(team_id)} == {a.id, b.id}
    assert sum((await store.alerts.counts(team_id)).values()) == alerts_before

    # Named explicitly, an open case goes too, and stays gone.
    named = purge(settings, "--before", tomorrow, "--yes", "--include", str(a.id))
    assert named.returncode == 0, named.stderr
    assert {m.id for m in await store.mentions.all_of(team_id)} == {b.id}
    await store.sources.poll_now(team_id)
    [last] = await monitor.poll_due()
    assert last.new == 0
    assert chat.team_id == team_id
