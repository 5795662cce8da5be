"""The emoji font is installed on its own, even where chromium already is (issue 12)."""

from __future__ import annotations

from pathlib import Path

from tests.test_install_script import apt_calls, machine, run


def test_emoji_font_is_installed_even_when_chromium_is_present(tmp_path: Path) -> None:
    folder = machine(tmp_path, uid=0, apt=True, browser=True)
    missing_font = tmp_path / "noto" / "NotoColorEmoji.ttf"
    result = run(tmp_path, folder, "--run", EMOJI_FONT=str(missing_font))
    assert result.returncode == 0, result.stderr
    installs = [call for call in apt_calls(tmp_path) if call.startswith("install")]
    assert len(installs) == 1 and installs[0].endswith("fonts-noto-color-emoji")
    assert "chromium" not in installs[0]  # already there: not reinstalled


def test_nothing_is_installed_when_the_emoji_font_is_there(tmp_path: Path) -> None:
    folder = machine(tmp_path, uid=0, apt=True, browser=True)
    font = tmp_path / "NotoColorEmoji.ttf"
    font.write_bytes(b"font")
    result = run(tmp_path, folder, "--run", EMOJI_FONT=str(font))
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""
    assert apt_calls(tmp_path) == []
