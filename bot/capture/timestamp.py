"""Trusted time: an RFC 3161 token over the bundle's hash list, a PAdES timestamp on the PDF.

A hash list proves nothing about *when* unless a third party signed it at a known time. The
time-stamping authority (TSA) set in `VIGIE_TSA_URL` signs the SHA-256 of `SHA256SUMS`; the
token (`SHA256SUMS.tsr`, DER, the format of `openssl ts`) and the TSA's certificates
(`horodatage-chaine.pem`) travel in the bundle. The PDF gets a document timestamp from the
same authority, so any PDF reader shows it. pyHanko speaks the protocol; nothing is hand-built.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import aiohttp
from asn1crypto import cms, tsp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError

log = logging.getLogger(__name__)

TOKEN = "SHA256SUMS.tsr"  # noqa: S105 - a file name
CHAIN = "horodatage-chaine.pem"
FAILED = "HORODATAGE-ECHEC.txt"
_PDF_RESERVED = 32_768  # hex digits kept for the PDF's timestamp token (16 KB of DER)


class TimestampError(Exception):
    """The authority could not be reached or refused; the message is French."""


@dataclass(frozen=True, slots=True)
class Stamp:
    """A token obtained: its DER bytes, the authority's certificates, the time it states."""

    token: bytes
    chain_pem: str
    gen_time: datetime
    authority: str


def _pem(der: bytes) -> str:
    import base64
    import textwrap

    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), 64))
    return f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"


def token_facts(token: cms.ContentInfo) -> tuple[datetime, str, str]:
    """The time stated in a token, its authority's name and its certificates as PEM."""
    signed = token["content"]
    info = signed["encap_content_info"]["content"].parsed
    if not isinstance(info, tsp.TSTInfo):
        raise TimestampError("la réponse de l'autorité n'est pas un jeton d'horodatage")
    certs = [c.chosen for c in signed["certificates"] or [] if c.name == "certificate"]
    name = ""
    sid = signed["signer_infos"][0]["sid"]
    for cert in certs:
        if (
            sid.name == "issuer_and_serial_number"
            and cert.serial_number == sid.chosen["serial_number"].native
        ):
            name = cert.subject.human_friendly
    if not name and certs:
        name = certs[0].subject.human_friendly
    return info["gen_time"].native, name, "".join(_pem(c.dump()) for c in certs)


async def stamp_digest(
    url: str, digest: bytes, *, timeout_s: float = 10, session: aiohttp.ClientSession | None = None
) -> Stamp:
    """Ask the authority at `url` to timestamp a SHA-256 digest.

    Pass a long-lived `session`: without one, every request builds a new TLS context
    (tens of milliseconds spent loading the system's certificate store).
    """
    stamper = HTTPTimeStamper(url, timeout=timeout_s, session=session)
    try:
        token = await asyncio.wait_for(stamper.async_timestamp(digest, "sha256"), timeout_s + 2)
    except (TimestampRequestError, OSError, TimeoutError, ValueError) as exc:
        raise TimestampError(
            f"l'autorité d'horodatage n'a pas répondu correctement ({exc})"
        ) from exc
    when, name, chain = token_facts(token)
    return Stamp(token.dump(), chain, when, name)


async def stamp_file_digest(
    url: str, path: Path, *, timeout_s: float = 10, session: aiohttp.ClientSession | None = None
) -> Stamp:
    """Timestamp the SHA-256 of a file."""
    digest = hashlib.sha256(await asyncio.to_thread(path.read_bytes)).digest()
    return await stamp_digest(url, digest, timeout_s=timeout_s, session=session)


async def stamp_pdf(
    url: str, path: Path, *, timeout_s: float = 10, session: aiohttp.ClientSession | None = None
) -> None:
    """Add a PAdES document timestamp to the PDF at `path` (rewritten in place)."""
    data = await asyncio.to_thread(path.read_bytes)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        stamper = PdfTimeStamper(HTTPTimeStamper(url, timeout=timeout_s, session=session))
        out = await asyncio.wait_for(
            stamper.async_timestamp_pdf(writer, "sha256", bytes_reserved=_PDF_RESERVED),
            timeout_s + 5,
        )
    except (TimestampRequestError, OSError, TimeoutError) as exc:
        raise TimestampError(f"l'autorité d'horodatage n'a pas horodaté le PDF ({exc})") from exc
    except Exception as exc:  # pyHanko's PDF errors: the PDF stays as printed
        raise TimestampError(f"le PDF n'a pas pu être horodaté ({type(exc).__name__})") from exc
    await asyncio.to_thread(path.write_bytes, out.getvalue())
