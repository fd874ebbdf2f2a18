"""The product search index: an FTS5 table kept in step with the catalog.

``product_search_keys`` holds, per product, its token text (see
:mod:`search_text`) and a ``search_key`` that is the FTS5 rowid. Keys are
handed out in order of popularity when the index is rebuilt, so reading
matches in rowid order *is* reading them best-seller first: the first page
of a search touches only the first matches, however many there are.
Products added later get the next key (least popular) until the next
rebuild.

The ORM keeps the key rows and the FTS5 table current from its flush
events (see :func:`install`), in the same transaction as the catalog change.

``product_search_words`` is the index's vocabulary, so a typed prefix can be
searched as the few whole words it stands for (see
:func:`search_text.build_query`): FTS5 reads those lazily, best seller first,
where its own prefix search reads every matching entry before the first row.
Words are added as products are indexed and never taken out: a word no
product has any more costs one look-up that finds nothing.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, event, text
from sqlalchemy.orm import Session, sessionmaker

from shop_desktop.data.models import Brand, Product
from shop_desktop.data.search_text import SearchDocument, product_document

FTS_TABLE = "product_search"
KEYS_TABLE = "product_search_keys"
WORDS_TABLE = "product_search_words"
#: ``local_state`` key of what the last build recorded (see :func:`index_state`).
STATE_KEY = "search_index"

#: Bump when :mod:`search_text` changes the tokens it makes: the index is then
#: rebuilt, since deleting an entry needs exactly the tokens it was built with.
TOKENIZER_VERSION = 3

CREATE_FTS = f"""
CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
    tokens,
    content='',
    detail='none',
    prefix='2',
    tokenize="unicode61 remove_diacritics 0 tokenchars '_'"
)
"""

#: Made with the index (not by a migration): it is part of what a rebuild makes.
CREATE_WORDS = f"CREATE TABLE IF NOT EXISTS {WORDS_TABLE} (word TEXT PRIMARY KEY) WITHOUT ROWID"

#: Tables SQLite makes for the FTS5 index; Alembic must not mistake them for ours.
FTS_SHADOW_TABLES = frozenset(
    {FTS_TABLE} | {f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "config", "docsize")}
)


def include_in_schema_comparison(name: str | None, type_: str, *_: object) -> bool:
    """Alembic ``include_name`` hook: the FTS5 tables and the vocabulary are managed by hand."""
    return not (type_ == "table" and (name in FTS_SHADOW_TABLES or name == WORDS_TABLE))


_HAS_WORDS = text(f"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{WORDS_TABLE}'")
# UTF-8 sorts by code point, so every word starting with :lo sorts below :lo + U+10FFFF.
_WORDS_FROM = text(
    f"SELECT word FROM {WORDS_TABLE} WHERE word >= :lo AND word < :hi ORDER BY word LIMIT :n"
)


def words_starting_with(conn: Connection, prefix: str, limit: int) -> list[str] | None:
    """Up to ``limit`` + 1 indexed words starting with ``prefix``; None without a vocabulary."""
    if conn.execute(_HAS_WORDS).first() is None:
        return None
    rows = conn.execute(_WORDS_FROM, {"lo": prefix, "hi": prefix + "\U0010ffff", "n": limit + 1})
    return [str(r[0]) for r in rows]


# --- building documents -----------------------------------------------------

_SELECT_DOCUMENTS = """
    SELECT p.id, p.name_zh, p.name_en, p.specs, coalesce(b.name_zh, ''), coalesce(b.name_en, '')
    FROM products p LEFT JOIN brands b ON b.id = p.brand_id
"""

_DOCUMENTS_BY_ID = text(_SELECT_DOCUMENTS + " WHERE p.id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_KEYS_BY_ID = text(
    f"SELECT product_id, search_key FROM {KEYS_TABLE} WHERE product_id IN :ids"
).bindparams(bindparam("ids", expanding=True))


def _spec_values(specs: object) -> tuple[str, ...]:
    if isinstance(specs, str):
        specs = json.loads(specs)
    if isinstance(specs, dict):
        return tuple(str(v) for v in specs.values())
    return ()


def document_from_row(row: Sequence[object]) -> SearchDocument:
    """The document for a row of (id, name_zh, name_en, specs, brand_zh, brand_en)."""
    _id, name_zh, name_en, specs, brand_zh, brand_en = row
    return product_document(
        name_zh=str(name_zh),
        name_en=str(name_en),
        brand_zh=str(brand_zh),
        brand_en=str(brand_en),
        specs=_spec_values(specs),
    )


def _chunks(hex_ids: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(hex_ids), size):
        yield hex_ids[start : start + size]


def _documents(conn: Connection, hex_ids: Sequence[str]) -> dict[str, SearchDocument]:
    found: dict[str, SearchDocument] = {}
    for chunk in _chunks(hex_ids):
        for row in conn.execute(_DOCUMENTS_BY_ID, {"ids": list(chunk)}):
            found[str(row[0])] = document_from_row(tuple(row))
    return found


def _keys(conn: Connection, hex_ids: Sequence[str]) -> dict[str, int]:
    keys: dict[str, int] = {}
    for chunk in _chunks(hex_ids):
        keys.update((str(r[0]), int(r[1])) for r in conn.execute(_KEYS_BY_ID, {"ids": list(chunk)}))
    return keys


# --- keeping it in step -----------------------------------------------------
#
# The index is contentless: FTS5 forgets the text, and removing an entry
# means handing it the very tokens it was indexed with. So a change is two
# steps around the write: unindex from the rows as they are in the database
# before it, index from the rows after it. Code that writes products with
# plain SQL (bulk import, sync) calls both; the ORM does it by itself.


def unindex_products(conn: Connection, product_ids: Iterable[uuid.UUID]) -> None:
    """Take these products out of the index, as the database has them now."""
    hex_ids = sorted({pid.hex for pid in product_ids})
    keys = _keys(conn, hex_ids)
    if not keys:
        return
    documents = _documents(conn, sorted(keys))
    for hex_id, key in keys.items():
        doc = documents.get(hex_id)
        if doc is not None:
            conn.execute(
                text(
                    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, tokens) VALUES ('delete', :k, :t)"
                ),
                {"k": key, "t": doc.tokens},
            )


def index_products(conn: Connection, product_ids: Iterable[uuid.UUID]) -> None:
    """Put these products into the index, as the database has them now.

    A product keeps its search key (its place in the popularity order); a
    new one gets the next, least popular key until the next rebuild.
    """
    hex_ids = sorted({pid.hex for pid in product_ids})
    if not hex_ids:
        return
    documents = _documents(conn, hex_ids)
    keys = _keys(conn, hex_ids)
    gone = [h for h in keys if h not in documents]
    if gone:
        conn.execute(
            text(f"DELETE FROM {KEYS_TABLE} WHERE product_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": gone},
        )
    reserved = _keys_reserved_by_build(conn)
    if reserved is None:
        conn.execute(text(CREATE_WORDS))
        words = {word for doc in documents.values() for word in doc.tokens.split()}
        if words:
            conn.execute(
                text(f"INSERT OR IGNORE INTO {WORDS_TABLE} (word) VALUES (:w)"),
                [{"w": w} for w in sorted(words)],
            )
    # else a build in steps is under way: it reads the vocabulary back when
    # it ends, and until then search takes the slower path without one.
    last = conn.execute(text(f"SELECT coalesce(max(search_key), 0) FROM {KEYS_TABLE}")).scalar()
    next_key = max(int(last or 0), reserved or 0)
    for hex_id, doc in documents.items():
        key = keys.get(hex_id)
        if key is None:
            next_key += 1
            key = next_key
            conn.execute(
                text(f"INSERT INTO {KEYS_TABLE} (search_key, product_id) VALUES (:k, :p)"),
                {"k": key, "p": hex_id},
            )
        conn.execute(
            text(f"INSERT INTO {FTS_TABLE}(rowid, tokens) VALUES (:k, :t)"),
            {"k": key, "t": doc.tokens},
        )


_INDEX_STATE = text("SELECT value FROM local_state WHERE key = 'search_index'")


def _keys_reserved_by_build(conn: Connection) -> int | None:
    """The keys a build in steps hands out itself (1..N), or None when none is under way."""
    raw = conn.execute(_INDEX_STATE).scalar()
    if raw is None:
        return None
    state = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(state, dict) or not state.get("building"):
        return None
    return int(state.get("reserved", 0))


def _products_touched(session: Session, *, after_flush: bool) -> set[uuid.UUID]:
    touched: set[uuid.UUID] = set()
    brands: set[uuid.UUID] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Product):
            if obj.id is not None and (after_flush or obj not in session.new):
                touched.add(obj.id)
        elif isinstance(obj, Brand) and obj.id is not None and obj not in session.new:
            brands.add(obj.id)
    if brands:
        rows = session.connection().execute(
            text("SELECT id FROM products WHERE brand_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": [b.hex for b in brands]},
        )
        touched.update(uuid.UUID(hex=str(row[0])) for row in rows)
    return touched


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    touched = _products_touched(session, after_flush=False)
    if touched:
        unindex_products(session.connection(), touched)
    session.info["search_unindexed"] = touched


def _after_flush(session: Session, _context: object) -> None:
    # The session still lists what the flush wrote, new rows have their ids,
    # and this is the flush's transaction: the index commits or rolls back
    # together with the catalog change.
    touched = _products_touched(session, after_flush=True)
    touched |= session.info.pop("search_unindexed", set())
    if touched:
        index_products(session.connection(), touched)


def install(sessions: sessionmaker[Session]) -> None:
    """Keep the search index current for every session this factory makes."""
    event.listen(sessions, "before_flush", _before_flush)
    event.listen(sessions, "after_flush", _after_flush)


# --- rebuilding in popularity order ------------------------------------------


class Progress(Protocol):
    """What long data-layer work reports to (``services.tasks.TaskState`` fits)."""

    def set_progress(self, fraction: float, status: str = "") -> None: ...

    def check_cancelled(self) -> None: ...


def _tokens_for_rows(rows: list[tuple[object, ...]]) -> list[str]:
    return [document_from_row(row).tokens for row in rows]


#: Below this many products the rebuild stays in one process.
PARALLEL_FROM = 50_000


def rebuild(
    conn: sqlite3.Connection,
    progress: Progress | None = None,
    batch: int = 10_000,
    parallel_from: int = PARALLEL_FROM,
) -> int:
    """Rebuild the whole index, best sellers first, on a plain sqlite3 connection.

    Runs inside the caller's transaction. Tokens are made in a second
    process for big catalogs (the machine has two cores) while this one
    feeds FTS5; the index is merged into one segment at the end.
    """
    total = int(conn.execute("SELECT count(*) FROM products").fetchone()[0])
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    conn.execute(f"DELETE FROM {KEYS_TABLE}")
    rows = conn.execute(_SELECT_DOCUMENTS + " ORDER BY p.popularity DESC, p.rowid")

    def batches() -> Iterator[list[tuple[object, ...]]]:
        while chunk := rows.fetchmany(batch):
            yield [tuple(r) for r in chunk]

    done = 0

    def store(chunk: list[tuple[object, ...]], tokens: list[str]) -> None:
        nonlocal done
        keys = range(done + 1, done + 1 + len(chunk))
        conn.executemany(
            f"INSERT INTO {KEYS_TABLE} (search_key, product_id) VALUES (?, ?)",
            zip(keys, (row[0] for row in chunk), strict=True),
        )
        conn.executemany(
            f"INSERT INTO {FTS_TABLE}(rowid, tokens) VALUES (?, ?)",
            zip(keys, tokens, strict=True),
        )
        done += len(chunk)
        if progress is not None:
            progress.set_progress(0.9 * done / max(total, 1), f"search index {done}/{total}")
            progress.check_cancelled()

    if total < parallel_from:
        for chunk in batches():
            store(chunk, _tokens_for_rows(chunk))
    else:
        import multiprocessing
        from collections import deque

        # spawn, not fork: the caller may be a Qt application with threads.
        # Rows are read here (a sqlite3 connection stays in its thread) and
        # tokenised there, two chunks ahead of the inserts.
        with multiprocessing.get_context("spawn").Pool(processes=1) as pool:
            window: deque[tuple[list[tuple[object, ...]], Any]] = deque()
            for chunk in batches():
                window.append((chunk, pool.apply_async(_tokens_for_rows, (chunk,))))
                if len(window) > 2:
                    ready, result = window.popleft()
                    store(ready, result.get())
            while window:
                ready, result = window.popleft()
                store(ready, result.get())
    if progress is not None:
        progress.set_progress(0.9, "compacting the search index")
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
    _rebuild_words(conn)
    conn.execute(
        "INSERT OR REPLACE INTO local_state (key, value) VALUES ('search_index', ?)",
        (json.dumps({"tokenizer": TOKENIZER_VERSION, "products": done}),),
    )
    if progress is not None:
        progress.set_progress(1.0, "search index ready")
    return done


def _rebuild_words(conn: sqlite3.Connection) -> None:
    """The vocabulary, read back from the finished index in one pass."""
    conn.execute(CREATE_WORDS)
    conn.execute(f"DELETE FROM {WORDS_TABLE}")
    conn.execute(
        f"CREATE VIRTUAL TABLE temp.search_vocabulary USING fts5vocab(main, {FTS_TABLE}, row)"
    )
    try:
        conn.execute(f"INSERT INTO {WORDS_TABLE} (word) SELECT term FROM temp.search_vocabulary")
    finally:
        conn.execute("DROP TABLE temp.search_vocabulary")


def index_state(conn: sqlite3.Connection) -> dict[str, Any] | None:
    """What the last rebuild recorded, or None if the index was never built."""
    row = conn.execute("SELECT value FROM local_state WHERE key = 'search_index'").fetchone()
    if row is None:
        return None
    value = json.loads(row[0]) if isinstance(row[0], str) else row[0]
    return value if isinstance(value, dict) else None


_PRODUCTS_EXIST = text("SELECT EXISTS (SELECT 1 FROM products)")


def index_ready(conn: Connection) -> bool:
    """Whether search can trust the index: built by this tokenizer, complete, not being built.

    Cheap enough for every keystroke (a key look-up or two), so it reads what
    the last build recorded rather than counting rows as :func:`needs_rebuild`
    does. A file with no record is one never rebuilt: kept by the ORM hooks
    since its catalog was empty (they make the vocabulary), or loaded in bulk
    (no vocabulary yet). The start-up path records the state of the first, so
    this guess is needed only until then.
    """
    raw = conn.execute(_INDEX_STATE).scalar()
    if raw is not None:
        state = json.loads(raw) if isinstance(raw, str) else raw
        return (
            isinstance(state, dict)
            and state.get("tokenizer") == TOKENIZER_VERSION
            and not state.get("building")
            and not state.get("outdated")
        )
    if conn.execute(_HAS_WORDS).first() is not None:
        return True
    return not conn.execute(_PRODUCTS_EXIST).scalar()


def needs_rebuild(conn: sqlite3.Connection) -> bool:
    """True when the index is missing or was made by another tokenizer version.

    A catalog that was never rebuilt but has been kept by the ORM hooks
    since it was empty is complete; one bulk-loaded (demo, bootstrap) is not,
    nor one kept by a version that made no vocabulary.
    """
    state = index_state(conn)
    if state is not None:
        return state.get("tokenizer") != TOKENIZER_VERSION
    products = conn.execute("SELECT count(*) FROM products").fetchone()[0]
    has_words = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (WORDS_TABLE,)
    ).fetchone()
    if products and has_words is None:
        return True  # kept by an older version, which made no vocabulary
    keys = conn.execute(f"SELECT count(*) FROM {KEYS_TABLE}").fetchone()[0]
    return bool(products != keys)


def ensure_index(
    path: Path, progress: Progress | None = None, *, force: bool = False
) -> int | None:
    """Rebuild the index of the database at ``path`` if it needs it (or ``force``).

    Returns how many products were indexed, or None when the index was
    current. One transaction: cancelled or failed, nothing changes.
    """
    from shop_desktop.data.db import BUSY_TIMEOUT_MS  # db imports this module

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not force and not needs_rebuild(conn):
            return None
        conn.execute("PRAGMA cache_size = -200000")
        # The index can always be rebuilt: a power cut may cost this commit
        # (WAL never corrupts the file), so skip the fsync per page.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            count = rebuild(conn, progress)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return count
    finally:
        conn.close()


# --- building while the till sells --------------------------------------------
#
# ``rebuild`` holds the write lock for the whole build (a minute or more for a
# million products): fine before the first log-in, not while a cashier sells.
# A freshly bootstrapped till sells at once and builds its index in steps:
# each step is one short write transaction, so a sale waits for at most one
# step, never for the build. Keys 1..N are reserved for the build (in
# popularity order, as ``rebuild`` gives them); a product the sync or the ORM
# indexes meanwhile gets a key above N and is skipped by the build. Until the
# build ends, search finds what is indexed so far (best sellers first) by the
# slower path without a vocabulary, and ``needs_rebuild`` says the index is
# not ready, so a build cut short starts again at the next start-up.

#: Products per write transaction of :func:`build_in_steps`.
PRODUCTS_PER_STEP = 10_000
#: FTS5 pages written per merge step at the end (a few MB, a fraction of a second).
MERGE_PAGES_PER_STEP = 2_000


class BuildSuperseded(Exception):
    """Another build of the index started after this one; this one stopped."""


def _write_state(conn: sqlite3.Connection, state: dict[str, Any]) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO local_state (key, value) VALUES ('search_index', ?)",
        (json.dumps(state),),
    )


def _step(conn: sqlite3.Connection, build_id: str, work: Any) -> Any:
    """``work(conn)`` in one write transaction, if this build is still the current one."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        state = index_state(conn) or {}
        if state.get("build_id") != build_id:
            raise BuildSuperseded
        result = work(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


_ORDERED_DOCUMENTS = """
    SELECT o.n, p.id, p.name_zh, p.name_en, p.specs,
           coalesce(b.name_zh, ''), coalesce(b.name_en, '')
    FROM temp.build_order o
    JOIN products p ON p.rowid = o.product_rowid
    LEFT JOIN brands b ON b.id = p.brand_id
    WHERE o.n > ? AND o.n <= ?
    ORDER BY o.n
"""


def build_in_steps(
    path: Path,
    progress: Progress | None = None,
    *,
    step: int = PRODUCTS_PER_STEP,
    parallel_from: int = PARALLEL_FROM,
) -> int:
    """Build the whole index of the database at ``path`` in short write transactions.

    Same index as :func:`rebuild` (keys in popularity order, one merged
    segment, the vocabulary), but the till may sell and sync meanwhile.
    Returns how many products the build indexed. Raises :class:`BuildSuperseded`
    when a later build took over, and the progress' cancellation.
    """
    import uuid as uuid_module

    from shop_desktop.data.db import BUSY_TIMEOUT_MS  # db imports this module

    build_id = uuid_module.uuid4().hex
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA cache_size = -200000")
        conn.execute("PRAGMA temp_store = MEMORY")
        # The index can always be built again: skip the fsync per commit.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(
            "CREATE TEMP TABLE build_order (n INTEGER PRIMARY KEY, product_rowid INTEGER NOT NULL)"
        )
        total = _start_build(conn, build_id)
        done = _index_in_steps(conn, build_id, total, step, parallel_from, progress)
        if progress is not None:
            progress.set_progress(0.9, "compacting the search index")
        _merge_in_steps(conn, build_id, progress)

        def finish(c: sqlite3.Connection) -> None:
            _rebuild_words(c)
            _write_state(c, {"tokenizer": TOKENIZER_VERSION, "products": done})

        _step(conn, build_id, finish)
        if progress is not None:
            progress.set_progress(1.0, "search index ready")
        return done
    finally:
        conn.close()


def _start_build(conn: sqlite3.Connection, build_id: str) -> int:
    """Empty the index and fix the order of the build, in one short transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
        conn.execute(f"DELETE FROM {KEYS_TABLE}")
        # Without a vocabulary, search reads FTS5's own prefixes: right for a
        # partial index, where a vocabulary would be partial too.
        conn.execute(f"DROP TABLE IF EXISTS {WORDS_TABLE}")
        conn.execute(
            "INSERT INTO temp.build_order (product_rowid)"
            " SELECT rowid FROM products ORDER BY popularity DESC, rowid"
        )
        total = int(conn.execute("SELECT count(*) FROM temp.build_order").fetchone()[0])
        _write_state(conn, {"building": True, "reserved": total, "build_id": build_id})
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return total


def _read_step(conn: sqlite3.Connection, first: int, last: int) -> list[tuple[object, ...]]:
    return [tuple(r) for r in conn.execute(_ORDERED_DOCUMENTS, (first, last))]


def _index_in_steps(  # noqa: PLR0917 - one private call site
    conn: sqlite3.Connection,
    build_id: str,
    total: int,
    step: int,
    parallel_from: int,
    progress: Progress | None,
) -> int:
    """Index products 1..total of the build order, ``step`` per write transaction.

    Tokens are made from rows read outside the write transaction (in a
    second process for big catalogs); inside it the rows are read again, and
    a product changed in between is tokenised again from what is there now.
    """
    done = 0

    def store(first: int, rows: list[tuple[object, ...]], tokens: list[str]) -> None:
        nonlocal done
        made = {row[0]: (row, token) for row, token in zip(rows, tokens, strict=True)}

        def write(c: sqlite3.Connection) -> int:
            keyed_meanwhile = {
                str(r[0])
                for r in c.execute(
                    f"SELECT product_id FROM {KEYS_TABLE} WHERE search_key > ?", (total,)
                )
            }
            keys: list[tuple[int, object]] = []
            entries: list[tuple[int, str]] = []
            for row in _read_step(c, first, first + step):
                n, product_id = int(str(row[0])), row[1]
                if str(product_id) in keyed_meanwhile:
                    continue
                before = made.get(row[0])
                token = before[1] if before is not None and before[0] == row else None
                if token is None:
                    token = document_from_row(row[1:]).tokens
                keys.append((n, product_id))
                entries.append((n, token))
            c.executemany(f"INSERT INTO {KEYS_TABLE} (search_key, product_id) VALUES (?, ?)", keys)
            c.executemany(f"INSERT INTO {FTS_TABLE}(rowid, tokens) VALUES (?, ?)", entries)
            return len(entries)

        done += _step(conn, build_id, write)
        if progress is not None:
            fraction = 0.9 * min(first + step, total) / max(total, 1)
            progress.set_progress(fraction, f"search index {min(first + step, total)}/{total}")
            progress.check_cancelled()

    firsts = range(0, total, step)
    if total < parallel_from:
        for first in firsts:
            rows = _read_step(conn, first, first + step)
            store(first, rows, _tokens_for_rows([r[1:] for r in rows]))
        return done
    import multiprocessing
    from collections import deque

    # spawn, not fork: the caller may be a Qt application with threads.
    with multiprocessing.get_context("spawn").Pool(processes=1) as pool:
        window: deque[tuple[int, list[tuple[object, ...]], Any]] = deque()
        for first in firsts:
            rows = _read_step(conn, first, first + step)
            window.append(
                (first, rows, pool.apply_async(_tokens_for_rows, ([r[1:] for r in rows],)))
            )
            if len(window) > 2:
                ready_first, ready_rows, result = window.popleft()
                store(ready_first, ready_rows, result.get())
        while window:
            ready_first, ready_rows, result = window.popleft()
            store(ready_first, ready_rows, result.get())
    return done


def _merge_in_steps(conn: sqlite3.Connection, build_id: str, progress: Progress | None) -> None:
    """Merge FTS5's segments into one, a few MB per write transaction.

    A negative page count first puts every segment on one level, so the
    steps end with one segment, as 'optimize' leaves it.
    """

    def merge(c: sqlite3.Connection) -> int:
        before = c.total_changes
        c.execute(
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('merge', ?)",
            (-MERGE_PAGES_PER_STEP,),
        )
        return c.total_changes - before

    while _step(conn, build_id, merge) >= 2:  # FTS5: fewer than 2 changes means no work left
        if progress is not None:
            progress.check_cancelled()


def build_in_steps_if_needed(path: Path, progress: Progress | None = None) -> int | None:
    """:func:`build_in_steps` when the index is missing, outdated or cut short; else None.

    A complete index that was never rebuilt (kept by the ORM hooks since the
    catalog was empty) gets its state recorded, so :func:`index_ready` reads
    it from then on instead of guessing.
    """
    from shop_desktop.data.db import BUSY_TIMEOUT_MS  # db imports this module

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        needed = needs_rebuild(conn)
        if not needed and index_state(conn) is None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if index_state(conn) is None and not needs_rebuild(conn):
                    keys = conn.execute(f"SELECT count(*) FROM {KEYS_TABLE}").fetchone()[0]
                    _write_state(conn, {"tokenizer": TOKENIZER_VERSION, "products": int(keys)})
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
    finally:
        conn.close()
    return build_in_steps(path, progress) if needed else None
