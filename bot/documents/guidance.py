"""`/repondre`: whether and how to answer a review publicly without breaching medical secrecy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.deadlines import press_deadline
from bot.documents.facts import (
    deadline_facts,
    insurer_facts,
    language_of,
    mention_facts,
    setting,
)
from bot.documents.render import render
from bot.models import Severity, StoredMention, TeamSettings


@dataclass(frozen=True, slots=True)
class Guidance:
    """The advice for one mention and, when a public reply is wise, a draft to adapt."""

    case: str
    language: str
    advice: str
    draft: str | None

    @property
    def reply_advised(self) -> bool:
        """False for legal-risk mentions: do not reply, call the insurer."""
        return self.case != "legal_risk"

    @property
    def text(self) -> str:
        """The whole guidance as the chat shows it (the advice includes the draft)."""
        return self.advice


def guidance_case(mention: StoredMention) -> str:
    """Which advice applies: "legal_risk", "negative", "positive" or "neutral"."""
    if mention.flags:
        return "legal_risk"
    if mention.severity is Severity.NEGATIVE:
        return "negative"
    if mention.severity is Severity.POSITIVE:
        return "positive"
    return "neutral"


def reply_guidance(
    settings: TeamSettings,
    mention: StoredMention,
    *,
    now: datetime,
    language: str | None = None,
    discriminatory: bool | None = None,
    templates: Path | None = None,
) -> Guidance:
    """The reply guidance; a draft never confirms the author is a patient nor mentions care."""
    lang = language_of(language, settings)
    case = guidance_case(mention)
    facts: dict[str, object] = {
        "language": lang,
        "case": case,
        "mention": mention_facts(mention, lang),
        "team": setting(settings.team_name) or "Cabinet",
        "insurer": insurer_facts(settings),
        "deadline": deadline_facts(
            press_deadline(mention, discriminatory=discriminatory), now, lang
        ),
    }
    rendered = render("reply_guidance", lang, facts, templates=templates)
    draft = rendered.part("draft").strip() or None
    return Guidance(case=case, language=lang, advice=rendered.body, draft=draft)
