"""Letters ready to send, through the real commands after a real capture of a review page."""

from __future__ import annotations

import email
import io
import zipfile
from collections.abc import AsyncIterator
from email import policy
from pathlib import Path

import docx
import pytest

from bot.capture.evidence import capture_service
from bot.documents.enclosures import enclosures_for
from bot.models import Flag, Mention
from bot.services import Services
from bot.triage.classify import triage
from tests.fakeweb import FakeWeb
from tests.harness import ChatHarness

PAGES = Path(__file__).parent / "capture_pages"
ISOLATES = set("\u2066\u2067\u2068\u2069")
HOSTILE = "Cette praticienne est une incompétente notoire qui a ruiné ma peau."


@pytest.fixture
async def engine(services: Services) -> AsyncIterator[None]:
    capture_service(services)
    yield
    await capture_service(services).close()


async def test_insurer_letter_is_ready_to_send(
    chat: ChatHarness, services: Services, team_id: int, engine: None, fakeweb: FakeWeb
) -> None:
    fakeweb.reply("/avis", (PAGES / "sticky.html").read_bytes(), content_type="text/html")
    fakeweb.reply("/sticky.css", (PAGES / "sticky.css").read_bytes(), content_type="text/css")
    url = fakeweb.url("/avis")
    store = services.store
    source = await store.sources.add(
        team_id, "page", url, selector=".review", watch_id=None, interval_s=60
    )
    mention_id = await store.mentions.insert(
        team_id,
        # The source gave no author: the letter must take the pseudonym from the page.
        Mention(source_id=source, external_id="a2", url=url, title=None, text=HOSTILE),
        content_hash="h",
        triage=triage(HOSTILE),  # the real triage: its cues are single words
        watch_ids=[],
        alerts=lambda _id: [],
    )
    mention = await store.mentions.get(team_id, mention_id)
    assert mention is not None and mention.author is None and Flag.INSULT in mention.flags
    (captured,) = await chat.say(f"/capture #{mention_id}")
    assert "Preuve solide" in captured.plain_text, captured.plain_text
    await chat.say(
        '/reglages praticien nom="Dr Marie Dupont" profession=dermatologue rpps=10001234567 '
        'adresse="3 rue de la République, 69002 Lyon" email=cabinet@exemple.fr'
    )
    await chat.say(
        "/reglages assureur nom=MACSF email=sinistres@exemple.fr contrat=RCP-123 "
        'adresse="10 cours du Triangle, 92800 Puteaux"'
    )
    replies = await chat.say(f"/assureur {mention_id}")
    files = {a.filename: a.path.read_bytes() for r in replies for a in r.attachments}
    eml_name = next(n for n in files if n.endswith(".eml"))
    message = email.message_from_bytes(files[eml_name], policy=policy.default)
    attached = {part.get_filename(): part.get_content_type() for part in message.iter_attachments()}
    record = (await store.captures.for_mention(team_id, mention_id))[-1]
    assert attached == {
        f"capture-{record.id}-page.pdf": "application/pdf",
        f"capture-{record.id}-extrait.png": "image/png",
    }
    body = message.get_body(("plain",)).get_content()
    assert "Pièces jointes :" in body
    assert f"1. capture-{record.id}-page.pdf" in body
    assert f"2. capture-{record.id}-extrait.png" in body
    assert "Patient_mecontent69 (pseudonyme relevé sur la page capturée)" in body
    assert "Plateforme : Avis — Dr Marie Dupont" in body  # the site's name, not a bare IP
    assert "Plateforme : 127.0.0.1" not in body
    assert f"« {HOSTILE} »" in body  # the whole sentence, not the lone word
    document = docx.Document(io.BytesIO(files[eml_name.replace(".eml", ".docx")]))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Lyon, le " in paragraphs[2]
    assert "10 cours du Triangle, 92800 Puteaux" in paragraphs[1]
    assert paragraphs[3].startswith("Lettre recommandée avec accusé de réception")
    assert "recommandée" not in body  # only the postal letter is registered
    everything = "\n".join(paragraphs) + body

    # The case file: the timeline and letters carry no invisible bidi isolate.
    (case,) = await chat.say(f"/dossier {mention_id}")
    with zipfile.ZipFile(case.attachments[0].path) as archive:
        for name in archive.namelist():
            if name.endswith((".txt", ".json", ".html", ".eml")):
                everything += archive.read(name).decode("utf-8", errors="replace")
            if name.endswith(".docx"):
                inner = docx.Document(io.BytesIO(archive.read(name)))
                everything += "\n".join(p.text for p in inner.paragraphs)
    assert not ISOLATES & set(everything)

    # Past the size cap nothing is attached; the letter says where the bundle is.
    withheld = enclosures_for([record], "fr", cap=1000)
    assert withheld.pieces == () and withheld.withheld_bytes > 1000
    assert withheld.bundle_name == Path(str(record.bundle_path)).name
