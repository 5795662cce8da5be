"""Which `/reglages` values each letter needs, and the exact command that sets each one."""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.headerregistry import Address

from bot.documents.errors import MissingItem, MissingSettings
from bot.documents.safe import clean
from bot.models import TeamSettings

_EMAIL = re.compile(r"^[^@\s\"<>(),;:\\\[\]]+@[^@\s\"<>(),;:\\\[\]]+\.[^@\s\"<>(),;:\\\[\]]+$")

# The label people read and the exact command that sets each value (French first).
_SETTING_HELP: dict[str, dict[str, tuple[str, str]]] = {
    "fr": {
        "practitioner.name": ("le nom du praticien", '/reglages praticien nom="Dr Marie Dupont"'),
        "practitioner.profession": (
            "la profession du praticien",
            '/reglages praticien profession="médecin généraliste"',
        ),
        "practitioner.rpps": (
            "le numéro RPPS du praticien",
            "/reglages praticien rpps=10001234567",
        ),
        "practitioner.address": (
            "l'adresse professionnelle du praticien",
            '/reglages praticien adresse="12 rue de la République, 69002 Lyon"',
        ),
        "practitioner.email": (
            "l'adresse e-mail du praticien (l'expéditeur)",
            "/reglages praticien email=cabinet@exemple.fr",
        ),
        "insurer.name": ("le nom de l'assureur RCP", "/reglages assureur nom=MACSF"),
        "insurer.email": (
            "l'adresse e-mail de l'assureur pour les déclarations",
            "/reglages assureur email=sinistres@exemple.fr",
        ),
        "insurer.policy": ("le numéro du contrat RCP", "/reglages assureur contrat=RCP-123"),
    },
    "en": {
        "practitioner.name": (
            "the practitioner's name",
            '/reglages praticien nom="Dr Marie Dupont"',
        ),
        "practitioner.profession": (
            "the practitioner's profession",
            '/reglages praticien profession="médecin généraliste"',
        ),
        "practitioner.rpps": (
            "the practitioner's RPPS number",
            "/reglages praticien rpps=10001234567",
        ),
        "practitioner.address": (
            "the practice's postal address",
            '/reglages praticien adresse="12 rue de la République, 69002 Lyon"',
        ),
        "practitioner.email": (
            "the practitioner's e-mail address (the sender)",
            "/reglages praticien email=cabinet@exemple.fr",
        ),
        "insurer.name": ("the liability insurer's name", "/reglages assureur nom=MACSF"),
        "insurer.email": (
            "the insurer's e-mail address for claims",
            "/reglages assureur email=sinistres@exemple.fr",
        ),
        "insurer.policy": ("the liability policy number", "/reglages assureur contrat=RCP-123"),
    },
}
_INVALID_EMAIL = {
    "fr": " (l'adresse enregistrée n'est pas valide)",
    "en": " (the address on record is not valid)",
}


def valid_email(value: str) -> bool:
    """Whether an address can go into an e-mail header as is."""
    if not _EMAIL.match(value):
        return False
    try:
        Address(addr_spec=value)
    except Exception:  # the parser raises several unrelated types on odd input
        return False
    return True


def _setting_value(settings: TeamSettings, key: str) -> str | None:
    """The current value of a dotted setting key, or None when empty."""
    owner_name, field_name = key.split(".")
    owner = settings.practitioner if owner_name == "practitioner" else settings.insurer
    value = getattr(owner, field_name)
    if not isinstance(value, str):
        return None
    return clean(value, single_line=True) or None


def require(settings: TeamSettings, keys: Iterable[str], *, document: str, language: str) -> None:
    """Raise `MissingSettings` listing every key that is empty (or an unusable e-mail)."""
    helps = _SETTING_HELP[language]
    items: list[MissingItem] = []
    for key in keys:
        label, command = helps[key]
        value = _setting_value(settings, key)
        if value is None:
            items.append(MissingItem(key, label, command))
        elif key.endswith(".email") and not valid_email(value):
            items.append(MissingItem(key, label + _INVALID_EMAIL[language], command))
    if items:
        raise MissingSettings(items, document=document, language=language)
