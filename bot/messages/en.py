"""The English sentences (`/reglages langue en`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from bot.chat.markup import NL, b, code, link, quote, t
from bot.chat.types import Span
from bot.dates import DAYS_EN, PARIS, as_utc, format_date_en
from bot.messages.catalogue import CaptureOutcome, Parts
from bot.models import Flag, Severity, TeamSettings

_FLAGS = {
    Flag.INSULT: "insult",
    Flag.DEFAMATION: "defamation",
    Flag.PRIVACY: "privacy violation",
    Flag.THREAT: "threat",
}
_SEVERITIES = {
    Severity.POSITIVE: "positive",
    Severity.NEUTRAL: "neutral",
    Severity.NEGATIVE: "negative",
}
_SOURCE_KINDS = {
    "feed": "Feed",
    "news": "Google News",
    "places": "Google (listing)",
    "business": "Google Business Profile",
    "page": "Web page",
    "reddit": "Reddit",
    "youtube": "YouTube",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
}
_ACTIONS = {
    "capture": "📸 Capture",
    "assureur": "✉️ Insurer letter",
    "signaler": "🚩 Report",
    "repondre": "💬 Reply",
    "traite": "✅ Done",
}


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
            "Request refused: this conversation is bound to Vigie from another workspace; it "
            "answers that workspace alone, which alone can bind it to another team. For your "
            "team, invite Vigie to a channel of your own workspace, then type ",
            code("/rejoindre CODE"),
            " with a code from whoever runs the Vigie server.",
        )

    # --- joining a team, caps per team ---
    def join_locked(self) -> str:
        return (
            "Too many wrong codes: try again in 15 minutes with a new code "
            "(« vigie invite » on the server)."
        )

    def join_invalid(self) -> Parts:
        return (
            "This code is not valid (unknown, used or expired). Ask whoever runs the server "
            "for a new one: ",
            code("vigie invite"),
            ".",
        )

    def join_other_workspace(self) -> str:
        return (
            "Request refused: this conversation is bound to Vigie from another workspace; only "
            "that workspace can bind it to another team. The code was not used."
        )

    def join_already(self, team: str) -> Parts:
        return ("This conversation is already bound to team ", b(team), "; the code was not used.")

    def join_confirm_move(self, leaving: str, joining: str, command: str) -> Parts:
        return (
            "⚠️ This conversation is bound to team ",
            b(leaving),
            ". Binding it to team ",
            b(joining),
            " makes it leave team ",
            b(leaving),
            ": it will no longer receive its alerts. To confirm, type ",
            code(command),
            " (the code stays valid until then).",
        )

    def join_left(self, team: str) -> Parts:
        return ("; it left team ", b(team))

    def watch_cap_reached(self, cap: int) -> Parts:
        return (
            f"Limit reached: this team already watches {cap} names, this server's maximum "
            "(VIGIE_MAX_WATCHES_PER_TEAM). Remove one with ",
            code("/retirer N"),
            ", or ask whoever runs the server to raise the limit.",
        )

    def source_cap_reached(self, cap: int) -> Parts:
        return (
            f"Limit reached: this team already follows {cap} sources, this server's maximum "
            "(VIGIE_MAX_SOURCES_PER_TEAM). Remove one with ",
            code("/source retirer N"),
            ", or ask whoever runs the server to raise the limit.",
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

    # --- command errors ---
    def need_mention_number(self) -> str:
        return "Give a mention's number, for example #12 (see /avis)."

    def unclosed_quote(self) -> str:
        return 'Unclosed quote: put values with spaces between "…".'

    def not_key_value(self, token: str) -> str:
        return f"“{token}” is not of the form key=value."

    def need_url_or_mention(self) -> str:
        return "Give a web address or a mention's number."

    def no_such_mention(self, number: int) -> str:
        return f"No mention #{number} for your team. See /avis."

    def need_join_code(self) -> str:
        return "Give the code from whoever runs the Vigie server."

    def join_code_shape(self) -> str:
        return "A code looks like K7P-2QX."

    def need_mention(self) -> str:
        return "Give the mention's number (see /avis)."

    def need_handled_mention(self) -> str:
        return "Give the number of the mention dealt with."

    def need_page_and_selector(self) -> str:
        return "Give the page's address (and, if needed, the CSS selector of its reviews)."

    def need_listing_owner(self) -> str:
        return "Say which watched name this listing is for: “pour N” (see /liste)."

    def need_source(self) -> str:
        return "Give the source to add."

    def need_source_number(self, count: int) -> str:
        return f"Give a source's number (S1 to S{count}, see /source)."

    def unknown_source_kind(self, word: str) -> str:
        return (
            f"Unknown source kind “{word}”: flux, actus, google, fiche, page, "
            "reseaux, reddit, youtube, bluesky or mastodon."
        )

    def missing_source_after(self, word: str) -> str:
        return f"The source is missing after “{word}”."

    def not_a_time(self, text: str) -> str:
        return f"“{text}” is not a time (example: 21:00)."

    def value_too_long(self, key: str, limit: int) -> str:
        return f"The value of “{key}” is too long ({limit} characters at most)."

    def value_has_control_chars(self, key: str) -> str:
        return f"The value of “{key}” contains control characters."

    def unknown_key(self, key: str, section: str, known: str) -> str:
        return f"Unknown key “{key}” for {section}. Possible keys: {known}."

    def bad_rpps(self) -> str:
        return "An RPPS number has 11 digits (example: rpps=10001234567)."

    def bad_email(self, text: str) -> str:
        return f"“{text}” is not a valid e-mail address."

    def bad_coverage(self) -> str:
        return "garantie=oui (yes), garantie=non (no) or garantie=inconnue (unknown)."

    def need_practitioner_value(self) -> str:
        return "Give at least one value, for example rpps=10001234567."

    def need_insurer_value(self) -> str:
        return "Give at least one value, for example nom=MACSF (name)."

    def need_quiet_hours(self) -> str:
        return "Give a time range, for example 21:00-07:30 (or “aucun” for none)."

    def need_digest_slot(self) -> str:
        return "Give a day and a time, for example “lundi 08:00” (Monday)."

    def bad_language(self) -> str:
        return "Language: fr (French) or en (English), for example “langue en”."

    def unknown_settings_section(self, section: str) -> str:
        return (
            f"Unknown section “{section}”: praticien, assureur, silence, resume, langue or vague."
        )

    def need_name(self) -> str:
        return "Give the name to watch."

    def too_many_fields(self) -> str:
        return "Too many fields: name, specialty and city at most, separated by commas."

    def too_many_aliases(self, limit: int) -> str:
        return f"{limit} aliases at most."

    def field_too_long(self, field: str, length: int, limit: int) -> str:
        return f"The “{field}” field is too long ({length} characters, {limit} at most)."

    def field_forbidden_chars(self, field: str) -> str:
        return (
            f"The “{field}” field contains characters that are not allowed (< > * _ # @ …). "
            "Write the name as it appears online."
        )

    def field_needs_letters(self, field: str) -> str:
        return f"The “{field}” field must contain letters."

    def need_watch_ref(self) -> str:
        return "Give the number (see /liste) or the name."

    def no_such_watch_number(self, number: int, count: int) -> str:
        return f"There is no #{number} in the list ({count} name(s)). See /liste."

    def no_such_watch_name(self, ref: str) -> str:
        return f"No watched name matches “{ref}”. See /liste."

    # --- a mention ---
    def flag_name(self, flag: Flag) -> str:
        return _FLAGS[flag]

    def severity_name(self, severity: Severity) -> str:
        return _SEVERITIES[severity]

    def source_kind_name(self, kind: str) -> str:
        return _SOURCE_KINDS.get(kind, kind)

    def by_author(self, author: str) -> str:
        return "by " + author

    def view_online(self) -> str:
        return "View online"

    def tone(self, severity: Severity) -> str:
        return "Tone: " + _SEVERITIES[severity]

    def legal_risk(self, flags: list[Flag]) -> str:
        return "⚠️ Legal risk: " + ", ".join(_FLAGS[f] for f in flags)

    def flag_reason(self, words: str, reason: str, flag: Flag | None) -> str:
        # The lexicons explain their cues in French: in English, the flag says why.
        return f"“{words}” — {_FLAGS[flag]}" if flag is not None else f"“{words}”"

    def handled(self) -> str:
        return "Handled"

    def no_longer_online(self, when: str) -> str:
        return f"🗑️ No longer online (seen {when})"

    def action_label(self, action: str) -> str:
        return _ACTIONS.get(action, action)

    # --- /avis, /traite, the console ---
    def latest_title(self) -> str:
        return "Latest reviews and mentions"

    def risky_title(self) -> str:
        return "Legal-risk mentions"

    def open_title(self) -> str:
        return "Open mentions"

    def mentions_of_title(self, name: str) -> str:
        return "Mentions of " + name

    def nothing_yet(self) -> Parts:
        return ("Nothing yet. Check your sources with ", code("/source"), ".")

    def mention_commands(self) -> str:
        return "/capture #N · /insurer #N · /reply #N · /done #N"

    def already_handled(self, mention_id: int) -> str:
        return f"Mention #{mention_id} was already marked handled."

    def marked_handled(self, mention_id: int) -> str:
        return f"✅ Mention #{mention_id} marked handled: no more reminders."

    def console_banner(self) -> str:
        return "Vigie — console. Type /aide for the list of commands, Ctrl-D to quit."

    # --- /aide ---
    def alias_line(self, aliases: str) -> str:
        return "alias: " + aliases

    def examples_title(self) -> str:
        return "Examples"

    def help_unknown_command(self, suggestion: str | None) -> str:
        hint = f" Did you mean /{suggestion}?" if suggestion else ""
        return f"Unknown command.{hint} The list: "

    def commands_title(self) -> str:
        return "Vigie commands"

    def details_and_examples(self) -> str:
        return "Details and examples: "

    # --- cases: a text copied across sites, a wave of reviews ---
    def copy_title(self, sites: int) -> str:
        return f"🔁 Copied on {sites} sites"

    def copy_moved(self, original: str, copy: str) -> Parts:
        return (t("The text of "), t(original), NL, t("appears again: "), t(copy))

    def copy_advice(self, case_id: int) -> Parts:
        return (
            t("Each copy is a publication of its own: capture it; "),
            code(f"/dossier #{case_id}"),
            t(" lists every place."),
        )

    def copy_first(self, original: str, sites: int, case_id: int) -> Parts:
        return (
            b("🔁 Text already published elsewhere: "),
            t(f"{original} — copied on {sites} sites."),
            NL,
            t("Every place and time: "),
            code(f"/dossier #{case_id}"),
        )

    def button_capture(self) -> str:
        return "📸 Capture"

    def button_report(self) -> str:
        return "🚩 Report"

    def button_case_file(self) -> str:
        return "📁 Case file"

    def button_insurer(self) -> str:
        return "✉️ Insurer letter"

    def wave_title(self) -> str:
        return "🌊 Wave of negative reviews"

    def wave_count(self, count: int, hours: float, min_reviews: int, window_hours: int) -> Parts:
        span = f"within {hours:.0f} h" if hours >= 1 else "in under an hour"
        return (
            b(f"{count} negative reviews {span}"),
            t(f" (team threshold: {min_reviews} within {window_hours} h)"),
        )

    def no_rating(self) -> str:
        return "no rating"

    def and_more(self, count: int) -> str:
        return f"… and {count} more."

    def wave_advice_google(self, policy_url: str) -> Parts:
        return (
            t(
                "A coordinated attack breaks Google's fake engagement policy (reviews that do "
                "not reflect a genuine experience, posted from several accounts to manipulate "
                "the rating, or by a competitor). Report each review from the listing (⋮ > "
                "« Report review ») or from Google Business Profile (Reviews > Report), choosing "
                "« fake review / conflict of interest », then follow up with the review "
                "management tool. Policy: "
            ),
            link(policy_url, policy_url),
        )

    def wave_advice_other(self, mention_id: int) -> Parts:
        return (
            t(
                "Report each review to the platform (its report button, saying it is a "
                "coordinated wave); for a host, the notice under the DSA (art. 16): "
            ),
            code(f"/signaler #{mention_id}"),
        )

    def wave_case_file(self, mention_id: int) -> Parts:
        return (
            t("Capture the reviews before they change; the case file holds them all: "),
            code(f"/dossier #{mention_id}"),
        )

    def wave_update(self, added: int, total: int) -> str:
        return f"🌊 Wave of negative reviews: +{added} ({total} in all)"

    def wave_settings(self, min_reviews: int, window_hours: int) -> Parts:
        return (
            b("Wave of negative reviews"),
            t(f": {min_reviews} reviews within {window_hours} h"),
            NL,
            t("Change: "),
            code("/reglages vague 3 48h"),
        )

    def wave_settings_saved(self, min_reviews: int, window_hours: int) -> str:
        return (
            f"✅ Wave of negative reviews: {min_reviews} reviews on one listing within "
            f"{window_hours} h give one grouped alert."
        )

    # --- social sources and the web search of /bilan ---
    def social_missing(self, kind: str) -> str:
        if kind == "youtube":
            return (
                "YouTube: no API key — whoever runs the server creates a « YouTube Data API v3 » "
                "key in the Google Cloud console and sets VIGIE_YOUTUBE_API_KEY."
            )
        if kind == "bluesky":
            return (
                "Bluesky: search needs an account — set VIGIE_BLUESKY_HANDLE and "
                "VIGIE_BLUESKY_APP_PASSWORD (an app password, Settings > Privacy and security)."
            )
        return "Mastodon: no instance chosen — set VIGIE_MASTODON_INSTANCE."

    def social_source_added(self, label: str, owner: str) -> Parts:
        return (t("✅ Source added: "), b(label), t(f" → {owner}"))

    def social_first_poll(self) -> str:
        return (
            "First poll in a moment: what is already online is summarised in one message, then "
            "each new post arrives as an alert."
        )

    def youtube_cost(self, budget: int) -> str:
        return (
            f"YouTube: each search costs 100 quota units; the team's budget is {budget} units a "
            "day (see /statut)."
        )

    def already_followed(self) -> Parts:
        return (t("Already followed. See "), code("/source"))

    def social_title(self, owner: str) -> str:
        return f"Social networks for {owner}"

    def social_already(self, label: str) -> str:
        return f"• {label} (already followed)"

    def social_none_added(self) -> str:
        return "No source added."

    def social_not_added(self) -> str:
        return "Not added:"

    def social_own_channel(self, command: str) -> Parts:
        return (t("Comments on your own YouTube channel: "), code(command))

    def youtube_quota(self, spent: int, budget: int) -> str:
        return (
            f"YouTube quota today: {spent} / {budget} units "
            "(a search = 100, a page of comments = 1)"
        )

    def web_title(self) -> str:
        return "🔎 What the web shows"

    def web_searching(self) -> str:
        return "🔎 Searching the web…"

    def web_no_watch(self) -> str:
        return "🔎 No watched name: nothing to search on the web."

    def web_not_searched(self, reason: str) -> str:
        return f"Not searched: {reason}"

    def web_no_result(self) -> str:
        return "No result."

    def site_kind(self, kind: str) -> str:
        return {
            "reviews": "Review sites and directories",
            "social": "Social networks and video",
            "press": "Press",
            "forums": "Forums and blogs",
        }.get(kind, "Other sites")

    def web_watched(self) -> str:
        return "✅ already watched"

    def web_watch_it(self, command: str) -> Parts:
        return (t("watch it: "), code(command))

    def web_closed(self, url: str) -> Parts:
        return (t("cannot be watched (closed or paid API); keep proof: "), code(f"/capture {url}"))

    def web_more(self, count: int) -> str:
        return f"… and {count} more."

    def web_social_button(self, number: int) -> str:
        return f"Watch social networks ({number})"

    def web_search_off(self, queries: list[str]) -> Parts:
        parts: list[Span | str] = [
            b("🔎 Web search: not done"),
            NL,
            t(
                "No web search key is configured (VIGIE_WEB_SEARCH_KEY, e.g. a Brave Search API "
                "key). This audit therefore covers only the sources already followed: Vigie did "
                "not search the web (review sites, social networks, press, forums) for:"
            ),
        ]
        for query in queries:
            parts += [NL, t("• "), code(query)]
        return tuple(parts)

    # --- finB: the capture answer (the bundle itself stays French: `recorded` is its text) ---
    def capture_busy(self, pending: int) -> str:
        return f"{pending} captures are already running or waiting: try again in a minute."

    def capture_waiting(self, ahead: int) -> str:
        return f"Capture waiting ({ahead} ahead of yours)…"

    def capture_running(self) -> str:
        return "Capture running…"

    def capture_caption(self, kind: str) -> str:
        return {
            "preview": "Preview",
            "excerpt": "The review, framed",
            "page": "Whole page",
            "bundle": "Evidence bundle",
        }[kind]

    def capture_headline(self, level: str) -> str:
        return {"solide": "📸 Capture", "partielle": "⚠️ Partial capture"}.get(
            level, "⚠️ Incomplete capture"
        )

    def capture_title(self, headline: str, capture_id: int, mention_id: int | None) -> str:
        about = f" of mention #{mention_id}" if mention_id is not None else ""
        return f"{headline} no. {capture_id}{about}"

    def capture_address(self, url: str) -> str:
        return f"Address: {url or '—'}"

    def capture_time(self, moment: datetime) -> str:
        return f"Time of capture: {_en_capture_time(moment)}"

    def capture_requested_by(self, operator: Mapping[str, Any], recorded: str) -> str:
        if operator.get("automatic"):
            return "Requested by: automatic capture (legal risk)"
        name, platform = operator.get("display_name"), operator.get("platform")
        if name and platform:
            return f"Requested by: {name} ({platform}, id {operator.get('user_id')})"
        return f"Requested by: {recorded}"

    def capture_bundle_sha(self, sha256: str) -> str:
        return f"Bundle SHA-256: {sha256}"

    def capture_image_sha(self, sha256: str) -> str:
        return f"Image SHA-256: {sha256}"

    def capture_timestamp(self, authority: str | None, when: str | None, recorded: str) -> str:
        if authority and when:
            return f"Timestamped by a third-party authority ({authority}): {when}."
        return (
            "Not timestamped by a trusted authority (none is set in VIGIE_TSA_URL, or it did "
            "not answer): only the server's clock dates this bundle."
        )

    def capture_note(self, outcome: CaptureOutcome, recorded: str) -> str:
        moment = _en_capture_time(outcome.moment)
        retry = f"To do: try again ({outcome.retry}); "
        if outcome.level == "solide":
            where = " and the review is on it (framed in extrait.png)" if outcome.text_found else ""
            return (
                f"Solid proof: the whole page was captured{where}. In court, a bailiff's report "
                "(commissaire de justice) remains the reference."
            )
        if outcome.level == "partielle":
            missing = "; ".join(_EN_SHORTFALLS.get(c, c) for c in outcome.shortfalls)
            return (
                f"Partial capture, not complete proof of publication: {missing}. The bundle "
                f"shows what {outcome.url} displayed at {moment}. {retry}if the problem "
                f"persists, {_EN_CONSTAT}."
            )
        kept = (
            " It keeps the mention as Vigie received it from the source, which does not prove "
            "its publication online."
            if outcome.has_mention
            else ""
        )
        return (
            "This bundle does not prove publication: it proves only the attempt to capture "
            f"{outcome.url or 'the mention'} at {moment} and the error met "
            f"({_EN_FAILURES.get(outcome.status, _EN_FAILURES['unreachable'])}).{kept} "
            f"{retry}{_EN_CONSTAT}."
        )

    def capture_verify(self) -> str:
        return "Check the bundle: "

    def capture_automatic(self) -> str:
        return "Automatic capture (legal-risk mention)"

    def casefile_caption(self, mention_id: int) -> str:
        return f"Case file for mention #{mention_id}"

    def casefile_summary(self, captures: int, letters: int, complete: bool) -> str:
        missing = (
            ""
            if complete
            else " Some letters are missing: complete /reglages and run /dossier again."
        )
        return f"{captures} capture(s), {letters} letter(s), timeline and summary.{missing}"

    def audit_polling(self, sources: int) -> str:
        return f"⏳ Audit running: polling {sources} source(s)…"

    def audit_polled(self, ok: int, failed: int, new: int) -> str:
        return f"Sources polled: {ok} OK, {failed} failing, {new} new. Writing the report…"

    def slack_empty(self, example: str) -> Parts:
        return (
            "Type /vigie followed by a command, for example: ",
            code("/vigie aide"),
            " · ",
            code(example),
            " · ",
            code("/vigie rejoindre K7P-2QX"),
        )

    def slack_mention_empty(self) -> Parts:
        return (
            "Write a command after the mention, for example “@Vigie surveiller Dr Marie "
            "Dupont, Lyon”, or type ",
            code("/vigie aide"),
            ".",
        )

    def slack_too_long(self, length: int, limit: int, example: str) -> Parts:
        return (
            f"Command too long ({length} characters, {limit} at most). A command fits "
            "on one line, for example: ",
            code(example),
        )

    def slack_working(self, what: str) -> Parts:
        return (
            "⏳ ",
            "On it: ",
            code(what),
            ". The result will be posted here as soon as it is ready.",
        )

    def slack_bad_button(self) -> Parts:
        return (
            "This button is not valid (altered or outdated message). Type the command "
            "instead, for example ",
            code("/vigie capture 12"),
            "; the list: ",
            code("/vigie aide"),
            ".",
        )

    def slack_invite_bot(self, files: int) -> Parts:
        missing = (
            f" {files} file(s) could not be attached; run the command again afterwards."
            if files
            else ""
        )
        return (
            "Vigie is not a member of this channel: only you see this answer. Invite it with ",
            code("/invite @Vigie"),
            " so that the team sees the answers and receives the alerts.",
            missing,
        )

    def slack_cut_notice(self) -> str:
        return "… (cut: {n} characters not shown)"

    def notice_needs_url(self, mention_id: int) -> str:
        return (
            f"The mention #{mention_id} has no exact address (URL) on record, and a notice "
            "under the DSA (art. 16) must give it. Open the review on the platform and use "
            "its own “Report” button."
        )

    def notice_no_legal_basis(self, number: int) -> str:
        return (
            f"The analysis of review #{number} found nothing that looks unlawful (insult, "
            "defamation, invasion of privacy, threat), so a DSA notice would not be founded. "
            "For a review that only breaks the platform's rules (fake review, off-topic), use "
            f"its “Report” button; for a negative review, see /repondre {number}; "
            f"if in doubt, ask your insurer: /assureur {number}."
        )

    def secrecy_hits(self, hits: list[tuple[str, str]]) -> str:
        reasons = {"care": "care relationship", "health": "health information"}
        return ", ".join(f"“{words}” ({reasons[reason]})" for words, reason in hits)

    # finB: the weekly digest
    def digest_title(self, team: str) -> str:
        return "🗓 Weekly digest — " + team

    def digest_period(self, start: date, end: date) -> str:
        return f"from {format_date_en(start)} to {format_date_en(end)}"

    def digest_no_mention(self) -> str:
        return "No new mention this week."

    def digest_new_mentions(self, count: int, shown: str) -> str:
        return f"{shown} {'new mention' if count == 1 else 'new mentions'}"

    def digest_colon(self) -> str:
        return ": "

    def digest_severities(self, counts: list[tuple[int, str]]) -> str:
        words = ("positive", "neutral", "negative")
        return ", ".join(f"{count} {word}" for (count, _), word in zip(counts, words, strict=True))

    def digest_rating(self, current: str, change: str | None, previous: str | None) -> str:
        line = "Average rating: " + current
        if previous is not None:
            line += f" ({change} in a week; {previous} 7 days ago)"
        return line

    def digest_more(self, more: int) -> str:
        return f"… and {more} more: /reviews"

    def digest_no_risk(self) -> str:
        return "✅ No legal-risk mention waiting."

    def digest_risk_title(self, count: int) -> str:
        return f"⚠️ Open legal-risk mentions: {count}"

    def digest_more_risks(self, more: int) -> str:
        return f"… and {more} more: /reviews risk"

    def digest_commands(self) -> str:
        return "/reviews · /reviews risk · /audit"

    def digest_schedule(self) -> tuple[str, str]:
        return "Day and time of this digest: ", "/settings digest DAY HH:MM"

    def reply_text_empty(self) -> str:
        return "The text of the reply is empty."

    def reply_text_too_long(self, length: int, limit: int) -> str:
        return f"Reply too long ({length} characters, {limit} at most on Google)."

    # --- finA: /statut, /source, /liste, /reglages, /rejoindre, sources' own errors ---
    def status_intro(
        self, version: str, adapters: str, started: str, watches: int, mentions: int
    ) -> Parts:
        return (
            b(f"Vigie {version}"),
            t(f" · adapters : {adapters}"),
            NL,
            t(f"Started {started}"),
            NL,
            t(f"{watches} watched name(s)"),
            t(f" · {mentions} mentions"),
        )

    def status_alerts(self, pending: int, sent: int, failed: int) -> Parts:
        return (
            t("Alerts: "),
            t(f"{pending} pending"),
            t(f", {sent} sent"),
            t(f", {failed} given up"),
            NL,
            b("Sources"),
        )

    def status_no_source(self) -> Parts:
        return (t(": none — "), code("/aide source"))

    def status_last_poll(self, when: str) -> str:
        return f" (last poll {when})"

    def status_source_failing(self, failures: int, error: str) -> str:
        return f"⚠️ {failures} failure(s): {error}"

    def status_source_ok(self, when: str) -> str:
        return f"✅ OK, {when}"

    def status_source_first_poll(self) -> str:
        return "⏳ first poll pending"

    def coverage_tip(self) -> Parts:
        return (
            t("💡 Check whether your liability insurance covers e-reputation: "),
            code("/assureur garantie"),
        )

    def sources_none(self) -> Parts:
        return (
            b("No source yet."),
            NL,
            t("Examples: "),
            NL,
            code("/source flux https://www.google.com/alerts/feeds/123/456"),
            NL,
            code("/source actus 1"),
            NL,
            code("/source google Cabinet Dupont Lyon pour 1"),
        )

    def sources_title(self) -> str:
        return "The team's sources"

    def sources_failing(self, failures: int, error: str) -> str:
        return f"    ⚠️ {failures} failure(s): {error}"

    def sources_first_poll(self) -> str:
        return "    ⏳ first poll pending"

    def sources_remove_hint(self) -> Parts:
        return (t("Remove: "), code("/source retirer N"))

    def source_already(self) -> Parts:
        return ("Already followed. See ", code("/source"))

    def source_added(self, label: str) -> Parts:
        return (
            "✅ ",
            "Source added: ",
            b(label),
            NL,
            t(
                "First poll in a moment: existing items are summarised in one message, then each "
                "new one arrives as an alert."
            ),
        )

    def source_removed(self, number: str) -> str:
        return f"Source S{number} removed; its mentions are kept."

    def watch_details(self, practice: bool, details: list[str]) -> str:
        kind = "practice" if practice else "practitioner"
        return f" ({kind}{', ' if details else ''}{', '.join(details)})"

    def watch_aliases(self, aliases: tuple[str, ...]) -> str:
        return " alias: " + ", ".join(aliases)

    def watch_duplicate(self, name: str) -> Parts:
        return (f"“{name}” is already watched. See ", code("/liste"), ".")

    def watch_added(self, number: int) -> Parts:
        return ("Added to the watch, no. ", b(str(number)), ": ")

    def watch_add_source(self, number: int) -> Parts:
        return (
            "Add a source for this name: ",
            code(f"/source actus {number}"),
            " (Google News), or ",
            code(f"/source google PLACE_ID pour {number}"),
            ".",
        )

    def watch_none(self) -> Parts:
        return (
            "Nothing watched yet. Example: ",
            code("/surveiller Dr Marie Dupont, dermatologue, Lyon"),
        )

    def watch_list_title(self) -> str:
        return "Watched names"

    def watch_sources(self, label: str | None) -> str:
        return "    sources: " + (label or "none")

    def watch_removed(self, name: str) -> Parts:
        return ("Stopped watching ", b(name), ". Its mentions are kept.")

    def settings_overview(self, s: TeamSettings) -> Parts:
        missing = "—"
        p, ins = s.practitioner, s.insurer
        none = "none"
        quiet = f"{s.quiet_start}–{s.quiet_end}" if s.quiet_start and s.quiet_end else none
        return (
            b(f"Settings of team {s.team_name}"),
            NL,
            b("Practitioner"),
            t(f" : {p.name or missing} · {p.profession or missing} · RPPS {p.rpps or missing}"),
            NL,
            t(f"   address : {p.address or missing} · e-mail : "),
            t(p.email or missing),
            NL,
            b("Liability insurer"),
            t(f" : {ins.name or missing} · {ins.email or missing} · "),
            t(f"policy {ins.policy or missing}"),
            NL,
            t(f"   postal address : {ins.address or missing}"),
            NL,
            t(f"   e-reputation cover : {ins.coverage.value}"),
            NL,
            b("Quiet hours"),
            t(f" : {quiet} · "),
            b("Weekly digest"),
            t(f" : {DAYS_EN[s.digest_day]} {s.digest_time} · "),
            b("Language"),
            t(f" : {s.language}"),
            NL,
            NL,
            t("Change: "),
        )

    def settings_saved(self) -> str:
        return "Settings saved."

    def join_done(self, team: str, left: Parts) -> Parts:
        return (
            "✅ ",
            "This chat now receives the alerts of team ",
            b(team),
            *left,
            ".",
            NL,
            "To start: ",
            code("/surveiller Dr Marie Dupont, dermatologue, Lyon"),
            ", then ",
            code("/aide"),
            ".",
        )

    def source_server_error(self, host: str, status: int, wait: str | None) -> str:
        later = f"in {wait}" if wait is not None else "at the next poll"
        return f"{host} is having trouble (error {status}): next try {later}."

    def source_internal_network(self, host: str, address: str) -> str:
        return (
            f"The site {host} leads to an internal network ({address}): Vigie refuses to "
            "fetch it. Give the page's public address."
        )

    def places_search_needs_key(self) -> str:
        return (
            "Searching Google listings needs a Places API key: whoever runs the server must "
            "set VIGIE_GOOGLE_PLACES_API_KEY (see the README, Google section). Meanwhile, give "
            "the listing's place ID directly."
        )

    def site_not_found(self, host: str) -> str:
        return f"The site “{host}” cannot be found (unknown domain name)."

    def source_timeout(self, host: str, limit: str) -> str:
        return f"{host} did not answer in time ({limit}). Vigie will retry at the next poll."

    def source_unreachable(self, host: str) -> str:
        return (
            f"Cannot reach {host}: connection refused or site offline. "
            "Vigie will retry at the next poll."
        )

    def source_rate_limited(self, host: str, wait: str) -> str:
        return f"{host} asks to slow down (error 429): next try in {wait}."

    def source_page_gone(self, url: str, status: int) -> str:
        what = "not found" if status == 404 else "deleted"
        return (
            f"The page {url} is {what} (error {status}). Check the address, "
            "or remove this source with /source retirer."
        )

    def source_forbidden(self, host: str, status: int) -> str:
        return (
            f"{host} refuses access to this page (error {status}). "
            "Vigie only watches public pages, without a login."
        )

    def source_refused(self, host: str, status: int) -> str:
        return f"{host} refused the request (error {status}). Check the address."

    def poll_unknown_kind(self, kind: str) -> str:
        return f"unknown source kind: {kind}"

    def poll_unexpected(self, error: str) -> str:
        return f"unexpected error ({error})"

    def poll_not_recorded(self) -> str:
        return "internal error while recording"

    def listing_which_watch(self) -> str:
        return "Say for which watched name: “pour N” (see /liste)."

    def listing_need_query(self) -> str:
        return "Give the practice's name and its city, e.g. Cabinet Dupont Lyon."

    def listing_need_number(self) -> str:
        return "Give the number of the proposed listing, e.g. /choisir 2."

    def listing_no_search(self) -> str:
        return "No listing search under way: /source google NAME CITY."

    def listing_number_range(self, count: int) -> str:
        return f"Choose a number between 1 and {count}."

    def listing_watch_removed(self) -> str:
        return "The watched name of this search was removed. See /liste."

    def listing_unreadable(self) -> str:
        return "Unreadable proposal: run /source google NAME CITY again."

    def listing_watch_first(self) -> str:
        return (
            "First add the name to watch (/surveiller Cabinet Dupont, Lyon), then search "
            "its listing."
        )

    def selector_missing(self, example: str) -> str:
        return (
            "The CSS selector of the items to watch is missing (e.g. .review, "
            f"article.review or #comments li). Example: {example}"
        )

    def selector_too_long(self, limit: int) -> str:
        return f"This CSS selector is too long (over {limit} characters)."

    def selector_invalid(self, selector: str, problem: str, example: str) -> str:
        return (
            f"The CSS selector “{selector}” is invalid ({problem}). "
            f"Valid examples: .review, article.review, #comments li. Example: {example}"
        )

    def not_a_place_id(self, text: str, example: str) -> str:
        return (
            f"“{text}” is not a Google place ID. It looks like ChIJN1t_tDeuEmsRUsoyG83frY4; "
            "Google's “Place ID Finder” tool gives it from the practice's name. "
            f"Example: {example}"
        )

    def address_missing(self, example: str) -> str:
        return f"The address is missing. Example: {example}"

    def address_too_long(self) -> str:
        return "This address is too long (over 2,000 characters)."

    def source_too_large(self, host: str, limit: int) -> str:
        size = f"{limit / 1_048_576:.0f} MB" if limit >= 1_048_576 else f"{limit // 1024} kB"
        return (
            f"The answer of {host} exceeds {size}: Vigie ignores it. "
            "Watch an RSS feed or a more precise review page instead."
        )

    def source_connection_failed(self, host: str, error: str, reading: bool) -> str:
        what = "broke while reading" if reading else "failed"
        return f"The connection with {host} {what} ({error}). Vigie will retry at the next poll."

    def url_scheme_refused(self) -> str:
        return "Only http:// and https:// addresses are accepted (e.g. https://www.example.org/reviews)."

    def url_without_site(self) -> str:
        return "The address names no site (e.g. https://www.example.org/)."

    def url_with_credentials(self) -> str:
        return "Addresses holding a login or a password are refused."

    def with_example(self, sentence: str, example: str) -> str:
        return f"{sentence} Example: {example}"

    def news_query_empty(self) -> str:
        return (
            "The Google News search is empty. Example: /source actus 1 "
            "(the watched name's number, as /liste shows it)."
        )

    def news_query_too_long(self, limit: int) -> str:
        return f"This search is too long (over {limit} characters)."

    def places_search_unavailable(self, status: int) -> str:
        return (
            "Google Places is unavailable or limiting calls for now "
            f"(error {status}): try again in a few minutes."
        )

    def places_key_refused(self, google: str | None) -> str:
        said = f" (Google: {google})" if google else ""
        return (
            "The Google Places API key is refused: whoever runs the server must check "
            "VIGIE_GOOGLE_PLACES_API_KEY and that “Places API (New)” is enabled for this key "
            f"in the Google Cloud console{said}."
        )

    def places_search_forbidden(self, google: str | None) -> str:
        said = f" (Google: {google})" if google else ""
        return (
            "Google refuses the search with this key: enable “Places API (New)” and billing "
            "in the Google Cloud console, or lift the key's restrictions "
            f"(VIGIE_GOOGLE_PLACES_API_KEY){said}."
        )

    def places_search_refused(self, status: int, google: str | None) -> str:
        said = f" (Google: {google})" if google else ""
        return f"Google Places refused the search (error {status}){said}."

    def feed_empty(self, url: str) -> str:
        return f"The feed {url} is empty: check the address."

    def feed_unreadable(self, url: str, error: str) -> str:
        return f"The feed {url} cannot be read ({error})."

    def feed_malformed(self, url: str, detail: str) -> str:
        return (
            f"The feed {url} cannot be read ({detail}). Check that the address leads "
            "to an RSS or Atom feed."
        )

    def not_a_feed(self, url: str) -> str:
        return (
            f"The address {url} does not return an RSS or Atom feed. To watch a web page, "
            "use: /source page URL SELECTOR "
            "(e.g. /source page https://example.org/reviews .review)."
        )

    def not_a_page(self, url: str, content_type: str) -> str:
        return (
            f"The address {url} does not return a web page ({content_type}). "
            "Give the address of the page that shows the reviews."
        )

    def page_unreadable(self, url: str, error: str) -> str:
        return f"The page {url} cannot be read ({error})."

    def selector_finds_nothing(self, selector: str, url: str, example: str) -> str:
        return (
            f"The selector “{selector}” finds no element on {url}. The page may have changed "
            "its layout, or be drawn by JavaScript. Check the selector. "
            f"Example: {example}"
        )

    def address_internal(self, url: str, via: str | None, address: str) -> str:
        where = f"{via} redirects to {url}, which" if via else f"The address {url}"
        return (
            f"{where} leads to an internal network ({address}): Vigie refuses to fetch it. "
            "Give the page's public address."
        )

    def not_json(self, host: str, problem: str) -> str:
        return f"The answer of {host} is not readable JSON ({problem})."


def _en_rating(value: float | None) -> str:
    return f"{value:.1f}★" if value is not None else "—"


_EN_CONSTAT = "while the page is online, have a bailiff (commissaire de justice) record it"
_EN_SHORTFALLS = {
    "not_loaded": "the page had not finished loading",
    "image_cut": "the page was too tall for the whole image",
    "network_cut": "loading was cut off by volume",
    "blocked": "parts of the page were blocked for safety",
    "text_missing": "the review's text was not found on the page",
}
_EN_FAILURES = {
    "no_browser": "no browser is available on the server; see VIGIE_CHROMIUM_PATH",
    "no_url": "this mention has no web address to capture",
    "error": "unexpected error, detailed in the server log",
    "refused": "capture refused: unsafe address",
    "unreachable": "the page could not be loaded",
}


def _en_capture_time(value: datetime) -> str:
    """The capture instant in UTC and Paris time, as format_capture_time but in English."""
    utc = as_utc(value)
    local = utc.astimezone(PARIS)
    day = "" if local.date() == utc.date() else f"{local:%Y-%m-%d} "
    return f"{utc:%Y-%m-%d %H:%M:%S} UTC ({day}{local:%H:%M:%S} Paris time)"
