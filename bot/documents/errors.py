"""Why a document was not produced, said politely with the exact command that fixes it."""

from __future__ import annotations

from dataclasses import dataclass


class DocumentRefused(Exception):
    """A document cannot be produced; `str(exc)` is the message for the team, in its language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class MissingItem:
    """One setting a letter needs: its label for people and the `/reglages` command that sets it."""

    key: str
    label: str
    command: str


class MissingSettings(DocumentRefused):
    """Settings a letter needs are not set: never a letter with blanks, but the list of fixes."""

    def __init__(self, items: list[MissingItem], *, document: str, language: str = "fr") -> None:
        self.items = items
        self.document = document
        if language == "en":
            head = f"To write the {document}, Vigie still needs:"
            tail = "Send these commands (with your own values), then ask again."
            sep = ": "
        else:
            head = f"Pour rédiger {document}, il manque :"
            tail = "Envoyez ces commandes (avec vos propres valeurs), puis redemandez le document."
            sep = " : "
        lines = [head, *(f"• {item.label}{sep}{item.command}" for item in items), tail]
        super().__init__("\n".join(lines))
