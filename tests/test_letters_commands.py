"""Letters, guidance, case files and reminders through the real router and store."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path

from bot.chat.codec import decode_reply
from bot.models import Flag, Mention, Severity, Triage
from bot.notify.reminders import send_due_reminders
from bot.services import Services
from tests.harness import ChatHarness


async def risky_mention(services: Services, team_id: int, *, published: datetime | None) -> int:
    store = services.store
    source = await store.sources.add(
        team_id, "places", "ChIJtest", selector=None, watch_id=None, interval_s=3600
    )
    watches = await store.watches.active(team_id)
    return await store.mentions.insert(
        team_id,
        Mention(
            source_id=source,
            external_id="places/ChIJtest/reviews/1",
            url="https://maps.google.com/?review=1",
            title=None,
            text="Ce médecin est un escroc <script>x</script>, il a falsifié mes ordonnances.",
            author="Anonyme",
            rating=1,
            published_at=published,
        ),
        content_hash="h",
        triage=Triage(Severity.NEGATIVE, frozenset({Flag.INSULT, Flag.DEFAMATION})),
        watch_ids=[w.id for w in watches],
        alerts=lambda _id: [],
    )


async def configure(chat: ChatHarness) -> None:
    await chat.say("/surveiller Dr Marie Dupont, dermatologue, Lyon")
    await chat.say(
        '/reglages praticien nom="Dr Marie Dupont" profession=dermatologue rpps=10001234567 '
        'adresse="1 rue de la Paix, 69001 Lyon" email=cabinet@exemple.fr'
    )
    await chat.say("/reglages assureur nom=MACSF email=sinistres@exemple.fr contrat=RCP-123")


async def test_insurer_letter_needs_settings_then_comes_as_text_eml_and_docx(
    chat: ChatHarness, services: Services, team_id: int
) -> None:
    await chat.say("/surveiller Dr Marie Dupont, dermatologue, Lyon")
    mention_id = await risky_mention(services, team_id, published=datetime(2026, 11, 1, tzinfo=UTC))
    refused = await chat.text(f"/assureur #{mention_id}")
    assert "/reglages assureur" in refused and "/reglages praticien" in refused
    await configure(chat)
    replies = await chat.say(f"/assureur {mention_id}")
    text = "\n".join(r.plain_text for r in replies)
    assert "sinistres@exemple.fr" in text and "RCP-123" in text and "10001234567" in text
    assert "1er février 2027" in text  # 1 Nov 2026 + 3 months
    files = {a.filename: a.path for r in replies for a in r.attachments}
    eml = next(p for n, p in files.items() if n.endswith(".eml"))
    message = message_from_bytes(Path(eml).read_bytes())
    assert message["To"] == "MACSF <sinistres@exemple.fr>"
    assert any(n.endswith(".docx") for n in files)
    assert zipfile.is_zipfile(next(p for n, p in files.items() if n.endswith(".docx")))
    events = [kind for _, kind, _ in await services.store.mentions.events(mention_id)]
    assert "insurer_letter" in events


async def test_notice_guidance_coverage_and_case_file(
    chat: ChatHarness, services: Services, team_id: int
) -> None:
    await configure(chat)
    mention_id = await risky_mention(services, team_id, published=None)
    notice = await chat.text(f"/signaler {mention_id}")
    assert "2022/2065" in notice and "https://maps.google.com/?review=1" in notice
    guidance = await chat.text(f"/repondre {mention_id}")
    assert "assureur" in guidance.lower()
    coverage = await chat.text("/assureur garantie")
    assert "e-réputation" in coverage
    replies = await chat.say(f"/dossier {mention_id}")
    (attachment,) = replies[0].attachments
    with zipfile.ZipFile(attachment.path) as bundle:
        names = bundle.namelist()
    assert any("mention" in n for n in names) and any(
        "chronologie" in n or "timeline" in n for n in names
    )
    assert "2 courrier(s)" in replies[0].plain_text
    other = await services.store.teams.create("Autre")
    foreign = await risky_mention(services, other, published=None)
    assert "Aucun avis" in await chat.text(f"/dossier {foreign}")


async def test_reminders_at_30_and_7_days_until_handled(
    chat: ChatHarness, services: Services, team_id: int
) -> None:
    await configure(chat)
    now = datetime.now(UTC)
    # Published 2 months and 5 days ago: about 25 days left, inside the 30-day mark.
    mention_id = await risky_mention(services, team_id, published=now - timedelta(days=66))
    assert await send_due_reminders(services) == 1
    assert await send_due_reminders(services) == 0  # not twice for the same mark
    rows = await services.store.alerts.due(now + timedelta(seconds=5))
    reminder = decode_reply(rows[-1].payload)
    assert "Rappel" in reminder.plain_text and f"/traite {mention_id}" in reminder.plain_text
    await chat.say(f"/traite {mention_id}")
    marks = [d for _, k, d in await services.store.mentions.events(mention_id) if k == "reminder"]
    assert marks == ["30"]
    assert await send_due_reminders(services) == 0
