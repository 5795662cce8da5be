"""/capture and the automatic capture of legal-risk mentions, with the real headless Chromium."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.capture import verify_bundle
from bot.capture.evidence import auto_capture, capture_service
from bot.chat.codec import decode_reply
from bot.chat.mention_view import action_buttons
from bot.dates import format_capture_time
from bot.models import Flag, Mention, Severity, Triage
from bot.services import Services
from tests.fakeweb import FakeWeb
from tests.harness import ChatHarness

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Avis</title></head>
<body><h1>Avis sur le Dr Marie Dupont</h1>
<p class="review">Une incompétente, à fuir.</p></body></html>"""


@pytest.fixture
async def engine(services: Services) -> AsyncIterator[None]:
    capture_service(services)
    yield
    await capture_service(services).close()


async def serve_page(web_: FakeWeb) -> str:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    web_.route("/avis", handler)
    return web_.url("/avis")


async def test_capture_of_a_url_is_recorded_and_verifiable(
    chat: ChatHarness, services: Services, team_id: int, engine: None, fakeweb: FakeWeb
) -> None:
    url = await serve_page(fakeweb)
    (answer,) = await chat.say(f"/capture {url}")
    assert "Capture en cours" in "\n".join(r.plain_text for r in chat.progress)
    text = answer.plain_text
    assert "📸 Capture n° 1" in text and "UTC" in text and "SHA-256 du lot" in text
    assert "Preuve solide" in text and "heure de Paris" in text
    assert "Non horodaté" in text  # no VIGIE_TSA_URL: said plainly
    assert "Demandée par : alice (test, identifiant alice)" in text
    names = [a.filename for a in answer.attachments]
    assert "capture.png" in names and any(n.endswith(".zip") for n in names)
    assert any(a.is_image for a in answer.attachments)
    bundle = next(a.path for a in answer.attachments if a.filename.endswith(".zip"))
    assert verify_bundle(bundle).ok
    (record,) = await services.store.captures.of_team(team_id)
    assert record.status == "ok" and record.requested_by == "alice (test, identifiant alice)"
    assert record.bundle_sha256 and record.bundle_sha256 in text
    readme = (bundle.with_suffix("") / "LISEZMOI.txt").read_text(encoding="utf-8")
    assert "Horodatage : ce lot n'est pas horodaté" in readme
    # On the server, verify compares with the hash Vigie recorded, and prints it.
    result = subprocess.run(
        [sys.executable, "-m", "vigie", "verify", str(bundle)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "VIGIE_DATABASE": str(services.settings.database)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"identique à la capture n° 1 enregistrée (SHA-256 {record.bundle_sha256})" in (
        result.stdout
    )
    with zipfile.ZipFile(bundle, "a") as archive:
        archive.writestr("capture.png", b"tampered")
    tampered = subprocess.run(
        [sys.executable, "-m", "vigie", "verify", str(bundle)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert tampered.returncode == 1


async def test_capture_refuses_internal_addresses_politely(
    chat: ChatHarness, services: Services, engine: None
) -> None:
    capture_service(services).policy = type(capture_service(services).policy)(allow_private=False)
    (answer,) = await chat.say("/capture http://169.254.169.254/latest/meta-data/")
    assert "⚠️ Capture incomplète" in answer.plain_text
    assert "Usage" not in answer.plain_text
    assert "Aucun avis n° 99" in await chat.text("/capture #99")


async def test_legal_risk_mention_is_captured_automatically(
    chat: ChatHarness, services: Services, team_id: int, engine: None, fakeweb: FakeWeb
) -> None:
    url = await serve_page(fakeweb)
    store = services.store
    source = await store.sources.add(
        team_id, "page", url, selector=".review", watch_id=None, interval_s=60
    )
    mention_id = await store.mentions.insert(
        team_id,
        Mention(source_id=source, external_id="x", url=url, title=None, text="Une incompétente"),
        content_hash="h",
        triage=Triage(Severity.NEGATIVE, frozenset({Flag.INSULT})),
        watch_ids=[],
        alerts=lambda _id: [],
    )
    mention = await store.mentions.get(team_id, mention_id)
    assert mention is not None
    await auto_capture(services, mention)
    (record,) = await store.captures.for_mention(team_id, mention_id)
    assert record.requested_by == "capture automatique (risque juridique)"
    assert record.status == "ok", record.note
    rows = await store.alerts.due(record.started_at.replace(year=record.started_at.year + 1))
    message = decode_reply(rows[-1].payload)
    assert "Capture automatique" in message.plain_text
    assert "Demandée par : capture automatique (risque juridique)" in message.plain_text
    assert (
        "Preuve solide" in message.plain_text and "encadré dans extrait.png" in message.plain_text
    )
    events = [kind for _, kind, _ in await store.mentions.events(mention_id)]
    assert "captured" in events

    # The Capture button of the alert runs the same capture, in the name of who pressed it.
    (button,) = [b for b in action_buttons(mention, "fr") if b.action == "capture"]
    (pressed,) = await chat.press(button)
    assert "📸 Capture n° 2 de l'avis" in pressed.plain_text
    assert "Demandée par : alice (test, identifiant alice)" in pressed.plain_text
    second = (await store.captures.for_mention(team_id, mention_id))[-1]
    folder = Path(str(second.bundle_path)).with_suffix("")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["operator"] == {
        "platform": "test",
        "user_id": "alice",
        "display_name": "alice",
        "label": "alice (test, identifiant alice)",
    }
    # One instant: the store, the manifest and the chat message agree.
    assert manifest["captured_at_text"] in pressed.plain_text
    assert format_capture_time(second.started_at) == manifest["captured_at_text"]
