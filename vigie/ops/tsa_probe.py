"""A one-request RFC 3161 probe: does the configured timestamp authority grant a token?"""

from __future__ import annotations

import hashlib

import httpx

SHA256_OID = bytes.fromhex("0609608648016503040201")


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(raw)]) + raw + content


def timestamp_request(data: bytes = b"vigie doctor") -> bytes:
    """TimeStampReq { version 1, messageImprint (SHA-256), certReq TRUE }, DER-encoded."""
    algorithm = _der(0x30, SHA256_OID + b"\x05\x00")
    imprint = _der(0x30, algorithm + _der(0x04, hashlib.sha256(data).digest()))
    return _der(0x30, b"\x02\x01\x01" + imprint + b"\x01\x01\xff")


def _read(buf: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the DER element at `pos`."""
    tag, first = buf[pos], buf[pos + 1]
    pos += 2
    if first & 0x80:
        count = first & 0x7F
        size = int.from_bytes(buf[pos : pos + count], "big")
        pos += count
    else:
        size = first
    if pos + size > len(buf):
        raise ValueError("truncated")
    return tag, pos, pos + size


def response_status(body: bytes) -> int:
    """The PKIStatus of a TimeStampResp (0 granted, 1 granted with modifications, 2+ refused)."""
    tag, start, _ = _read(body, 0)
    if tag != 0x30:
        raise ValueError("not a sequence")
    tag, start, _ = _read(body, start)  # PKIStatusInfo
    if tag != 0x30:
        raise ValueError("no status")
    tag, start, end = _read(body, start)
    if tag != 0x02:
        raise ValueError("no status integer")
    return int.from_bytes(body[start:end], "big")


async def probe_tsa(client: httpx.AsyncClient, url: str) -> str | None:
    """None when the authority grants a token, else a French sentence saying what went wrong."""
    try:
        response = await client.post(
            url,
            content=timestamp_request(),
            headers={"Content-Type": "application/timestamp-query"},
        )
    except httpx.TimeoutException:
        return "pas de réponse en 10 s"
    except httpx.HTTPError as exc:
        return f"injoignable ({type(exc).__name__})"
    if response.status_code != 200:
        return f"réponse HTTP {response.status_code}"
    try:
        status = response_status(response.content)
    except (ValueError, IndexError):
        return "la réponse n'est pas un jeton RFC 3161"
    if status > 1:
        return f"demande refusée par l'autorité (statut {status})"
    return None
