"""Numbers written the way the team reads them, identical in the chat, the HTML and the digest."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: French thousands separator (narrow no-break space), as in « 1 234 mentions ».
THIN = "\u202f"


def tr(language: str, fr: str, en: str) -> str:
    """The French text unless the team reads English."""
    return en if language == "en" else fr


def number(value: int, language: str) -> str:
    """ "1 234" in French, "1,234" in English."""
    text = f"{value:,}"
    return text if language == "en" else text.replace(",", THIN)


def one_decimal(value: float, language: str) -> str:
    """ "4,3" or "4.3": rounded half up, so 4.25 reads 4,3 as anyone would round it."""
    rounded = Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{rounded:.1f}"
    if text == "-0.0":
        text = "0.0"
    return text if language == "en" else text.replace(".", ",")


def rating(value: float | None, language: str) -> str:
    """ "4,2/5", or a dash when nothing was rated."""
    if value is None:
        return "—"
    return f"{one_decimal(value, language)}/5"


def share(value: float | None, language: str) -> str:
    """ "12 %" (French spacing) or "12%"; a dash when there is nothing to divide."""
    if value is None:
        return "—"
    percent = int(Decimal(repr(value * 100)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return f"{percent}%" if language == "en" else f"{percent}{THIN}%"


def change(before: float | None, after: float | None, language: str) -> str:
    """ "↗ +0,3", "↘ −0,4" or "→ stable", between the averages as shown (rounded to 0.1), so
    the arrow never contradicts the figures beside it; "" when one side has no rating."""
    if before is None or after is None:
        return ""
    tenths = _tenths(after) - _tenths(before)
    if tenths == 0:
        return "→ stable"
    arrow = "↗ +" if tenths > 0 else "↘ −"
    return arrow + one_decimal(abs(tenths) / 10, language)


def _tenths(value: float) -> int:
    return int(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) * 10)


def plural(count: int, singular: str, plural_form: str, language: str) -> str:
    """ "1 mention", "2 mentions", "0 mention" (French), "0 mentions" (English)."""
    word = singular if count == 1 or (count == 0 and language != "en") else plural_form
    return f"{number(count, language)} {word}"
