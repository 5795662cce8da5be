"""A time-stamping authority on 127.0.0.1: pyHanko's test timestamper behind a real HTTP server.

The CA and the TSA certificate are generated at test time (nothing vendored), with the
critical `timeStamping` extended key usage RFC 3161 requires.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from aiohttp import web
from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper, dummy_client

from tests.loopback import serve_on_free_port


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_tsa_certs(folder: Path) -> tuple[bytes, bytes, bytes]:
    """(root certificate DER, TSA certificate DER, TSA private key DER), root also as PEM."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Racine de test Vigie"))
        .issuer_name(_name("Racine de test Vigie"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(root_key, hashes.SHA256())
    )
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa = (
        x509.CertificateBuilder()
        .subject_name(_name("Horodatage de test Vigie"))
        .issuer_name(root.subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    (folder / "tsa-root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    key_der = tsa_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (
        root.public_bytes(serialization.Encoding.DER),
        tsa.public_bytes(serialization.Encoding.DER),
        key_der,
    )


class _KeyCache:
    """pyHanko's test timestamper reloads (and re-validates) its RSA key on every request,
    ~80 ms that a real authority, whose key stays loaded, never spends. Cache it, so the
    benchmark measures Vigie's side of the exchange."""

    @staticmethod
    @functools.cache
    def load_der_private_key(data: bytes, password: bytes | None = None) -> Any:
        return serialization.load_der_private_key(
            data, password, unsafe_skip_rsa_key_validation=True
        )


dummy_client.serialization = _KeyCache


class LoopbackTSA:
    """Answers RFC 3161 requests (application/timestamp-query) on 127.0.0.1."""

    def __init__(self, folder: Path) -> None:
        root, cert, key = make_tsa_certs(folder)
        self.root_pem = folder / "tsa-root.pem"
        self.requests = 0
        self.stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(cert),
            tsa_key=keys.PrivateKeyInfo.load(key),
            certs_to_embed=[asn1_x509.Certificate.load(root)],
        )
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _answer(self, request: web.Request) -> web.Response:
        self.requests += 1
        query = tsp.TimeStampReq.load(await request.read())
        answer = await self.stamper.async_request_tsa_response(query)
        return web.Response(body=answer.dump(), content_type="application/timestamp-reply")

    async def __aenter__(self) -> LoopbackTSA:
        app = web.Application()
        app.router.add_post("/tsa", self._answer)
        self._runner = web.AppRunner(app)
        port = await serve_on_free_port(self._runner)
        self.url = f"http://127.0.0.1:{port}/tsa"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
