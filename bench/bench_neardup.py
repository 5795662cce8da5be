"""Measures the near-duplicate index at 100,000 stored mentions: lookups/s, recall, memory.

Run: `.venv/bin/python -m bench neardup` (one core, under 15 s). It stores 100,000 synthetic
French reviews (an opening, stock phrases and Zipf-drawn words, so unrelated texts overlap as
real reviews do) for 20 teams, then looks up 2,000 texts: 1,000 copies of stored reviews (a
word changed, quoted inside a longer post, or cut in half) and 1,000 new reviews. It prints
the time to load the index in one go (start-up) and to add one mention, lookups per second
(CPU time, signing included), the share of copies found, the share of new reviews wrongly
matched, and the index's memory once loaded and at its peak while loading (tracemalloc).
"""

from __future__ import annotations

import random
import time
import tracemalloc

from bot.match.neardup import NearDupIndex, Signature, signature

SEED = 20261204
STORED = 100_000
LOOKUPS = 2_000
TEAMS = 20

OPENINGS = [
    "Je suis allée chez le Dr {n} pour {r}.", "Consultation avec le Dr {n} pour {r}.",
    "Rendez-vous au cabinet du Dr {n}, motif : {r}.", "Mon fils a vu le Dr {n} pour {r}.",
    "Première visite chez le Dr {n} ({r}).", "Suivi depuis deux ans par le Dr {n} pour {r}.",
]  # fmt: skip
REASONS = [
    "une douleur au dos", "un eczéma", "un contrôle annuel", "une angine", "un certificat",
    "une entorse", "des migraines", "un vaccin", "une allergie", "une fatigue persistante",
]  # fmt: skip
SUBJECTS = [
    "la secrétaire",
    "le médecin",
    "l'accueil",
    "le cabinet",
    "la salle d'attente",
    "le remplaçant",
    "l'assistante",
    "le standard",
    "la prise en charge",
    "le suivi",
]
VERBS = [
    "était",
    "m'a semblé",
    "reste",
    "est devenu",
    "paraissait",
    "s'est montré",
    "a toujours été",
    "n'était pas",
    "est vraiment",
    "était franchement",
]
QUALITIES = [
    "aimable",
    "désagréable",
    "pressé",
    "attentif",
    "correct",
    "froid",
    "exceptionnel",
    "moyen",
    "propre",
    "sale",
    "compétent",
    "débordé",
]
NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
]
# Free words, drawn with a Zipf-like law so common words recur as in real reviews.
VOCABULARY = [
    f"{stem}{end}"
    for stem in (
        "rend",
        "attent",
        "douleur",
        "trait",
        "minut",
        "ordonn",
        "examen",
        "quest",
        "répons",
        "patient",
        "tarif",
        "heure",
        "expli",
        "conseil",
        "semain",
        "mois",
        "enfant",
        "famill",
        "dossier",
        "résult",
    )
    for end in (
        "",
        "e",
        "es",
        "er",
        "ion",
        "ions",
        "é",
        "ée",
        "ant",
        "eur",
        "ment",
        "ais",
        "ait",
        "ons",
        "ez",
        "ent",
        "ier",
        "ière",
        "age",
        "u",
    )
]
WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]


def review(rng: random.Random) -> str:
    """One synthetic review: an opening, 2 to 4 stock phrases, 1 or 2 free sentences."""
    parts = [rng.choice(OPENINGS).format(n=rng.choice(NAMES), r=rng.choice(REASONS))]
    for _ in range(rng.randint(2, 4)):
        subject, verb, quality = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(QUALITIES)
        parts.append(f"{subject.capitalize()} {verb} {quality}.")
    for _ in range(rng.randint(1, 2)):
        words = rng.choices(VOCABULARY, WEIGHTS, k=rng.randint(6, 14))
        parts.append(" ".join(words).capitalize() + ".")
    return " ".join(parts)


def copy_of(text: str, rng: random.Random) -> str:
    """A copy as people make them: a word changed, quoted in a post, or cut."""
    kind = rng.randrange(3)
    words = text.split()
    if kind == 0:
        words[rng.randrange(len(words))] = rng.choice(["vraiment", "franchement", "nul"])
        return " ".join(words)
    if kind == 1:
        return f"Vu sur Google, à faire circuler : « {text} » Qu'en pensez-vous ?"
    return " ".join(words[: max(len(words) // 2, 12)]) + "…"


def main() -> None:
    rng = random.Random(SEED)
    texts = [review(rng) for _ in range(STORED)]
    sigs: list[tuple[int, Signature]] = []
    started = time.process_time()
    for n, text in enumerate(texts):
        found = signature(text)
        if found is not None:
            sigs.append((n, found))
    signing = time.process_time() - started

    started = time.process_time()
    one_by_one = NearDupIndex()
    for n, sig in sigs[:20_000]:
        one_by_one.add(n, n % TEAMS, sig)
    adding = (time.process_time() - started) / 20_000
    del one_by_one

    tracemalloc.start()
    started = time.process_time()
    index = NearDupIndex()
    index.add_many([(n, n % TEAMS, sig) for n, sig in sigs])
    building = time.process_time() - started
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    picks = rng.sample(range(STORED), LOOKUPS // 2)
    queries: list[tuple[int | None, int, str]] = [
        (n, n % TEAMS, copy_of(texts[n], rng)) for n in picks
    ]
    queries += [(None, rng.randrange(TEAMS), review(rng)) for _ in range(LOOKUPS // 2)]
    found = wrong = 0
    candidates = 0
    started = time.process_time()
    for original, team, text in queries:
        sig = signature(text)
        if sig is None:
            continue
        candidates += len(index.candidates(team, sig))
        ids = [m.item_id for m in index.query(team, sig)]
        if original is not None:
            found += original in ids
        else:
            wrong += bool(ids)
    elapsed = time.process_time() - started
    print(f"   stored mentions            {len(index):>10,}")
    print(f"   signing 100k texts         {signing:>10.1f} s CPU ({len(sigs) / signing:,.0f}/s)")
    print(f"   loading the index at once  {building:>10.1f} s CPU")
    print(f"   adding one mention         {adding * 1e6:>10.0f} µs CPU (first 20k, one by one)")
    print(f"   index memory once loaded   {current / 1_048_576:>10.1f} MB (tracemalloc)")
    print(f"   peak while loading         {peak / 1_048_576:>10.1f} MB")
    print(f"   lookups (sign + query)     {len(queries) / elapsed:>10,.0f} /s CPU")
    print(f"   candidates per lookup      {candidates / len(queries):>10.1f}")
    print(f"   copies found               {found / (LOOKUPS // 2):>10.1%}")
    print(f"   new reviews matched        {wrong / (LOOKUPS // 2):>10.1%} (false positives)")


if __name__ == "__main__":
    main()
