"""Measures reading schema.org reviews from a page without a selector: 500 reviews in JSON-LD,
in microdata and in RDFa Lite (pages of about 300 KB), parse and extraction apart.

Run: `.venv/bin/python -m bench schema`. Times are CPU time of this process (best of 5), so
other work on a shared machine counts little; the page parse (html.parser) is the same one a
selector page pays.
"""

from __future__ import annotations

import json
import time

from bs4 import BeautifulSoup

from bot.sources.schema_reviews import extract

N_REVIEWS = 500
ROUNDS = 5
BODY = "Texte d'un avis de patient, assez long pour ressembler aux vrais. " * 6


def json_ld() -> str:
    reviews = [
        {
            "@type": "Review",
            "@id": f"#r{i}",
            "author": {"@type": "Person", "name": f"Auteur {i}"},
            "datePublished": "2026-11-02",
            "reviewRating": {"@type": "Rating", "ratingValue": i % 5 + 1},
            "reviewBody": BODY,
        }
        for i in range(N_REVIEWS)
    ]
    doc = {
        "@context": "https://schema.org",
        "@type": "Physician",
        "aggregateRating": {"@type": "AggregateRating", "ratingValue": 4.1, "reviewCount": 500},
        "review": reviews,
    }
    script = f"<script type='application/ld+json'>{json.dumps(doc)}</script>"
    return f"<html><head>{script}</head><body><p>Avis</p></body></html>"


def microdata() -> str:
    items = "".join(
        f"<div id='m{i}' itemprop='review' itemscope itemtype='https://schema.org/Review'>"
        f"<span itemprop='author'>Auteur {i}</span>"
        "<meta itemprop='datePublished' content='2026-11-02'>"
        "<div itemprop='reviewRating' itemscope itemtype='https://schema.org/Rating'>"
        f"<meta itemprop='ratingValue' content='{i % 5 + 1}'></div>"
        f"<p itemprop='reviewBody'>{BODY}</p></div>"
        for i in range(N_REVIEWS)
    )
    return (
        "<html><body><div itemscope itemtype='https://schema.org/Physician'>"
        f"{items}</div></body></html>"
    )


def rdfa() -> str:
    items = "".join(
        f"<div property='review' typeof='Review' resource='#r{i}'>"
        f"<span property='author'>Auteur {i}</span>"
        "<span property='datePublished' content='2026-11-02'></span>"
        f"<span property='reviewRating' typeof='Rating'><span property='ratingValue'>{i % 5 + 1}"
        f"</span></span><div property='reviewBody'>{BODY}</div></div>"
        for i in range(N_REVIEWS)
    )
    return (
        "<html><body vocab='https://schema.org/'><div typeof='Physician'>"
        f"{items}</div></body></html>"
    )


def main() -> None:
    for name, html in (("json-ld", json_ld()), ("microdata", microdata()), ("rdfa", rdfa())):
        parse_best = extract_best = float("inf")
        found = 0
        for _ in range(ROUNDS):
            started = time.process_time()
            soup = BeautifulSoup(html, "html.parser")
            parsed = time.process_time()
            data = extract(soup, "https://annuaire.exemple/dr-dupont")
            done = time.process_time()
            parse_best = min(parse_best, parsed - started)
            extract_best = min(extract_best, done - parsed)
            found = len(data.reviews)
        print(
            f"   {name:9} {len(html) // 1024:4d} KiB, {found} reviews: parse "
            f"{parse_best * 1000:6.0f} ms, extract {extract_best * 1000:6.0f} ms (CPU, best of "
            f"{ROUNDS})"
        )


if __name__ == "__main__":
    main()
