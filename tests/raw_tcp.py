"""Raw bytes over a loopback TCP connection, for requests no HTTP client would write (a
CONNECT to a forbidden host, a header with non-ASCII bytes)."""

from __future__ import annotations

import asyncio


async def exchange(port: int, data: bytes, *, within: float = 10) -> bytes:
    """Send `data` to 127.0.0.1:`port` and return all it answers until it closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), within)
    writer.close()
    await writer.wait_closed()
    return answer
