"""Measures name matching at scale: 1,000 watched names against 50,000 mention texts.

Run: `.venv/bin/python bench/bench_matching.py` (one core, under a minute). It prints the
matcher's throughput, the same figure for a naive baseline that runs rapidfuzz partial
matching of every watch on every text (on a sample; also the same scan done in one batched
rapidfuzz call, a stronger reference), the ratios, the time to build the matcher, and the peak
memory (tracemalloc) of building it with 1,000 watches. Times are CPU time of this process, so
other work on a shared machine does not count against either side; the two sides run
interleaved in rounds, and the load average at the start and the end is printed, since a
loaded machine slows both (shared caches) even in CPU time.
"""

from __future__ import annotations

import gc
import os
import random
import resource
import time
import tracemalloc

from rapidfuzz import fuzz, process

from bot.match.lexicon import lexicon
from bot.match.matcher import Matcher
from bot.models import Watch, WatchKind

SEED = 20240611
N_WATCHES = 1_000
N_TEXTS = 50_000
BASELINE_SAMPLE = 300

FIRST = [
    "Marie",
    "Jean",
    "Pierre",
    "Claire",
    "Thomas",
    "Camille",
    "Julien",
    "Sophie",
    "Nicolas",
    "Isabelle",
    "Antoine",
    "Nathalie",
    "Hugo",
    "Léa",
    "Louis",
    "Chloé",
    "Paul",
    "Manon",
    "Lucas",
    "Emma",
    "Alain",
    "Hélène",
    "Yann",
    "Aïssatou",
    "Moussa",
    "Fatou",
    "Karim",
    "Sarah",
    "Olivier",
    "Pauline",
    "Mathieu",
    "Anne",
    "Jacques",
    "Céline",
    "Maxime",
    "Inès",
    "Bruno",
    "Agnès",
    "Rémi",
    "Zoé",
]
SURNAMES = [
    "Dupont",
    "Martin",
    "Bernard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Rigaud",
    "Ménard",
    "Kowalski",
    "Diallo",
    "N'Diaye",
    "Benali",
    "Nguyen",
    "Haddad",
    "Lebreton",
    "Costa",
    "Ferreira",
    "Schmitt",
    "Weber",
    "Klein",
]
PARTICLES = ("", "", "", "", "", "de ", "Le ", "de La ", "Du ")
CITIES = [
    "Paris",
    "Lyon",
    "Marseille",
    "Toulouse",
    "Nice",
    "Nantes",
    "Strasbourg",
    "Montpellier",
    "Bordeaux",
    "Lille",
    "Rennes",
    "Reims",
    "Toulon",
    "Grenoble",
    "Dijon",
    "Angers",
    "Nîmes",
    "Villeurbanne",
    "Brest",
    "Tours",
    "Limoges",
    "Amiens",
    "Metz",
    "Besançon",
    "Perpignan",
    "Orléans",
    "Rouen",
    "Caen",
    "Nancy",
    "Avignon",
]
SPECIALTIES = (
    "médecin généraliste",
    "pédiatre",
    "cardiologue",
    "dermatologue",
    "gynécologue",
    "ophtalmologue",
    "ORL",
    "masseur-kinésithérapeute",
    "chirurgien-dentiste",
    "psychiatre",
    "radiologue",
    "rhumatologue",
)
PRACTICE_HEADS = ("Cabinet médical", "Centre de santé", "Clinique", "Cabinet dentaire")
PRACTICE_CORES = [
    "des Lilas",
    "du Parc",
    "des Tilleuls",
    "Saint-Jean",
    "du Lac",
    "des Cèdres",
    "Pasteur",
]

TEMPLATES_NAMED = (
    "Le Dr {full}, {spec} à {city}, m'a très bien soigné. Je recommande.",
    "{upper} {first} ({spec} {city}) : 2h de retard, aucune excuse, à éviter.",
    "Quelqu'un connaît le Dr {last} à {city} ? Il paraît qu'il est très bien.",
    "Merci au docteur {last}, {spec}, pour sa patience avec ma fille 🙏",
    "{full} a été élu président du club de pétanque de {city} samedi.",
    "La boulangerie {last} de {city} remporte le concours de la meilleure baguette.",
    "Dr {initial}. {last} à {city} : consultation bâclée en 5 minutes, 60 € quand même.",
)
TEMPLATES_PLAIN = (
    "Rendez-vous annulé deux fois sans prévenir, le secrétariat ne répond jamais au téléphone.",
    "Très bonne prise en charge aux urgences hier soir, équipe souriante et efficace.",
    "Le nouveau parking de la gare de {city} ouvrira en septembre après deux ans de travaux.",
    "Quel pédiatre conseillez-vous à {city} pour un suivi de nourrisson ? Merci d'avance.",
    "Les délais pour un ophtalmologue dans la région de {city} dépassent maintenant huit mois.",
    "Match nul hier soir au stade, les supporters de {city} repartent déçus mais fiers.",
    "Une pharmacie de garde ouverte le dimanche à {city}, c'est possible ? Je cherche partout.",
    "Le marché de Noël de {city} attire chaque année plus de visiteurs venus de toute la région.",
)


def make_watches(rng: random.Random) -> list[Watch]:
    """1,000 practitioners and practices, a few sharing a surname as real homonyms do."""
    watches: list[Watch] = []
    for i in range(N_WATCHES):
        city = rng.choice(CITIES)
        if i % 10 == 9:
            name = f"{rng.choice(PRACTICE_HEADS)} {rng.choice(PRACTICE_CORES)} {i}"
            watches.append(Watch(i + 1, 1, name, WatchKind.PRACTICE, city=city))
            continue
        first = rng.choice(FIRST)
        last = rng.choice(PARTICLES) + rng.choice(SURNAMES) + ("" if i < 200 else str(i))
        watches.append(
            Watch(
                id=i + 1,
                team_id=1,
                name=f"{first} {last}",
                kind=WatchKind.PRACTITIONER,
                title="Dr",
                specialty=rng.choice(SPECIALTIES),
                city=city,
            )
        )
    return watches


def make_texts(rng: random.Random, watches: list[Watch]) -> list[str]:
    """50,000 texts: a third name a watched person or a homonym, the rest name nobody."""
    persons = [w for w in watches if w.kind is WatchKind.PRACTITIONER]
    texts = []
    for _ in range(N_TEXTS):
        city = rng.choice(CITIES)
        if rng.random() < 0.35:
            w = rng.choice(persons)
            first, _, last = w.name.partition(" ")
            template = rng.choice(TEMPLATES_NAMED)
            texts.append(
                template.format(
                    full=w.name,
                    first=first,
                    last=last,
                    upper=last.upper(),
                    initial=first[0],
                    spec=w.specialty,
                    city=rng.choice((city, w.city or city)),
                )
            )
        else:
            texts.append(rng.choice(TEMPLATES_PLAIN).format(city=city))
    return texts


def build_peak(watches: list[Watch]) -> tuple[float, int]:
    """Seconds to build the matcher from cold lexicons, and the tracemalloc peak in bytes."""
    lexicon.cache_clear()
    gc.collect()
    tracemalloc.start()
    t0 = time.process_time()
    Matcher(watches)
    elapsed = time.process_time() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak


def run_matcher(matcher: Matcher, texts: list[str]) -> tuple[float, int]:
    """Seconds to match every text, and how many matches were found."""
    found = 0
    t0 = time.process_time()
    for text in texts:
        found += len(matcher.match(text))
    return time.process_time() - t0, found


def run_baseline(watches: list[Watch], texts: list[str]) -> float:
    """Seconds per text for the naive way: rapidfuzz partial_ratio of each watch on the text."""
    names = [w.name.lower() for w in watches]
    t0 = time.process_time()
    for text in texts:
        low = text.lower()
        [name for name in names if fuzz.partial_ratio(name, low) >= 90]
    return (time.process_time() - t0) / len(texts)


def run_batch_baseline(watches: list[Watch], texts: list[str]) -> float:
    """Seconds per text for the same scan done in one rapidfuzz call (`process.extract`)."""
    names = [w.name.lower() for w in watches]
    t0 = time.process_time()
    for text in texts:
        process.extract(text.lower(), names, scorer=fuzz.partial_ratio, score_cutoff=90, limit=None)
    return (time.process_time() - t0) / len(texts)


def main() -> None:
    """Generates the data, runs both matchers interleaved and prints the figures."""
    load_start = os.getloadavg()[0]
    rng = random.Random(SEED)
    watches = make_watches(rng)
    texts = make_texts(rng, watches)
    build_s, peak = build_peak(watches)
    t0 = time.process_time()
    matcher = Matcher(watches)
    rebuild_s = time.process_time() - t0
    matcher.match(texts[0])
    # Interleave the two sides in rounds so that a busy machine weighs on both alike.
    rounds = 10
    chunk = len(texts) // rounds
    sample = BASELINE_SAMPLE // rounds
    elapsed = base_s = batch_s = 0.0
    found = 0
    for r in range(rounds):
        part = texts[r * chunk : (r + 1) * chunk]
        seconds, hits = run_matcher(matcher, part)
        elapsed += seconds
        found += hits
        probe = part[:sample]
        base_s += run_baseline(watches, probe) * len(probe)
        batch_s += run_batch_baseline(watches, probe) * len(probe)
    n_base = sample * rounds
    rate = chunk * rounds / elapsed
    per_text_base = base_s / n_base
    per_text_batch = batch_s / n_base
    base_rate = 1.0 / per_text_base
    batch_rate = 1.0 / per_text_batch
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load_end = os.getloadavg()[0]
    print(f"Noms surveillés : {len(watches)} ; textes : {len(texts)} ({found} rapprochements)")
    print(
        f"Charge de la machine (moyenne sur 1 min) : {load_start:.2f} au début, "
        f"{load_end:.2f} à la fin ; temps CPU de ce seul processus (time.process_time)"
    )
    print(
        f"Construction du Matcher : {build_s * 1000:.0f} ms avec le chargement des lexiques, "
        f"{rebuild_s * 1000:.0f} ms ensuite (liste modifiée)"
    )
    print(f"Pic mémoire (tracemalloc) du Matcher avec {len(watches)} noms : {peak / 1e6:.1f} Mo")
    print(f"RSS maximal du processus (textes et référence compris) : {rss:.0f} Mo")
    print(
        f"Matcher indexé : {rate:,.0f} textes/s ({elapsed / len(texts) * 1e6:.1f} µs/texte, "
        f"{elapsed:.2f} s CPU)"
    )
    print(
        f"Référence naïve (fuzz.partial_ratio de chacun des {len(watches)} noms, "
        f"{n_base} textes) : {base_rate:,.1f} textes/s ({per_text_base * 1e3:.2f} ms/texte)"
    )
    print(
        f"Même balayage en un seul appel rapidfuzz (process.extract) : {batch_rate:,.1f} textes/s "
        f"({per_text_batch * 1e3:.2f} ms/texte)"
    )
    print(
        f"Rapport : {rate / base_rate:,.0f} × plus rapide que la référence naïve ; "
        f"{rate / batch_rate:,.0f} × plus rapide que le balayage en un appel"
    )
    print(
        "Objectifs : ≥ 20 000 textes/s "
        f"{'atteint' if rate >= 20_000 else 'NON atteint'} ; ≥ 50 × la référence "
        f"{'atteint' if rate / base_rate >= 50 else 'NON atteint'}"
    )


if __name__ == "__main__":
    main()
