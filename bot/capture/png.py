"""A PNG written strip by strip, so a very tall capture never sits whole in memory."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from types import TracebackType

from PIL import Image, ImageChops

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_STRIP_ROWS = 512  # rows filtered and compressed at a time
_UP = b"\x02"  # PNG filter type "Up": each byte minus the byte above (mod 256)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _ihdr(width: int, height: int) -> bytes:
    # 8 bits per channel, colour type 2 (RGB), deflate, adaptive filtering, no interlace.
    return _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))


class PngStream:
    """Appends RGB strips of a fixed width to a PNG file; the height is fixed on `close()`."""

    def __init__(self, path: Path, width: int, *, level: int = 6) -> None:
        self.path = path
        self.width = width
        self.height = 0
        self._file = path.open("wb")
        self._file.write(_SIGNATURE + _ihdr(width, 1))
        self._zlib = zlib.compressobj(level)
        self._above = Image.new("RGB", (width, 1), (0, 0, 0))

    def add(self, image: Image.Image) -> None:
        """Append an image below what was written (cropped or padded white to the width)."""
        strip = image if image.mode == "RGB" else image.convert("RGB")
        if strip.width != self.width:
            fitted = Image.new("RGB", (self.width, strip.height), (255, 255, 255))
            fitted.paste(strip, (0, 0))
            strip = fitted
        for top in range(0, strip.height, _STRIP_ROWS):
            self._add_rows(strip.crop((0, top, self.width, min(top + _STRIP_ROWS, strip.height))))

    def _add_rows(self, rows: Image.Image) -> None:
        """Filter (Up), compress and write a few hundred rows."""
        count = rows.height
        above = Image.new("RGB", rows.size)
        above.paste(self._above, (0, 0))
        if count > 1:
            above.paste(rows.crop((0, 0, self.width, count - 1)), (0, 1))
        filtered = ImageChops.subtract_modulo(rows, above).tobytes()
        stride = self.width * 3
        out = bytearray()
        for r in range(count):
            out += _UP
            out += filtered[r * stride : (r + 1) * stride]
        data = self._zlib.compress(bytes(out))
        if data:
            self._file.write(_chunk(b"IDAT", data))
        self._above = rows.crop((0, count - 1, self.width, count))
        self.height += count

    def close(self) -> None:
        """Finish the stream and write the real height into the header."""
        if self._file.closed:
            return
        try:
            if self.height == 0:
                raise ValueError("empty PNG stream")
            self._file.write(_chunk(b"IDAT", self._zlib.flush()))
            self._file.write(_chunk(b"IEND", b""))
            self._file.seek(len(_SIGNATURE))
            self._file.write(_ihdr(self.width, self.height))
        finally:
            self._file.close()

    def __enter__(self) -> PngStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self._file.close()
