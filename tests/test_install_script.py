"""`.ci/install-system-packages.sh`: what `make run` and `make test` install, or say they cannot.

The script runs for real under bash with a PATH of small stand-ins (`id`, `apt-get`,
`chromium`) so each situation of a fresh machine can be played without touching this one.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "install-system-packages.sh"
BASH = "/bin/bash"


def stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/bash\n" + body + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def machine(tmp_path: Path, *, uid: int, apt: bool, browser: bool = False) -> Path:
    """A bin folder standing for the machine: its user id, apt-get (recording), chromium."""
    folder = tmp_path / "bin"
    folder.mkdir()
    stub(folder, "id", f"echo {uid}")
    if apt:
        # A successful install puts chromium (and openssl) where the script looks.
        stub(
            folder,
            "apt-get",
            f'echo "$@" >> {tmp_path}/apt.log\n'
            'if [ "$1" = install ]; then\n'
            f'  printf "#!/bin/bash\\necho Chromium 1\\n" > {folder}/chromium\n'
            f"  /bin/chmod +x {folder}/chromium; /bin/cp {folder}/chromium {folder}/openssl\nfi",
        )
    if browser:
        stub(folder, "chromium", "echo Chromium 1")
        stub(folder, "openssl", "exit 0")
    return folder


def run(tmp_path: Path, folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": str(folder), "HOME": str(tmp_path)} | env
    return subprocess.run(
        [BASH, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=30,
    )


def apt_calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "apt.log"
    return log.read_text().splitlines() if log.exists() else []


def test_run_without_root_or_sudo_says_in_one_line_how_and_starts_anyway(tmp_path: Path) -> None:
    folder = machine(tmp_path, uid=1000, apt=True)
    result = run(tmp_path, folder, "--run", VIGIE_CHROMIUM_PATH=str(tmp_path / "nowhere"))
    assert result.returncode == 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "chromium" in lines[0] and "ni root ni sudo" in lines[0]
    assert "VIGIE_CHROMIUM_PATH" in lines[0] and "playwright install chromium" in lines[0]
    assert apt_calls(tmp_path) == []


def test_test_target_fails_hard_when_it_cannot_install(tmp_path: Path) -> None:
    folder = machine(tmp_path, uid=1000, apt=True)
    result = run(tmp_path, folder)
    assert result.returncode == 1
    assert "chromium" in result.stderr


def test_run_on_a_system_without_apt_get_says_so_and_starts_anyway(tmp_path: Path) -> None:
    folder = machine(tmp_path, uid=0, apt=False)
    result = run(tmp_path, folder, "--run")
    assert result.returncode == 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pas Debian" in lines[0] and "VIGIE_CHROMIUM_PATH" in lines[0]


def test_run_installs_once_then_a_second_run_installs_nothing(tmp_path: Path) -> None:
    folder = machine(tmp_path, uid=0, apt=True)
    first = run(tmp_path, folder, "--run")
    assert first.returncode == 0, first.stderr
    calls = apt_calls(tmp_path)
    assert calls[0] == "update -qq"
    assert calls[1].startswith("install -y -qq --no-install-recommends chromium")
    second = run(tmp_path, folder, "--run")
    assert second.returncode == 0
    assert second.stderr == "" and second.stdout == ""
    assert apt_calls(tmp_path) == calls  # nothing more was installed


def test_a_browser_named_in_dotenv_is_enough(tmp_path: Path) -> None:
    folder = machine(tmp_path, uid=1000, apt=True)
    browser = tmp_path / "my-chromium"
    stub(tmp_path, "my-chromium", "echo Chromium 1")
    (tmp_path / ".env").write_text(f'VIGIE_LANGUAGE=fr\nVIGIE_CHROMIUM_PATH="{browser}"\n')
    result = run(tmp_path, folder, "--run")
    assert result.returncode == 0 and result.stderr == ""
    assert apt_calls(tmp_path) == []


def test_nothing_to_do_when_everything_is_there(tmp_path: Path) -> None:
    folder = machine(tmp_path, uid=1000, apt=True, browser=True)
    for args in (["--run"], []):
        result = run(tmp_path, folder, *args)
        assert result.returncode == 0 and result.stderr == ""
    assert apt_calls(tmp_path) == []
    assert os.access(folder / "chromium", os.X_OK)
