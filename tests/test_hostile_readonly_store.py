"""A valid Vigie database in a read-only directory: the real CLI names the real cause (the
location is read-only), not a damaged file, and does not send the user to a backup."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def _without_write_privilege() -> list[str]:
    """The command prefix that makes directory permissions bind this process, even as root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "util-linux's setpriv is needed to drop root's override of permissions"
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner"]


def _cli(args: list[str], folder: Path, *, prefix: list[str]) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")} | {
        "VIGIE_DATABASE": str(folder / "vigie.db"),
        "VIGIE_DATA_DIR": str(folder.parent / "data"),
    }
    return subprocess.run(
        [*prefix, sys.executable, "-m", "vigie", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        cwd=folder.parent,
    )


def test_a_valid_database_in_a_read_only_directory_is_reported_as_read_only(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "base"
    folder.mkdir()
    created = _cli(["invite"], folder, prefix=[])
    assert created.returncode == 0, created.stderr
    for leftover in folder.glob("vigie.db-*"):
        leftover.unlink()  # a clean shutdown leaves none; make sure SQLite must create them
    folder.chmod(0o555)
    try:
        result = _cli(["invite"], folder, prefix=_without_write_privilege())
    finally:
        folder.chmod(0o755)
    assert result.returncode != 0
    message = result.stderr
    assert "Traceback" not in message
    assert "lecture seule" in message and str(folder) in message, message
    assert "pas une base SQLite lisible" not in message
    assert "restaurez une sauvegarde" not in message
