"""`vigie doctor` against fake Telegram, Slack, Google and TSA servers: each ✓ and each ✗."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from pathlib import Path

import yaml

from bot.settings import load_settings
from tests import fake_google
from tests.fake_google import FakeGoogle, FakeTsa
from tests.fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack
from tests.fake_telegram import TOKEN, FakeTelegram
from vigie.ops import checks
from vigie.ops.doctor import SLACK_SCOPES, diagnose

ROOT = Path(__file__).resolve().parent.parent


async def doctor(tmp_path: Path, **env: str) -> tuple[int, str]:
    """Run the real `vigie doctor` in a subprocess (the fakes keep serving meanwhile)."""
    environment = (
        {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
        | {"VIGIE_DATABASE": str(tmp_path / "v.db"), "VIGIE_DATA_DIR": str(tmp_path / "data")}
        | env
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "vigie",
        "doctor",
        env=environment,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 90)
    assert b"Traceback" not in err, err.decode()
    assert proc.returncode is not None
    return proc.returncode, out.decode()


def line(output: str, start: str) -> str:
    """The diagnostic line starting with `start`, and its fix line when there is one."""
    lines = output.splitlines()
    for i, text in enumerate(lines):
        if text.startswith(start):
            nxt = lines[i + 1] if i + 1 < len(lines) and lines[i + 1].startswith("    →") else ""
            return text + "\n" + nxt
    raise AssertionError(f"no line starting with {start!r} in:\n{output}")


def make_database(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "v.db")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()


async def test_everything_configured_and_working_is_all_ticks(tmp_path: Path) -> None:
    make_database(tmp_path)
    telegram = await FakeTelegram().start()
    try:
        async with FakeSlack() as slack, FakeGoogle() as google, FakeTsa() as tsa:
            code, out = await doctor(
                tmp_path,
                VIGIE_TELEGRAM_TOKEN=TOKEN,
                VIGIE_TELEGRAM_API_URL=telegram.api_url,
                VIGIE_SLACK_BOT_TOKEN=BOT_TOKEN,
                VIGIE_SLACK_APP_TOKEN=APP_TOKEN,
                VIGIE_SLACK_API_URL=slack.api_url,
                VIGIE_GOOGLE_PLACES_API_KEY=fake_google.API_KEY,
                VIGIE_GOOGLE_PLACES_API_URL=google.places_url,
                VIGIE_GOOGLE_CLIENT_ID=fake_google.CLIENT_ID,
                VIGIE_GOOGLE_CLIENT_SECRET=fake_google.CLIENT_SECRET,
                VIGIE_GOOGLE_REFRESH_TOKEN=fake_google.REFRESH_TOKEN,
                VIGIE_GOOGLE_OAUTH_TOKEN_URL=google.token_url,
                VIGIE_TSA_URL=tsa.url,
            )
            assert [c.method for c in telegram.calls] == ["getMe", "getWebhookInfo"]
            assert slack.calls_to("auth.test") and slack.calls_to("apps.connections.open")
            assert google.calls == ["places", "token"]
            assert len(tsa.requests) == 1
    finally:
        await telegram.stop()
    assert code == 0, out
    assert "✗" not in out
    assert "bot @VigieTestBot joignable" in line(out, "✓ Telegram (getMe)")
    assert "long polling" in line(out, "✓ Telegram (webhook)")
    assert "Cabinet Dupont" in line(out, "✓ Slack (auth.test)")
    for start in (
        "✓ Slack (portées)",
        "✓ Slack (Socket Mode)",
        "✓ Google Places : clé acceptée",
        "✓ Google Business Profile : jeton d'actualisation accepté",
        "✓ Horodatage (TSA)",
        "✓ Base de données",
        "✓ Espace disque",
        "✓ Horloge",
    ):
        line(out, start)
    assert "démarre (" in line(out, "✓ Chromium")


async def test_each_fault_is_a_cross_with_its_fix(tmp_path: Path) -> None:
    (tmp_path / "v.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 84 + b"garbage" * 500)
    telegram = await FakeTelegram(token="999:other-token").start()
    try:
        async with (
            FakeSlack(scopes="commands,chat:write") as slack,
            FakeGoogle() as google,
            FakeTsa(status=2) as tsa,
        ):
            code, out = await doctor(
                tmp_path,
                VIGIE_TELEGRAM_TOKEN=TOKEN,
                VIGIE_TELEGRAM_API_URL=telegram.api_url,
                VIGIE_SLACK_BOT_TOKEN=BOT_TOKEN,
                VIGIE_SLACK_APP_TOKEN="xapp-wrong",
                VIGIE_SLACK_API_URL=slack.api_url,
                VIGIE_GOOGLE_PLACES_API_KEY="AIza-revoked",
                VIGIE_GOOGLE_PLACES_API_URL=google.places_url,
                VIGIE_GOOGLE_CLIENT_ID=fake_google.CLIENT_ID,
                VIGIE_GOOGLE_CLIENT_SECRET=fake_google.CLIENT_SECRET,
                VIGIE_GOOGLE_REFRESH_TOKEN="1//revoked",
                VIGIE_GOOGLE_OAUTH_TOKEN_URL=google.token_url,
                VIGIE_TSA_URL=tsa.url,
                VIGIE_CHROMIUM_PATH=str(tmp_path / "no-such-chromium"),
            )
    finally:
        await telegram.stop()
    assert code == 1
    assert "VIGIE_TELEGRAM_TOKEN" in line(out, "✗ Telegram (getMe) : jeton refusé")
    assert "portées manquantes : files:write" in line(out, "✗ Slack (portées)")
    assert "VIGIE_SLACK_APP_TOKEN" in line(out, "✗ Slack (Socket Mode) : connexion refusée")
    assert "INVALID_ARGUMENT" in line(out, "✗ Google Places : clé refusée")
    assert "invalid_grant" in line(out, "✗ Google Business Profile : accès OAuth refusé")
    assert "statut 2" in line(out, "✗ Horodatage (TSA)")
    assert "VIGIE_CHROMIUM_PATH" in line(out, "✗ Chromium : introuvable")
    assert "vigie restore" in line(out, "✗ Base de données")


async def test_clock_drift_against_the_http_date_of_a_service(tmp_path: Path) -> None:
    async with FakeGoogle(skew_s=600) as google:
        settings = load_settings(
            _env_file=None,
            database=tmp_path / "v.db",
            data_dir=tmp_path / "data",
            google_places_api_key=fake_google.API_KEY,
            google_places_api_url=google.places_url,
            chromium_path=str(tmp_path / "none"),
        )
        found = {c.name: c for c in await diagnose(settings)}
        assert found["Horloge"].status is checks.Status.FAIL
        assert any(f"+{n} s" in found["Horloge"].detail for n in (599, 600, 601))
        assert "NTP" in found["Horloge"].fix
        google.skew_s = 3
        found = {c.name: c for c in await diagnose(settings)}
        assert found["Horloge"].status is checks.Status.OK


async def test_webhook_faults(tmp_path: Path) -> None:
    telegram = await FakeTelegram().start()
    try:
        base = load_settings(
            _env_file=None,
            database=tmp_path / "v.db",
            data_dir=tmp_path / "data",
            telegram_token=TOKEN,
            telegram_api_url=telegram.api_url,
            chromium_path=str(tmp_path / "none"),
        )
        telegram.webhook = {"url": "https://ancien.exemple.fr/hook"}
        found = {c.name: c for c in await diagnose(base)}
        assert found["Telegram (webhook)"].status is checks.Status.FAIL
        assert "long polling" in found["Telegram (webhook)"].detail

        wanted = base.model_copy(update={"telegram_webhook_url": "https://vigie.exemple.fr/tg"})
        telegram.webhook = {"url": "https://vigie.exemple.fr/tg"}
        telegram.webhook_error = "Connection refused"
        found = {c.name: c for c in await diagnose(wanted)}
        assert found["Telegram (webhook)"].status is checks.Status.FAIL
        assert "Connection refused" in found["Telegram (webhook)"].detail

        telegram.webhook_error = ""
        found = {c.name: c for c in await diagnose(wanted)}
        assert found["Telegram (webhook)"].status is checks.Status.OK
    finally:
        await telegram.stop()


async def test_unreachable_service_is_a_cross_not_a_traceback(tmp_path: Path) -> None:
    settings = load_settings(
        _env_file=None,
        database=tmp_path / "v.db",
        data_dir=tmp_path / "data",
        slack_bot_token="xoxb-x",
        slack_app_token="xapp-x",
        slack_api_url="http://127.0.0.1:9/api/",  # discard port: nothing listens
        chromium_path=str(tmp_path / "none"),
    )
    found = {c.name: c for c in await diagnose(settings)}
    assert found["Slack (auth.test)"].status is checks.Status.FAIL
    assert "injoignable" in found["Slack (auth.test)"].detail


def test_full_disk_is_a_cross(tmp_path: Path) -> None:
    assert checks.disk(tmp_path).status is checks.Status.OK
    full = checks.disk(tmp_path / "data", min_free=1 << 62)
    assert full.status is checks.Status.FAIL and "VIGIE_DATA_DIR" in full.fix


def test_required_slack_scopes_are_the_manifest_ones() -> None:
    manifest = yaml.safe_load((ROOT / "slack" / "manifest.yml").read_text(encoding="utf-8"))
    assert sorted(SLACK_SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"])
