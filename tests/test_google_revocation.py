"""A Business Profile access revoked by the account owner gives the team ONE clear alert that
names what to do, not one per poll nor one per listing; Google's token endpoint is not asked
again until someone reconnects — real monitor and outbox, fake Google OAuth on loopback."""

from __future__ import annotations

from adapters.plain import render_plain
from bot.chat.codec import decode_reply
from bot.services import Services
from bot.sources.google_token import load_refresh_token, save_refresh_token, token_path
from bot.watch.monitor import Monitor
from tests.fake_google_apis import CLIENT_ID, FakeGoogle
from tests.google_chats import business_review, google, settings
from tests.harness import ChatHarness

__all__ = ["google", "settings"]


async def alerts(services: Services, team_id: int, kind: str) -> list[str]:
    rows = await services.store.db.fetchall(
        "SELECT payload FROM alerts WHERE team_id = ? AND kind = ?", (team_id, kind)
    )
    return [render_plain(decode_reply(str(r["payload"]))) for r in rows]


async def test_revoked_token_gives_one_alert_not_one_per_poll(
    chat: ChatHarness, services: Services, team_id: int, google: FakeGoogle
) -> None:
    await business_review(services, team_id, google)
    second = google.add_location("1234", "7777", "Cabinet Dupont (annexe)")
    second.review("s1", "FIVE", "Très bien.")
    [watch] = await services.store.watches.active(team_id)
    await services.store.sources.add(
        team_id, "business", second.name, selector=None, watch_id=watch.id, interval_s=1800
    )
    monitor = Monitor(services)
    await services.store.sources.poll_now(team_id)
    await monitor.poll_due()
    path = token_path(services.settings.data_dir)
    refresh = load_refresh_token(path)
    assert refresh is not None
    google.revoke(refresh)
    refused_before = len(google.calls_to("/oauth/token"))
    for _ in range(5):
        await services.store.sources.poll_now(team_id)
        outcomes = await monitor.poll_due()
        assert len(outcomes) == 2 and all(o.error for o in outcomes)
    [alert] = await alerts(services, team_id, "source_failing")
    assert "invalid_grant" in alert and "vigie google connecter" in alert
    assert "VIGIE_GOOGLE_REFRESH_TOKEN" in alert
    # One refused exchange; later polls fail at once without asking Google again.
    assert len(google.calls_to("/oauth/token")) == refused_before + 1
    statut = await chat.text("/statut")
    assert "vigie google connecter" in statut

    # The practice reconnects: a new token file, the listings recover, the team is told once.
    save_refresh_token(path, google.issue_refresh_token(), client_id=CLIENT_ID, scope="x")
    await services.store.sources.poll_now(team_id)
    outcomes = await monitor.poll_due()
    assert all(o.error is None for o in outcomes)
    assert len(await alerts(services, team_id, "source_ok")) == 2
    assert len(await alerts(services, team_id, "source_failing")) == 1


async def test_missing_client_names_the_settings(
    services: Services, team_id: int, google: FakeGoogle
) -> None:
    bare = services.settings.model_copy(update={"google_client_secret": None})
    services.settings = bare
    location = google.add_location("1", "2", "Cabinet")
    location.review("x", "ONE", "Nul.")
    await services.store.sources.add(
        team_id, "business", location.name, selector=None, watch_id=None, interval_s=1800
    )
    [outcome] = await Monitor(services).poll_due()
    assert outcome.error is not None
    assert (
        "VIGIE_GOOGLE_CLIENT_ID" in outcome.error and "VIGIE_GOOGLE_CLIENT_SECRET" in outcome.error
    )
    assert google.calls == []
