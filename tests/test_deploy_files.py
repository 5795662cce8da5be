"""The systemd unit, Dockerfile and compose file name only commands and settings that exist."""

from __future__ import annotations

import argparse
import json
import re
import shlex
from pathlib import Path

import yaml

from bot.settings import Settings
from vigie.cli import _parser

ROOT = Path(__file__).resolve().parent.parent
VARIABLE = re.compile(r"\bVIGIE_[A-Z0-9_]+\b")


def subcommands() -> set[str]:
    for action in _parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    raise AssertionError("no sub-commands")


def assert_setting(name: str) -> None:
    field = name.removeprefix("VIGIE_").lower()
    assert field in Settings.model_fields, f"{name} is not a setting of bot/settings.py"


def assert_vigie_command(argv: list[str]) -> None:
    """`…/vigie SUB …`: SUB is a real sub-command."""
    assert Path(argv[0]).name == "vigie", argv
    assert argv[1] in subcommands(), f"vigie has no sub-command {argv[1]!r}"


def unit() -> dict[str, list[tuple[str, str]]]:
    """The unit as sections of (key, value), repeated keys kept in order."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = ""
    for raw in (ROOT / "deploy" / "vigie.service").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = []
            continue
        key, _, value = line.partition("=")
        sections[current].append((key.strip(), value.strip()))
    return sections


def test_systemd_unit() -> None:
    service = dict(unit()["Service"])
    entries = unit()["Service"]
    assert service["User"] == "vigie" and service["User"] != "root"
    assert service["Restart"] == "on-failure"
    assert_vigie_command(shlex.split(service["ExecStart"]))
    assert service["ExecStart"].split()[1] == "run"
    assert service["EnvironmentFile"].lstrip("-") == "/etc/vigie/vigie.env"
    state = "/var/lib/" + service["StateDirectory"]
    assert service["WorkingDirectory"] == state
    environment = dict(v.split("=", 1) for k, v in entries if k == "Environment")
    for name, value in environment.items():
        if name.startswith("VIGIE_"):
            assert_setting(name)
            assert value.startswith(state + "/"), "data lives in the state directory"
    assert {"VIGIE_DATABASE", "VIGIE_DATA_DIR", "VIGIE_BACKUP_DIR"} <= set(environment)
    assert unit()["Install"] == [("WantedBy", "multi-user.target")]


def test_dockerfile() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM \S*slim", text, re.M), "a Debian slim base"
    install = re.search(r"apt-get install[^&]*", text)
    assert install and {"chromium", "fonts-dejavu-core"} <= set(install.group().split())
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    for name in set(VARIABLE.findall(text)):
        assert_setting(name)
    cmd = re.search(r"^CMD (\[.*\])", text, re.M)
    assert cmd
    assert_vigie_command(json.loads(cmd.group(1)))
    health = re.search(r"^HEALTHCHECK .*\n\s+CMD (\[.*\])", text, re.M)
    assert health, "a HEALTHCHECK"
    port = re.search(r"VIGIE_OPS_PORT=(\d+)", text)
    assert port and f":{port.group(1)}/health" in health.group(1)
    assert 'VOLUME ["/data"]' in text


def test_compose_file() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["vigie"]
    assert service["restart"] in ("unless-stopped", "always", "on-failure")
    volumes = [v.split(":") for v in service["volumes"]]
    assert ["vigie-data", "/data"] in volumes
    assert "vigie-data" in compose["volumes"]
    for name, value in service["environment"].items():
        assert_setting(name)
        if name in ("VIGIE_DATABASE", "VIGIE_DATA_DIR", "VIGIE_BACKUP_DIR"):
            assert str(value).startswith("/data/"), "kept in the volume"
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    for command in re.findall(r"exec vigie (vigie \w+)", text):
        assert_vigie_command(command.split())


def test_env_example_documents_every_setting_and_only_those() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    named = set(VARIABLE.findall(text))
    for name in named:
        assert_setting(name)
    documented = {n.removeprefix("VIGIE_").lower() for n in named}
    assert set(Settings.model_fields) <= documented, set(Settings.model_fields) - documented
