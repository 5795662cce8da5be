"""Checks an RFC 3161 token against the hash list it claims to cover, with pyHanko's validator.

The imprint must equal the SHA-256 of `SHA256SUMS`, the signature must be intact, and the
signing certificate must chain, at the stated time, to a trusted root: the roots in
`VIGIE_TSA_CA` when set, else the root the bundle itself carries (then reported as such, since
anyone can make their own authority).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms, pem, x509
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko_certvalidator import ValidationContext

from bot.capture.timestamp import token_facts


@dataclass(frozen=True, slots=True)
class TokenCheck:
    """The verdict on a token: `ok` only if intact, matching and chained to a trusted root."""

    ok: bool
    gen_time: datetime | None
    authority: str
    trusted_by: str
    problem: str = ""


def load_certs(data: bytes) -> list[x509.Certificate]:
    """Every certificate of a PEM (or single DER) blob."""
    if pem.detect(data):
        return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [x509.Certificate.load(data)] if data else []


def check_token(
    token_der: bytes, sums: bytes, chain_pem: bytes | None, trust_pem: bytes | None
) -> TokenCheck:
    """Validate the token over `sums` (blocking; runs its own short event loop)."""
    try:
        token = cms.ContentInfo.load(token_der)
        gen_time, authority, _ = token_facts(token)
        certificates = token["content"]["certificates"] or []
        embedded = [c.chosen for c in certificates if c.name == "certificate"]
    except Exception:  # any parse error of an outside file is a refusal, not a crash
        return TokenCheck(False, None, "", "", "le jeton d'horodatage est illisible")
    chain = load_certs(chain_pem) if chain_pem else []
    if trust_pem:
        roots = load_certs(trust_pem)
        trusted_by = "liste de confiance VIGIE_TSA_CA"
    else:
        roots = [c for c in [*chain, *embedded] if c.self_signed]
        trusted_by = "racine fournie dans le lot (non reconnue par une liste de confiance)"
    if not roots:
        return TokenCheck(False, gen_time, authority, "", "aucun certificat racine pour l'autorité")
    context = ValidationContext(
        trust_roots=roots, other_certs=[*chain, *embedded], moment=gen_time, allow_fetching=False
    )
    expected = hashlib.sha256(sums).digest()

    def imprint(algorithm: str) -> bytes:
        return hashlib.new(algorithm, sums).digest() if algorithm != "sha256" else expected

    try:
        status = asyncio.run(validate_tst_signed_data(token["content"], context, imprint))
    except Exception as exc:
        return TokenCheck(
            False, gen_time, authority, trusted_by, f"jeton refusé ({type(exc).__name__})"
        )
    if not status.get("intact"):
        return TokenCheck(
            False, gen_time, authority, trusted_by, "le jeton ne couvre pas ces empreintes"
        )
    if not status.get("valid") or status.get("trust_problem_indic") is not None:
        return TokenCheck(
            False,
            gen_time,
            authority,
            trusted_by,
            "la chaîne de certificats de l'autorité ne mène pas à une racine de confiance",
        )
    return TokenCheck(True, gen_time, authority, trusted_by)
