"""Build Atom feeds and Places answers on the fly, so tests can publish new items between polls."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass
class Item:
    """One feed entry."""

    id: str
    title: str
    text: str
    link: str = "https://forum.exemple.fr/t/1"
    published: str = "2026-11-20T10:00:00Z"


def atom(items: list[Item]) -> str:
    """An Atom document with these entries."""
    entries = "".join(
        f"<entry><id>{escape(i.id)}</id><title type='html'>{escape(i.title)}</title>"
        f"<link href='{escape(i.link)}'/><published>{i.published}</published>"
        f"<updated>{i.published}</updated><content type='html'>{escape(i.text)}</content></entry>"
        for i in items
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        "<id>urn:test</id><title>Test</title><updated>2026-11-20T10:00:00Z</updated>"
        f"{entries}</feed>"
    )


def places(reviews: list[tuple[str, int, str]], rating: float = 4.0) -> dict[str, object]:
    """A Place Details answer with (review id, stars, text) reviews."""
    return {
        "displayName": {"text": "Cabinet Dupont", "languageCode": "fr"},
        "rating": rating,
        "userRatingCount": len(reviews),
        "reviews": [
            {
                "name": f"places/PLACE1/reviews/{rid}",
                "rating": stars,
                "text": {"text": text, "languageCode": "fr"},
                "authorAttribution": {"displayName": "Julie R."},
                "publishTime": "2026-11-20T10:00:00Z",
                "googleMapsUri": f"https://maps.google.com/?review={rid}",
            }
            for rid, stars, text in reviews
        ],
    }
