"""The English sentences (`/reglages langue en`)."""

from __future__ import annotations

from datetime import date

from bot.chat.markup import NL, b, code, link, quote, t
from bot.chat.types import Span
from bot.dates import format_date_en
from bot.messages.catalogue import Parts


class English:
    """Every chat sentence in English."""

    # --- router ---
    def internal_error(self) -> str:
        return (
            "Sorry, an internal error stopped this command. Nothing was lost; try again in a "
            "moment, and if it persists, see the server log."
        )

    def message_too_long(self, length: int) -> str:
        return (
            f"Message too long ({length} characters). A command fits on one line, "
            "for example /surveiller Dr Marie Dupont, Lyon."
        )

    def unknown_command(self, word: str, suggestion: str | None) -> Parts:
        hint = f"Did you mean /{suggestion}? " if suggestion else ""
        return (f"Unknown command “/{word}”. {hint}The list of commands: ", code("/aide"))

    def argument_too_long(self, length: int, limit: int, example: str) -> Parts:
        return (
            f"Argument too long ({length} characters, {limit} at most). ",
            "Example: ",
            code(example),
        )

    def usage(self, problem: str, usage: str, example: str) -> Parts:
        return (problem, NL, "Syntax: ", code(usage), NL, "Example: ", code(example))

    def not_bound(self, chat_id: str) -> Parts:
        return (
            "This conversation is not bound to any Vigie team. To bind it, ask whoever runs the "
            "server for a code (",
            code("vigie invite"),
            "), then type ",
            code("/rejoindre CODE"),
            ".",
            NL,
            "This conversation's id: ",
            code(chat_id),
        )

    def welcome(self) -> Parts:
        return (b("Vigie"), " watches over your online reputation. The commands: ", code("/aide"))

    def other_workspace(self) -> Parts:
        return (
            "Request refused: this conversation is bound to Vigie from another workspace. "
            "To bind it to your team, type ",
            code("/rejoindre CODE"),
            " with a code from whoever runs the Vigie server.",
        )

    # --- alerts ---
    def new_mention_title(self) -> str:
        return "🔔 New mention"

    def legal_risk_title(self) -> str:
        return "🚨 Legal-risk mention"

    def advised_actions(self) -> str:
        return "Recommended actions: capture, letter to the insurer, report to the platform."

    def coverage_question(self) -> Parts:
        return (
            t("💡 Does your professional liability insurance cover e-reputation? "),
            code("/assureur garantie"),
        )

    def edited_title(self, change: str) -> str:
        return "✏️ Mention edited" + change

    def vanished(self, mention_id: int, page: str | None) -> Parts:
        where = f"the page {page}" if page else "the listing"
        return (
            b(f"🗑️ Review #{mention_id} no longer appears on {where}."),
            NL,
            t("It stays in Vigie, with its captures if any."),
        )

    def edited_before(self, old_text: str) -> Parts:
        return (NL, b("Before the edit:"), NL, quote(old_text or "(no text)"))

    def hidden_reviews(
        self,
        hidden: int,
        where: str | None,
        counts: tuple[int | None, int | None],
        ratings: tuple[float | None, float | None],
        url: str | None,
    ) -> Parts:
        place = f"the page {where}" if where else "the Google listing"
        shown = "shown on the page" if where else "visible to the API"
        if hidden:
            noun = "review" if hidden == 1 else "reviews"
            title = f"🔎 {hidden} new {noun} on {place}, whose text is not {shown}"
        else:
            title = f"🔎 The rating of {place} changed with no new visible review"
        out: list[Span | str] = [b(title), NL]
        before, after = ratings
        if before is not None or after is not None:
            out += [t(f"Rating: {_en_rating(before)} → {_en_rating(after)}")]
        if counts[0] is not None and counts[1] is not None:
            out += [t(f" · {counts[0]} → {counts[1]} reviews")]
        out += [NL]
        if url:
            out += [link("Open the listing" if not where else "Open the page", url), NL]
        if where:
            out += [t("Open the page to read them; Vigie reports them if they appear there.")]
        else:
            out += [
                t(
                    "Google shows Vigie only the 5 « most relevant » reviews. To see every "
                    "review, connect the listing through Google Business Profile: "
                ),
                code("vigie google connecter"),
                t(" (on the server), then "),
                code("/source fiche ACCOUNT/LOCATION pour N"),
                t("."),
            ]
        return tuple(out)

    def google_calls(self, today: int, daily_mean: float) -> str:
        return f"    Google: {today} call(s) today, {daily_mean:.1f} a day on average (7 days)"

    def places_budget(
        self,
        team_month: int,
        server_month: int,
        projected: int,
        free: int,
        searches: int,
        usd: float,
    ) -> Parts:
        verdict = "within the free allowance" if usd == 0 else f"about ${usd:.2f} beyond it"
        return (
            b("Google Places this month"),
            t(
                f": {team_month} listing call(s) for the team, {server_month} for the whole "
                f"server, {searches} listing search(es). Projected by month end: {projected} "
                f"listing calls for {free} free → {verdict}. "
            ),
            t("Google's free allowance is per billing account (March 2025 prices)."),
        )

    def falling_average(
        self, where: str | None, high: float, now: float, days: int, url: str | None
    ) -> Parts:
        place = f"the page {where}" if where else "the Google listing"
        out: list[Span | str] = [
            b(
                f"📉 The average rating of {place} is falling: {_en_rating(high)} → "
                f"{_en_rating(now)}"
            ),
            t(f" over {days} days."),
            NL,
            t("Look at the latest reviews (/avis); a series of negative reviews can be reported."),
        ]
        if url:
            out += [NL, link("Open the listing" if not where else "Open the page", url)]
        return tuple(out)

    def baseline(self, label: str, count: int, average: float | None, risky: int) -> Parts:
        avg = f", average rating {average:.1f}" if average is not None else ""
        risk = f", {risky} with legal risk" if risky else ""
        return (
            b("📋 Source added: "),
            t(label),
            NL,
            t(f"{count} existing reviews or mentions{avg}{risk} — "),
            code("/bilan"),
            t(" for the details, "),
            code("/avis risque"),
            t(" for the legal-risk ones."),
        )

    def source_failing(self, label: str, error: str | None) -> Parts:
        return (
            b("⚠️ Source failing: "),
            t(label),
            NL,
            t((error or "unknown error")[:300]),
            NL,
            t("Vigie keeps retrying. Details: "),
            code("/statut"),
        )

    def source_recovered(self, label: str) -> Parts:
        return (b("✅ Source back: "), t(label))

    # --- reminders and deadlines ---
    def reminder_title(self) -> str:
        return "⏳ Reminder: time limit"

    def already_dealt_with(self) -> str:
        return "Already dealt with? "

    def deadline_line(self, expires_on: date, days_left: int, estimated: bool, basis: str) -> str:
        if days_left > 1:
            when = f"in {days_left} days"
        elif days_left == 1:
            when = "tomorrow"
        elif days_left == 0:
            when = "today"
        else:
            when = f"expired {-days_left} day{'s' if days_left < -1 else ''} ago"
        estimate = ", estimate" if estimated else ""
        return (
            f"Press-law time limit (Act of 29 July 1881): {format_date_en(expires_on)} "
            f"({when}{estimate}; {basis})."
        )


def _en_rating(value: float | None) -> str:
    return f"{value:.1f}★" if value is not None else "—"
