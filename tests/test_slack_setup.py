"""Choosing Slack's mode from the settings, with a clear message for each configuration mistake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters.slack import SlackAdapter
from adapters.slack.render import COMMAND
from adapters.slack.setup import slack_platform
from bot.chat.transport import StartupError
from bot.router import Router
from bot.settings import Settings, load_settings


def configured(settings: Settings, **changes: Any) -> Settings:
    return load_settings(
        _env_file=None, database=settings.database, data_dir=settings.data_dir, **changes
    )


def test_slack_is_off_without_any_slack_setting(settings: Settings, router: Router) -> None:
    assert slack_platform(settings, router) is None


def test_socket_mode_is_the_default(settings: Settings, router: Router) -> None:
    adapter = slack_platform(
        configured(
            settings,
            slack_bot_token="xoxb-1",
            slack_app_token="xapp-1",
            slack_api_url="http://127.0.0.1:1/api",
        ),
        router,
    )
    assert isinstance(adapter, SlackAdapter)
    assert adapter.mode == "socket" and adapter.platform == "slack"
    assert adapter.client.base_url == "http://127.0.0.1:1/api/"


def test_http_mode_when_a_port_is_given(settings: Settings, router: Router) -> None:
    adapter = slack_platform(
        configured(
            settings, slack_bot_token="xoxb-1", slack_signing_secret="s3cr3t", slack_http_port=3000
        ),
        router,
    )
    assert isinstance(adapter, SlackAdapter)
    assert (adapter.mode, adapter.http_port, adapter.http_host) == ("http", 3000, "0.0.0.0")
    local = slack_platform(
        configured(
            settings,
            slack_bot_token="xoxb-1",
            slack_signing_secret="s3cr3t",
            slack_http_port=3000,
            slack_http_host="127.0.0.1",
        ),
        router,
    )
    assert isinstance(local, SlackAdapter) and local.http_host == "127.0.0.1"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slack_app_token": "xapp-1"}, "VIGIE_SLACK_BOT_TOKEN manque"),
        ({"slack_bot_token": "xapp-1"}, "il va dans VIGIE_SLACK_APP_TOKEN"),
        ({"slack_bot_token": "xoxp-1", "slack_app_token": "xapp-1"}, "commencer par xoxb-"),
        ({"slack_bot_token": "xoxb-1"}, "VIGIE_SLACK_APP_TOKEN manque"),
        ({"slack_bot_token": "xoxb-1", "slack_app_token": "xoxb-2"}, "commencer par xapp-"),
        ({"slack_bot_token": "xoxb-1", "slack_http_port": 3000}, "VIGIE_SLACK_SIGNING_SECRET"),
    ],
)
def test_configuration_mistakes_say_what_to_fix(
    settings: Settings, router: Router, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(StartupError) as failed:
        slack_platform(configured(settings, **changes), router)
    assert message in str(failed.value)


def test_the_manifest_asks_for_what_the_adapter_uses() -> None:
    manifest = (Path(__file__).parent.parent / "slack" / "manifest.yml").read_text("utf-8")
    for scope in (
        "commands",
        "chat:write",
        "files:write",
        "app_mentions:read",
        "channels:read",
        "groups:read",
        "im:write",
    ):
        assert f"      - {scope}\n" in manifest
    assert f"    - command: {COMMAND}\n" in manifest
    assert "  socket_mode_enabled: true\n" in manifest
    assert "  interactivity:\n    is_enabled: true\n" in manifest
    assert "    bot_events:\n      - app_mention\n" in manifest
