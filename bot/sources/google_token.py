"""The Business Profile refresh token `vigie google connecter` obtained, kept in the data directory.

One JSON file, readable by its owner only (mode 0600, written atomically), so the token never
has to be copied into `.env` by hand. A token set in the environment takes precedence.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from bot.clock import to_iso, utcnow

TOKEN_FILE = Path("google") / "business_oauth.json"


def token_path(data_dir: Path) -> Path:
    """Where the refresh token lives under VIGIE_DATA_DIR."""
    return data_dir / TOKEN_FILE


def save_refresh_token(path: Path, refresh_token: str, *, client_id: str, scope: str) -> None:
    """Write the token file with mode 0600 from the start (never world-readable, even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = {
        "refresh_token": refresh_token,
        "client_id": client_id,
        "scope": scope,
        "obtained_at": to_iso(utcnow()),
    }
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def load_refresh_token(path: Path) -> str | None:
    """The stored refresh token, or None when there is none (or it is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    token = data.get("refresh_token") if isinstance(data, dict) else None
    return token if isinstance(token, str) and token else None


def token_stamp(path: Path) -> float | None:
    """When the token file last changed (a new connection replaces a revoked token)."""
    try:
        return path.stat().st_mtime
    except OSError:
        return None
