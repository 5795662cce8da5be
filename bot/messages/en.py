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
                code("/source business ACCOUNT/LOCATION for N"),
                t("."),
            ]
        return tuple(out)

    # --- Google listings, schema.org pages, replies published from the chat ---
    def listing_candidates_title(self, query: str, watch: str) -> str:
        return f"Google listings for « {query} » → {watch}"

    def listing_choice_expired(self) -> Parts:
        return ("This choice expired: search again with ", code("/source google NAME TOWN"))

    def listing_pick_hint(self) -> Parts:
        return ("Pick the practice's listing: a button, or ", code("/choisir 1"), " (its number).")

    def no_listing_found(self, query: str, watch_number: int) -> Parts:
        return (
            f"No Google listing found for « {query} ». Try the exact name shown on Google Maps "
            "and the town (for example Cabinet Dupont Lyon), or give the place ID: ",
            code(f"/source google ChIJN1t_tDeuEmsRUsoyG83frY4 pour {watch_number}"),
        )

    def schema_refusal(self, advice: str, url: str) -> Parts:
        return (
            b("No review readable without a selector on this page."),
            NL,
            "The page does not publish its reviews as schema.org data (Review, "
            "AggregateRating): Vigie needs a CSS selector for each review.",
            NL,
            "For example: ",
            code(f"/source page {url} .avis"),
        )

    def page_unreachable(self, error: str) -> Parts:
        return (b("Page unreachable: "), error)

    def reply_connect_hint(self) -> Parts:
        return (
            "To publish a reply from Vigie, follow the listing through Google Business Profile "
            "(the practice's Google account): whoever runs the server runs "
            "« vigie google connecter », then ",
            code("/source business ACCOUNT/LOCATION for N"),
            ".",
        )

    def reply_not_publishable(self, number: int) -> str:
        return f"Mention #{number} cannot be answered from Vigie. "

    def reply_offer(self, number: int, has_draft: bool) -> Parts:
        draft = "this draft as is (button), or " if has_draft else ""
        return (
            b("Publish on Google: "),
            f"{draft}your own text: ",
            code(f"/repondre {number} = your text"),
            ". You see the exact text before confirming.",
        )

    def reply_buttons(self) -> tuple[str, str, str, str, str]:
        return ("Publish this draft", "✅ Confirm", "Publish anyway", "Cancel", "Confirm removal")

    def nothing_published(self) -> str:
        return "Nothing was published."

    def no_guidance_draft(self, number: int) -> Parts:
        return ("No draft for this mention. Write yours: ", code(f"/repondre {number} = text"))

    def reply_preview(self, number: int, replaces: bool) -> tuple[str, str]:
        return (
            f"📝 Exact text to be published on Google in reply to #{number}:",
            "It replaces the published reply:" if replaces else "",
        )

    def secrecy_refused(self, number: int, words: str) -> Parts:
        return (
            b("⛔ Medical secrecy: publication refused."),
            NL,
            f"Words at issue: {words}",
            NL,
            "A public reply must neither confirm that the author is a patient nor mention care "
            "or health. Edit the text: ",
            code(f"/repondre {number} = new text"),
            ". To publish anyway (your responsibility): ",
            code(f"/repondre {number} forcer"),
        )

    def secrecy_ok(self, number: int) -> Parts:
        return (
            "✅ Medical-secrecy check: nothing found.",
            NL,
            "Nothing is published before you confirm. To edit: ",
            code(f"/repondre {number} = new text"),
        )

    def no_draft(self, number: int) -> Parts:
        return ("No draft for this mention: ", code(f"/repondre {number}"))

    def draft_changed(self) -> str:
        return "The draft changed since this preview; nothing was published. Current text:"

    def publish_failed(self, error: str) -> Parts:
        return (b("⚠️ Publishing failed; nothing was published."), NL, error)

    def reply_published(self, number: int, who: str) -> tuple[str, str]:
        return (
            f"✅ Reply published on Google under #{number}.",
            f"Approved by {who}, recorded in the case file (/dossier {number}). Edit: "
            f"/repondre {number} = new text; remove: /repondre {number} supprimer.",
        )

    def reply_delete_question(self, number: int) -> str:
        return f"🗑️ Remove the practice's reply to #{number} from Google?"

    def delete_failed(self, error: str) -> Parts:
        return (b("⚠️ Removal failed."), NL, error)

    def reply_deleted(self, number: int) -> str:
        return f"Reply to #{number} removed from Google."

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
