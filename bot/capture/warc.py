"""The page's own bytes beside the picture: a WARC file of the main request and response.

WARC (ISO 28500) is the web archivists' format; any replay tool (pywb, ReplayWeb.page) can
open it. The browser hands over the body already decoded, so the record drops the transfer
and content encodings and states the decoded length; the original headers stay in the manifest.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

_DROPPED = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and its response, as the browser saw them."""

    url: str
    method: str
    request_headers: tuple[tuple[str, str], ...]
    status: int
    status_text: str
    response_headers: tuple[tuple[str, str], ...]
    body: bytes | None = None
    body_truncated: bool = False
    ip: str | None = None


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _request_headers(exchange: Exchange) -> StatusAndHeaders:
    """The request as an HTTP/1.1 head (HTTP/2 pseudo-headers folded into Host)."""
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers: list[tuple[str, str]] = []
    authority = None
    for name, value in exchange.request_headers:
        if name == ":authority":
            authority = value
        elif not name.startswith(":"):
            headers.append((name, value))
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", authority or parts.netloc))
    return StatusAndHeaders(
        f"{exchange.method} {target} HTTP/1.1", headers, protocol="", is_http_request=True
    )


def _response_headers(exchange: Exchange, length: int) -> StatusAndHeaders:
    """The response head, without the encodings the decoded body no longer has."""
    headers = [
        (name, value)
        for name, value in exchange.response_headers
        if not name.startswith(":") and name.lower() not in _DROPPED
    ]
    headers.append(("Content-Length", str(length)))
    status = f"{exchange.status} {exchange.status_text}".strip()
    return StatusAndHeaders(status, headers, protocol="HTTP/1.1")


def write_warc(
    path: Path, exchanges: list[Exchange], *, captured_at: datetime, software: str
) -> None:
    """Write a gzipped WARC: a warcinfo record, then each exchange (redirects first)."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        info = writer.create_warcinfo_record(
            path.name,
            {
                "software": software,
                "format": "WARC File Format 1.1",
                "description": (
                    "Capture Vigie. Corps de réponse enregistré décodé, tel que reçu par le "
                    "navigateur ; en-têtes d'origine dans manifest.json."
                ),
            },
        )
        writer.write_record(info)
        date = _warc_date(captured_at)
        for exchange in exchanges:
            body = exchange.body or b""
            extra = {"WARC-Date": date}
            if exchange.ip:
                extra["WARC-IP-Address"] = exchange.ip
            if exchange.body_truncated:
                extra["WARC-Truncated"] = "length"
            response = writer.create_warc_record(
                exchange.url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=_response_headers(exchange, len(body)),
                warc_headers_dict=extra,
            )
            request = writer.create_warc_record(
                exchange.url,
                "request",
                payload=io.BytesIO(b""),
                length=0,
                http_headers=_request_headers(exchange),
                warc_headers_dict={
                    "WARC-Date": date,
                    "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
                },
            )
            writer.write_record(response)
            writer.write_record(request)
