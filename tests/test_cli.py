"""The `vigie` command line as a person runs it: real subprocesses, piped input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(
    args: list[str], tmp_path: Path, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    environment = (
        {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
        | {"VIGIE_DATABASE": str(tmp_path / "v.db"), "VIGIE_DATA_DIR": str(tmp_path / "data")}
        | env
    )
    return subprocess.run(
        [sys.executable, "-m", "vigie", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        cwd=tmp_path,
    )


def test_run_without_tokens_starts_the_console_and_exits_at_end_of_input(tmp_path: Path) -> None:
    result = run_cli(["run"], tmp_path, stdin="/surveiller Dr Marie Dupont, Lyon\n/liste\n")
    assert result.returncode == 0, result.stderr
    assert "1. Dr Marie Dupont (praticien, Lyon)" in result.stdout
    assert "Traceback" not in result.stderr


def test_invite_prints_the_code_alone_on_the_last_line_and_it_works(tmp_path: Path) -> None:
    result = run_cli(["invite", "--team", "Cabinet des Lilas"], tmp_path)
    assert result.returncode == 0, result.stderr
    code = result.stdout.strip().splitlines()[-1]
    assert len(code) == 7 and code[3] == "-"
    console = run_cli(["console"], tmp_path, stdin=f"/rejoindre {code}\n")
    # The console is already bound to the server's own team; joining moves it to the new team.
    assert "Cabinet des Lilas" in console.stdout


def test_invalid_setting_names_the_variable_without_traceback(tmp_path: Path) -> None:
    result = run_cli(["run"], tmp_path, VIGIE_LANGUAGE="de", VIGIE_TIMEZONE="Mars/Olympus")
    assert result.returncode == 2
    assert "VIGIE_LANGUAGE" in result.stderr and "VIGIE_TIMEZONE" in result.stderr
    assert "Traceback" not in result.stderr


def test_secret_values_are_never_echoed(tmp_path: Path) -> None:
    result = run_cli(
        ["run"],
        tmp_path,
        VIGIE_TELEGRAM_WEBHOOK_PORT="99999999",
        VIGIE_SLACK_BOT_TOKEN="xoxb-very-secret",
    )
    assert result.returncode == 2
    assert "xoxb-very-secret" not in result.stderr + result.stdout


def test_corrupt_database_is_explained_and_kept(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    db.write_bytes(b"garbage" * 1000)
    result = run_cli(["run"], tmp_path, stdin="/liste\n")
    assert result.returncode == 2
    assert "pas une base SQLite lisible" in result.stderr
    assert db.read_bytes() == b"garbage" * 1000


def test_unwritable_data_dir_is_explained(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the data dir should be")
    result = run_cli(["run"], tmp_path, stdin="", VIGIE_DATA_DIR=str(blocker / "data"))
    assert result.returncode == 2
    assert "VIGIE_DATA_DIR" in result.stderr


def test_export_and_purge(tmp_path: Path) -> None:
    setup = run_cli(
        ["console"],
        tmp_path,
        stdin="/surveiller Dr Marie Dupont, dermatologue, Lyon\n"
        "/surveiller Cabinet des Lilas, Nantes\n",
    )
    assert setup.returncode == 0, setup.stderr
    import sqlite3

    with sqlite3.connect(tmp_path / "v.db") as conn:
        conn.execute(
            "INSERT INTO sources (team_id, kind, target, interval_s, created_at) "
            "VALUES (1, 'feed', 'https://e.fr/f', 900, '2025-01-01T00:00:00+00:00')"
        )
        for n, detected in enumerate(("2025-01-05T10:00:00+00:00", "2026-06-01T10:00:00+00:00")):
            conn.execute(
                "INSERT INTO mentions (team_id, source_id, external_id, text, detected_at, "
                "content_hash, severity) VALUES (1, 1, ?, ?, ?, 'h', 'negative')",
                (f"e{n}", f"Texte « {n} », avec virgule", detected),
            )
    out = tmp_path / "export"
    exported = run_cli(["export", "--out", str(out)], tmp_path)
    assert exported.returncode == 0, exported.stderr
    import csv
    import json

    with (out / "avis.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["texte"] for r in rows] == ["Texte « 0 », avec virgule", "Texte « 1 », avec virgule"]
    document = json.loads((out / "export.json").read_text(encoding="utf-8"))
    assert [w["nom"] for w in document["noms"]] == ["Marie Dupont", "Cabinet des Lilas"]
    refused = run_cli(["purge", "--before", "2026-01-01"], tmp_path)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert "AAAA-MM-JJ" in run_cli(["purge", "--before", "hier", "--yes"], tmp_path).stderr
    purged = run_cli(["purge", "--before", "2026-01-01", "--yes"], tmp_path)
    assert purged.returncode == 0 and "1 avis supprimé" in purged.stdout
    with sqlite3.connect(tmp_path / "v.db") as conn:
        assert [r[0] for r in conn.execute("SELECT external_id FROM mentions")] == ["e1"]
