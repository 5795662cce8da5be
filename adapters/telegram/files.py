"""Which way a file can travel on Telegram: as a photo, as a document, or not at all (too big).

Telegram refuses photos over 10 MB, wider plus taller than 10,000 pixels or with a side more
than 20 times the other (a full-page screenshot, typically): those go as documents, which
keep their bytes intact. Documents stop at 50 MB.
"""

from __future__ import annotations

import enum
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from bot.chat.types import Attachment

PHOTO_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_MAX_BYTES = 50 * 1024 * 1024
PHOTO_MAX_SIDES = 10_000
PHOTO_MAX_RATIO = 20


class Route(enum.Enum):
    """How an attachment is sent."""

    PHOTO = "photo"
    DOCUMENT = "document"
    TOO_BIG = "too_big"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class FilePlan:
    """The route chosen for one attachment, with what led to it."""

    route: Route
    size: int = 0
    dimensions: tuple[int, int] | None = None


def image_size(attachment: Attachment) -> tuple[int, int] | None:
    """Width and height read from the image header (no full decode), or None if unreadable."""
    try:
        with warnings.catch_warnings():
            # Only the header is read: a huge pixel count is no decompression risk here.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(attachment.path) as image:
                return image.size
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        return None


def fits_photo(dimensions: tuple[int, int] | None) -> bool:
    """Telegram's photo rules: width + height ≤ 10,000 and a ratio of at most 20."""
    if dimensions is None:
        return False
    width, height = dimensions
    if width <= 0 or height <= 0:
        return False
    return width + height <= PHOTO_MAX_SIDES and max(width, height) / min(width, height) <= (
        PHOTO_MAX_RATIO
    )


def plan(attachment: Attachment) -> FilePlan:
    """The route for an attachment (images as photos only when Telegram would take them)."""
    try:
        size = attachment.path.stat().st_size
    except OSError:
        return FilePlan(Route.MISSING)
    if not attachment.path.is_file():
        return FilePlan(Route.MISSING)
    if size > DOCUMENT_MAX_BYTES:
        return FilePlan(Route.TOO_BIG, size)
    if attachment.is_image and size <= PHOTO_MAX_BYTES:
        dimensions = image_size(attachment)
        if fits_photo(dimensions):
            return FilePlan(Route.PHOTO, size, dimensions)
        return FilePlan(Route.DOCUMENT, size, dimensions)
    return FilePlan(Route.DOCUMENT, size)


def megabytes(size: int) -> str:
    """`12,4 Mo` (French decimal comma)."""
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " Mo"
