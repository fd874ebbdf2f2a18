"""Opening the workstation's SQLite file safely.

:func:`open_database` is the one way in. Before it writes anything it checks
that the file is readable, really a SQLite database, not damaged, and not
from a newer version of the app; any of those problems raises a
:class:`StorageError` subclass and leaves the file exactly as it was. When a
migration is pending it first copies the database to a timestamped backup
beside it (through SQLite's online backup, so the copy is consistent even
with a WAL), then upgrades.

Every connection gets ``foreign_keys=ON``, WAL, ``synchronous=FULL`` and a
busy timeout: a confirmed sale must survive a power cut (see SYNC.md).

SQLite folds the WAL back into the database file (a checkpoint) inside
whichever commit crosses 1,000 pages: on a till, every few sales one of them
waits for it. The till calls :meth:`Database.fold_wal_when_idle` and then
:meth:`Database.checkpoint` itself when nobody is waiting (``ui/sell``'s idle
timer); tools and tests keep SQLite's own checkpoints.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from shop_desktop.data import search_index

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
MIGRATIONS_LOCATION = "shop_desktop.data:migrations"


# --- errors the user is told about in plain words ---------------------------


class StorageError(Exception):
    """A known, environmental problem with the database file.

    The UI turns each subclass into a translated sentence; ``path`` is the
    file concerned and ``detail`` the underlying reason for the log.
    """

    def __init__(self, path: Path, detail: str = "") -> None:
        super().__init__(f"{type(self).__name__}: {path}: {detail}")
        self.path = path
        self.detail = detail


class DatabaseUnreadable(StorageError):
    """The file exists but this user may not read it."""


class DatabaseCorrupt(StorageError):
    """The file is not a SQLite database, or SQLite finds it damaged."""


class DatabaseNotOurs(StorageError):
    """A valid SQLite file, but not a Shop Desktop database."""


class DatabaseTooNew(StorageError):
    """The schema was written by a newer version of the app."""


class DatabaseReadOnly(StorageError):
    """The file or its folder cannot be written (WAL needs both)."""


class DiskFull(StorageError):
    """There is no room left for the database, its journal or a backup."""


class DatabaseLocked(StorageError):
    """Another program holds the database and did not let go in time."""


def classify_sqlite_error(path: Path, exc: BaseException) -> StorageError | None:
    """Map a sqlite3/OS error to a :class:`StorageError`, or None if it is a bug."""
    text = str(exc).lower()
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return DiskFull(path, str(exc))
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return DatabaseReadOnly(path, str(exc))
    if "disk is full" in text or ("disk i/o error" in text and "full" in text):
        return DiskFull(path, str(exc))
    if "readonly" in text or "read-only" in text or "attempt to write" in text:
        return DatabaseReadOnly(path, str(exc))
    if "locked" in text or "busy" in text:
        return DatabaseLocked(path, str(exc))
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseCorrupt(path, str(exc))
    if "unable to open" in text:
        return DatabaseUnreadable(path, str(exc))
    return None


# --- engines ----------------------------------------------------------------


def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions start
    # (the module's implicit BEGIN breaks SAVEPOINT and isolation of reads).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def _no_autocheckpoint(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA wal_autocheckpoint = 0")
    finally:
        cursor.close()


def _on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def create_sqlite_engine(path: Path) -> Engine:
    """An engine for the workstation database with the durability settings."""
    engine = create_engine(f"sqlite+pysqlite:///{path}", future=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def alembic_config() -> Config:
    # Alembic is imported when a migration runs, not with this module: the
    # till's start-up must not wait a third of a second for it.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS_LOCATION)
    return config


_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


@cache
def _revisions() -> tuple[frozenset[str], str]:
    """Every revision this version knows, and the head, from the migration files' text.

    Alembic learns the same by importing every migration module, which
    opening a database need not wait for; a test checks both agree.
    """
    known: set[str] = set()
    parents: set[str] = set()
    for script in (Path(__file__).parent / "migrations" / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(script.read_text(encoding="utf-8")):
            (known if name == "revision" else parents).update(_QUOTED.findall(value))
    heads = known - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return frozenset(known), heads.pop()


def head_revision() -> str:
    return _revisions()[1]


def known_revisions() -> set[str]:
    return set(_revisions()[0])


# --- opening ----------------------------------------------------------------


@dataclass(frozen=True)
class WalCheckpoint:
    """What one checkpoint did, in WAL frames (pages); -1 when the file is not in WAL mode."""

    #: True when a reader or writer kept it from copying everything (PASSIVE never waits).
    busy: bool
    wal_frames: int
    checkpointed: int


@dataclass(frozen=True)
class Database:
    """An opened, migrated workstation database."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    #: The copy made before migrating, when one was needed.
    backup_path: Path | None = None

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session for one user action: committed on success, rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    def fold_wal_when_idle(self) -> None:
        """From now on no commit checkpoints: the caller runs :meth:`checkpoint` instead.

        The caller then owns the bound on the WAL's size: it must checkpoint
        when idle and after a number of commits (the till does both).
        """
        if event.contains(self.engine, "connect", _no_autocheckpoint):
            return
        event.listen(self.engine, "connect", _no_autocheckpoint)
        # Pooled connections were set up without it; new ones get it. Connections
        # in use now finish their work and are closed when given back.
        self.engine.dispose()

    def checkpoint(self) -> WalCheckpoint:
        """Copy what the WAL holds into the database file, waiting for nobody (PASSIVE).

        Sales and reads carry on meanwhile; frames a reader still needs are
        left for the next checkpoint (``busy``).
        """
        with self.engine.connect() as conn:
            # On the driver's connection, outside any transaction: SQLite will
            # not checkpoint from inside one.
            raw = conn.connection.dbapi_connection
            assert raw is not None
            cursor = raw.cursor()
            try:
                busy, frames, done = cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            finally:
                cursor.close()
        return WalCheckpoint(busy=bool(busy), wal_frames=int(frames), checkpointed=int(done))


def _read_revision(path: Path) -> tuple[str | None, bool]:
    """Return (alembic revision, has other tables) reading the file read-only."""
    uri = f"file:{path}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise classify_sqlite_error(path, exc) or DatabaseUnreadable(path, str(exc)) from exc
    try:
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return revision, bool(tables - {"alembic_version"})
    except sqlite3.Error as exc:
        raise classify_sqlite_error(path, exc) or DatabaseCorrupt(path, str(exc)) from exc
    finally:
        conn.close()


def _quick_check(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error as exc:
        raise classify_sqlite_error(path, exc) or DatabaseCorrupt(path, str(exc)) from exc
    finally:
        conn.close()
    if not result or result[0] != "ok":
        raise DatabaseCorrupt(path, f"quick_check: {result[0] if result else 'no answer'}")


def backup_database(path: Path, revision: str | None, now: datetime | None = None) -> Path:
    """Copy ``path`` to a timestamped file beside it, consistently, and return it."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{stamp}-{revision or 'empty'}{path.suffix}")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    except (sqlite3.Error, OSError) as exc:
        dest.close()
        target.unlink(missing_ok=True)
        raise classify_sqlite_error(target, exc) or DatabaseCorrupt(path, str(exc)) from exc
    finally:
        source.close()
    dest.close()
    return target


def check_database_file(path: Path) -> str | None:
    """Check ``path`` without writing to it; return its schema revision.

    Returns None for a missing or empty file (a new database). Raises a
    :class:`StorageError` for every reason the app must not touch it.
    """
    folder = path.parent
    if not path.exists():
        if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
            raise DatabaseReadOnly(path, f"folder {folder} is not writable")
        return None
    if not path.is_file():
        raise DatabaseUnreadable(path, "not a regular file")
    if not os.access(path, os.R_OK):
        raise DatabaseUnreadable(path, "permission denied")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseUnreadable(path, str(exc)) from exc
    if not header:
        if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK | os.X_OK):
            raise DatabaseReadOnly(path, "file or folder is not writable")
        return None
    if header != SQLITE_HEADER:
        raise DatabaseCorrupt(path, "not a SQLite database (bad header)")
    # SQLite writes -wal and -shm files beside the database, so the folder
    # must be writable as well as the file.
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseReadOnly(path, "file or folder is not writable")
    revision, has_tables = _read_revision(path)
    if revision is None and has_tables:
        raise DatabaseNotOurs(path, "tables present but no schema version")
    if revision is not None and revision not in known_revisions():
        raise DatabaseTooNew(path, f"schema revision {revision} is unknown to this version")
    return revision


def open_database(
    path: Path,
    *,
    on_backup: Callable[[Path], None] | None = None,
) -> Database:
    """Open (creating or migrating as needed) the workstation database at ``path``."""
    path = path.expanduser().resolve()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise classify_sqlite_error(path, exc) or DatabaseReadOnly(path, str(exc)) from exc

    revision = check_database_file(path)
    head = head_revision()
    backup_path: Path | None = None
    if revision is not None and revision != head:
        _quick_check(path)
        backup_path = backup_database(path, revision)
        log.info("backed up %s to %s before migrating from %s", path, backup_path, revision)
        if on_backup is not None:
            on_backup(backup_path)

    engine = create_sqlite_engine(path)
    try:
        if revision != head:
            upgrade(engine, head)
    except Exception as exc:
        engine.dispose()
        known = classify_sqlite_error(path, exc.__cause__ or exc) or classify_sqlite_error(
            path, exc
        )
        if known is not None:
            raise known from exc
        raise
    sessions = sessionmaker(engine, expire_on_commit=False)
    search_index.install(sessions)
    return Database(path=path, engine=engine, sessions=sessions, backup_path=backup_path)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` on ``engine``'s database."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
