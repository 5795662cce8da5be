"""A failed capture never calls itself proof: console, Telegram, Slack and the insurer letter."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from adapters.console import CHAT_ID, ConsoleAdapter
from bot.capture.evidence import capture_service
from bot.models import Flag, Mention, Severity, Triage
from bot.router import Router
from bot.services import Services
from bot.settings import Settings, load_settings
from tests.fake_slack import CHANNEL, FakeSlack, SlackUser
from tests.fake_telegram import LIMITS, FakeTelegram, make_adapter, running
from tests.fakeweb import FakeWeb
from tests.harness import ChatHarness
from tests.slack_app import running_adapter
from vigie.app import make_router, open_services

GROUP = -1005550002
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Avis</title></head>
<body><h1>Avis sur le Dr Marie Dupont</h1>
<p class="review">Une incompétente, à fuir.</p></body></html>"""
NO_CLAIM = ("preuve solide", "est une preuve")


def assert_honest_failure(text: str) -> None:
    """An incomplete capture: says so, says what it proves and what to do, claims no proof."""
    lowered = text.lower()
    assert "capture incomplète" in lowered, text
    assert "ne prouve pas la publication" in lowered, text
    assert "tentative" in lowered and "réessayez" in lowered, text
    assert "commissaire de justice" in lowered, text
    for claim in NO_CLAIM:
        assert claim not in lowered, text


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """No browser reachable: nothing on PATH, and a VIGIE_CHROMIUM_PATH that does not exist."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return load_settings(
        _env_file=None,
        database=tmp_path / "vigie.db",
        data_dir=tmp_path / "data",
        allow_private_urls=True,
        chromium_path=str(tmp_path / "absent" / "chromium"),
    )


@pytest.fixture
async def page_url(fakeweb: FakeWeb) -> str:
    fakeweb.reply("/avis", PAGE, content_type="text/html; charset=utf-8")
    return fakeweb.url("/avis")


@pytest.fixture
async def engine(services: Services) -> AsyncIterator[None]:
    capture_service(services)
    yield
    await capture_service(services).close()


async def test_console_capture_without_browser_is_not_called_proof(
    settings: Settings, page_url: str
) -> None:
    services = await open_services(settings)
    try:
        team = await services.store.teams.default_team("Cabinet")
        await services.store.teams.bind_chat(team, "console", CHAT_ID, by="console")
        out = io.StringIO()
        console = ConsoleAdapter(
            make_router(services), stdin=io.StringIO(f"/capture {page_url}\n"), stdout=out
        )
        await console.run()
        assert_honest_failure(out.getvalue())
        assert "navigateur" in out.getvalue()
    finally:
        if services.capture is not None:
            await capture_service(services).close()
        await services.store.close()


async def test_telegram_capture_without_browser_is_not_called_proof(
    router: Router, services: Services, team_id: int, engine: None, page_url: str
) -> None:
    fake = await FakeTelegram(limits=LIMITS).start()
    try:
        adapter = make_adapter(router, fake)
        async with running(adapter):
            code = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
            fake.say(GROUP, f"/rejoindre {code}")
            await fake.wait_for(lambda c: c.chat_id == GROUP and "reçoit désormais" in c.text)
            fake.say(GROUP, f"/capture {page_url}")
            await fake.wait_for(
                lambda c: c.chat_id == GROUP and "Capture incomplète" in c.text, within=20
            )
            text = "\n".join(c.text for c in fake.sent_to(GROUP))
            assert_honest_failure(text)
    finally:
        await fake.stop()


async def test_slack_capture_without_browser_is_not_called_proof(
    router: Router, services: Services, team_id: int, engine: None, page_url: str
) -> None:
    async with FakeSlack() as fake_slack, running_adapter(router, fake_slack) as adapter:
        url = f"http://127.0.0.1:{adapter.http_port}/slack/events"
        async with aiohttp.ClientSession() as session:
            user = SlackUser(session, url)
            code = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
            assert (await user.command(f"rejoindre {code}")).status == 200
            await adapter.dispatcher.drain()
            assert (await user.command(f"capture {page_url}")).status == 200
            await adapter.dispatcher.drain()
        texts = []
        for message in fake_slack.messages(CHANNEL):
            texts.append(message.get("text", ""))
            for block in message.get("blocks") or []:
                if block["type"] == "section":
                    texts.append(block["text"]["text"])
                if block["type"] == "context":
                    texts.extend(e["text"] for e in block["elements"])
        for call in fake_slack.calls_to("files.completeUploadExternal"):
            texts.append(str(call.get("initial_comment", "")))
        assert_honest_failure("\n".join(texts).replace("*", ""))


async def test_insurer_letter_citing_a_failed_capture_does_not_present_it_as_proof(
    chat: ChatHarness, services: Services, team_id: int, engine: None, page_url: str
) -> None:
    store = services.store
    source = await store.sources.add(
        team_id, "page", page_url, selector=".review", watch_id=None, interval_s=60
    )
    mention_id = await store.mentions.insert(
        team_id,
        Mention(
            source_id=source, external_id="x", url=page_url, title=None, text="Une incompétente"
        ),
        content_hash="h",
        triage=Triage(Severity.NEGATIVE, frozenset({Flag.INSULT})),
        watch_ids=[],
        alerts=lambda _id: [],
    )
    (answer,) = await chat.say(f"/capture #{mention_id}")
    assert_honest_failure(answer.plain_text)
    await chat.say(
        '/reglages praticien nom="Dr Marie Dupont" profession=dermatologue rpps=10001234567 '
        'adresse="3 rue de la République, 69002 Lyon" email=cabinet@exemple.fr'
    )
    await chat.say("/reglages assureur nom=MACSF email=sinistres@exemple.fr contrat=RCP-123")
    letter = await chat.text(f"/assureur {mention_id}")
    assert "Preuves conservées" in letter
    assert "Aucune capture complète de la publication n'a pu être réalisée" in letter
    assert "tentative échouée (navigateur indisponible)" in letter
    assert "ne prouve pas à elle seule la publication" in letter
    assert "constat par un commissaire de justice" in letter
    assert "sont à votre disposition" not in letter  # no claim that evidence is on file
