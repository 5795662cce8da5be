"""The header band drawn above every capture: full URL and UTC time, visible in the image itself.

A cropped screenshot proves little; the band makes the address and the moment part of the
picture. Text is drawn left to right with no bidi processing, and invisible or control
characters are shown percent-encoded, so a crafted URL cannot disguise itself.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.dates import format_capture_time

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

BACKGROUND = (18, 38, 58)
TEXT = (255, 255, 255)
ACCENT = (242, 201, 76)
FONT_SIZE = 18
LINE_HEIGHT = 26
PADDING = 16
INDENT = 24
ACCENT_HEIGHT = 4
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
_BREAK_AFTER = "/?&=-_.,;: "
_HIDDEN_CATEGORIES = ("Cc", "Cf", "Co", "Cs", "Zl", "Zp")


@dataclass(frozen=True, slots=True)
class BandLine:
    """One logical line of the band; long lines wrap onto indented continuation lines."""

    text: str
    bold: bool = False


def visible(text: str, keep: str = "") -> str:
    """Percent-encode characters that would be invisible or reorder the text (except `keep`)."""
    out = []
    for char in text:
        if char not in keep and unicodedata.category(char) in _HIDDEN_CATEGORIES:
            out.append("".join(f"%{b:02X}" for b in char.encode("utf-8")))
        else:
            out.append(char)
    return "".join(out)


def utc_label(moment: datetime) -> str:
    """`28/11/2025 20:41:03 UTC`: the form shown in the band and in the chat."""
    return moment.astimezone(UTC).strftime("%d/%m/%Y %H:%M:%S UTC")


def band_lines(
    *,
    requested_url: str,
    final_url: str | None,
    taken_at: datetime,
    server_ip: str | None,
    browser: str,
) -> list[BandLine]:
    """The band's text: what was captured, where it was served from, and when (UTC)."""
    lines = [
        BandLine("Capture Vigie — page web telle qu'affichée au moment indiqué", bold=True),
        BandLine(f"Adresse (URL) : {visible(requested_url)}"),
    ]
    if final_url and final_url != requested_url:
        lines.append(BandLine(f"Adresse affichée après redirection : {visible(final_url)}"))
    lines.append(BandLine(f"Date et heure de la capture : {format_capture_time(taken_at)}", True))
    lines.append(BandLine(f"Serveur : {server_ip or 'adresse inconnue'} — Navigateur : {browser}"))
    return lines


@functools.lru_cache(maxsize=4)
def load_font(bold: bool) -> Font:
    """DejaVu Sans when installed (wide Unicode coverage), else Pillow's own font."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in _FONT_DIRS:
        path = folder / name
        if path.is_file():
            return ImageFont.truetype(str(path), FONT_SIZE, layout_engine=ImageFont.Layout.BASIC)
    return ImageFont.load_default(FONT_SIZE)


def wrap(text: str, font: Font, max_width: float) -> list[str]:
    """Cut `text` into pieces that fit `max_width`; joined back, they give `text` exactly."""
    pieces: list[str] = []
    rest = text
    while rest:
        if font.getlength(rest) <= max_width:
            pieces.append(rest)
            break
        fit, too_long = 1, len(rest)  # the longest prefix that fits lies in [fit, too_long)
        while too_long - fit > 1:
            middle = (fit + too_long) // 2
            if font.getlength(rest[:middle]) <= max_width:
                fit = middle
            else:
                too_long = middle
        cut = fit
        for i in range(fit, max(fit // 2, 1), -1):
            if rest[i - 1] in _BREAK_AFTER:
                cut = i
                break
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return pieces or [""]


def render_band(lines: Sequence[BandLine], width: int) -> Image.Image:
    """Draw the band for an image `width` pixels wide; its height follows the text."""
    laid_out: list[tuple[str, Font, int]] = []
    for line in lines:
        font = load_font(line.bold)
        for n, piece in enumerate(wrap(line.text, font, width - 2 * PADDING - INDENT)):
            laid_out.append((piece, font, PADDING + (INDENT if n else 0)))
    height = 2 * PADDING + LINE_HEIGHT * len(laid_out) + ACCENT_HEIGHT
    band = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(band)
    for row, (piece, font, x) in enumerate(laid_out):
        draw.text((x, PADDING + row * LINE_HEIGHT), piece, font=font, fill=TEXT)
    draw.rectangle((0, height - ACCENT_HEIGHT, width, height), fill=ACCENT)
    return band
