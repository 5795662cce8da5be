"""The start report of `vigie run` / `vigie console`, through the real command line."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack
from tests.fake_telegram import TOKEN, FakeTelegram


def environment(tmp_path: Path, **env: str) -> dict[str, str]:
    return (
        {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
        | {
            "VIGIE_DATABASE": str(tmp_path / "v.db"),
            "VIGIE_DATA_DIR": str(tmp_path / "data"),
            "VIGIE_BACKUP_DIR": str(tmp_path / "backups"),
        }
        | env
    )


def console(tmp_path: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vigie", "console"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=environment(tmp_path, **env),
        cwd=tmp_path,
    )


def no_browser(tmp_path: Path) -> dict[str, str]:
    """No chromium anywhere: an empty PATH entry, a VIGIE_CHROMIUM_PATH that does not exist."""
    empty = tmp_path / "empty-bin"
    empty.mkdir(exist_ok=True)
    return {
        "PATH": str(empty),
        "PLAYWRIGHT_BROWSERS_PATH": str(empty),
        "VIGIE_CHROMIUM_PATH": str(tmp_path / "absent" / "chromium"),
    }


def test_without_a_browser_the_report_says_captures_are_off_and_how_to_enable_them(
    tmp_path: Path,
) -> None:
    result = console(tmp_path, "/statut\n", **no_browser(tmp_path))
    assert result.returncode == 0, result.stderr
    report = result.stdout.split("Vigie — console")[0]
    assert "Adaptateurs : console" in report
    assert "Équipes : 1 (1 conversation(s) reliée(s)) · sources : 0" in report
    captures = [ln for ln in report.splitlines() if "Captures" in ln]
    assert captures[0].startswith("✗ Captures : désactivées")
    fix = report.split(captures[0])[1].splitlines()[1]
    assert "apt-get install chromium" in fix
    assert "VIGIE_CHROMIUM_PATH" in fix and "playwright install chromium" in fix
    assert "– Horodatage RFC 3161 : non configuré" in report
    assert "Clés : – Telegram · – Slack · – Google Places · – Google Business Profile" in report
    assert (
        f"✓ Sauvegarde quotidienne : {tmp_path / 'backups'} (7 gardées), dernière : aucune"
        in report
    )
    assert "Traceback" not in result.stderr


def test_with_the_browser_the_report_says_captures_are_on_with_its_version(
    tmp_path: Path,
) -> None:
    result = console(tmp_path, VIGIE_TSA_URL="https://horodatage.exemple.fr/tsa")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^✓ Captures : activées — Chromium \d+\.\d+", result.stdout, re.M)
    assert "✓ Horodatage RFC 3161 : autorité configurée" in result.stdout


async def test_with_telegram_and_slack_the_report_goes_to_the_log(tmp_path: Path) -> None:
    telegram = await FakeTelegram().start()
    try:
        async with FakeSlack() as slack:
            env = environment(
                tmp_path,
                **no_browser(tmp_path),
                VIGIE_TELEGRAM_TOKEN=TOKEN,
                VIGIE_TELEGRAM_API_URL=telegram.api_url,
                VIGIE_SLACK_BOT_TOKEN=BOT_TOKEN,
                VIGIE_SLACK_APP_TOKEN=APP_TOKEN,
                VIGIE_SLACK_API_URL=slack.api_url,
            )
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "vigie", "run", env=env, cwd=tmp_path,
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            assert proc.stderr is not None
            log = ""
            try:
                while "vigie doctor" not in log:
                    chunk = await asyncio.wait_for(proc.stderr.readline(), 30)
                    assert chunk, log
                    log += chunk.decode()
            finally:
                proc.send_signal(signal.SIGINT)
                await asyncio.wait_for(proc.communicate(), 30)
    finally:
        await telegram.stop()
    block = log[log.index("Vigie 0") :]
    assert "Adaptateurs : telegram, slack" in block
    assert "✗ Captures : désactivées" in block and "VIGIE_CHROMIUM_PATH" in block
    assert "Clés : ✓ Telegram · ✓ Slack · – Google Places" in block
    assert TOKEN not in log and BOT_TOKEN not in log and APP_TOKEN not in log
