"""Teams, the chats bound to them, join codes and team settings."""

from __future__ import annotations

import enum
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from bot.chat.types import ChatRef
from bot.clock import from_iso, to_iso, utcnow
from bot.models import Coverage, Insurer, Practitioner, TeamSettings
from bot.store.db import Database

# No 0/O or 1/I/L: codes are read aloud and typed on phones.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_join_code() -> str:
    """A short code such as K7P-2QX (about 30 bits of entropy)."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
    return f"{chars[:3]}-{chars[3:]}"


def normalise_code(text: str) -> str:
    """Accept codes typed loosely: lower case, spaces, missing dash."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[:3]}-{raw[3:]}" if len(raw) == 6 else raw


class JoinOutcome(enum.Enum):
    """What a join code did."""

    BOUND = "bound"
    INVALID = "invalid"
    LOCKED = "locked"
    ALREADY = "already"
    NEEDS_CONFIRMATION = "needs_confirmation"
    OTHER_WORKSPACE = "other_workspace"


@dataclass(frozen=True, slots=True)
class Redeemed:
    """The outcome of a join code, the team it names, and the team the chat was bound to."""

    outcome: JoinOutcome
    team_id: int | None = None
    previous_team_id: int | None = None


class Teams:
    """SQL for teams, chats and invites."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, name: str, *, is_default: bool = False, language: str = "fr") -> int:
        """Create a team and return its id."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO teams (name, created_at, is_default, language) VALUES (?, ?, ?, ?)",
                (name, to_iso(utcnow()), int(is_default), language),
            )
            return int(cur.lastrowid or 0)

    async def default_team(self, name: str, *, language: str = "fr") -> int:
        """The server's own team (the console's), created on first use."""
        row = await self.db.fetchone("SELECT id FROM teams WHERE is_default = 1")
        if row:
            return int(row["id"])
        return await self.create(name, is_default=True, language=language)

    async def find_by_name(self, name: str) -> int | None:
        """A team's id from its name (case-insensitive)."""
        row = await self.db.fetchone(
            "SELECT id FROM teams WHERE lower(name) = lower(?) ORDER BY id LIMIT 1", (name,)
        )
        return int(row["id"]) if row else None

    async def all_ids(self) -> list[int]:
        """Every team's id."""
        return [int(r["id"]) for r in await self.db.fetchall("SELECT id FROM teams ORDER BY id")]

    # --- chats ---

    async def chat(self, platform: str, chat_id: str) -> ChatRef | None:
        """The binding of a chat, if it has one."""
        row = await self.db.fetchone(
            "SELECT id, team_id, platform, chat_id FROM chats WHERE platform = ? AND chat_id = ?",
            (platform, chat_id),
        )
        return _chat(row) if row else None

    async def chat_by_ref(self, ref: int) -> ChatRef | None:
        """A bound chat from its row id."""
        row = await self.db.fetchone(
            "SELECT id, team_id, platform, chat_id FROM chats WHERE id = ?", (ref,)
        )
        return _chat(row) if row else None

    async def chats_of(self, team_id: int) -> list[ChatRef]:
        """Every chat bound to a team."""
        rows = await self.db.fetchall(
            "SELECT id, team_id, platform, chat_id FROM chats WHERE team_id = ? ORDER BY id",
            (team_id,),
        )
        return [_chat(r) for r in rows]

    async def bind_chat(
        self,
        team_id: int,
        platform: str,
        chat_id: str,
        *,
        by: str = "",
        workspace: str | None = None,
    ) -> ChatRef:
        """Bind a chat to a team directly (the console, tests); rebinding moves it."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO chats (team_id, platform, chat_id, workspace_id, bound_by, bound_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, chat_id) DO UPDATE SET "
                "team_id = excluded.team_id, workspace_id = excluded.workspace_id",
                (team_id, platform, chat_id, workspace, by, to_iso(utcnow())),
            )
        ref = await self.chat(platform, chat_id)
        assert ref is not None
        return ref

    async def chat_workspace(self, platform: str, chat_id: str) -> str | None:
        """The workspace a chat was bound from (Slack), if recorded."""
        row = await self.db.fetchone(
            "SELECT workspace_id FROM chats WHERE platform = ? AND chat_id = ?", (platform, chat_id)
        )
        return str(row["workspace_id"]) if row and row["workspace_id"] else None

    # --- invites ---

    async def create_invite(self, team_id: int, *, ttl: timedelta) -> str:
        """A single-use join code for a team."""
        now = utcnow()
        for _ in range(10):
            code = new_join_code()
            exists = await self.db.fetchone("SELECT 1 FROM invites WHERE code = ?", (code,))
            if exists:
                continue
            async with self.db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO invites (code, team_id, created_at, expires_at) VALUES (?,?,?,?)",
                    (code, team_id, to_iso(now), to_iso(now + ttl)),
                )
            return code
        raise RuntimeError("no free join code")  # pragma: no cover - 30 bits of space

    async def recent_failures(self, platform: str, chat_id: str, since: datetime) -> int:
        """How many wrong codes a chat typed since a time."""
        row = await self.db.fetchone(
            "SELECT count(*) AS n FROM join_failures "
            "WHERE platform = ? AND chat_id = ? AND at >= ?",
            (platform, chat_id, to_iso(since)),
        )
        return int(row["n"]) if row else 0

    async def redeem(
        self,
        code: str,
        platform: str,
        chat_id: str,
        *,
        by: str,
        workspace: str | None,
        confirm_move: bool = False,
        max_failures: int = 5,
        window: timedelta = timedelta(minutes=15),
    ) -> Redeemed:
        """Use a code to bind a chat, in one write transaction.

        The chat's recent wrong codes are counted inside that transaction, so however many
        attempts arrive at once, at most `max_failures` per `window` are ever evaluated. A chat
        bound to another team moves only with `confirm_move`; a Slack channel bound from one
        workspace never moves at another workspace's request. The code is spent only on a bind.
        """
        now = utcnow()
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT count(*) FROM join_failures WHERE platform = ? AND chat_id = ? AND at >= ?",
                (platform, chat_id, to_iso(now - window)),
            ) as cur:
                failures = await cur.fetchone()
            if failures is not None and int(failures[0]) >= max_failures:
                return Redeemed(JoinOutcome.LOCKED)
            team_id = await _invite_team(conn, code, now)
            if team_id is None:
                await conn.execute(
                    "INSERT INTO join_failures (platform, chat_id, at) VALUES (?, ?, ?)",
                    (platform, chat_id, to_iso(now)),
                )
                return Redeemed(JoinOutcome.INVALID)
            async with conn.execute(
                "SELECT team_id, workspace_id FROM chats WHERE platform = ? AND chat_id = ?",
                (platform, chat_id),
            ) as cur:
                bound = await cur.fetchone()
            refusal = _move_refusal(bound, team_id, workspace, confirm_move)
            if refusal is not None:
                return refusal
            await conn.execute(
                "INSERT INTO chats (team_id, platform, chat_id, workspace_id, bound_by, bound_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, chat_id) DO UPDATE SET "
                "team_id = excluded.team_id, workspace_id = excluded.workspace_id, "
                "bound_by = excluded.bound_by, bound_at = excluded.bound_at",
                (team_id, platform, chat_id, workspace, by, to_iso(now)),
            )
            async with conn.execute(
                "SELECT id FROM chats WHERE platform = ? AND chat_id = ?", (platform, chat_id)
            ) as cur:
                chat_row = await cur.fetchone()
            await conn.execute(
                "UPDATE invites SET used_at = ?, used_by_chat = ? WHERE code = ?",
                (to_iso(now), chat_row["id"] if chat_row else None, code),
            )
            previous = int(bound["team_id"]) if bound is not None else None
            return Redeemed(JoinOutcome.BOUND, team_id, previous)

    async def digest_sent_at(self, team_id: int) -> datetime | None:
        """When the team last got its weekly digest."""
        row = await self.db.fetchone("SELECT digest_sent_at FROM teams WHERE id = ?", (team_id,))
        return from_iso(row["digest_sent_at"]) if row else None

    async def set_digest_sent(self, team_id: int, at: datetime) -> None:
        """Record that the weekly digest went out."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE teams SET digest_sent_at = ? WHERE id = ?", (to_iso(at), team_id)
            )

    # --- settings ---

    async def settings(self, team_id: int) -> TeamSettings:
        """A team's settings (identity, insurer, quiet hours, digest)."""
        row = await self.db.fetchone("SELECT * FROM teams WHERE id = ?", (team_id,))
        if row is None:
            raise KeyError(team_id)
        return TeamSettings(
            team_id=team_id,
            team_name=row["name"],
            practitioner=Practitioner(
                name=row["practitioner_name"],
                profession=row["profession"],
                rpps=row["rpps"],
                address=row["address"],
                email=row["email"],
            ),
            insurer=Insurer(
                name=row["insurer_name"],
                email=row["insurer_email"],
                policy=row["insurer_policy"],
                coverage=Coverage(row["insurer_coverage"]),
                address=row["insurer_address"],
            ),
            quiet_start=row["quiet_start"],
            quiet_end=row["quiet_end"],
            digest_day=int(row["digest_day"]),
            digest_time=row["digest_time"],
            language=row["language"],
        )

    async def save_settings(self, settings: TeamSettings) -> None:
        """Write back a team's settings."""
        p, i = settings.practitioner, settings.insurer
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE teams SET practitioner_name=?, profession=?, rpps=?, address=?, email=?, "
                "insurer_name=?, insurer_email=?, insurer_policy=?, insurer_coverage=?, "
                "insurer_address=?, "
                "quiet_start=?, quiet_end=?, digest_day=?, digest_time=?, language=? WHERE id=?",
                (
                    p.name,
                    p.profession,
                    p.rpps,
                    p.address,
                    p.email,
                    i.name,
                    i.email,
                    i.policy,
                    i.coverage.value,
                    i.address,
                    settings.quiet_start,
                    settings.quiet_end,
                    settings.digest_day,
                    settings.digest_time,
                    settings.language,
                    settings.team_id,
                ),
            )


def _chat(row: sqlite3.Row) -> ChatRef:
    return ChatRef(
        id=int(row["id"]),
        team_id=int(row["team_id"]),
        platform=str(row["platform"]),
        chat_id=str(row["chat_id"]),
    )


async def _invite_team(conn: aiosqlite.Connection, code: str, now: datetime) -> int | None:
    """The team an unused, unexpired invite code joins; None for any other code."""
    async with conn.execute(
        "SELECT team_id, expires_at, used_at FROM invites WHERE code = ?", (code,)
    ) as cur:
        row = await cur.fetchone()
    expires = from_iso(row["expires_at"]) if row else None
    if row is None or row["used_at"] is not None or expires is None or expires < now:
        return None
    return int(row["team_id"])


def _move_refusal(
    bound: aiosqlite.Row | None, team_id: int, workspace: str | None, confirm_move: bool
) -> Redeemed | None:
    """Why a chat already bound must not move to `team_id` now; None if it may."""
    if bound is None:
        return None
    current = int(bound["team_id"])
    bound_from = bound["workspace_id"]
    if bound_from and workspace != bound_from:
        return Redeemed(JoinOutcome.OTHER_WORKSPACE, team_id, current)
    if current == team_id:
        return Redeemed(JoinOutcome.ALREADY, team_id, current)
    if not confirm_move:
        return Redeemed(JoinOutcome.NEEDS_CONFIRMATION, team_id, current)
    return None
