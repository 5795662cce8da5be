"""The system-package script installs only what is missing, each package on its own."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "install-system-packages.sh"


def run_with(tmp_path: Path, installed: set[str]) -> tuple[int, str, str]:
    """Run the script with stub `dpkg-query` and `apt-get` first on PATH; return apt's calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "apt.log"
    log.write_text("")
    (bin_dir / "dpkg-query").write_text(
        "#!/bin/sh\n"
        'pkg="$3"\n'
        f"for p in {' '.join(sorted(installed))}; do\n"
        '  [ "$p" = "$pkg" ] && { printf "install ok installed"; exit 0; }\n'
        "done\n"
        "exit 1\n"
    )
    (bin_dir / "apt-get").write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    for stub in bin_dir.iterdir():
        stub.chmod(0o755)
    result = subprocess.run(
        ["bash", str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"},
    )
    return result.returncode, result.stdout + result.stderr, log.read_text()


def test_emoji_font_is_installed_even_when_chromium_is_present(tmp_path: Path) -> None:
    assert Path("/usr/bin/chromium").exists() or os.environ.get("VIGIE_CHROMIUM_PATH")
    code, out, apt = run_with(tmp_path, {"fonts-dejavu-core"})
    assert code == 0, out
    installs = [line for line in apt.splitlines() if line.startswith("install")]
    assert len(installs) == 1 and "fonts-noto-color-emoji" in installs[0]
    assert "chromium" not in installs[0]  # already there: not reinstalled


def test_nothing_is_installed_when_everything_is_there(tmp_path: Path) -> None:
    code, out, apt = run_with(tmp_path, {"fonts-dejavu-core", "fonts-noto-color-emoji"})
    assert code == 0 and out == "" and apt == ""
