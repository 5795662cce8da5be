"""Kill -9 at random instants: after restarts, every alert was delivered and almost none twice."""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import sqlite3
import sys
from pathlib import Path

from aiohttp import web

from tests.fakeweb import FakeWeb
from tests.feeds import Item, atom

TOTAL_ITEMS = 40
KILLS = 4
ALERT = re.compile(r"🔔 (?:Nouvel avis|🚨 Avis à risque juridique)\n#(\d+) ")


async def start_vigie(tmp: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")} | {
        "VIGIE_DATABASE": str(tmp / "v.db"),
        "VIGIE_DATA_DIR": str(tmp / "data"),
        "VIGIE_ALLOW_PRIVATE_URLS": "true",
        "VIGIE_POLL_INTERVAL": "1",
        "VIGIE_LOG_LEVEL": "WARNING",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "vigie",
        "run",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=env,
        cwd=tmp,
    )


async def read_all(process: asyncio.subprocess.Process, sink: list[str]) -> None:
    assert process.stdout is not None
    while chunk := await process.stdout.read(65536):
        sink.append(chunk.decode("utf-8", "replace"))


async def test_kill_9_loses_no_alert(tmp_path: Path) -> None:
    items: list[Item] = []
    served = [0]

    async def feed(request: web.Request) -> web.Response:
        # The first poll (the baseline) sees an empty feed; every later poll publishes two
        # new mentions, until TOTAL_ITEMS exist.
        if len(items) < TOTAL_ITEMS and served[0] > 0:
            for _ in range(2):
                n = len(items) + 1
                items.append(
                    Item(f"item-{n}", f"Avis {n}", f"Le Dr Marie Dupont à Lyon, avis numéro {n}.")
                )
        served[0] += 1
        return web.Response(text=atom(items), content_type="application/atom+xml")

    rng = random.Random(1881)
    output: list[str] = []
    async with FakeWeb() as server:
        server.route("/feed", feed)
        process = await start_vigie(tmp_path)
        reader = asyncio.create_task(read_all(process, output))
        assert process.stdin is not None
        process.stdin.write(
            f"/surveiller Dr Marie Dupont, Lyon\n/source flux {server.url('/feed')}\n".encode()
        )
        await process.stdin.drain()
        for _ in range(200):
            await asyncio.sleep(0.1)
            if "Source ajoutée" in "".join(output):
                break
        for _ in range(KILLS):
            await asyncio.sleep(rng.uniform(0.8, 2.5))
            process.send_signal(signal.SIGKILL)
            await process.wait()
            await reader
            process = await start_vigie(tmp_path)
            reader = asyncio.create_task(read_all(process, output))
        # Let the last run drain the feed and the outbox, then end its input.
        for _ in range(120):
            await asyncio.sleep(0.25)
            if len(items) >= TOTAL_ITEMS and len(ALERT.findall("".join(output))) >= TOTAL_ITEMS:
                break
        await asyncio.sleep(1.5)
        assert process.stdin is not None
        process.stdin.close()
        await asyncio.wait_for(process.wait(), timeout=20)
        await reader

    delivered = [int(n) for n in ALERT.findall("".join(output))]
    with sqlite3.connect(tmp_path / "v.db") as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM mentions")}
        pending = conn.execute("SELECT count(*) FROM alerts WHERE status != 'sent'").fetchone()[0]
    assert len(items) == TOTAL_ITEMS
    assert len(stored) == TOTAL_ITEMS, "every published mention is stored once"
    assert set(delivered) == stored, "no alert lost"
    duplicates = len(delivered) - len(set(delivered))
    assert duplicates <= KILLS, "at most the in-flight alert of each kill is sent twice"
    assert pending == 0
