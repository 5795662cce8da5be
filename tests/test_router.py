"""The router end to end through an in-memory chat: commands, access control, bad input."""

from __future__ import annotations

from datetime import timedelta

from bot.chat.types import Button
from bot.models import Flag, Mention, Severity, Triage, WatchKind
from bot.router import Router
from bot.services import Services
from tests.harness import ChatHarness


async def test_help_lists_commands_and_one_command(chat: ChatHarness) -> None:
    text = await chat.text("/aide")
    for name in ("/surveiller", "/liste", "/retirer", "/avis", "/reglages", "/statut"):
        assert name in text
    detail = await chat.text("/aide surveiller")
    assert "/surveiller Dr Marie Dupont, dermatologue, Lyon" in detail
    assert "alias : /watch" in detail
    assert "Vouliez-vous dire /surveiller" in await chat.text("/aide surveler")


async def test_english_aliases_and_loose_typing(chat: ChatHarness) -> None:
    await chat.text("/watch Dr Marie Dupont, dermatologue, Lyon")
    assert "Marie Dupont" in await chat.text("/LIST")
    assert "Marie Dupont" in await chat.text("/liste@VigieBot")
    assert "Réglages" in await chat.text("/réglages")


async def test_watch_parsing_sets_kind_title_specialty_city_aliases(
    chat: ChatHarness, services: Services, team_id: int
) -> None:
    await chat.say("/surveiller   Docteur  Marie Dupont ,  dermatologue , Lyon")
    await chat.say(
        "/surveiller Cabinet dentaire des Lilas, Nantes; alias: Dentistes des Lilas, CDL"
    )
    await chat.say("/surveiller Pr Jacques Ménard, neurochirurgien")
    w1, w2, w3 = await services.store.watches.active(team_id)
    assert (w1.title, w1.name, w1.specialty, w1.city, w1.kind) == (
        "Dr",
        "Marie Dupont",
        "dermatologue",
        "Lyon",
        WatchKind.PRACTITIONER,
    )
    assert w2.kind is WatchKind.PRACTICE and w2.city == "Nantes" and w2.specialty is None
    assert w2.aliases == ("Dentistes des Lilas", "CDL")
    assert (w3.title, w3.specialty, w3.city) == ("Pr", "neurochirurgien", None)


async def test_duplicate_names_are_refused_whatever_the_accents(chat: ChatHarness) -> None:
    await chat.say("/surveiller Dr Hélène Lefèvre-Durand")
    text = await chat.text("/surveiller helene LEFEVRE durand")
    assert "déjà surveillé" in text
    assert (await chat.text("/liste")).count("Lef") == 1


async def test_bad_names_get_a_usage_example(chat: ChatHarness) -> None:
    empty = await chat.text("/surveiller")
    assert "Indiquez le nom" in empty and "Exemple : /surveiller Dr Marie Dupont" in empty
    long = await chat.text("/surveiller " + "A" * 300)
    assert "trop long" in long
    markup = await chat.text("/surveiller <b>Dupont</b>")
    assert "caractères non autorisés" in markup
    digits = await chat.text("/surveiller 12345")
    assert "doit contenir des lettres" in digits
    assert "aucun" in (await chat.text("/liste")).lower()


async def test_control_characters_are_dropped(
    chat: ChatHarness, services: Services, team_id: int
) -> None:
    await chat.say("/surveiller Dr Marie\x00 Du\u200bpont\x07, Lyon")
    (watch,) = await services.store.watches.active(team_id)
    assert watch.name == "Marie Dupont"


async def test_huge_command_text_is_refused_politely(chat: ChatHarness) -> None:
    text = await chat.text("/surveiller " + "x" * 1_000_000)
    assert "trop long" in text
    assert "aucun" in (await chat.text("/liste")).lower()
    arg = await chat.text("/avis " + "y" * 5000)
    assert "Argument trop long" in arg


async def test_remove_by_number_or_name_keeps_mentions(
    chat: ChatHarness, services: Services, team_id: int
) -> None:
    await chat.say("/surveiller Dr Marie Dupont, Lyon")
    await chat.say("/surveiller Dr Paul Durand, Nantes")
    assert "Veille arrêtée pour Dr Paul Durand" in await chat.text("/retirer 2")
    assert "Veille arrêtée pour Dr Marie Dupont" in await chat.text("/retirer marie dupont")
    assert "pas de n° 7" in await chat.text("/retirer 7")
    assert "Aucun nom surveillé" in await chat.text("/retirer Inconnu")


async def test_unbound_chat_learns_only_how_to_join(
    stranger: ChatHarness, chat: ChatHarness
) -> None:
    await chat.say("/surveiller Dr Marie Dupont, Lyon")
    for command in ("/liste", "/avis", "/statut", "/reglages", "/surveiller X Y", "/nimporte"):
        text = await stranger.text(command)
        assert "n'est reliée à aucune équipe" in text
        assert "stranger-9" in text
        assert "Dupont" not in text
    assert "/rejoindre" in await stranger.text("/aide")
    assert "/liste" not in await stranger.text("/aide")


async def test_join_code_binds_once_and_expires(
    router: Router, services: Services, team_id: int
) -> None:
    teams = services.store.teams
    code = await teams.create_invite(team_id, ttl=timedelta(hours=1))
    first = ChatHarness(router, chat_id="g1")
    assert "reçoit désormais les alertes" in await first.text(
        f"/rejoindre {code.lower().replace('-', ' ')}"
    )
    assert "aucun" in (await first.text("/liste")).lower()
    second = ChatHarness(router, chat_id="g2")
    assert "n'est pas valable" in await second.text(f"/rejoindre {code}")
    expired = await teams.create_invite(team_id, ttl=timedelta(seconds=-1))
    assert "n'est pas valable" in await second.text(f"/rejoindre {expired}")
    deep_link = await teams.create_invite(team_id, ttl=timedelta(hours=1))
    third = ChatHarness(router, chat_id="g3")
    assert "reçoit désormais" in await third.text(f"/start {deep_link}")


async def test_wrong_codes_are_rate_limited(
    router: Router, services: Services, team_id: int
) -> None:
    attacker = ChatHarness(router, chat_id="brute")
    for guess in range(5):
        assert "n'est pas valable" in await attacker.text(f"/rejoindre AAA-{guess:03d}")
    good = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
    assert "Trop de codes erronés" in await attacker.text(f"/rejoindre {good}")
    assert await services.store.teams.chat("test", "brute") is None


async def test_settings_are_validated_and_shown(
    chat: ChatHarness, services: Services, team_id: int
) -> None:
    ok = await chat.text(
        '/reglages praticien nom="Dr Marie Dupont" profession=dermatologue rpps=100 0123 4567 '
        "email=cabinet@exemple.fr"
    )
    assert "Réglages enregistrés" in ok
    saved = await services.store.teams.settings(team_id)
    assert saved.practitioner.rpps == "10001234567"
    assert saved.practitioner.name == "Dr Marie Dupont"
    assert "11 chiffres" in await chat.text("/reglages praticien rpps=123")
    assert "adresse e-mail" in await chat.text("/reglages assureur email=pas-un-mail")
    assert "Clé inconnue" in await chat.text("/reglages assureur couleur=bleu")
    await chat.say(
        "/reglages assureur nom=MACSF email=sinistres@exemple.fr contrat=RCP-123 garantie=oui"
    )
    insurer = (await services.store.teams.settings(team_id)).insurer
    assert (insurer.name, insurer.policy, insurer.coverage.value) == ("MACSF", "RCP-123", "oui")
    await chat.say("/reglages silence 21h00 - 7h30")
    await chat.say("/reglages resume vendredi 18:15")
    shown = await chat.text("/reglages")
    assert "21:00–07:30" in shown and "vendredi 18:15" in shown
    assert "n'est pas une heure" in await chat.text("/reglages silence 25:00-07:00")
    assert "Section inconnue" in await chat.text("/reglages couleur rouge")


async def _mention(
    services: Services,
    team_id: int,
    external: str,
    text: str,
    *,
    severity: Severity = Severity.NEGATIVE,
    flags: frozenset[Flag] = frozenset(),
) -> int:
    store = services.store
    source_id = await store.sources.find(team_id, "feed", "https://exemple.fr/flux", None)
    if source_id is None:
        source_id = await store.sources.add(
            team_id, "feed", "https://exemple.fr/flux", selector=None, watch_id=None, interval_s=600
        )
    watches = await store.watches.active(team_id)
    return await store.mentions.insert(
        team_id,
        Mention(
            source_id=source_id,
            external_id=external,
            url="https://exemple.fr/a",
            title=None,
            text=text,
        ),
        content_hash=external,
        triage=Triage(severity=severity, flags=flags),
        watch_ids=[w.id for w in watches],
        alerts=lambda _id: [],
    )


async def test_reviews_filters_and_handled(
    chat: ChatHarness, services: Services, team_id: int
) -> None:
    from bot.models import Flag

    await chat.say("/surveiller Dr Marie Dupont, Lyon")
    calm = await _mention(services, team_id, "a", "Trop d'attente au cabinet.")
    risky = await _mention(
        services, team_id, "b", "<script>alert(1)</script> escroc", flags=frozenset({Flag.INSULT})
    )
    everything = await chat.text("/avis")
    assert f"#{calm}" in everything and f"#{risky}" in everything
    assert "<script>alert(1)</script>" in everything  # kept as data; adapters escape it
    only_risky = await chat.text("/avis risque")
    assert f"#{risky}" in only_risky and f"#{calm}" not in only_risky
    assert "injure" in only_risky
    assert f"#{risky}" in await chat.text("/avis 1")
    assert "marqué traité" in await chat.text(f"/traite #{risky}")
    assert "déjà marqué" in await chat.text(f"/traite {risky}")
    assert f"#{risky}" not in await chat.text("/avis ouverts")


async def test_another_teams_mention_is_invisible(
    router: Router, services: Services, team_id: int, chat: ChatHarness
) -> None:
    other_team = await services.store.teams.create("Autre cabinet")
    secret = await _mention(services, other_team, "x", "Texte confidentiel de l'autre équipe")
    text = await chat.text(f"/traite {secret}")
    assert "Aucun avis" in text and "confidentiel" not in text
    pressed = await chat.press(Button("Traité", "traite", str(secret)))
    assert "Aucun avis" in pressed[0].plain_text


async def test_status_shows_version_sources_and_coverage_hint(chat: ChatHarness) -> None:
    text = await chat.text("/statut")
    assert "Vigie 0.1.0" in text
    assert "Sources : aucune" in text
    assert "/assureur garantie" in text


async def test_language_setting_switches_replies_and_letters_language(
    chat: ChatHarness, services: Services, team_id: int
) -> None:
    switched = await chat.text("/reglages langue en")
    assert "Settings saved." in switched and "Language : en" in switched
    assert (await services.store.teams.settings(team_id)).language == "en"
    assert "Vigie commands" in await chat.text("/aide")
    assert "fr (français) ou en" in await chat.text("/reglages langue de")
    assert "Réglages enregistrés" in await chat.text("/reglages langue fr")
