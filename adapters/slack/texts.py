"""What the Slack adapter itself says (Slack syntax, refusals), French first, English by setting."""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat.markup import code, reply
from bot.chat.types import Reply

MAX_COMMAND = 2_000
EXAMPLE = "/vigie surveiller Dr Marie Dupont, Lyon"


@dataclass(frozen=True, slots=True)
class Texts:
    """The adapter's messages in one language."""

    lang: str = "fr"

    def _tr(self, fr: str, en: str) -> str:
        return en if self.lang == "en" else fr

    def empty(self) -> Reply:
        """`/vigie` typed alone."""
        return reply(
            self._tr(
                "Tapez /vigie suivi d'une commande, par exemple : ",
                "Type /vigie followed by a command, for example: ",
            ),
            code("/vigie aide"),
            " · ",
            code(EXAMPLE),
            " · ",
            code("/vigie rejoindre K7P-2QX"),
        )

    def mention_empty(self) -> Reply:
        """A mention of the bot with nothing after it."""
        return reply(
            self._tr(
                "Écrivez une commande après la mention, par exemple « @Vigie surveiller Dr Marie "
                "Dupont, Lyon », ou tapez ",
                "Write a command after the mention, for example « @Vigie watch Dr Marie Dupont, "
                "Lyon », or type ",
            ),
            code("/vigie aide"),
            ".",
        )

    def too_long(self, length: int) -> Reply:
        """A command longer than any real one."""
        return reply(
            self._tr(
                f"Commande trop longue ({length} caractères, {MAX_COMMAND} au plus). Une "
                "commande tient en une ligne, par exemple : ",
                f"Command too long ({length} characters, {MAX_COMMAND} at most). A command fits "
                "on one line, for example: ",
            ),
            code(EXAMPLE),
        )

    def working(self, what: str) -> Reply:
        """The immediate answer to a slow command."""
        return reply(
            "⏳ ",
            self._tr("C'est parti : ", "On it: "),
            code(what[:200]),
            self._tr(
                ". Le résultat sera posté ici dès qu'il sera prêt.",
                ". The result will be posted here as soon as it is ready.",
            ),
        )

    def bad_button(self) -> Reply:
        """A button press whose payload was altered or cannot be read."""
        return reply(
            self._tr(
                "Ce bouton n'est pas valable (message modifié ou trop ancien). Tapez la commande "
                "à la place, par exemple ",
                "This button is not valid (altered or outdated message). Type the command "
                "instead, for example ",
            ),
            code("/vigie capture 12"),
            self._tr(" ; la liste : ", "; the list: "),
            code("/vigie aide"),
            ".",
        )

    def invite_bot(self, files: int) -> Reply:
        """The bot cannot post in this channel: say how to invite it."""
        missing = (
            self._tr(
                f" {files} fichier(s) n'ont pas pu être joints ; relancez la commande ensuite.",
                f" {files} file(s) could not be attached; run the command again afterwards.",
            )
            if files
            else ""
        )
        return reply(
            self._tr(
                "Vigie n'est pas membre de ce canal : vous seul voyez cette réponse. Invitez-la "
                "avec ",
                "Vigie is not a member of this channel: only you see this answer. Invite it with ",
            ),
            code("/invite @Vigie"),
            self._tr(
                " pour que l'équipe voie les réponses et reçoive les alertes.",
                " so that the team sees the answers and receives the alerts.",
            ),
            missing,
        )

    def cut_notice(self) -> str:
        """The last line of a message too long for Slack (`{n}` hidden characters)."""
        return self._tr(
            "… (suite tronquée : {n} caractères non affichés)",
            "… (cut: {n} characters not shown)",
        )
