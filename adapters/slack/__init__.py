"""Slack: the `/vigie` command, mentions and alert buttons, through Bolt inside Vigie's loop."""

from adapters.slack.adapter import PLATFORM, SlackAdapter

__all__ = ["PLATFORM", "SlackAdapter"]
