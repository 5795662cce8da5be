"""The French sentences (the default language)."""

from __future__ import annotations

from datetime import date

from bot.chat.markup import NL, b, code, link, t
from bot.chat.types import Span
from bot.dates import format_date_fr
from bot.messages.catalogue import Parts


class French:
    """Every chat sentence in French."""

    # --- router ---
    def internal_error(self) -> str:
        return (
            "Désolé, une erreur interne a empêché cette commande d'aboutir. Rien n'a été perdu ; "
            "réessayez dans un instant, et si cela persiste, consultez le journal du serveur."
        )

    def message_too_long(self, length: int) -> str:
        return (
            f"Message trop long ({length} caractères). Une commande tient en une ligne, "
            "par exemple /surveiller Dr Marie Dupont, Lyon."
        )

    def unknown_command(self, word: str, suggestion: str | None) -> Parts:
        hint = f"Vouliez-vous dire /{suggestion} ? " if suggestion else ""
        return (f"Commande inconnue « /{word} ». {hint}La liste des commandes : ", code("/aide"))

    def argument_too_long(self, length: int, limit: int, example: str) -> Parts:
        return (
            f"Argument trop long ({length} caractères, {limit} au plus). ",
            "Exemple : ",
            code(example),
        )

    def usage(self, problem: str, usage: str, example: str) -> Parts:
        return (problem, NL, "Syntaxe : ", code(usage), NL, "Exemple : ", code(example))

    def not_bound(self, chat_id: str) -> Parts:
        return (
            "Cette conversation n'est reliée à aucune équipe Vigie. Pour la relier, demandez un "
            "code à la personne qui gère le serveur (",
            code("vigie invite"),
            "), puis tapez ",
            code("/rejoindre CODE"),
            ".",
            NL,
            "Identifiant de cette conversation : ",
            code(chat_id),
        )

    def welcome(self) -> Parts:
        return (b("Vigie"), " veille sur votre e-réputation. Les commandes : ", code("/aide"))

    def other_workspace(self) -> Parts:
        return (
            "Demande refusée : cette conversation est reliée à Vigie depuis un autre espace de "
            "travail. Pour la relier à votre équipe, tapez ",
            code("/rejoindre CODE"),
            " avec un code donné par la personne qui gère le serveur Vigie.",
        )

    # --- alerts ---
    def new_mention_title(self) -> str:
        return "🔔 Nouvel avis"

    def legal_risk_title(self) -> str:
        return "🚨 Avis à risque juridique"

    def advised_actions(self) -> str:
        return "Actions conseillées : capture, courrier à l'assureur, signalement."

    def coverage_question(self) -> Parts:
        return (t("💡 Votre contrat RCP couvre-t-il l'e-réputation ? "), code("/assureur garantie"))

    def edited_title(self, change: str) -> str:
        return "✏️ Avis modifié" + change

    def vanished(self, mention_id: int) -> Parts:
        return (
            b(f"🗑️ L'avis #{mention_id} n'apparaît plus sur la fiche."),
            NL,
            t("Il reste conservé dans Vigie, avec ses captures éventuelles."),
        )

    def baseline(self, label: str, count: int, average: float | None, risky: int) -> Parts:
        avg = f", note moyenne {average:.1f}".replace(".", ",") if average is not None else ""
        risk = f", {risky} à risque" if risky else ""
        return (
            b("📋 Source ajoutée : "),
            t(label),
            NL,
            t(f"{count} avis ou mentions existants{avg}{risk} — "),
            code("/bilan"),
            t(" pour le détail, "),
            code("/avis risque"),
            t(" pour les avis à risque."),
        )

    def source_failing(self, label: str, error: str | None) -> Parts:
        return (
            b("⚠️ Source en échec : "),
            t(label),
            NL,
            t((error or "erreur inconnue")[:300]),
            NL,
            t("Vigie réessaie régulièrement. Détail : "),
            code("/statut"),
        )

    def source_recovered(self, label: str) -> Parts:
        return (b("✅ Source rétablie : "), t(label))

    # --- reminders and deadlines ---
    def reminder_title(self) -> str:
        return "⏳ Rappel : délai pour agir"

    def already_dealt_with(self) -> str:
        return "Déjà réglé ? "

    def deadline_line(self, expires_on: date, days_left: int, estimated: bool, basis: str) -> str:
        if days_left > 1:
            when = f"dans {days_left} jours"
        elif days_left == 1:
            when = "demain"
        elif days_left == 0:
            when = "aujourd'hui"
        else:
            when = f"dépassé depuis {-days_left} jour{'s' if days_left < -1 else ''}"
        estimate = ", estimation" if estimated else ""
        return (
            f"Délai pour agir (loi du 29 juillet 1881) : {format_date_fr(expires_on)} "
            f"({when}{estimate} ; {basis})."
        )

    # --- cases: a text copied across sites, a wave of reviews ---
    def copy_title(self, sites: int) -> str:
        return f"🔁 Repris sur {sites} sites"

    def copy_moved(self, original: str, copy: str) -> Parts:
        return (t("Le texte de "), t(original), NL, t("réapparaît : "), t(copy))

    def copy_advice(self, case_id: int) -> Parts:
        return (
            t("Chaque reprise est une publication à part : capturez-la ; "),
            code(f"/dossier #{case_id}"),
            t(" liste tous les endroits."),
        )

    def copy_first(self, original: str, sites: int, case_id: int) -> Parts:
        return (
            b("🔁 Texte déjà publié ailleurs : "),
            t(f"{original} — repris sur {sites} sites."),
            NL,
            t("Tous les endroits et heures : "),
            code(f"/dossier #{case_id}"),
        )

    def button_capture(self) -> str:
        return "📸 Capture"

    def button_report(self) -> str:
        return "🚩 Signaler"

    def button_case_file(self) -> str:
        return "📁 Dossier"

    def button_insurer(self) -> str:
        return "✉️ Courrier assureur"

    def wave_title(self) -> str:
        return "🌊 Vague d'avis négatifs"

    def wave_count(self, count: int, hours: float, min_reviews: int, window_hours: int) -> Parts:
        span = f"{hours:.0f} h" if hours >= 1 else "moins d'une heure"
        return (
            b(f"{count} avis négatifs en {span}"),
            t(f" (seuil de l'équipe : {min_reviews} en {window_hours} h)"),
        )

    def no_rating(self) -> str:
        return "sans note"

    def and_more(self, count: int) -> str:
        return f"… et {count} autres."

    def wave_advice_google(self, policy_url: str) -> Parts:
        return (
            t(
                "Une attaque coordonnée enfreint le règlement de Google sur le faux engagement "
                "(« Fake engagement » : avis qui ne reflètent pas une expérience réelle, publiés "
                "depuis plusieurs comptes pour manipuler la note, ou par un concurrent). "
                "Signalez chaque avis depuis la fiche (⋮ > « Signaler l'avis ») ou depuis "
                "Google Business Profile (Avis > Signaler), en choisissant « faux avis / conflit "
                "d'intérêts », puis suivez les signalements avec l'outil de gestion des avis. "
                "Règlement : "
            ),
            link(policy_url, policy_url),
        )

    def wave_advice_other(self, mention_id: int) -> Parts:
        return (
            t(
                "Signalez chaque avis à la plateforme (bouton de signalement du site, en "
                "précisant qu'il s'agit d'une vague d'avis coordonnée) ; pour un hébergeur, la "
                "notification au titre du DSA (art. 16) : "
            ),
            code(f"/signaler #{mention_id}"),
        )

    def wave_case_file(self, mention_id: int) -> Parts:
        return (
            t("Capturez les avis avant qu'ils ne changent ; le dossier les réunit tous : "),
            code(f"/dossier #{mention_id}"),
        )

    def wave_update(self, added: int, total: int) -> str:
        return f"🌊 Vague d'avis négatifs : +{added} ({total} au total)"

    def wave_settings(self, min_reviews: int, window_hours: int) -> Parts:
        return (
            b("Vague d'avis négatifs"),
            t(f" : {min_reviews} avis en {window_hours} h"),
            NL,
            t("Modifier : "),
            code("/reglages vague 3 48h"),
        )

    def wave_settings_saved(self, min_reviews: int, window_hours: int) -> str:
        return (
            f"✅ Vague d'avis négatifs : {min_reviews} avis sur une même fiche en "
            f"{window_hours} h donnent une seule alerte groupée."
        )

    # --- social sources and the web search of /bilan ---
    def social_missing(self, kind: str) -> str:
        if kind == "youtube":
            return (
                "YouTube : clé d'API absente — la personne qui gère le serveur crée une clé "
                "« YouTube Data API v3 » dans la console Google Cloud et la met dans "
                "VIGIE_YOUTUBE_API_KEY."
            )
        if kind == "bluesky":
            return (
                "Bluesky : la recherche demande un compte — renseigner VIGIE_BLUESKY_HANDLE et "
                "VIGIE_BLUESKY_APP_PASSWORD (mot de passe d'application, Paramètres > "
                "Confidentialité et sécurité)."
            )
        return "Mastodon : aucune instance choisie — renseigner VIGIE_MASTODON_INSTANCE."

    def social_source_added(self, label: str, owner: str) -> Parts:
        return (t("✅ Source ajoutée : "), b(label), t(f" → {owner}"))

    def social_first_poll(self) -> str:
        return (
            "Premier passage dans un instant : ce qui est déjà en ligne est résumé en un seul "
            "message, puis chaque nouvelle publication arrive en alerte."
        )

    def youtube_cost(self, budget: int) -> str:
        return (
            f"YouTube : chaque recherche coûte 100 unités de quota ; budget de l'équipe "
            f"{budget} unités par jour (voir /statut)."
        )

    def already_followed(self) -> Parts:
        return (t("Cette source est déjà suivie. Voir "), code("/source"))

    def social_title(self, owner: str) -> str:
        return f"Réseaux sociaux pour {owner}"

    def social_already(self, label: str) -> str:
        return f"• {label} (déjà suivie)"

    def social_none_added(self) -> str:
        return "Aucune source ajoutée."

    def social_not_added(self) -> str:
        return "Non ajoutées :"

    def social_own_channel(self, command: str) -> Parts:
        return (t("Commentaires de votre propre chaîne YouTube : "), code(command))

    def youtube_quota(self, spent: int, budget: int) -> str:
        return (
            f"Quota YouTube du jour : {spent} / {budget} unités "
            "(une recherche = 100, une page de commentaires = 1)"
        )

    def web_title(self) -> str:
        return "🔎 Ce que le web montre"

    def web_searching(self) -> str:
        return "🔎 Recherche sur le web…"

    def web_no_watch(self) -> str:
        return "🔎 Aucun nom surveillé : rien à chercher sur le web."

    def web_not_searched(self, reason: str) -> str:
        return f"Recherche non faite : {reason}"

    def web_no_result(self) -> str:
        return "Aucun résultat."

    def site_kind(self, kind: str) -> str:
        return {
            "reviews": "Sites d'avis et annuaires",
            "social": "Réseaux sociaux et vidéo",
            "press": "Presse",
            "forums": "Forums et blogs",
        }.get(kind, "Autres sites")

    def web_watched(self) -> str:
        return "✅ déjà surveillé"

    def web_watch_it(self, command: str) -> Parts:
        return (t("à surveiller : "), code(command))

    def web_closed(self, url: str) -> Parts:
        return (t("non surveillable (API fermée ou payante) ; preuve : "), code(f"/capture {url}"))

    def web_more(self, count: int) -> str:
        return f"… et {count} autre(s) résultat(s)."

    def web_social_button(self, number: int) -> str:
        return f"Surveiller les réseaux ({number})"

    def web_search_off(self, queries: list[str]) -> Parts:
        parts: list[Span | str] = [
            b("🔎 Recherche sur le web : non faite"),
            NL,
            t(
                "Aucune clé de recherche web n'est configurée (VIGIE_WEB_SEARCH_KEY, par exemple "
                "une clé Brave Search API). Ce bilan ne couvre donc que les sources déjà suivies : "
                "Vigie n'a cherché sur le web (sites d'avis, réseaux sociaux, presse, forums) "
                "aucun de ces noms :"
            ),
        ]
        for query in queries:
            parts += [NL, t("• "), code(query)]
        return tuple(parts)
