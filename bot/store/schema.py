"""The database schema as ordered migrations; `PRAGMA user_version` records the last one applied."""

from __future__ import annotations

# A Vigie database says so in its header, so a foreign SQLite file is never written to.
APPLICATION_ID = 0x56494749  # "VIGI"

MIGRATIONS: tuple[str, ...] = (
    # 1: the core
    """
    CREATE TABLE teams (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT 'fr',
        practitioner_name TEXT, profession TEXT, rpps TEXT, address TEXT, email TEXT,
        insurer_name TEXT, insurer_email TEXT, insurer_policy TEXT,
        insurer_coverage TEXT NOT NULL DEFAULT 'inconnue',
        quiet_start TEXT, quiet_end TEXT,
        digest_day INTEGER NOT NULL DEFAULT 0,
        digest_time TEXT NOT NULL DEFAULT '08:00',
        is_default INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE chats (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        workspace_id TEXT,
        bound_by TEXT,
        bound_at TEXT NOT NULL,
        UNIQUE (platform, chat_id)
    );
    CREATE TABLE invites (
        code TEXT PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT,
        used_by_chat INTEGER REFERENCES chats(id) ON DELETE SET NULL
    );
    CREATE TABLE join_failures (
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX join_failures_chat ON join_failures (platform, chat_id, at);
    CREATE TABLE watches (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        norm_name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('practitioner', 'practice')),
        title TEXT, specialty TEXT, city TEXT,
        aliases TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        removed_at TEXT
    );
    CREATE UNIQUE INDEX watches_active_name ON watches (team_id, norm_name)
        WHERE removed_at IS NULL;
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        selector TEXT,
        watch_id INTEGER REFERENCES watches(id),
        interval_s INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        removed_at TEXT,
        baseline_done INTEGER NOT NULL DEFAULT 0,
        next_poll_at TEXT,
        last_poll_at TEXT,
        last_success_at TEXT,
        last_error TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        failing_notified INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        source_id INTEGER NOT NULL REFERENCES sources(id),
        external_id TEXT NOT NULL,
        url TEXT, title TEXT,
        text TEXT NOT NULL,
        author TEXT,
        rating INTEGER,
        published_at TEXT,
        detected_at TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        severity TEXT NOT NULL,
        flags TEXT NOT NULL DEFAULT '[]',
        cues TEXT NOT NULL DEFAULT '[]',
        raw TEXT,
        handled_at TEXT,
        disappeared_at TEXT,
        UNIQUE (source_id, external_id)
    );
    CREATE INDEX mentions_team ON mentions (team_id, detected_at);
    CREATE TABLE mention_watches (
        mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
        watch_id INTEGER NOT NULL REFERENCES watches(id),
        PRIMARY KEY (mention_id, watch_id)
    );
    CREATE INDEX mention_watches_watch ON mention_watches (watch_id);
    CREATE TABLE mention_events (
        id INTEGER PRIMARY KEY,
        mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX mention_events_mention ON mention_events (mention_id, at);
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        chat_ref INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        mention_id INTEGER REFERENCES mentions(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        urgency TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        last_error TEXT,
        platform_ref TEXT
    );
    CREATE INDEX alerts_due ON alerts (status, next_attempt_at);
    CREATE TABLE captures (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        mention_id INTEGER REFERENCES mentions(id) ON DELETE SET NULL,
        url TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        bundle_path TEXT,
        screenshot_sha256 TEXT,
        bundle_sha256 TEXT,
        status TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX captures_mention ON captures (mention_id);
    """,
    # 2: when each team last got its weekly digest
    """
    ALTER TABLE teams ADD COLUMN digest_sent_at TEXT;
    """,
    # 3: cases grouping several mentions (a text copied across sites, a wave of reviews),
    # and each team's wave threshold
    """
    CREATE TABLE mention_cases (
        mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('copy', 'wave')),
        case_id INTEGER NOT NULL,
        similarity REAL,
        PRIMARY KEY (mention_id, kind)
    );
    CREATE INDEX mention_cases_case ON mention_cases (case_id, kind);
    CREATE TABLE team_waves (
        team_id INTEGER PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
        min_reviews INTEGER NOT NULL,
        window_hours INTEGER NOT NULL
    );
    """,
    # 4: tombstones of purged mentions: the source and a SHA-256 of the item's key (never its
    # text), so a review still online after `vigie purge` is never stored or alerted again
    """
    CREATE TABLE purged_keys (
        source_id INTEGER NOT NULL,
        key_sha256 TEXT NOT NULL,
        purged_at TEXT NOT NULL,
        PRIMARY KEY (source_id, key_sha256)
    ) WITHOUT ROWID;
    """,
    # 5: the insurer's postal address, for the registered letter
    """
    ALTER TABLE teams ADD COLUMN insurer_address TEXT;
    """,
)
