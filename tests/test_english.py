"""A team set to English reads no French: every command, alert kind and error message."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import timedelta

from aiohttp import web

from bot.chat.types import Reply, SpanStyle
from bot.clock import utcnow
from bot.notify.reminders import send_due_reminders
from bot.notify.weekly import send_due_digests
from bot.router import Router
from bot.services import Services
from tests.fakeweb import FakeWeb
from tests.feeds import Item, atom
from tests.harness import ChatHarness
from tests.test_monitor import make_engines, poll_and_deliver

# Words and letters that only French sentences have (names and quoted reviews are skipped).
FRENCH = re.compile(
    r"[éèêàùçôîœ«»]|\b(le|la|les|des|du|une|est|pour|avec|aucun|aucune|votre|vos|vous|pas|sur|"
    r"dans|ou|et|nom|avis|équipe|réglages|commande|exemple|syntaxe)\b",
    re.IGNORECASE,
)
# Commands and their arguments are the same words in every language (/reglages praticien nom=…).
COMMAND = re.compile(r"(?<!\w)/[a-z]+[^\n]*")
# Words quoted in English text are data: a review's words, a typed value, a command word.
QUOTED = re.compile(r"“[^”]*”")
# What a team's own data may contain in any language: names, cities, specialties, commands.
DATA = ("Marie Dupont", "Dupont", "dermatologue", "Lyon", "Cabinet Test", "MACSF")


def french_in(reply: Reply) -> list[str]:
    """The French fragments of a reply's own words (code, quotes and links' targets skipped)."""
    found: list[str] = []
    for span in reply.spans:
        if span.style in (SpanStyle.CODE, SpanStyle.QUOTE):
            continue
        text = QUOTED.sub("", COMMAND.sub("", span.text))
        for data in DATA:
            text = text.replace(data, "")
        found += [f"{m.group(0)!r} in {span.text!r}" for m in FRENCH.finditer(text)]
    for button in reply.buttons:
        found += [
            f"{m.group(0)!r} in button {button.label!r}" for m in FRENCH.finditer(button.label)
        ]
    return found


COMMANDS = [
    "",
    "/nimportequoi",
    "/aide",
    "/aide surveiller",
    "/aide inconnue",
    "/surveiller",
    "/surveiller Dr Marie Dupont, dermatologue, Lyon",
    "/surveiller Dr Marie Dupont, dermatologue, Lyon",
    "/liste",
    "/liste 2",
    "/retirer",
    "/retirer 99",
    "/source",
    "/source flux pas-une-url",
    "/source page https://exemple.fr",
    "/source google ABC",
    "/source retirer 99",
    "/avis",
    "/avis risque",
    "/avis ouverts",
    "/avis 99",
    "/traite",
    "/traite 99",
    "/capture",
    "/capture #99",
    "/assureur",
    "/assureur 99",
    "/assureur garantie",
    "/signaler 99",
    "/repondre 99",
    "/dossier 99",
    "/statut",
    "/reglages",
    "/reglages silence 25:00",
    "/reglages resume jamais-jour",
    "/reglages langue xx",
    "/reglages inconnue",
    "/reglages praticien nom=",
    "/rejoindre",
    "/rejoindre ABC-DEF",
    "/surveiller " + "x" * 5000,
    "x" * 9000,
]


async def test_every_command_and_error_in_english_has_no_french(chat: ChatHarness) -> None:
    await chat.say("/reglages langue en")
    problems: list[str] = []
    for command in COMMANDS:
        for reply in await chat.say(command):
            problems += [f"{command[:40]}: {p}" for p in french_in(reply)]
    assert problems == [], "\n".join(problems)


async def test_every_alert_kind_in_english_has_no_french(
    chat: ChatHarness, services: Services, fakeweb: FakeWeb, team_id: int
) -> None:
    await chat.say("/reglages langue en")
    monitor, delivery, transport = make_engines(services, fakeweb)
    items = [Item("a1", "Forum", "Le Dr Marie Dupont, dermatologue à Lyon, très à l'écoute.")]
    broken = {"now": False}

    async def handler(request: web.Request) -> web.Response:
        if broken["now"]:
            return web.Response(status=500)
        return web.Response(text=atom(items), content_type="application/atom+xml")

    fakeweb.route("/alerts", handler)
    await chat.say("/surveiller Dr Marie Dupont, dermatologue, Lyon")
    await chat.say(f"/source flux {fakeweb.url('/alerts')}")
    await poll_and_deliver(monitor, delivery)  # baseline
    items.append(Item("a2", "Forum", "Le Dr Marie Dupont de Lyon est une voleuse, à fuir."))
    await poll_and_deliver(monitor, delivery)  # legal-risk mention
    items[1] = Item("a2", "Forum", "Le Dr Marie Dupont de Lyon est une menteuse et une voleuse.")
    await poll_and_deliver(monitor, delivery)  # edited
    broken["now"] = True
    for _ in range(3):
        await poll_and_deliver(monitor, delivery)  # failing source
    broken["now"] = False
    await poll_and_deliver(monitor, delivery)  # back
    store = services.store
    [risky] = await store.mentions.latest(team_id, limit=1, risky_only=True)
    old = utcnow() - timedelta(days=70)
    await store.db.conn.execute(
        "UPDATE mentions SET detected_at = ?, published_at = ? WHERE id = ?",
        (old.isoformat(), old.isoformat(), risky.id),
    )
    await send_due_reminders(services)
    await store.teams.set_digest_sent(team_id, utcnow() - timedelta(days=8))
    assert await send_due_digests(services) == 1
    await delivery.send_due()
    kinds = [reply.plain_text.split("\n")[0].split(":")[0] for _, reply in transport.sent]
    assert kinds == [
        "📋 Source added",
        "🚨 Legal-risk mention",
        "✏️ Mention edited",
        "⚠️ Source failing",
        "✅ Source back",
        "⏳ Reminder",
        kinds[-1],
    ]
    assert "digest" in kinds[-1].lower() or "week" in kinds[-1].lower(), kinds[-1]
    problems = [p for _, reply in transport.sent for p in french_in(reply)]
    assert problems == [], "\n".join(problems)


async def test_the_console_banner_follows_the_team_language(
    router: Router, services: Services, team_id: int
) -> None:
    from adapters.console import CHAT_ID, PLATFORM, ConsoleAdapter

    await services.store.teams.bind_chat(team_id, PLATFORM, CHAT_ID, by="console")
    settings = await services.store.teams.settings(team_id)
    await services.store.teams.save_settings(replace(settings, language="en"))
    out = io.StringIO()
    await ConsoleAdapter(router, stdin=io.StringIO("/traite 99\n"), stdout=out).run()
    banner, answer = out.getvalue().splitlines()[:2]
    assert banner.startswith("Vigie — console. Type /aide") and "No mention #99" in answer


async def test_a_capture_answer_in_english_has_no_french(
    chat: ChatHarness, services: Services, fakeweb: FakeWeb
) -> None:
    """No browser reachable: the answer still says, in English, that it proves only an attempt."""
    import os

    from bot.capture.evidence import capture_service

    nowhere = services.settings.data_dir / "absent"
    services.settings = services.settings.model_copy(
        update={"chromium_path": str(nowhere / "chromium"), "allow_private_urls": True}
    )
    fakeweb.reply(
        "/review", "<html><body><p>Très bien.</p></body></html>", content_type="text/html"
    )
    await chat.say("/reglages langue en")
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = str(nowhere)  # nor a chromium on PATH
    try:
        replies = await chat.say(f"/capture {fakeweb.url('/review')}")
    finally:
        os.environ["PATH"] = path
        await capture_service(services).close()
    text = "\n".join(reply.plain_text for reply in replies)
    assert "Incomplete capture" in text and "does not prove publication" in text, text
    assert "no browser is available" in text and "Check the bundle" in text, text
    problems = [p for reply in replies for p in french_in(reply)]
    assert problems == [], "\n".join(problems)
    captions = [a.caption for reply in replies for a in reply.attachments]
    assert captions and not [c for c in captions if FRENCH.search(c)], captions
