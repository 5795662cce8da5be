"""`vigie google connecter`: consent through the loopback redirect (browser) or a pasted address
(server without a browser), token stored mode 0600, locations listed and one chosen — against a
fake Google OAuth and Business Profile on loopback."""

from __future__ import annotations

import asyncio
import io
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TextIO
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from bot.models import WatchKind
from bot.services import Services
from bot.settings import Settings
from bot.sources.google_token import load_refresh_token, token_path
from tests.fake_google_apis import CLIENT_ID, FakeGoogle
from tests.google_chats import google, settings
from vigie.google_connect import ConnectError, authorise, choose_location, code_from, run_connect

__all__ = ["google", "settings"]


def consent_params(out: io.StringIO) -> dict[str, str]:
    line = next(x for x in out.getvalue().splitlines() if x.startswith("https://accounts.google"))
    return {k: v[0] for k, v in parse_qs(urlsplit(line).query).items()}


async def wait_for_text(out: io.StringIO, text: str) -> None:
    for _ in range(500):
        if text in out.getvalue():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{text!r} never printed:\n{out.getvalue()}")


class Keyboard:
    """A terminal's standard input the test types into, line by line."""

    def __init__(self) -> None:
        read_fd, write_fd = os.pipe()
        self.stdin: TextIO = os.fdopen(read_fd, "r", encoding="utf-8")
        self._writer = os.fdopen(write_fd, "w", encoding="utf-8")

    def type(self, text: str) -> None:
        self._writer.write(text)
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()
        self.stdin.close()


def pipe() -> tuple[TextIO, Callable[[str], None]]:
    keyboard = Keyboard()
    KEYBOARDS.append(keyboard)
    return keyboard.stdin, keyboard.type


KEYBOARDS: list[Keyboard] = []


@pytest.fixture(autouse=True)
def _close_keyboards() -> object:
    yield
    while KEYBOARDS:
        KEYBOARDS.pop().close()


async def test_server_without_browser_pastes_the_redirect_address(
    settings: Settings, services: Services, team_id: int, google: FakeGoogle
) -> None:
    google.add_location("1234", "5678", "Cabinet Dupont")
    google.add_location("1234", "9999", "Cabinet Dupont (annexe)")
    google.one_location_per_page = True  # the second location is on a second page
    google.grant_code("code-1")
    watch = await services.store.watches.add(team_id, "Cabinet Dupont", WatchKind.PRACTICE)
    stdin, type_in = pipe()
    out = io.StringIO()
    task = asyncio.create_task(run_connect(settings, browser=False, stdin=stdin, stdout=out))
    await wait_for_text(out, "Adresse : ")
    params = consent_params(out)
    assert params["client_id"] == CLIENT_ID and params["access_type"] == "offline"
    assert params["scope"] == "https://www.googleapis.com/auth/business.manage"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["redirect_uri"].startswith("http://127.0.0.1:")
    # The browser on another computer ends on the server's loopback address: pasted here.
    type_in(f"{params['redirect_uri']}?state={params['state']}&code=code-1&scope=x\n")
    await wait_for_text(out, "Numéro de l'établissement")
    type_in("2\n")
    await wait_for_text(out, "Numéro du nom")
    type_in("1\n")
    assert await asyncio.wait_for(task, 10) == 0
    text = out.getvalue()
    assert "1. Cabinet Dupont — Compte 1234  (1234/5678)" in text
    assert "✅ Fiche « Cabinet Dupont (annexe) » suivie pour Cabinet Dupont" in text
    path = token_path(settings.data_dir)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_refresh_token(path) in google.refresh_tokens
    exchange, refresh = google.calls_to("/oauth/token")  # the code, then the listing's token
    assert refresh.form()["grant_type"] == "refresh_token"
    form = exchange.form()
    assert form["grant_type"] == "authorization_code" and form["code"] == "code-1"
    assert form["redirect_uri"] == params["redirect_uri"] and len(form["code_verifier"]) >= 43
    [row] = await services.store.sources.active(team_id)
    assert (row.kind, row.target, row.watch_id) == (
        "business",
        "accounts/1234/locations/9999",
        watch.id,
    )
    first, second = google.calls_to("/info/v1/accounts/1234/locations")
    assert first.query["readMask"] == "name,title,storefrontAddress"
    assert second.query["pageToken"] == "1"


async def test_loopback_redirect_with_a_browser(
    settings: Settings, services: Services, team_id: int, google: FakeGoogle
) -> None:
    google.add_location("1234", "5678", "Cabinet Dupont")
    google.grant_code("code-2")
    opened: list[str] = []

    async def browser_follows(url: str) -> None:
        params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        back = f"{params['redirect_uri']}?state={params['state']}&code=code-2"
        async with aiohttp.ClientSession() as session, session.get(back) as answer:
            assert answer.status == 200
            assert "vous pouvez fermer cet onglet" in await answer.text()

    tasks: list[asyncio.Task[None]] = []

    def open_browser(url: str) -> bool:
        opened.append(url)
        tasks.append(asyncio.get_running_loop().create_task(browser_follows(url)))
        return True

    out = io.StringIO()
    refresh = await authorise(
        settings,
        browser=True,
        port=0,
        stdin=io.StringIO(""),
        stdout=out,
        open_browser=open_browser,
    )
    await asyncio.gather(*tasks)
    assert len(opened) == 1 and refresh in google.refresh_tokens
    assert "Navigateur ouvert" in out.getvalue()
    # No watched name yet: the location is named, with the command to type in the chat.
    out = io.StringIO()
    target = await choose_location(services, team_id, stdin=io.StringIO("1\n"), stdout=out)
    assert target == "accounts/1234/locations/5678"
    assert "/source fiche 1234/5678 pour 1" in out.getvalue()


async def test_missing_client_and_refused_code_are_explained(
    tmp_path: Path, settings: Settings, google: FakeGoogle
) -> None:
    bare = settings.model_copy(update={"google_client_id": None})
    err = io.StringIO()
    with pytest.raises(ConnectError) as caught:
        await authorise(bare, browser=False, port=0, stdin=io.StringIO(""), stdout=err)
    assert "VIGIE_GOOGLE_CLIENT_ID" in str(caught.value) and "Application de bureau" in str(
        caught.value
    )
    out = io.StringIO()
    stdin, type_in = pipe()
    task = asyncio.create_task(authorise(settings, browser=False, port=0, stdin=stdin, stdout=out))
    await wait_for_text(out, "Adresse : ")
    params = consent_params(out)
    type_in(f"{params['redirect_uri']}?state={params['state']}&code=jamais-delivre\n")
    with pytest.raises(ConnectError) as refused:
        await asyncio.wait_for(task, 10)
    assert "VIGIE_GOOGLE_CLIENT_SECRET" in str(refused.value)
    assert not token_path(settings.data_dir).exists()


def test_pasted_addresses_are_checked() -> None:
    assert code_from("4/0AbCd", "s") == "4/0AbCd"
    assert code_from("http://127.0.0.1:8080/?state=s&code=abc", "s") == "abc"
    with pytest.raises(ConnectError, match="state"):
        code_from("http://127.0.0.1:8080/?state=autre&code=abc", "s")
    with pytest.raises(ConnectError, match="access_denied"):
        code_from("http://127.0.0.1:8080/?error=access_denied&state=s", "s")


def test_the_command_line_explains_a_missing_client(tmp_path: Path) -> None:
    from tests.test_cli import run_cli

    result = run_cli(["google", "connecter", "--sans-navigateur"], tmp_path)
    assert result.returncode == 2
    assert "VIGIE_GOOGLE_CLIENT_ID" in result.stderr and "Traceback" not in result.stderr
    bare = run_cli(["google"], tmp_path)
    assert bare.returncode == 2 and "vigie google connecter" in bare.stderr


def test_the_stored_token_counts_for_the_start_report_and_doctor(settings: Settings) -> None:
    from vigie.ops.checks import Status, keys

    def business() -> tuple[Status, str]:
        [check] = [c for c in keys(settings) if c.name == "Google Business Profile"]
        return check.status, check.detail

    save_path = token_path(settings.data_dir)
    assert business()[0] is Status.FAIL  # client set, no token yet: incomplete
    from bot.sources.google_token import save_refresh_token

    save_refresh_token(save_path, "1//stored", client_id=CLIENT_ID, scope="x")
    assert business() == (Status.OK, "accès OAuth présent")
