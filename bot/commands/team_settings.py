"""/reglages: the identity and insurer used in letters, quiet hours and the weekly digest."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, TypeVar

from bot.chat.markup import NL, code, parts, reply, t
from bot.chat.types import Reply, Span
from bot.commands.args import fold, key_values, split_first
from bot.commands.base import Command, Context, UsageError
from bot.commands.wave_settings import wave_settings
from bot.dates import DAYS_EN, DAYS_FR
from bot.messages import messages
from bot.models import Coverage, Insurer, Practitioner, TeamSettings

_TIME = re.compile(r"^([01]?\d|2[0-3])[:hH]([0-5]\d)$", re.ASCII)
_RPPS = re.compile(r"^\d{11}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_VALUE = 200

PRACTITIONER_KEYS = {
    "nom": "name", "name": "name",
    "profession": "profession", "specialite": "profession",
    "rpps": "rpps",
    "adresse": "address", "address": "address",
    "email": "email", "courriel": "email", "mail": "email",
}  # fmt: skip
INSURER_KEYS = {
    "nom": "name", "name": "name",
    "email": "email", "courriel": "email", "mail": "email",
    "contrat": "policy", "police": "policy", "policy": "policy",
    "garantie": "coverage", "coverage": "coverage",
    "adresse": "address", "address": "address",
}  # fmt: skip


def parse_time(text: str) -> str:
    """`7h30`, `07:30` → `07:30`."""
    match = _TIME.match(text.strip())
    if not match:
        raise UsageError(lambda say: say.not_a_time(text[:20]))
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _clean_value(key: str, value: str) -> str | None:
    value = " ".join(value.split())
    if len(value) > MAX_VALUE:
        raise UsageError(lambda say: say.value_too_long(key, MAX_VALUE))
    if any(ord(ch) < 32 for ch in value):
        raise UsageError(lambda say: say.value_has_control_chars(key))
    return value or None


_Section = TypeVar("_Section", Practitioner, Insurer)


def _apply(
    settings_obj: _Section, keys: dict[str, str], pairs: dict[str, str], where: str
) -> _Section:
    changes: dict[str, Any] = {}  # field names and values checked below, one by one
    for key, value in pairs.items():
        field = keys.get(key)
        if field is None:
            known = ", ".join(sorted({k for k in keys if k.isascii()}))
            raise _unknown_key(key[:30], where, known)
        cleaned = _clean_value(key, value)
        if field == "rpps" and cleaned and not _RPPS.match(cleaned.replace(" ", "")):
            raise UsageError(lambda say: say.bad_rpps())
        if field == "rpps" and cleaned:
            cleaned = cleaned.replace(" ", "")
        if field == "email" and cleaned and not _EMAIL.match(cleaned):
            raise _bad_email(cleaned[:60])
        if field == "coverage":
            try:
                changes[field] = Coverage(fold(cleaned or "inconnue"))
            except ValueError as exc:
                raise UsageError(lambda say: say.bad_coverage()) from exc
            continue
        changes[field] = cleaned
    return replace(settings_obj, **changes)


def show(s: TeamSettings, lang: str) -> list[Span]:
    """The team's settings, with the commands that change them."""
    return [
        *parts(messages(lang).settings_overview(s)),
        code('/reglages praticien nom="Dr Marie Dupont" profession=dermatologue rpps=10001234567'),
        NL,
        code(
            "/reglages assureur nom=MACSF email=sinistres@exemple.fr contrat=RCP-123 garantie=oui"
        ),
        NL,
        code("/reglages silence 21:00-07:30"),
        t(" · "),
        code("/reglages resume lundi 08:00"),
        t(" · "),
        code("/reglages langue en"),
        t(" · "),
        code("/reglages vague 3 48h"),
    ]


async def reglages(ctx: Context, args: str) -> Reply:
    """Show or change the team's settings."""
    store = ctx.services.store
    current = await store.teams.settings(ctx.team)
    section, rest = split_first(args)
    if not section:
        return reply(*show(current, ctx.lang))
    if section in ("vague", "vagues", "wave"):
        return await wave_settings(ctx, rest)
    if section in ("praticien", "practitioner", "praticienne"):
        pairs = key_values(rest)
        if not pairs:
            raise UsageError(lambda say: say.need_practitioner_value())
        practitioner = _apply(current.practitioner, PRACTITIONER_KEYS, pairs, "praticien")
        updated = replace(current, practitioner=practitioner)
    elif section in ("assureur", "insurer", "assurance"):
        pairs = key_values(rest)
        if not pairs:
            raise UsageError(lambda say: say.need_insurer_value())
        insurer = _apply(current.insurer, INSURER_KEYS, pairs, "assureur")
        updated = replace(current, insurer=insurer)
    elif section in ("silence", "quiet"):
        word = fold(rest.strip())
        if word in ("aucun", "off", "non", "none"):
            updated = replace(current, quiet_start=None, quiet_end=None)
        else:
            bounds = re.split(r"\s*[-–à]\s*|\s+", rest.strip(), maxsplit=1)
            if len(bounds) != 2:
                raise UsageError(lambda say: say.need_quiet_hours())
            updated = replace(
                current, quiet_start=parse_time(bounds[0]), quiet_end=parse_time(bounds[1])
            )
    elif section in ("resume", "digest", "bilan"):
        day_word, time_part = split_first(rest)
        days = [fold(d) for d in DAYS_FR] + [fold(d) for d in DAYS_EN]
        if day_word not in days:
            raise UsageError(lambda say: say.need_digest_slot())
        updated = replace(
            current,
            digest_day=days.index(day_word) % 7,
            digest_time=parse_time(time_part or "08:00"),
        )
    elif section in ("langue", "language", "lang"):
        choice = fold(rest.strip())[:2]
        if choice not in ("fr", "en"):
            raise UsageError(lambda say: say.bad_language())
        updated = replace(current, language=choice)
    else:
        raise UsageError(lambda say: say.unknown_settings_section(section[:30]))
    await store.teams.save_settings(updated)
    saved = messages(updated.language).settings_saved()
    return reply("✅ ", saved, NL, *show(updated, updated.language))


COMMANDS = (
    Command(
        name="reglages",
        aliases=("settings",),
        usage="/reglages [praticien|assureur|silence|resume|langue|vague …]",
        summary_fr="les réglages de l'équipe : identité, assureur, silence, résumé",
        summary_en="the team's settings: identity, insurer, quiet hours, digest",
        handler=reglages,
        examples=(
            '/reglages praticien nom="Dr Marie Dupont" profession=dermatologue rpps=10001234567',
            "/reglages assureur nom=MACSF email=sinistres@exemple.fr contrat=RCP-123",
            "/reglages silence 21:00-07:30",
            "/reglages resume lundi 08:00",
            "/reglages langue en",
            "/reglages vague 3 48h",
        ),
    ),
)


def _unknown_key(key: str, where: str, known: str) -> UsageError:
    return UsageError(lambda say: say.unknown_key(key, where, known))


def _bad_email(text: str) -> UsageError:
    return UsageError(lambda say: say.bad_email(text))
