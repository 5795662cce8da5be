"""Builds the `.eml` draft the team opens, checks and sends from its own mailbox."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from bot.deadlines import PARIS, as_utc
from bot.documents.safe import header_safe


def _address(name: str | None, addr: str) -> Address:
    """An address header value; the display name is cleaned to one line."""
    return Address(display_name=header_safe(name or "", 120), addr_spec=addr)


def build_eml(
    *,
    sender_name: str | None,
    sender_email: str,
    to_name: str | None,
    to_email: str,
    subject: str,
    body: str,
    now: datetime,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> bytes:
    """A draft e-mail (text/plain, UTF-8, quoted-printable, files attached) marked unsent.

    The Message-ID is derived from the content, so the same letter gives the same bytes.
    """
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = _address(sender_name, sender_email)
    message["To"] = _address(to_name, to_email)
    message["Subject"] = header_safe(subject, 300)
    message["Date"] = format_datetime(as_utc(now).astimezone(PARIS))
    digest = hashlib.sha256(f"{to_email}\n{subject}\n{body}".encode()).hexdigest()[:24]
    domain = sender_email.rsplit("@", 1)[1]
    if not domain.isascii():
        domain = "vigie.invalid"
    message["Message-ID"] = f"<vigie.{digest}@{domain}>"
    message["X-Unsent"] = "1"
    message.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
    for filename, mime_type, content in attachments:
        maintype, subtype = mime_type.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()
