"""A loopback forward proxy per capture: the one door between the browser and the network.

Route interception does not see redirect hops, and the browser resolves names on its own; the
proxy closes both gaps. It resolves each host itself, refuses internal addresses (the same
`GuardState` as the route handler), connects to the very address it checked, records it for
the manifest, and cuts the capture when the page downloads more than the allowed volume.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.capture.guard import GuardState, HostNotFoundError
from bot.netguard import IPAddress, UnsafeURLError

_HEAD_LIMIT = 64 * 1024
_HOP_HEADERS = (b"connection", b"keep-alive", b"proxy-connection", b"proxy-authorization")
_REFUSED = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


@dataclass(frozen=True, slots=True)
class Connection:
    """A connection the browser made through the proxy: the host asked for and the IP used."""

    host: str
    port: int
    ip: str


def split_host_port(authority: str, default_port: int) -> tuple[str, int]:
    """Split `host:port` (an IPv6 address in brackets) into its parts."""
    if authority.startswith("["):
        host, _, rest = authority[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif authority.count(":") == 1:
        host, _, port = authority.partition(":")
    else:
        host, port = authority, ""
    return host, int(port) if port.isascii() and port.isdigit() else default_port


def _rewrite_head(head: bytes, first_line: bytes) -> bytes:
    """Replace the first line, drop hop-by-hop headers and ask for `Connection: close`."""
    lines = head.split(b"\r\n")
    kept = [first_line]
    for line in lines[1:]:
        if not line:
            continue
        name = line.split(b":", 1)[0].strip().lower()
        if name not in _HOP_HEADERS:
            kept.append(line)
    kept.append(b"Connection: close")
    return b"\r\n".join(kept) + b"\r\n\r\n"


class GuardProxy:
    """An HTTP(S) forward proxy on 127.0.0.1 that only connects to addresses the guard accepts."""

    def __init__(self, state: GuardState, *, max_bytes: int, connect_timeout_s: float = 10) -> None:
        self.state = state
        self.max_bytes = max_bytes
        self.connect_timeout_s = connect_timeout_s
        self.connections: list[Connection] = []
        self.received = 0
        self.cut = False
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> str:
        """Listen on a free loopback port; return the proxy URL for the browser context."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=_HEAD_LIMIT)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        """Stop listening and drop every open connection."""
        if self._server is not None:
            self._server.close()
        # Closing the sockets ends every relay; cancelling is kept for a handler that lingers.
        for writer in list(self._writers):
            writer.close()
        if self._tasks:
            _, lingering = await asyncio.wait(set(self._tasks), timeout=5)
            for task in lingering:
                task.cancel()
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    def ip_of(self, host: str, port: int) -> str | None:
        """The address actually used for a host and port, if the browser connected to it."""
        key = host.lower().strip("[]")
        for conn in self.connections:
            if conn.host == key and conn.port == port:
                return conn.ip
        return None

    def ip_for_url(self, url: str) -> str | None:
        """The address used for a URL's host (default port by scheme)."""
        parts = urlsplit(url)
        if not parts.hostname:
            return None
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return None
        return self.ip_of(parts.hostname, port)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One browser connection: handle it, then close both of its sockets."""
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        own = [writer]  # this connection's sockets: the browser's, then the upstream one
        self._writers.add(writer)
        try:
            await self._handle(reader, writer, own)
        except (
            ConnectionError,
            TimeoutError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
        ):
            pass
        finally:
            for w in own:
                w.close()
                self._writers.discard(w)
            for w in own:
                with contextlib.suppress(OSError, asyncio.CancelledError):
                    await w.wait_closed()
            if task is not None:
                self._tasks.discard(task)

    async def _handle(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        own: list[asyncio.StreamWriter],
    ) -> None:
        """Read the browser's request; tunnel (CONNECT) or forward it if the guard allows."""
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.connect_timeout_s * 3)
        first = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = first.split(" ")
        if len(parts) != 3:
            return
        method, target, version = parts
        if method.upper() == "CONNECT":
            host, port = split_host_port(target, 443)
            opened = await self._open(host, port, f"{host}:{port}", own)
            if opened is None:
                writer.write(_REFUSED)
                await writer.drain()
                return
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            await writer.drain()
            await self._relay(reader, writer, *opened)
            return
        url = urlsplit(target)
        if url.scheme != "http" or not url.hostname:
            self.state.refuse(target, "Seules les adresses http:// et https:// sont acceptées.")
            return
        port = url.port or 80
        opened = await self._open(url.hostname, port, target, own)
        if opened is None:
            return  # closing without an answer makes the browser fail the request
        up_reader, up_writer = opened
        path = url.path or "/"
        if url.query:
            path += "?" + url.query
        up_writer.write(_rewrite_head(head, f"{method} {path} {version}".encode("latin-1")))
        response_head = await asyncio.wait_for(
            up_reader.readuntil(b"\r\n\r\n"), self.connect_timeout_s * 3
        )
        self._count(len(response_head))
        status_line = response_head.split(b"\r\n", 1)[0]
        writer.write(_rewrite_head(response_head, status_line))
        await writer.drain()
        await self._relay(reader, writer, up_reader, up_writer)

    async def _open(
        self, host: str, port: int, target: str, own: list[asyncio.StreamWriter]
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """Connect to the first checked address of `host`; None (and a note) when refused."""
        if self.cut:
            return None
        try:
            addresses: list[IPAddress] = await self.state.addresses(host)
        except HostNotFoundError:
            return None  # unknown name: a failure, not a refusal
        except UnsafeURLError as exc:
            self.state.refuse(target, str(exc))
            return None
        for ip in addresses:
            try:
                opened = await asyncio.wait_for(
                    asyncio.open_connection(str(ip), port), self.connect_timeout_s
                )
            except (OSError, TimeoutError):
                continue
            own.append(opened[1])
            self._writers.add(opened[1])
            conn = Connection(host.lower().strip("[]"), port, str(ip))
            if conn not in self.connections:
                self.connections.append(conn)
            return opened
        return None

    async def _relay(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        up_reader: asyncio.StreamReader,
        up_writer: asyncio.StreamWriter,
    ) -> None:
        """Copy bytes both ways until either side is done."""
        upload = asyncio.ensure_future(self._pipe(reader, up_writer, count=False))
        download = asyncio.ensure_future(self._pipe(up_reader, writer, count=True))
        try:
            await asyncio.wait({upload, download}, return_when=asyncio.FIRST_COMPLETED)
            if not download.done():
                # The browser is done sending; let the answer finish.
                await download
        finally:
            for pipe in (upload, download):
                pipe.cancel()
            await asyncio.gather(upload, download, return_exceptions=True)

    async def _pipe(
        self, src: asyncio.StreamReader, dst: asyncio.StreamWriter, *, count: bool
    ) -> None:
        """Copy one direction of a connection, counting downloaded bytes."""
        while True:
            data = await src.read(65536)
            if not data:
                return
            if count and not self._count(len(data)):
                return
            dst.write(data)
            await dst.drain()

    def _count(self, size: int) -> bool:
        """Add downloaded bytes; False once the capture's volume limit is passed."""
        self.received += size
        if self.received > self.max_bytes:
            self.cut = True
        return not self.cut
