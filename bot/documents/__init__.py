"""Ready-to-send documents for a mention: insurer letter, platform notice, reply advice, case file.

Each function takes the store's models and returns the finished documents; a missing setting
raises `MissingSettings` (a `DocumentRefused`) whose text lists the `/reglages` commands to send.
Wording lives in the Jinja2 templates of `bot/templates/<fr|en>/`, editable by the practice.
"""

from bot.documents.casefile import EVENT_KINDS, TimelineEvent, build_timeline, case_file
from bot.documents.errors import DocumentRefused, MissingItem, MissingSettings
from bot.documents.guidance import Guidance, guidance_case, reply_guidance
from bot.documents.letters import (
    Letter,
    LetterFile,
    coverage_letter,
    insurer_letter,
    platform_notice,
)

__all__ = [
    "EVENT_KINDS",
    "DocumentRefused",
    "Guidance",
    "Letter",
    "LetterFile",
    "MissingItem",
    "MissingSettings",
    "TimelineEvent",
    "build_timeline",
    "case_file",
    "coverage_letter",
    "guidance_case",
    "insurer_letter",
    "platform_notice",
    "reply_guidance",
]
