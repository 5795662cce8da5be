"""The SQLite connection: opening safely, migrating, and serialised write transactions."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.store.schema import APPLICATION_ID, MIGRATIONS


class StoreError(Exception):
    """The database cannot be used; the message says why and what to do."""


class Database:
    """One aiosqlite connection in WAL mode; writes go through `transaction()` one at a time."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating if needed) and migrate the database at `path`."""
        if str(path) != ":memory:":
            parent = path.parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"Impossible de créer le dossier de la base {parent} ({exc.strerror}). "
                    "Choisissez un dossier accessible en écriture avec VIGIE_DATABASE."
                ) from exc
        try:
            conn = await aiosqlite.connect(str(path), isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(
                f"Impossible d'ouvrir la base {path} ({exc}). Vérifiez VIGIE_DATABASE."
            ) from exc
        conn.row_factory = sqlite3.Row
        db = cls(conn, path)
        try:
            await db._prepare()
        except BaseException:
            await conn.close()
            raise
        return db

    async def _prepare(self) -> None:
        conn = self.conn
        try:
            app_id = await self._scalar("PRAGMA application_id")
            version = await self._scalar("PRAGMA user_version")
            tables = await self._scalar("SELECT count(*) FROM sqlite_master")
        except sqlite3.DatabaseError as exc:
            read_only = self._read_only_place()
            if read_only is not None:
                raise StoreError(self._read_only_message(read_only)) from exc
            raise StoreError(
                f"Le fichier {self.path} n'est pas une base SQLite lisible ({exc}). "
                "Il n'a pas été modifié. Indiquez un autre fichier avec VIGIE_DATABASE, "
                "ou restaurez une sauvegarde."
            ) from exc
        if tables and app_id != APPLICATION_ID:
            raise StoreError(
                f"Le fichier {self.path} est une base SQLite qui n'appartient pas à Vigie. "
                "Il n'a pas été modifié. Indiquez un autre fichier avec VIGIE_DATABASE."
            )
        if version > len(MIGRATIONS):
            raise StoreError(
                f"La base {self.path} a été créée par une version plus récente de Vigie "
                f"(schéma {version}, cette version connaît {len(MIGRATIONS)}). Mettez Vigie à jour."
            )
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA busy_timeout=5000")
            await conn.execute("PRAGMA synchronous=NORMAL")
            check = await self._scalar_text("PRAGMA quick_check")
            if check != "ok":
                raise StoreError(
                    f"La base {self.path} est endommagée ({check}). Elle n'a pas été modifiée : "
                    "restaurez une sauvegarde ou indiquez un autre fichier avec VIGIE_DATABASE."
                )
            for number in range(version + 1, len(MIGRATIONS) + 1):
                await conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _split_sql(MIGRATIONS[number - 1]):
                        await conn.execute(statement)
                    await conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                    await conn.execute(f"PRAGMA user_version={number}")
                    await conn.execute("COMMIT")
                except BaseException:
                    await conn.execute("ROLLBACK")
                    raise
        except sqlite3.OperationalError as exc:
            read_only = self._read_only_place()
            if read_only is not None:
                raise StoreError(self._read_only_message(read_only)) from exc
            raise StoreError(
                f"Impossible d'écrire dans la base {self.path} ({exc}). Vérifiez les droits du "
                "fichier et de son dossier, ou choisissez un autre chemin avec VIGIE_DATABASE."
            ) from exc

    def _read_only_place(self) -> Path | None:
        """The database file or its directory when the process may not write there, else None.

        SQLite in WAL mode writes beside the file (`-wal`, `-shm`) even to read it, so a
        read-only directory makes a sound database unreadable.
        """
        if str(self.path) == ":memory:":
            return None
        if self.path.exists() and not os.access(self.path, os.W_OK):
            return self.path
        folder = self.path.parent
        if not os.access(folder, os.W_OK):
            return folder
        return None

    def _read_only_message(self, place: Path) -> str:
        """The cause named, and the two ways out."""
        sound = _has_sqlite_header(self.path)
        state = "est intacte, mais " if sound else ""
        where = (
            f"le fichier {place} est en lecture seule"
            if place == self.path
            else f"son dossier {place} est en lecture seule : SQLite doit pouvoir y écrire ses "
            f"fichiers de journal ({self.path.name}-wal, {self.path.name}-shm)"
        )
        return (
            f"La base {self.path} {state}{where}. Elle n'a pas été modifiée. Donnez le droit "
            "d'écriture à l'utilisateur qui lance Vigie (sur le fichier et son dossier), ou "
            "déplacez la base dans un dossier accessible en écriture et indiquez son chemin "
            "avec VIGIE_DATABASE."
        )

    async def _scalar(self, sql: str) -> int:
        async with self.conn.execute(sql) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def _scalar_text(self, sql: str) -> str:
        async with self.conn.execute(sql) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else ""

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: all of it is committed, or none of it."""
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def fetchall(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        """Run a read query and return every row."""
        async with self.conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Row | None:
        """Run a read query and return its first row."""
        async with self.conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def close(self) -> None:
        """Close the connection."""
        await self.conn.close()


def _has_sqlite_header(path: Path) -> bool:
    """True when the file starts like every SQLite 3 database."""
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (the schema has no semicolons inside literals)."""
    return [part.strip() for part in script.split(";") if part.strip()]
