"""The French sentences (the default language)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from bot.chat.markup import NL, b, code, link, quote, t
from bot.chat.types import Span
from bot.dates import DAYS_FR, format_capture_time, format_date_fr
from bot.messages.catalogue import CaptureOutcome, Parts
from bot.models import Flag, Severity, TeamSettings

_FLAGS = {
    Flag.INSULT: "injure",
    Flag.DEFAMATION: "diffamation",
    Flag.PRIVACY: "atteinte à la vie privée",
    Flag.THREAT: "menace",
}
_SEVERITIES = {
    Severity.POSITIVE: "positif",
    Severity.NEUTRAL: "neutre",
    Severity.NEGATIVE: "négatif",
}
_SOURCE_KINDS = {
    "feed": "Flux",
    "news": "Google Actualités",
    "places": "Google (fiche)",
    "business": "Google Business Profile",
    "page": "Page web",
    "reddit": "Reddit",
    "youtube": "YouTube",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
}
_ACTIONS = {
    "capture": "📸 Capture",
    "assureur": "✉️ Courrier assureur",
    "signaler": "🚩 Signaler",
    "repondre": "💬 Répondre",
    "traite": "✅ Traité",
}


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
            "travail ; elle ne répond qu'à celui-ci, qui seul peut la relier à une autre équipe. "
            "Pour votre équipe, invitez Vigie dans un canal de votre espace de travail, puis "
            "tapez ",
            code("/rejoindre CODE"),
            " avec un code donné par la personne qui gère le serveur Vigie.",
        )

    # --- joining a team, caps per team ---
    def join_locked(self) -> str:
        return (
            "Trop de codes erronés : réessayez dans 15 minutes avec un nouveau code "
            "(commande « vigie invite » sur le serveur)."
        )

    def join_invalid(self) -> Parts:
        return (
            "Ce code n'est pas valable (inconnu, déjà utilisé ou expiré). Demandez un nouveau "
            "code à la personne qui gère le serveur : ",
            code("vigie invite"),
            ".",
        )

    def join_other_workspace(self) -> str:
        return (
            "Demande refusée : cette conversation est reliée à Vigie depuis un autre espace de "
            "travail ; seul celui-ci peut la relier à une autre équipe. Le code n'a pas été "
            "utilisé."
        )

    def join_already(self, team: str) -> Parts:
        return (
            "Cette conversation est déjà reliée à l'équipe ",
            b(team),
            " ; le code n'a pas été utilisé.",
        )

    def join_confirm_move(self, leaving: str, joining: str, command: str) -> Parts:
        return (
            "⚠️ Cette conversation est reliée à l'équipe ",
            b(leaving),
            ". La relier à l'équipe ",
            b(joining),
            " lui fait quitter l'équipe ",
            b(leaving),
            " : elle n'en recevra plus les alertes. Pour confirmer, tapez ",
            code(command),
            " (le code reste valable d'ici là).",
        )

    def join_left(self, team: str) -> Parts:
        return (" ; elle a quitté l'équipe ", b(team))

    def watch_cap_reached(self, cap: int) -> Parts:
        return (
            f"Limite atteinte : cette équipe surveille déjà {cap} noms, le maximum fixé sur ce "
            "serveur (VIGIE_MAX_WATCHES_PER_TEAM). Retirez un nom avec ",
            code("/retirer N"),
            ", ou demandez à la personne qui gère le serveur de relever la limite.",
        )

    def source_cap_reached(self, cap: int) -> Parts:
        return (
            f"Limite atteinte : cette équipe suit déjà {cap} sources, le maximum fixé sur ce "
            "serveur (VIGIE_MAX_SOURCES_PER_TEAM). Retirez-en une avec ",
            code("/source retirer N"),
            ", ou demandez à la personne qui gère le serveur de relever la limite.",
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

    def vanished(self, mention_id: int, page: str | None) -> Parts:
        where = f"la page {page}" if page else "la fiche"
        return (
            b(f"🗑️ L'avis #{mention_id} n'apparaît plus sur {where}."),
            NL,
            t("Il reste conservé dans Vigie, avec ses captures éventuelles."),
        )

    def edited_before(self, old_text: str) -> Parts:
        return (NL, b("Avant la modification :"), NL, quote(old_text or "(sans texte)"))

    def hidden_reviews(
        self,
        hidden: int,
        where: str | None,
        counts: tuple[int | None, int | None],
        ratings: tuple[float | None, float | None],
        url: str | None,
    ) -> Parts:
        place = f"la page {where}" if where else "la fiche Google"
        api = "affiché sur la page" if where else "visible par l'API"
        if hidden == 1:
            title = f"🔎 1 nouvel avis sur {place}, dont le texte n'est pas {api}"
        elif hidden:
            title = f"🔎 {hidden} nouveaux avis sur {place}, dont le texte n'est pas {api}"
        else:
            title = f"🔎 La note de {place} a changé sans nouvel avis visible"
        out: list[Span | str] = [b(title), NL]
        before, after = ratings
        if before is not None or after is not None:
            out += [t(f"Note : {_fr_rating(before)} → {_fr_rating(after)}")]
        if counts[0] is not None and counts[1] is not None:
            out += [t(f" · {counts[0]} → {counts[1]} avis")]
        out += [NL]
        if url:
            out += [link("Voir la fiche" if not where else "Voir la page", url), NL]
        if where:
            out += [
                t("Ouvrez la page pour lire ces avis ; Vigie les signalera s'ils y apparaissent.")
            ]
        else:
            out += [
                t(
                    "Google ne montre à Vigie que 5 avis « les plus pertinents ». Pour voir "
                    "chaque avis, connectez la fiche à Google Business Profile : "
                ),
                code("vigie google connecter"),
                t(" (sur le serveur), puis "),
                code("/source fiche COMPTE/ÉTABLISSEMENT pour N"),
                t("."),
            ]
        return tuple(out)

    # --- Google listings, schema.org pages, replies published from the chat ---
    def listing_candidates_title(self, query: str, watch: str) -> str:
        return f"Fiches Google pour « {query} » → {watch}"

    def listing_choice_expired(self) -> Parts:
        return (
            "Cette proposition a expiré : relancez la recherche avec ",
            code("/source google NOM VILLE"),
        )

    def listing_pick_hint(self) -> Parts:
        return ("Choisissez la fiche du cabinet : bouton, ou ", code("/choisir 1"), " (le numéro).")

    def no_listing_found(self, query: str, watch_number: int) -> Parts:
        return (
            f"Aucune fiche Google trouvée pour « {query} ». Essayez le nom exact affiché sur "
            "Google Maps suivi de la ville (par exemple Cabinet Dupont Lyon), ou donnez "
            "l'identifiant de lieu : ",
            code(f"/source google ChIJN1t_tDeuEmsRUsoyG83frY4 pour {watch_number}"),
        )

    def schema_refusal(self, advice: str, url: str) -> Parts:
        return (
            b("Aucun avis lisible sans sélecteur sur cette page."),
            NL,
            advice,
            NL,
            "Par exemple : ",
            code(f"/source page {url} .avis"),
        )

    def page_unreachable(self, error: str) -> Parts:
        return (b("Page injoignable : "), error)

    def reply_connect_hint(self) -> Parts:
        return (
            "Pour publier une réponse depuis Vigie, la fiche doit être suivie par Google "
            "Business Profile (le compte Google du cabinet) : la personne qui gère le serveur "
            "lance « vigie google connecter », puis ",
            code("/source fiche COMPTE/ÉTABLISSEMENT pour N"),
            ".",
        )

    def reply_not_publishable(self, number: int) -> str:
        return f"L'avis #{number} ne peut pas recevoir de réponse depuis Vigie. "

    def reply_offer(self, number: int, has_draft: bool) -> Parts:
        draft = "le brouillon tel quel (bouton), ou " if has_draft else ""
        return (
            b("Publier sur Google : "),
            f"{draft}votre propre texte : ",
            code(f"/repondre {number} = votre texte"),
            ". Vous verrez le texte exact avant de confirmer.",
        )

    def reply_buttons(self) -> tuple[str, str, str, str, str]:
        return (
            "Publier ce brouillon",
            "✅ Confirmer la publication",
            "Publier malgré l'alerte",
            "Annuler",
            "Confirmer la suppression",
        )

    def nothing_published(self) -> str:
        return "Rien n'a été publié."

    def no_guidance_draft(self, number: int) -> Parts:
        return (
            "Pas de brouillon proposé pour cet avis. Écrivez le vôtre : ",
            code(f"/repondre {number} = votre texte"),
        )

    def reply_preview(self, number: int, replaces: bool) -> tuple[str, str]:
        return (
            f"📝 Texte exact qui sera publié sur Google en réponse à l'avis #{number} :",
            "Il remplacera la réponse publiée :" if replaces else "",
        )

    def secrecy_refused(self, number: int, words: str) -> Parts:
        return (
            b("⛔ Secret médical : publication refusée."),
            NL,
            f"Mots en cause : {words}",
            NL,
            "Une réponse publique ne doit ni confirmer que l'auteur est patient du cabinet, ni "
            "évoquer un soin ou une information de santé. Modifiez le texte : ",
            code(f"/repondre {number} = nouveau texte"),
            ". Pour publier malgré tout (sous votre responsabilité) : ",
            code(f"/repondre {number} forcer"),
        )

    def secrecy_ok(self, number: int) -> Parts:
        return (
            "✅ Contrôle du secret médical : rien à signaler.",
            NL,
            "Rien n'est publié avant votre confirmation. Pour modifier : ",
            code(f"/repondre {number} = nouveau texte"),
        )

    def no_draft(self, number: int) -> Parts:
        return ("Aucun brouillon pour cet avis : ", code(f"/repondre {number}"))

    def draft_changed(self) -> str:
        return (
            "Le brouillon a changé depuis cet aperçu ; rien n'a été publié. Voici le texte actuel :"
        )

    def publish_failed(self, error: str) -> Parts:
        return (b("⚠️ Publication impossible ; rien n'a été publié."), NL, error)

    def reply_published(self, number: int, who: str) -> tuple[str, str]:
        return (
            f"✅ Réponse publiée sur Google sous l'avis #{number}.",
            f"Approuvée par {who}, inscrite au dossier (/dossier {number}). Modifier : "
            f"/repondre {number} = nouveau texte ; retirer : /repondre {number} supprimer.",
        )

    def reply_delete_question(self, number: int) -> str:
        return f"🗑️ Retirer de Google la réponse du cabinet à l'avis #{number} ?"

    def delete_failed(self, error: str) -> Parts:
        return (b("⚠️ Suppression impossible."), NL, error)

    def reply_deleted(self, number: int) -> str:
        return f"Réponse à l'avis #{number} retirée de Google."

    def google_calls(self, today: int, daily_mean: float) -> str:
        mean = f"{daily_mean:.1f}".replace(".", ",")
        return f"    Google : {today} appel(s) aujourd'hui, {mean} par jour en moyenne (7 j)"

    def places_budget(
        self,
        team_month: int,
        server_month: int,
        projected: int,
        free: int,
        searches: int,
        usd: float,
    ) -> Parts:
        cost = f"{usd:.2f}".replace(".", ",")
        verdict = (
            "dans l'offre gratuite" if usd == 0 else f"environ {cost} $ au-delà de l'offre gratuite"
        )
        return (
            b("Google Places ce mois-ci"),
            t(
                f" : {team_month} appel(s) de fiche pour l'équipe, {server_month} pour tout le "
                f"serveur, {searches} recherche(s) de fiche. Projection à la fin du mois : "
                f"{projected} appels de fiche pour {free} gratuits → {verdict}. "
            ),
            t("L'offre gratuite de Google est par compte de facturation (tarifs de mars 2025)."),
        )

    def falling_average(
        self, where: str | None, high: float, now: float, days: int, url: str | None
    ) -> Parts:
        place = f"la page {where}" if where else "la fiche Google"
        out: list[Span | str] = [
            b(f"📉 La note moyenne de {place} baisse : {_fr_rating(high)} → {_fr_rating(now)}"),
            t(f" sur {days} jours."),
            NL,
            t("Regardez les derniers avis (/avis) ; une série d'avis négatifs peut se signaler."),
        ]
        if url:
            out += [NL, link("Voir la fiche" if not where else "Voir la page", url)]
        return tuple(out)

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

    # --- command errors ---
    def need_mention_number(self) -> str:
        return "Indiquez le numéro d'un avis, par exemple #12 (voir /avis)."

    def unclosed_quote(self) -> str:
        return 'Guillemet non fermé : entourez les valeurs avec espaces de "…".'

    def not_key_value(self, token: str) -> str:
        return f"« {token} » n'est pas de la forme clé=valeur."

    def need_url_or_mention(self) -> str:
        return "Indiquez une adresse ou le numéro d'un avis."

    def no_such_mention(self, number: int) -> str:
        return f"Aucun avis n° {number} pour votre équipe. Voir /avis."

    def need_join_code(self) -> str:
        return "Indiquez le code donné par la personne qui gère le serveur Vigie."

    def join_code_shape(self) -> str:
        return "Un code ressemble à K7P-2QX."

    def need_mention(self) -> str:
        return "Indiquez le numéro de l'avis (voir /avis)."

    def need_handled_mention(self) -> str:
        return "Indiquez le numéro de l'avis traité."

    def need_page_and_selector(self) -> str:
        return "Indiquez l'adresse de la page (et, si besoin, le sélecteur CSS)."

    def need_listing_owner(self) -> str:
        return "Précisez le nom surveillé de cette fiche : « pour N » (voir /liste)."

    def need_source(self) -> str:
        return "Indiquez la source à ajouter."

    def need_source_number(self, count: int) -> str:
        return f"Indiquez le numéro d'une source (S1 à S{count}, voir /source)."

    def unknown_source_kind(self, word: str) -> str:
        return (
            f"Type de source inconnu « {word} » : flux, actus, google, fiche, page, "
            "reseaux, reddit, youtube, bluesky ou mastodon."
        )

    def missing_source_after(self, word: str) -> str:
        return f"Il manque la source après « {word} »."

    def not_a_time(self, text: str) -> str:
        return f"« {text} » n'est pas une heure (exemple : 21:00)."

    def value_too_long(self, key: str, limit: int) -> str:
        return f"La valeur de « {key} » est trop longue ({limit} caractères au plus)."

    def value_has_control_chars(self, key: str) -> str:
        return f"La valeur de « {key} » contient des caractères de contrôle."

    def unknown_key(self, key: str, section: str, known: str) -> str:
        return f"Clé inconnue « {key} » pour {section}. Clés possibles : {known}."

    def bad_rpps(self) -> str:
        return "Le numéro RPPS compte 11 chiffres (exemple : rpps=10001234567)."

    def bad_email(self, text: str) -> str:
        return f"« {text} » n'est pas une adresse e-mail valable."

    def bad_coverage(self) -> str:
        return "garantie=oui, garantie=non ou garantie=inconnue."

    def need_practitioner_value(self) -> str:
        return "Indiquez au moins une valeur, par exemple rpps=10001234567."

    def need_insurer_value(self) -> str:
        return "Indiquez au moins une valeur, par exemple nom=MACSF."

    def need_quiet_hours(self) -> str:
        return "Donnez un intervalle, par exemple 21:00-07:30 (ou « aucun »)."

    def need_digest_slot(self) -> str:
        return "Donnez un jour et une heure, par exemple « lundi 08:00 »."

    def bad_language(self) -> str:
        return "Langue : fr (français) ou en (anglais), par exemple « langue en »."

    def unknown_settings_section(self, section: str) -> str:
        return (
            f"Section inconnue « {section} » : praticien, assureur, silence, resume, langue "
            "ou vague."
        )

    def need_name(self) -> str:
        return "Indiquez le nom à surveiller."

    def too_many_fields(self) -> str:
        return "Trop de champs : nom, spécialité et ville au plus, séparés par des virgules."

    def too_many_aliases(self, limit: int) -> str:
        return f"{limit} alias au plus."

    def field_too_long(self, field: str, length: int, limit: int) -> str:
        return f"Le champ « {field} » est trop long ({length} caractères, {limit} au plus)."

    def field_forbidden_chars(self, field: str) -> str:
        return (
            f"Le champ « {field} » contient des caractères non autorisés (< > * _ # @ …). "
            "Écrivez le nom tel qu'il apparaît en ligne."
        )

    def field_needs_letters(self, field: str) -> str:
        return f"Le champ « {field} » doit contenir des lettres."

    def need_watch_ref(self) -> str:
        return "Indiquez le numéro (voir /liste) ou le nom."

    def no_such_watch_number(self, number: int, count: int) -> str:
        return f"Il n'y a pas de n° {number} dans la liste ({count} nom(s)). Voir /liste."

    def no_such_watch_name(self, ref: str) -> str:
        return f"Aucun nom surveillé ne correspond à « {ref} ». Voir /liste."

    # --- a mention ---
    def flag_name(self, flag: Flag) -> str:
        return _FLAGS[flag]

    def severity_name(self, severity: Severity) -> str:
        return _SEVERITIES[severity]

    def source_kind_name(self, kind: str) -> str:
        return _SOURCE_KINDS.get(kind, kind)

    def by_author(self, author: str) -> str:
        return "par " + author

    def view_online(self) -> str:
        return "Voir en ligne"

    def tone(self, severity: Severity) -> str:
        return "Tonalité : " + _SEVERITIES[severity]

    def legal_risk(self, flags: list[Flag]) -> str:
        return "⚠️ Risque juridique : " + ", ".join(_FLAGS[f] for f in flags)

    def flag_reason(self, words: str, reason: str, flag: Flag | None) -> str:
        return f"« {words} » — {reason}"

    def handled(self) -> str:
        return "Traité"

    def no_longer_online(self, when: str) -> str:
        return f"🗑️ N'apparaît plus en ligne (constaté le {when})"

    def action_label(self, action: str) -> str:
        return _ACTIONS.get(action, action)

    # --- /avis, /traite, the console ---
    def latest_title(self) -> str:
        return "Derniers avis et mentions"

    def risky_title(self) -> str:
        return "Avis à risque juridique"

    def open_title(self) -> str:
        return "Avis à traiter"

    def mentions_of_title(self, name: str) -> str:
        return "Avis concernant " + name

    def nothing_yet(self) -> Parts:
        return ("Rien pour l'instant. Vérifiez vos sources avec ", code("/source"), ".")

    def mention_commands(self) -> str:
        return "/capture #N · /assureur #N · /repondre #N · /traite #N"

    def already_handled(self, mention_id: int) -> str:
        return f"L'avis #{mention_id} était déjà marqué traité."

    def marked_handled(self, mention_id: int) -> str:
        return f"✅ Avis #{mention_id} marqué traité : plus de rappels pour lui."

    def console_banner(self) -> str:
        return "Vigie — console. Tapez /aide pour la liste des commandes, Ctrl-D pour quitter."

    # --- /aide ---
    def alias_line(self, aliases: str) -> str:
        return "alias : " + aliases

    def examples_title(self) -> str:
        return "Exemples"

    def help_unknown_command(self, suggestion: str | None) -> str:
        hint = f" Vouliez-vous dire /{suggestion} ?" if suggestion else ""
        return f"Commande inconnue.{hint} La liste : "

    def commands_title(self) -> str:
        return "Commandes de Vigie"

    def details_and_examples(self) -> str:
        return "Détail et exemples : "

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

    # --- finB: the capture answer (the bundle itself stays French: `recorded` is its text) ---
    def capture_busy(self, pending: int) -> str:
        return f"{pending} captures sont déjà en cours ou en attente : réessayez dans une minute."

    def capture_waiting(self, ahead: int) -> str:
        return f"Capture en attente ({ahead} avant la vôtre)…"

    def capture_running(self) -> str:
        return "Capture en cours…"

    def capture_caption(self, kind: str) -> str:
        return {
            "preview": "Aperçu",
            "excerpt": "L'avis, encadré",
            "page": "Page entière",
            "bundle": "Lot de preuve",
        }[kind]

    def capture_headline(self, level: str) -> str:
        return {"solide": "📸 Capture", "partielle": "⚠️ Capture partielle"}.get(
            level, "⚠️ Capture incomplète"
        )

    def capture_title(self, headline: str, capture_id: int, mention_id: int | None) -> str:
        about = f" de l'avis #{mention_id}" if mention_id is not None else ""
        return f"{headline} n° {capture_id}{about}"

    def capture_address(self, url: str) -> str:
        return f"Adresse : {url or '—'}"

    def capture_time(self, moment: datetime) -> str:
        return f"Heure de la capture : {format_capture_time(moment)}"

    def capture_requested_by(self, operator: Mapping[str, Any], recorded: str) -> str:
        return f"Demandée par : {recorded}"

    def capture_bundle_sha(self, sha256: str) -> str:
        return f"SHA-256 du lot : {sha256}"

    def capture_image_sha(self, sha256: str) -> str:
        return f"SHA-256 de l'image : {sha256}"

    def capture_timestamp(self, authority: str | None, when: str | None, recorded: str) -> str:
        return recorded

    def capture_note(self, outcome: CaptureOutcome, recorded: str) -> str:
        return recorded

    def capture_verify(self) -> str:
        return "Vérifier le lot : "

    def capture_automatic(self) -> str:
        return "Capture automatique (avis à risque)"

    def casefile_caption(self, mention_id: int) -> str:
        return f"Dossier de l'avis #{mention_id}"

    def casefile_summary(self, captures: int, letters: int, complete: bool) -> str:
        missing = (
            "" if complete else " Courriers absents : complétez /reglages puis relancez /dossier."
        )
        return f"{captures} capture(s), {letters} courrier(s), chronologie et résumé.{missing}"

    def audit_polling(self, sources: int) -> str:
        return f"⏳ Bilan en cours : interrogation de {sources} source(s)…"

    def audit_polled(self, ok: int, failed: int, new: int) -> str:
        return (
            f"Sources interrogées : {ok} OK, {failed} en échec, {new} nouvel(s) avis. "
            "Rédaction du rapport…"
        )

    def slack_empty(self, example: str) -> Parts:
        return (
            "Tapez /vigie suivi d'une commande, par exemple : ",
            code("/vigie aide"),
            " · ",
            code(example),
            " · ",
            code("/vigie rejoindre K7P-2QX"),
        )

    def slack_mention_empty(self) -> Parts:
        return (
            "Écrivez une commande après la mention, par exemple « @Vigie surveiller Dr Marie "
            "Dupont, Lyon », ou tapez ",
            code("/vigie aide"),
            ".",
        )

    def slack_too_long(self, length: int, limit: int, example: str) -> Parts:
        return (
            f"Commande trop longue ({length} caractères, {limit} au plus). Une "
            "commande tient en une ligne, par exemple : ",
            code(example),
        )

    def slack_working(self, what: str) -> Parts:
        return (
            "⏳ ",
            "C'est parti : ",
            code(what),
            ". Le résultat sera posté ici dès qu'il sera prêt.",
        )

    def slack_bad_button(self) -> Parts:
        return (
            "Ce bouton n'est pas valable (message modifié ou trop ancien). Tapez la commande "
            "à la place, par exemple ",
            code("/vigie capture 12"),
            " ; la liste : ",
            code("/vigie aide"),
            ".",
        )

    def slack_invite_bot(self, files: int) -> Parts:
        missing = (
            f" {files} fichier(s) n'ont pas pu être joints ; relancez la commande ensuite."
            if files
            else ""
        )
        return (
            "Vigie n'est pas membre de ce canal : vous seul voyez cette réponse. Invitez-la avec ",
            code("/invite @Vigie"),
            " pour que l'équipe voie les réponses et reçoive les alertes.",
            missing,
        )

    def slack_cut_notice(self) -> str:
        return "… (suite tronquée : {n} caractères non affichés)"

    def notice_needs_url(self, mention_id: int) -> str:
        return (
            f"L'avis n°{mention_id} n'a pas d'adresse exacte (URL) enregistrée, or la "
            "notification prévue par le DSA (art. 16) doit l'indiquer. Ouvrez l'avis sur la "
            "plateforme et utilisez son bouton « Signaler »."
        )

    def notice_no_legal_basis(self, number: int) -> str:
        return (
            f"L'analyse de l'avis n°{number} n'a relevé aucun propos manifestement illicite "
            "(injure, diffamation, atteinte à la vie privée, menace) : une notification au titre "
            "du DSA ne serait pas fondée. Pour un avis qui enfreint seulement les règles de la "
            "plateforme (faux avis, hors sujet), utilisez son bouton « Signaler » ; pour un avis "
            f"négatif, voyez /repondre {number} ; en cas de doute, demandez conseil à votre "
            f"assureur : /assureur {number}."
        )

    def secrecy_hits(self, hits: list[tuple[str, str]]) -> str:
        reasons = {"care": "relation de soin", "health": "information de santé"}
        return ", ".join(f"« {words} » ({reasons[reason]})" for words, reason in hits)

    # finB: the weekly digest
    def digest_title(self, team: str) -> str:
        return "🗓 Résumé de la semaine — " + team

    def digest_period(self, start: date, end: date) -> str:
        return f"du {format_date_fr(start)} au {format_date_fr(end)}"

    def digest_no_mention(self) -> str:
        return "Aucune nouvelle mention cette semaine."

    def digest_new_mentions(self, count: int, shown: str) -> str:
        return f"{shown} {'nouvelle mention' if count <= 1 else 'nouvelles mentions'}"

    def digest_colon(self) -> str:
        return " : "

    def digest_severities(self, counts: list[tuple[int, str]]) -> str:
        words = (("positive", "positives"), ("neutre", "neutres"), ("négative", "négatives"))
        return ", ".join(
            f"{shown} {one if count <= 1 else many}"
            for (count, shown), (one, many) in zip(counts, words, strict=True)
        )

    def digest_rating(self, current: str, change: str | None, previous: str | None) -> str:
        line = "Note moyenne : " + current
        if previous is not None:
            line += f" ({change} en une semaine ; {previous} il y a 7 jours)"
        return line

    def digest_more(self, more: int) -> str:
        return f"… et {more} autre(s) : /avis"

    def digest_no_risk(self) -> str:
        return "✅ Aucun avis à risque juridique en attente."

    def digest_risk_title(self, count: int) -> str:
        return f"⚠️ Avis à risque juridique à traiter : {count}"

    def digest_more_risks(self, more: int) -> str:
        return f"… et {more} autre(s) : /avis risque"

    def digest_commands(self) -> str:
        return "/avis · /avis risque · /bilan"

    def digest_schedule(self) -> tuple[str, str]:
        return "Jour et heure de ce résumé : ", "/reglages resume JOUR HH:MM"

    def reply_text_empty(self) -> str:
        return "Le texte de la réponse est vide."

    def reply_text_too_long(self, length: int, limit: int) -> str:
        return f"Réponse trop longue ({length} caractères, {limit} au plus sur Google)."

    # --- finA: /statut, /source, /liste, /reglages, /rejoindre, sources' own errors ---
    def status_intro(
        self, version: str, adapters: str, started: str, watches: int, mentions: int
    ) -> Parts:
        return (
            b(f"Vigie {version}"),
            t(f" · adaptateurs : {adapters}"),
            NL,
            t(f"Démarré le {started}"),
            NL,
            t(f"{watches} nom(s) surveillé(s)"),
            t(f" · {mentions} avis reçus"),
        )

    def status_alerts(self, pending: int, sent: int, failed: int) -> Parts:
        return (
            t("Alertes : "),
            t(f"{pending} en attente"),
            t(f", {sent} envoyées"),
            t(f", {failed} abandonnées"),
            NL,
            b("Sources"),
        )

    def status_no_source(self) -> Parts:
        return (t(" : aucune — "), code("/aide source"))

    def status_last_poll(self, when: str) -> str:
        return f" (dernier passage {when})"

    def status_source_failing(self, failures: int, error: str) -> str:
        return f"⚠️ {failures} échec(s) : {error}"

    def status_source_ok(self, when: str) -> str:
        return f"✅ OK, {when}"

    def status_source_first_poll(self) -> str:
        return "⏳ premier passage à venir"

    def coverage_tip(self) -> Parts:
        return (
            t("💡 Vérifiez si votre assurance RCP propose une garantie e-réputation : "),
            code("/assureur garantie"),
        )

    def sources_none(self) -> Parts:
        return (
            b("Aucune source pour l'instant."),
            NL,
            t("Exemples : "),
            NL,
            code("/source flux https://www.google.com/alerts/feeds/123/456"),
            NL,
            code("/source actus 1"),
            NL,
            code("/source google Cabinet Dupont Lyon pour 1"),
        )

    def sources_title(self) -> str:
        return "Sources de l'équipe"

    def sources_failing(self, failures: int, error: str) -> str:
        return f"    ⚠️ {failures} échec(s) : {error}"

    def sources_first_poll(self) -> str:
        return "    ⏳ premier passage imminent"

    def sources_remove_hint(self) -> Parts:
        return (t("Retirer : "), code("/source retirer N"))

    def source_already(self) -> Parts:
        return ("Cette source est déjà suivie. Voir ", code("/source"))

    def source_added(self, label: str) -> Parts:
        return (
            "✅ ",
            "Source ajoutée : ",
            b(label),
            NL,
            t(
                "Premier passage dans un instant : les avis déjà en ligne seront résumés en un "
                "seul message, puis chaque nouvel avis arrivera en alerte."
            ),
        )

    def source_removed(self, number: str) -> str:
        return f"Source S{number} retirée ; ses avis sont conservés."

    def watch_details(self, practice: bool, details: list[str]) -> str:
        kind = "cabinet" if practice else "praticien"
        return f" ({kind}{', ' if details else ''}{', '.join(details)})"

    def watch_aliases(self, aliases: tuple[str, ...]) -> str:
        return " alias : " + ", ".join(aliases)

    def watch_duplicate(self, name: str) -> Parts:
        return (f"« {name} » est déjà surveillé. Voir ", code("/liste"), ".")

    def watch_added(self, number: int) -> Parts:
        return ("Ajouté à la veille, n° ", b(str(number)), " : ")

    def watch_add_source(self, number: int) -> Parts:
        return (
            "Ajoutez une source pour ce nom : ",
            code(f"/source actus {number}"),
            " (Google Actualités), ou ",
            code(f"/source google PLACE_ID pour {number}"),
            ".",
        )

    def watch_none(self) -> Parts:
        return (
            "Aucun nom surveillé pour l'instant. Exemple : ",
            code("/surveiller Dr Marie Dupont, dermatologue, Lyon"),
        )

    def watch_list_title(self) -> str:
        return "Noms surveillés"

    def watch_sources(self, label: str | None) -> str:
        return "    sources : " + (label or "aucune")

    def watch_removed(self, name: str) -> Parts:
        return ("Veille arrêtée pour ", b(name), ". Ses avis déjà reçus sont conservés.")

    def settings_overview(self, s: TeamSettings) -> Parts:
        missing = "—"
        p, ins = s.practitioner, s.insurer
        none = "aucun"
        quiet = f"{s.quiet_start}–{s.quiet_end}" if s.quiet_start and s.quiet_end else none
        return (
            b(f"Réglages de l'équipe {s.team_name}"),
            NL,
            b("Praticien"),
            t(f" : {p.name or missing} · {p.profession or missing} · RPPS {p.rpps or missing}"),
            NL,
            t(f"   adresse : {p.address or missing} · e-mail : "),
            t(p.email or missing),
            NL,
            b("Assureur RCP"),
            t(f" : {ins.name or missing} · {ins.email or missing} · "),
            t(f"contrat {ins.policy or missing}"),
            NL,
            t(f"   adresse postale : {ins.address or missing}"),
            NL,
            t(f"   garantie e-réputation : {ins.coverage.value}"),
            NL,
            b("Silence"),
            t(f" : {quiet} · "),
            b("Résumé hebdomadaire"),
            t(f" : {DAYS_FR[s.digest_day]} {s.digest_time} · "),
            b("Langue"),
            t(f" : {s.language}"),
            NL,
            NL,
            t("Modifier : "),
        )

    def settings_saved(self) -> str:
        return "Réglages enregistrés."

    def join_done(self, team: str, left: Parts) -> Parts:
        return (
            "✅ ",
            "Cette conversation reçoit désormais les alertes de l'équipe ",
            b(team),
            *left,
            ".",
            NL,
            "Pour commencer : ",
            code("/surveiller Dr Marie Dupont, dermatologue, Lyon"),
            ", puis ",
            code("/aide"),
            ".",
        )

    def source_server_error(self, host: str, status: int, wait: str | None) -> str:
        later = f"dans {wait}" if wait is not None else "au prochain passage"
        return f"{host} est en difficulté (erreur {status}) : nouvel essai {later}."

    def source_internal_network(self, host: str, address: str) -> str:
        return (
            f"Le site {host} mène à un réseau interne ({address}) : Vigie refuse de le "
            "consulter. Donnez l'adresse publique de la page."
        )

    def places_search_needs_key(self) -> str:
        return (
            "La recherche de fiche Google demande une clé d'API Places : la personne qui gère "
            "le serveur doit renseigner VIGIE_GOOGLE_PLACES_API_KEY (voir le README, section "
            "Google). En attendant, donnez directement l'identifiant de lieu (place ID)."
        )

    def site_not_found(self, host: str) -> str:
        return f"Le site « {host} » est introuvable (nom de domaine inconnu)."

    def source_timeout(self, host: str, limit: str) -> str:
        return f"{host} n'a pas répondu à temps ({limit}). Vigie réessaiera au prochain passage."

    def source_unreachable(self, host: str) -> str:
        return (
            f"Impossible de joindre {host} : connexion refusée ou site hors ligne. "
            "Vigie réessaiera au prochain passage."
        )

    def source_rate_limited(self, host: str, wait: str) -> str:
        return f"{host} demande de ralentir (erreur 429) : nouvel essai dans {wait}."

    def source_page_gone(self, url: str, status: int) -> str:
        what = "introuvable" if status == 404 else "supprimée"
        return (
            f"La page {url} est {what} (erreur {status}). Vérifiez l'adresse, "
            "ou retirez cette source avec /source retirer."
        )

    def source_forbidden(self, host: str, status: int) -> str:
        return (
            f"{host} refuse l'accès à cette page (erreur {status}). "
            "Vigie ne surveille que des pages publiques, sans identifiant."
        )

    def source_refused(self, host: str, status: int) -> str:
        return f"{host} a refusé la demande (erreur {status}). Vérifiez l'adresse."

    def poll_unknown_kind(self, kind: str) -> str:
        return f"type de source inconnu : {kind}"

    def poll_unexpected(self, error: str) -> str:
        return f"erreur inattendue ({error})"

    def poll_not_recorded(self) -> str:
        return "erreur interne à l'enregistrement"

    def listing_which_watch(self) -> str:
        return "Précisez pour quel nom surveillé : « pour N » (voir /liste)."

    def listing_need_query(self) -> str:
        return "Indiquez le nom du cabinet et sa ville, par exemple Cabinet Dupont Lyon."

    def listing_need_number(self) -> str:
        return "Indiquez le numéro de la fiche proposée, par exemple /choisir 2."

    def listing_no_search(self) -> str:
        return "Aucune recherche de fiche en cours : /source google NOM VILLE."

    def listing_number_range(self, count: int) -> str:
        return f"Choisissez un numéro entre 1 et {count}."

    def listing_watch_removed(self) -> str:
        return "Le nom surveillé de cette recherche a été retiré. Voir /liste."

    def listing_unreadable(self) -> str:
        return "Proposition illisible : relancez /source google NOM VILLE."

    def listing_watch_first(self) -> str:
        return (
            "Ajoutez d'abord le nom à surveiller (/surveiller Cabinet Dupont, Lyon), puis "
            "cherchez sa fiche."
        )

    def selector_missing(self, example: str) -> str:
        return (
            "Il manque le sélecteur CSS des éléments à surveiller (par exemple .avis, "
            f"article.review ou #commentaires li). Exemple : {example}"
        )

    def selector_too_long(self, limit: int) -> str:
        return f"Ce sélecteur CSS est trop long (plus de {limit} caractères)."

    def selector_invalid(self, selector: str, problem: str, example: str) -> str:
        return (
            f"Le sélecteur CSS « {selector} » est invalide ({problem}). "
            f"Exemples valides : .avis, article.review, #commentaires li. Exemple : {example}"
        )

    def not_a_place_id(self, text: str, example: str) -> str:
        return (
            f"« {text} » n'est pas un identifiant de lieu Google (place ID). "
            "Il ressemble à ChIJN1t_tDeuEmsRUsoyG83frY4 ; l'outil « Place ID Finder » de Google "
            f"le donne à partir du nom du cabinet. Exemple : {example}"
        )

    def address_missing(self, example: str) -> str:
        return f"Il manque l'adresse. Exemple : {example}"

    def address_too_long(self) -> str:
        return "Cette adresse est trop longue (plus de 2 000 caractères)."

    def source_too_large(self, host: str, limit: int) -> str:
        size = f"{limit / 1_048_576:.0f} Mo" if limit >= 1_048_576 else f"{limit // 1024} ko"
        return (
            f"La réponse de {host} dépasse {size} : Vigie l'ignore. "
            "Surveillez plutôt un flux RSS ou une page d'avis plus précise."
        )

    def source_connection_failed(self, host: str, error: str, reading: bool) -> str:
        what = "a été coupée pendant la lecture" if reading else "a échoué"
        return f"La connexion avec {host} {what} ({error}). Vigie réessaiera au prochain passage."

    def url_scheme_refused(self) -> str:
        return (
            "Seules les adresses http:// et https:// sont acceptées "
            "(exemple : https://www.exemple.fr/avis)."
        )

    def url_without_site(self) -> str:
        return "L'adresse n'indique pas de site (exemple : https://www.exemple.fr/)."

    def url_with_credentials(self) -> str:
        return "Les adresses contenant un identifiant ou un mot de passe sont refusées."

    def with_example(self, sentence: str, example: str) -> str:
        return f"{sentence} Exemple : {example}"

    def news_query_empty(self) -> str:
        return (
            "La recherche Google Actualités est vide. Exemple : /source actus 1 "
            "(le numéro du nom surveillé, tel que /liste l'affiche)."
        )

    def news_query_too_long(self, limit: int) -> str:
        return f"Cette recherche est trop longue (plus de {limit} caractères)."

    def places_search_unavailable(self, status: int) -> str:
        return (
            "Google Places est indisponible ou limite les appels pour l'instant "
            f"(erreur {status}) : réessayez dans quelques minutes."
        )

    def places_key_refused(self, google: str | None) -> str:
        said = f" (Google : {google})" if google else ""
        return (
            "La clé d'API Google Places est refusée : la personne qui gère le serveur doit "
            "vérifier VIGIE_GOOGLE_PLACES_API_KEY et que « Places API (New) » est activée pour "
            f"cette clé dans la console Google Cloud{said}."
        )

    def places_search_forbidden(self, google: str | None) -> str:
        said = f" (Google : {google})" if google else ""
        return (
            "Google refuse la recherche avec cette clé : activez « Places API (New) » et la "
            "facturation dans la console Google Cloud, ou levez les restrictions de la clé "
            f"(VIGIE_GOOGLE_PLACES_API_KEY){said}."
        )

    def places_search_refused(self, status: int, google: str | None) -> str:
        said = f" (Google : {google})" if google else ""
        return f"Google Places a refusé la recherche (erreur {status}){said}."

    def feed_empty(self, url: str) -> str:
        return f"Le flux {url} est vide : vérifiez l'adresse."

    def feed_unreadable(self, url: str, error: str) -> str:
        return f"Le flux {url} est illisible ({error})."

    def feed_malformed(self, url: str, detail: str) -> str:
        return (
            f"Le flux {url} est illisible ({detail}). Vérifiez que l'adresse mène "
            "bien à un flux RSS ou Atom."
        )

    def not_a_feed(self, url: str) -> str:
        return (
            f"L'adresse {url} ne renvoie pas un flux RSS ou Atom. Pour surveiller une "
            "page web, utilisez : /source page URL SÉLECTEUR (exemple : "
            "/source page https://exemple.fr/avis .avis)."
        )

    def not_a_page(self, url: str, content_type: str) -> str:
        return (
            f"L'adresse {url} ne renvoie pas une page web "
            f"({content_type}). Donnez l'adresse de la page qui affiche les avis."
        )

    def page_unreadable(self, url: str, error: str) -> str:
        return f"La page {url} est illisible ({error})."

    def selector_finds_nothing(self, selector: str, url: str, example: str) -> str:
        return (
            f"Le sélecteur « {selector} » ne trouve aucun élément sur {url}. La page a "
            "peut-être changé de présentation, ou s'affiche par JavaScript. Vérifiez le "
            f"sélecteur. Exemple : {example}"
        )

    def address_internal(self, url: str, via: str | None, address: str) -> str:
        where = f"{via} redirige vers {url}, qui" if via else f"L'adresse {url}"
        return (
            f"{where} mène à un réseau interne ({address}) : Vigie refuse de la consulter. "
            "Donnez l'adresse publique de la page."
        )

    def not_json(self, host: str, problem: str) -> str:
        return f"La réponse de {host} n'est pas du JSON lisible ({problem})."


def _fr_rating(value: float | None) -> str:
    return f"{value:.1f}".replace(".", ",") + "★" if value is not None else "—"
