"""The certificate chain of an https page, read from the real browser's own connection."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from playwright.async_api import async_playwright

from bot.capture.browser import find_chromium
from bot.capture.tls import ChainReader


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def server_chain(folder: Path) -> tuple[Path, Path]:
    """A throwaway CA and a leaf for 127.0.0.1; the chain file holds leaf then CA."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("CA de test Vigie"))
        .issuer_name(_name("CA de test Vigie"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    chain = folder / "chain.pem"
    chain.write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    )
    key_path = folder / "key.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return chain, key_path


async def test_certificate_chain_is_read_from_the_browser(tmp_path: Path) -> None:
    chain, key = server_chain(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(chain, key)

    async def page_handler(request: web.Request) -> web.Response:
        return web.Response(text="<p>avis</p>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page_handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = runner.addresses[0][1]
    url = f"https://127.0.0.1:{port}/"
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=find_chromium(None, None))
            page = await (await browser.new_context(ignore_https_errors=True)).new_page()
            reader = ChainReader()
            await reader.open(page)
            await page.goto(url)
            pems = await reader.chain(url)
            await reader.close()
            await browser.close()
    finally:
        await runner.cleanup()
    assert len(pems) == 2
    certs = [x509.load_pem_x509_certificate(p.encode()) for p in pems]
    assert certs[0].subject == _name("127.0.0.1")
    assert certs[1].subject == _name("CA de test Vigie")
