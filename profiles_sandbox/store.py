"""SQLite storage and search for the local Customer Profiles service (no HTTP here).

Layout: ``domains``, ``profiles`` (the profile as JSON, keyed by an integer ``seq`` that gives
results a stable creation order), ``object_types`` and ``search_index`` — one row per searchable
(key, value) of a profile, derived from its fields (``attached = 0``) or attached by AddProfileKey
(``attached = 1``). Every search is an index lookup on ``(domain_id, key_name, value, profile_seq)``;
nothing on the search path scans a table.

Durability: WAL journal, one transaction per write, so a crash mid-write leaves the last committed
state. A new database is built (and seeded) under a temporary name and renamed into place, so a
crash during seeding never leaves a half-seeded file behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from studio_files.atomic_output import OutputRefused, output_path

# Which profile fields each standard search key covers (Customer Profiles' documented keys).
STANDARD_KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "_phone": ("PhoneNumber", "MobilePhoneNumber", "HomePhoneNumber", "BusinessPhoneNumber"),
    "_email": ("EmailAddress", "PersonalEmailAddress", "BusinessEmailAddress"),
    "_account": ("AccountNumber",),
}
PROFILE_ID_KEY = "_profileId"
FULL_NAME_KEY = "_fullName"
FULL_NAME_FIELDS = ("FirstName", "MiddleName", "LastName")
STANDARD_KEYS: tuple[str, ...] = (*STANDARD_KEY_FIELDS, PROFILE_ID_KEY, FULL_NAME_KEY)
_KEY_FIELD_ITEMS = tuple(STANDARD_KEY_FIELDS.items())
# Keys the real service predefines for its integrations: searchable (they match what AddProfileKey
# attached) without an object type declaring them.
# Spelled as botocore's SearchProfiles KeyName documentation lists them.
INTEGRATION_KEYS: tuple[str, ...] = (
    "_ctrContactId", "_salesforceAccountId", "_salesforceContactId", "_salesforceAssetId",
    "_zendeskUserId", "_zendeskExternalId", "_zendeskTicketId", "_shopifyCustomerId", "_shopifyOrderId",
    "_serviceNowSystemId", "_serviceNowIncidentId", "_marketoLeadId", "_segmentUserId",
)
# Derived from ProfileId itself; attaching extra values would make the key lie.
NOT_ATTACHABLE_KEYS = frozenset({PROFILE_ID_KEY})

DEFAULT_DB_PATH = ".data/sandbox.sqlite3"
BULK_CHUNK = 50_000
_ID_CHUNK = 500  # ids per "IN (...)" query: well under every SQLite build's variable limit
# SQL variables a search needs besides its values: 3 per criterion and LIMIT (at most 16), or
# for FoundByItems 2 plus the page's profiles (at most 101). The values get the rest of SQLite's
# limit (250,000 in Debian's build, 32,766 in SQLite's default, 999 in old builds).
SEARCH_EXTRA_VARIABLES = 128

_TABLES = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS domains(
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, settings TEXT NOT NULL,
    profile_count INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS profiles(
    seq INTEGER PRIMARY KEY, domain_id INTEGER NOT NULL, profile_id TEXT NOT NULL, data TEXT NOT NULL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS object_types(
    domain_id INTEGER NOT NULL, name TEXT NOT NULL, definition TEXT NOT NULL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL, PRIMARY KEY(domain_id, name));
CREATE TABLE IF NOT EXISTS search_index(
    domain_id INTEGER NOT NULL, key_name TEXT NOT NULL, value TEXT NOT NULL,
    profile_seq INTEGER NOT NULL, attached INTEGER NOT NULL);
"""
# Built after a bulk load (sorting once is much faster than maintaining them row by row).
_INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS ix_profiles_id ON profiles(domain_id, profile_id);
CREATE INDEX IF NOT EXISTS ix_search ON search_index(domain_id, key_name, value, profile_seq);
CREATE INDEX IF NOT EXISTS ix_search_profile ON search_index(profile_seq);
CREATE INDEX IF NOT EXISTS ix_profiles_seq ON profiles(domain_id, seq);
"""
SEARCH_INDEX_NAME = "ix_search"


class NotFound(Exception):
    """A domain, profile or object type that does not exist."""


class StoreUnusable(ValueError):
    """The file is not a database the sandbox can use (not SQLite, unreadable, a folder ...)."""


class Invalid(Exception):
    """A request the data makes impossible (unknown search key, domain already exists ...)."""


# --- pure helpers ------------------------------------------------------------------------------
def full_name(profile: dict[str, Any]) -> str:
    """"First Middle Last" with single spaces, missing parts skipped (the ``_fullName`` value)."""
    return " ".join(p for p in (profile.get(f, "") for f in FULL_NAME_FIELDS) if p)


def derived_keys(profile_id: str, profile: dict[str, Any]) -> list[tuple[str, str]]:
    """The (key, value) pairs a profile is found by through its own fields, without duplicates."""
    # Written for speed: bulk seeding calls it once per profile (a million times at scale).
    pairs: list[tuple[str, str]] = [(PROFILE_ID_KEY, profile_id)]
    get = profile.get
    for key, fields in _KEY_FIELD_ITEMS:
        seen: set[str] = set()
        for name in fields:
            value = get(name)
            if value and value not in seen:
                seen.add(value)
                pairs.append((key, value))
    name = " ".join([part for part in (get("FirstName"), get("MiddleName"), get("LastName")) if part])
    if name:
        pairs.append((FULL_NAME_KEY, name))
    return pairs


def merge_update(profile: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """UpdateProfile semantics: given fields replace, "" removes; addresses and Attributes merge
    member by member (an empty string removes that member)."""
    merged = dict(profile)
    for name, value in changes.items():
        if isinstance(value, dict) and name != "EngagementPreferences":
            inner = dict(merged.get(name) or {})
            for sub, sub_value in value.items():
                if sub_value == "":
                    inner.pop(sub, None)
                else:
                    inner[sub] = sub_value
            if inner:
                merged[name] = inner
            else:
                merged.pop(name, None)
        elif value == "" or value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged


def custom_key_names(definition: dict[str, Any]) -> list[str]:
    """Key names an object type declares (its ``Keys`` map)."""
    return list((definition.get("Keys") or {}).keys())


@dataclass(frozen=True)
class StoredProfile:
    """A profile as stored: its id, its fields (the API's Profile members) and the (key, value)
    pairs AddProfileKey attached to it."""

    profile_id: str
    fields: dict[str, Any]
    attached: list[tuple[str, str]]


@dataclass(frozen=True)
class DomainState:
    """What a load needs to know of an existing domain."""

    search_keys: list[str]     # every key SearchProfiles accepts (standard, integration, custom)
    object_types: list[str]    # names of its profile object types


@dataclass
class SearchPage:
    """One page of SearchProfiles results; ``last_seq`` is where the next page starts."""

    items: list[dict[str, Any]]
    last_seq: int | None  # None: no further page


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)  # one instance: cheaper per call


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA synchronous = NORMAL")  # with WAL: consistent after a crash, fast commits
    conn.execute("PRAGMA cache_size = -32000")
    conn.execute("PRAGMA temp_store = MEMORY")


# --- the store --------------------------------------------------------------------------------
class Store:
    """Thread-safe access to one sandbox database file.

    A small pool of connections: a request borrows one for its transaction and gives it back
    (sqlite3 connections must not be shared mid-statement, and per-thread connections would leak
    as the server's worker threads come and go). Writes are serialised by a lock and run in
    ``BEGIN IMMEDIATE`` transactions; WAL lets readers run beside the writer.
    """

    def __init__(self, path: str | os.PathLike[str], *, seeded: bool = False) -> None:
        self.path = str(path)
        self.seeded = seeded
        self._idle: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._write_lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._closed = False
        try:
            with self._write() as conn:  # schema of files made by older versions or by hand
                for statement in (_TABLES + _INDEXES).split(";"):
                    if statement.strip():
                        conn.execute(statement)
                # A real write, so that a read-only file is refused now, not with a 500 per write.
                conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('opened_at', ?)",
                             (str(time.time()),))
        except sqlite3.DatabaseError as exc:
            self.close()
            if getattr(exc, "sqlite_errorname", "") == "SQLITE_READONLY" or "readonly" in str(exc):
                raise StoreUnusable(f"{self.path} is read-only, and the sandbox writes to its database: "
                                    "make it writable, or give another --db") from None
            raise StoreUnusable(f"{self.path} cannot be used as a sandbox database: {exc}") from None

    # connections and transactions ------------------------------------------------------------
    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        if self._closed:
            raise RuntimeError("the sandbox store is closed")
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            with self._all_lock:
                self._all.append(conn)
            conn.execute("PRAGMA journal_mode = WAL")
            _configure(conn)
        try:
            yield conn
        finally:
            self._idle.put(conn)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction per write: all of it is committed or none of it."""
        with self._write_lock, self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: several statements see one consistent snapshot."""
        with self._connection() as conn:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")

    def close(self) -> None:
        """Close every connection (idempotent); the last close checkpoints the WAL into the file."""
        with self._all_lock:
            if self._closed:
                return
            self._closed = True
            conns, self._all = self._all, []
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    # domains ---------------------------------------------------------------------------------
    @staticmethod
    def _domain_row(conn: sqlite3.Connection, name: str) -> tuple:
        row = conn.execute("SELECT id, name, settings, profile_count, created_at, updated_at "
                           "FROM domains WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(f"Domain '{name}' was not found.")
        return row

    @classmethod
    def _domain_id(cls, conn: sqlite3.Connection, name: str) -> int:
        return cls._domain_row(conn, name)[0]

    @staticmethod
    def _domain_dict(row: tuple) -> dict[str, Any]:
        _id, name, settings, count, created, updated = row
        return {"DomainName": name, **json.loads(settings), "ProfileCount": count,
                "CreatedAt": created, "LastUpdatedAt": updated}

    def list_domains(self, after: str = "", limit: int = 100) -> tuple[list[dict[str, Any]], str | None]:
        """Domains by name after ``after``; the name to continue from when more remain."""
        with self._read() as conn:
            rows = conn.execute("SELECT id, name, settings, profile_count, created_at, updated_at "
                                "FROM domains WHERE name > ? ORDER BY name LIMIT ?",
                                (after, limit + 1)).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        return [self._domain_dict(r) for r in rows], (rows[-1][1] if more else None)

    def create_domain(self, name: str, settings: dict[str, Any]) -> dict[str, Any]:
        now = time.time()
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM domains WHERE name = ?", (name,)).fetchone():
                raise Invalid(f"Domain '{name}' already exists.")
            conn.execute("INSERT INTO domains(name, settings, profile_count, created_at, updated_at) "
                         "VALUES (?, ?, 0, ?, ?)", (name, _dumps(settings), now, now))
            return self._domain_dict(self._domain_row(conn, name))

    def get_domain(self, name: str) -> dict[str, Any]:
        with self._read() as conn:
            return self._domain_dict(self._domain_row(conn, name))

    def delete_domain(self, name: str) -> None:
        with self._write() as conn:
            self._delete_domain(conn, self._domain_id(conn, name))

    @staticmethod
    def _delete_domain(conn: sqlite3.Connection, domain_id: int) -> None:
        for table in ("search_index", "profiles", "object_types"):
            conn.execute(f"DELETE FROM {table} WHERE domain_id = ?", (domain_id,))
        conn.execute("DELETE FROM domains WHERE id = ?", (domain_id,))

    def reseed_domain(self, name: str, seed: Seeder) -> None:
        """Delete domain ``name`` (when it exists) and run ``seed``, which creates it again, in one
        transaction: other domains keep their data, and a failure leaves the old domain as it was."""
        with self._write() as conn:
            row = conn.execute("SELECT id FROM domains WHERE name = ?", (name,)).fetchone()
            if row is not None:
                self._delete_domain(conn, row[0])
            seed(BulkWriter(conn, next_seq=self._next_seq(conn), own_transactions=False))

    @staticmethod
    def _next_seq(conn: sqlite3.Connection) -> int:
        return int(conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM profiles").fetchone()[0])

    # profiles --------------------------------------------------------------------------------
    @staticmethod
    def _profile_row(conn: sqlite3.Connection, domain_id: int, profile_id: str) -> tuple[int, dict]:
        row = conn.execute("SELECT seq, data FROM profiles WHERE domain_id = ? AND profile_id = ?",
                           (domain_id, profile_id)).fetchone()
        if row is None:
            raise NotFound(f"Profile '{profile_id}' was not found.")
        return row[0], json.loads(row[1])

    @staticmethod
    def _index(conn: sqlite3.Connection, domain_id: int, seq: int, pairs: Iterable[tuple[str, str]],
               attached: int = 0) -> None:
        conn.executemany("INSERT INTO search_index(domain_id, key_name, value, profile_seq, attached) "
                         "VALUES (?, ?, ?, ?, ?)",
                         [(domain_id, k, v, seq, attached) for k, v in pairs])

    def create_profile(self, domain: str, profile_id: str, fields: dict[str, Any]) -> str:
        now = time.time()
        with self._write() as conn:
            domain_id = self._domain_id(conn, domain)
            cur = conn.execute("INSERT INTO profiles(domain_id, profile_id, data, created_at, updated_at) "
                               "VALUES (?, ?, ?, ?, ?)", (domain_id, profile_id, _dumps(fields), now, now))
            self._index(conn, domain_id, cur.lastrowid, derived_keys(profile_id, fields))
            conn.execute("UPDATE domains SET profile_count = profile_count + 1, updated_at = ? WHERE id = ?",
                         (now, domain_id))
        return profile_id

    def update_profile(self, domain: str, profile_id: str, changes: dict[str, Any]) -> str:
        """Merge ``changes`` into the profile and re-index its derived keys in the same transaction."""
        now = time.time()
        with self._write() as conn:
            domain_id = self._domain_id(conn, domain)
            seq, profile = self._profile_row(conn, domain_id, profile_id)
            merged = merge_update(profile, changes)
            conn.execute("UPDATE profiles SET data = ?, updated_at = ? WHERE seq = ?",
                         (_dumps(merged), now, seq))
            conn.execute("DELETE FROM search_index WHERE profile_seq = ? AND attached = 0", (seq,))
            self._index(conn, domain_id, seq, derived_keys(profile_id, merged))
        return profile_id

    def delete_profile(self, domain: str, profile_id: str) -> None:
        now = time.time()
        with self._write() as conn:
            domain_id = self._domain_id(conn, domain)
            seq, _ = self._profile_row(conn, domain_id, profile_id)
            conn.execute("DELETE FROM search_index WHERE profile_seq = ?", (seq,))
            conn.execute("DELETE FROM profiles WHERE seq = ?", (seq,))
            conn.execute("UPDATE domains SET profile_count = profile_count - 1, updated_at = ? WHERE id = ?",
                         (now, domain_id))

    def get_profiles(self, domain: str, profile_ids: Sequence[str]) -> tuple[list[dict], list[str]]:
        """Profiles found (in request order) and the ids that were not."""
        with self._read() as conn:
            domain_id = self._domain_id(conn, domain)
            found, missing = [], []
            for profile_id in dict.fromkeys(profile_ids):
                row = conn.execute("SELECT data FROM profiles WHERE domain_id = ? AND profile_id = ?",
                                   (domain_id, profile_id)).fetchone()
                if row is None:
                    missing.append(profile_id)
                else:
                    found.append({"ProfileId": profile_id, **json.loads(row[0])})
        return found, missing

    # whole-domain reads and loads (CSV load and dump, the Data page) ---------------------------
    def domain_state(self, domain: str) -> DomainState | None:
        """What a load into ``domain`` must know of it, or None when it does not exist."""
        with self._read() as conn:
            return DomainLoad(conn, domain, None).state

    @staticmethod
    def _with_attached(conn: sqlite3.Connection, rows: list[tuple[int, str, str]]) -> list[StoredProfile]:
        """(seq, profile_id, data) rows -> StoredProfiles with their attached (key, value) pairs."""
        attached: dict[int, list[tuple[str, str]]] = {}
        seqs = [seq for seq, _, _ in rows]
        for start in range(0, len(seqs), _ID_CHUNK):
            chunk = seqs[start:start + _ID_CHUNK]
            for seq, key, value in conn.execute(
                    "SELECT profile_seq, key_name, value FROM search_index WHERE attached = 1 AND "
                    f"profile_seq IN ({', '.join('?' * len(chunk))}) ORDER BY rowid", chunk):
                attached.setdefault(seq, []).append((key, value))
        return [StoredProfile(pid, json.loads(data), attached.get(seq, [])) for seq, pid, data in rows]

    def profiles_page(self, domain: str, offset: int, limit: int) -> tuple[int, list[StoredProfile]]:
        """The domain's profile count and its profiles ``offset`` .. ``offset + limit - 1`` in creation
        order. The offset is skipped in the small (domain_id, seq) index, never in the table's rows:
        the last page of 100,000 profiles costs about what the first does (benchmarks/data_page.py)."""
        with self._read() as conn:
            domain_id, count = conn.execute("SELECT id, profile_count FROM domains WHERE name = ?",
                                            (domain,)).fetchone() or self._missing(domain)
            rows = conn.execute(
                "SELECT seq, profile_id, data FROM profiles WHERE seq IN (SELECT seq FROM profiles "
                "WHERE domain_id = ? ORDER BY seq LIMIT ? OFFSET ?) ORDER BY seq",
                (domain_id, limit, offset)).fetchall()
            return count, self._with_attached(conn, rows)

    @staticmethod
    def _missing(domain: str) -> NoReturn:
        raise NotFound(f"Domain '{domain}' was not found.")

    def profiles_by_id(self, domain: str, profile_ids: Sequence[str]) -> list[StoredProfile]:
        """The given profiles (those that exist), in the order given, with their attached keys."""
        with self._read() as conn:
            domain_id = self._domain_id(conn, domain)
            rows = []
            for profile_id in dict.fromkeys(profile_ids):
                row = conn.execute("SELECT seq, profile_id, data FROM profiles WHERE domain_id = ? AND "
                                   "profile_id = ?", (domain_id, profile_id)).fetchone()
                if row is not None:
                    rows.append(row)
            return self._with_attached(conn, rows)

    def iter_profiles(self, domain: str, batch: int = 2_000) -> Iterator[StoredProfile]:
        """Every profile of ``domain`` in creation order, read in one snapshot (a dump sees no
        half-applied write), ``batch`` profiles per query."""
        with self._read() as conn:
            domain_id = self._domain_id(conn, domain)
            after = 0
            while True:
                rows = conn.execute("SELECT seq, profile_id, data FROM profiles WHERE domain_id = ? AND "
                                    "seq > ? ORDER BY seq LIMIT ?", (domain_id, after, batch)).fetchall()
                if not rows:
                    return
                yield from self._with_attached(conn, rows)
                after = rows[-1][0]

    @contextlib.contextmanager
    def domain_load(self, domain: str, *, write: bool) -> Iterator[DomainLoad]:
        """A load into ``domain`` that reads and writes in ONE transaction: what it checks is what
        it writes over, and all of it is committed or none of it (an exception rolls it back).
        ``write=False``: a read snapshot for a check that writes nothing."""
        if not write:
            with self._read() as conn:
                yield DomainLoad(conn, domain, None)
            return
        with self._write() as conn:
            load = DomainLoad(conn, domain, BulkWriter(conn, next_seq=self._next_seq(conn),
                                                       own_transactions=False))
            yield load
            load.finish()

    # keys ------------------------------------------------------------------------------------
    def search_keys(self, domain: str) -> list[str]:
        """Every key SearchProfiles accepts in this domain: standard, integration and custom keys."""
        with self._read() as conn:
            return self._search_keys(conn, self._domain_id(conn, domain))

    @staticmethod
    def _search_keys(conn: sqlite3.Connection, domain_id: int) -> list[str]:
        keys = dict.fromkeys((*STANDARD_KEYS, *INTEGRATION_KEYS))
        for (definition,) in conn.execute("SELECT definition FROM object_types WHERE domain_id = ? "
                                          "ORDER BY name", (domain_id,)):
            keys.update(dict.fromkeys(custom_key_names(json.loads(definition))))
        return list(keys)

    def add_profile_key(self, domain: str, profile_id: str, key_name: str, values: Sequence[str]) -> None:
        with self._write() as conn:
            domain_id = self._domain_id(conn, domain)
            self._check_attachable(conn, domain_id, domain, key_name)
            seq, _ = self._profile_row(conn, domain_id, profile_id)
            existing = {v for (v,) in conn.execute(
                "SELECT value FROM search_index WHERE profile_seq = ? AND key_name = ? AND attached = 1",
                (seq, key_name))}
            new = [v for v in dict.fromkeys(values) if v not in existing]
            self._index(conn, domain_id, seq, [(key_name, v) for v in new], attached=1)

    def delete_profile_key(self, domain: str, profile_id: str, key_name: str, values: Sequence[str]) -> None:
        with self._write() as conn:
            domain_id = self._domain_id(conn, domain)
            seq, _ = self._profile_row(conn, domain_id, profile_id)
            removed = 0
            for value in dict.fromkeys(values):
                removed += conn.execute(
                    "DELETE FROM search_index WHERE profile_seq = ? AND key_name = ? AND value = ? "
                    "AND attached = 1", (seq, key_name, value)).rowcount
            if removed == 0:
                raise NotFound(f"Profile '{profile_id}' has no key '{key_name}' with the given values.")

    def _check_attachable(self, conn: sqlite3.Connection, domain_id: int, domain: str, key: str) -> None:
        if key in NOT_ATTACHABLE_KEYS:
            raise Invalid(f"Key '{key}' is derived from the profile itself and cannot be added.")
        if key not in self._search_keys(conn, domain_id):
            raise Invalid(f"Key '{key}' is not defined in domain '{domain}': declare it in the Keys of a "
                          "profile object type (PutProfileObjectType) first.")

    # object types ----------------------------------------------------------------------------
    def put_object_type(self, domain: str, name: str, definition: dict[str, Any]) -> dict[str, Any]:
        now = time.time()
        with self._write() as conn:
            domain_id = self._domain_id(conn, domain)
            row = conn.execute("SELECT created_at FROM object_types WHERE domain_id = ? AND name = ?",
                               (domain_id, name)).fetchone()
            created = row[0] if row else now
            conn.execute("INSERT OR REPLACE INTO object_types(domain_id, name, definition, created_at, "
                         "updated_at) VALUES (?, ?, ?, ?, ?)", (domain_id, name, _dumps(definition),
                                                                created, now))
        return {"ObjectTypeName": name, **definition, "CreatedAt": created, "LastUpdatedAt": now}

    def get_object_type(self, domain: str, name: str) -> dict[str, Any]:
        with self._read() as conn:
            domain_id = self._domain_id(conn, domain)
            row = conn.execute("SELECT definition, created_at, updated_at FROM object_types "
                               "WHERE domain_id = ? AND name = ?", (domain_id, name)).fetchone()
        if row is None:
            raise NotFound(f"Object type '{name}' was not found in domain '{domain}'.")
        return {"ObjectTypeName": name, **json.loads(row[0]), "CreatedAt": row[1], "LastUpdatedAt": row[2]}

    def list_object_types(self, domain: str, after: str = "",
                          limit: int = 100) -> tuple[list[dict[str, Any]], str | None]:
        with self._read() as conn:
            domain_id = self._domain_id(conn, domain)
            rows = conn.execute("SELECT name, definition, created_at, updated_at FROM object_types "
                                "WHERE domain_id = ? AND name > ? ORDER BY name LIMIT ?",
                                (domain_id, after, limit + 1)).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        items = [{"ObjectTypeName": n, **json.loads(d), "CreatedAt": c, "LastUpdatedAt": u}
                 for n, d, c, u in rows]
        return items, (rows[-1][0] if more else None)

    def delete_object_type(self, domain: str, name: str) -> None:
        with self._write() as conn:
            domain_id = self._domain_id(conn, domain)
            if conn.execute("DELETE FROM object_types WHERE domain_id = ? AND name = ?",
                            (domain_id, name)).rowcount == 0:
                raise NotFound(f"Object type '{name}' was not found in domain '{domain}'.")

    # search ----------------------------------------------------------------------------------
    @staticmethod
    def _search_sql(criteria: Sequence[tuple[str, Sequence[str]]], operator: str) -> str:
        parts = []
        for _key, values in criteria:
            marks = ", ".join("?" * len(values))
            parts.append("SELECT profile_seq FROM search_index WHERE domain_id = ? AND key_name = ? "
                         f"AND value IN ({marks}) AND profile_seq > ?")
        if len(parts) == 1:
            return parts[0].replace("SELECT profile_seq", "SELECT DISTINCT profile_seq", 1) + \
                " ORDER BY profile_seq LIMIT ?"
        joiner = " INTERSECT " if operator == "AND" else " UNION "
        return joiner.join(parts) + " ORDER BY 1 LIMIT ?"

    @staticmethod
    def _fetch_sql(count: int) -> str:
        return f"SELECT seq, profile_id, data FROM profiles WHERE seq IN ({', '.join('?' * count)})"

    @staticmethod
    def _found_by_sql(values: int, seqs: int) -> str:
        """Which of a key's values matched each profile of the page (for FoundByItems)."""
        return ("SELECT DISTINCT profile_seq, value FROM search_index WHERE domain_id = ? AND key_name = ? "
                f"AND value IN ({', '.join('?' * values)}) AND profile_seq IN ({', '.join('?' * seqs)})")

    @staticmethod
    def _search_params(domain_id: int, criteria: Sequence[tuple[str, Sequence[str]]], after: int,
                       limit: int) -> list[Any]:
        params: list[Any] = []
        for key, values in criteria:
            params += [domain_id, key, *values, after]
        return [*params, limit]

    def search(self, domain: str, criteria: Sequence[tuple[str, Sequence[str]]], operator: str = "OR",
               limit: int = 20, after: int = 0) -> SearchPage:
        """Profiles matching the criteria (values within a key: any; across keys: ``operator``),
        in creation order, from just after ``after``, with ``FoundByItems``."""
        criteria = [(k, list(dict.fromkeys(vs))) for k, vs in criteria]
        with self._read() as conn:
            domain_id = self._domain_id(conn, domain)
            known = set(self._search_keys(conn, domain_id))
            for key, _ in criteria:
                if key not in known:
                    raise Invalid(f"KeyName '{key}' is not a search key of domain '{domain}': use a "
                                  "standard key (_phone, _email, _account, _profileId, _fullName) or a "
                                  "key declared in a profile object type.")
            values = sum(len(vs) for _, vs in criteria)
            allowed = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - SEARCH_EXTRA_VARIABLES
            if values > allowed:
                raise Invalid(f"This search has {values:,} different values; the local service "
                              f"searches at most {allowed:,} at once: split it into several searches.")
            seqs = [s for (s,) in conn.execute(self._search_sql(criteria, operator),
                                               self._search_params(domain_id, criteria, after, limit + 1))]
            more = len(seqs) > limit
            seqs = seqs[:limit]
            if not seqs:
                return SearchPage([], None)
            rows = {seq: (pid, data) for seq, pid, data in conn.execute(self._fetch_sql(len(seqs)), seqs)}
            matched: dict[int, dict[str, list[str]]] = {seq: {} for seq in seqs}
            for key, values in criteria:
                for seq, value in conn.execute(self._found_by_sql(len(values), len(seqs)),
                                               [domain_id, key, *values, *seqs]):
                    matched[seq].setdefault(key, []).append(value)
        items = []
        for seq in seqs:
            profile_id, data = rows[seq]
            if operator == "AND" and len(criteria) > 1:
                # AND: the documented answer lists every key-value(s) pair of the request.
                found = [{"KeyName": k, "Values": list(vs)} for k, vs in criteria]
            else:
                found = [{"KeyName": k, "Values": [v for v in vs if v in matched[seq].get(k, ())]}
                         for k, vs in criteria if k in matched[seq]]
            items.append({"ProfileId": profile_id, **json.loads(data), "FoundByItems": found})
        return SearchPage(items, seqs[-1] if more else None)

    def explain_search(self, domain: str, criteria: Sequence[tuple[str, Sequence[str]]],
                       operator: str = "OR") -> dict[str, list[str]]:
        """SQLite's EXPLAIN QUERY PLAN for each statement a search runs (proof of index use)."""
        seqs = [1, 2, 3]
        with self._read() as conn:
            domain_id = self._domain_id(conn, domain)
            statements = {
                "match": (self._search_sql(criteria, operator),
                          self._search_params(domain_id, criteria, 0, 21)),
                "fetch": (self._fetch_sql(len(seqs)), seqs),
            }
            for key, values in criteria:
                statements[f"found_by:{key}"] = (self._found_by_sql(len(values), len(seqs)),
                                                 [domain_id, key, *values, *seqs])
            return {name: [row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
                    for name, (sql, params) in statements.items()}


# --- creating a database, with bulk seeding ----------------------------------------------------
# (ProfileId, profile fields, attached (key, value) pairs): one profile for BulkWriter.add_profiles.
ProfileRow = tuple[str, dict[str, Any], Sequence[tuple[str, str]]]


@dataclass
class BulkWriter:
    """Fast loader: executemany in chunks. For a brand-new database (indexes built later) it
    commits each chunk; with ``own_transactions=False`` it writes inside the caller's transaction
    (a load or a reseed in an open database: all or nothing). ``next_seq``: the first free seq."""

    conn: sqlite3.Connection
    next_seq: int = 1
    counts: dict[int, int] = field(default_factory=dict)
    own_transactions: bool = True

    def create_domain(self, name: str, settings: dict[str, Any]) -> int:
        now = time.time()
        cur = self.conn.execute("INSERT INTO domains(name, settings, profile_count, created_at, updated_at) "
                                "VALUES (?, ?, 0, ?, ?)", (name, _dumps(settings), now, now))
        return int(cur.lastrowid)

    def put_object_type(self, domain_id: int, name: str, definition: dict[str, Any]) -> None:
        now = time.time()
        self.conn.execute("INSERT INTO object_types(domain_id, name, definition, created_at, updated_at) "
                          "VALUES (?, ?, ?, ?, ?)", (domain_id, name, _dumps(definition), now, now))

    def add_profiles(self, domain_id: int, profiles: Iterable[ProfileRow]) -> int:
        """Insert (profile_id, fields, attached (key, value) pairs) in chunked transactions."""
        total = 0
        chunk: list[ProfileRow] = []
        for item in profiles:
            chunk.append(item)
            if len(chunk) >= BULK_CHUNK:
                total += self._flush(domain_id, chunk)
                chunk = []
        if chunk:
            total += self._flush(domain_id, chunk)
        return total

    def build_indexes(self) -> None:
        """Build the indexes now, in a database being built (a load into a domain a seeder made
        looks up its profiles by ProfileId)."""
        self.conn.executescript(_INDEXES)

    def _flush(self, domain_id: int, chunk: list[ProfileRow]) -> int:
        now = time.time()
        rows, index = [], []
        seq = self.next_seq
        for profile_id, fields, attached in chunk:
            rows.append((seq, domain_id, profile_id, _dumps(fields), now, now))
            index += [(domain_id, k, v, seq, 0) for k, v in derived_keys(profile_id, fields)]
            if attached:
                index += [(domain_id, k, v, seq, 1) for k, v in attached]
            seq += 1
        self.next_seq = seq
        with self.conn if self.own_transactions else contextlib.nullcontext():
            self.conn.executemany("INSERT INTO profiles(seq, domain_id, profile_id, data, created_at, "
                                  "updated_at) VALUES (?, ?, ?, ?, ?, ?)", rows)
            self.conn.executemany("INSERT INTO search_index(domain_id, key_name, value, profile_seq, "
                                  "attached) VALUES (?, ?, ?, ?, ?)", index)
            self.conn.execute("UPDATE domains SET profile_count = profile_count + ? WHERE id = ?",
                              (len(rows), domain_id))
        return len(rows)


Seeder = Callable[[BulkWriter], None]


class DomainLoad:
    """One load into a domain, on a connection inside an open transaction (``Store.domain_load``)
    or into a database being built (a seeder's ``BulkWriter``): what the load reads (the domain as
    it is, which ProfileIds exist, the stored profiles it updates) and what it writes. Reads and
    writes share the transaction, so nothing can change between a check and its write.
    ``writer`` None: a check that writes nothing."""

    def __init__(self, conn: sqlite3.Connection, domain: str, writer: BulkWriter | None) -> None:
        self.conn, self.domain, self.writer = conn, domain, writer
        row = conn.execute("SELECT id FROM domains WHERE name = ?", (domain,)).fetchone()
        self.domain_id: int | None = row[0] if row else None
        self.state: DomainState | None = None
        if row is not None:
            types = [n for (n,) in conn.execute("SELECT name FROM object_types WHERE domain_id = ?", row)]
            self.state = DomainState(Store._search_keys(conn, row[0]), types)

    def existing_ids(self, profile_ids: Iterable[str]) -> set[str]:
        """Which of ``profile_ids`` are profiles of the domain (an index lookup per chunk)."""
        if self.domain_id is None:
            return set()
        wanted = list(dict.fromkeys(profile_ids))
        found: set[str] = set()
        for start in range(0, len(wanted), _ID_CHUNK):
            chunk = wanted[start:start + _ID_CHUNK]
            found.update(pid for (pid,) in self.conn.execute(
                f"SELECT profile_id FROM profiles WHERE domain_id = ? AND profile_id IN "
                f"({', '.join('?' * len(chunk))})", [self.domain_id, *chunk]))
        return found

    def stored(self, profile_ids: Sequence[str]) -> list[StoredProfile]:
        """The given profiles as stored now, with their attached keys."""
        if self.domain_id is None or not profile_ids:
            return []
        rows = []
        for profile_id in dict.fromkeys(profile_ids):
            row = self.conn.execute("SELECT seq, profile_id, data FROM profiles WHERE domain_id = ? AND "
                                    "profile_id = ?", (self.domain_id, profile_id)).fetchone()
            if row is not None:
                rows.append(row)
        return Store._with_attached(self.conn, rows)

    def prepare(self, domain_settings: dict[str, Any],
                object_types: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """Create the domain (with ``domain_settings``) when it does not exist; add object types."""
        writer = self._writer()
        if self.domain_id is None:
            self.domain_id = writer.create_domain(self.domain, domain_settings)
        for name, definition in object_types:
            writer.put_object_type(self.domain_id, name, definition)

    def write(self, creates: Sequence[ProfileRow], updates: Sequence[ProfileRow]) -> None:
        """New profiles (with their ProfileIds) and UpdateProfile changes of existing ones; both
        carry (key, value) pairs to attach."""
        writer = self._writer()
        if self.domain_id is None:
            raise RuntimeError("prepare() the load before writing")
        if creates:
            writer.add_profiles(self.domain_id, creates)
        if updates:
            _update_many(self.conn, self.domain_id, updates)

    def finish(self) -> None:
        if self.domain_id is not None and self.writer is not None:
            self.conn.execute("UPDATE domains SET updated_at = ? WHERE id = ?", (time.time(), self.domain_id))

    def _writer(self) -> BulkWriter:
        if self.writer is None:
            raise RuntimeError("this load only checks; it writes nothing")
        return self.writer


def _update_many(conn: sqlite3.Connection, domain_id: int, updates: Sequence[ProfileRow]) -> None:
    """UpdateProfile merges and AddProfileKey attachments for many profiles, a chunk at a time."""
    now = time.time()
    for start in range(0, len(updates), _ID_CHUNK):
        chunk = updates[start:start + _ID_CHUNK]
        ids = [pid for pid, _, _ in chunk]
        stored = {pid: (seq, data) for seq, pid, data in conn.execute(
            f"SELECT seq, profile_id, data FROM profiles WHERE domain_id = ? AND profile_id IN "
            f"({', '.join('?' * len(ids))})", [domain_id, *ids])}
        missing = [pid for pid in ids if pid not in stored]
        if missing:
            raise NotFound(f"Profile '{missing[0]}' is not in the domain.")
        seqs = [seq for seq, _ in stored.values()]
        marks = ", ".join("?" * len(seqs))
        attached = set(conn.execute("SELECT profile_seq, key_name, value FROM search_index WHERE "
                                    f"attached = 1 AND profile_seq IN ({marks})", seqs))
        rows, index = [], []
        for profile_id, changes, keys in chunk:
            seq, data = stored[profile_id]
            merged = merge_update(json.loads(data), changes)
            rows.append((_dumps(merged), now, seq))
            index += [(domain_id, k, v, seq, 0) for k, v in derived_keys(profile_id, merged)]
            for key, value in keys:
                if (seq, key, value) not in attached:
                    attached.add((seq, key, value))
                    index.append((domain_id, key, value, seq, 1))
        conn.executemany("UPDATE profiles SET data = ?, updated_at = ? WHERE seq = ?", rows)
        conn.execute(f"DELETE FROM search_index WHERE attached = 0 AND profile_seq IN ({marks})", seqs)
        conn.executemany("INSERT INTO search_index(domain_id, key_name, value, profile_seq, attached) "
                         "VALUES (?, ?, ?, ?, ?)", index)


def is_new_database(path: str | os.PathLike[str]) -> bool:
    """No file yet, or an empty one with no write-ahead log beside it."""
    p = Path(path)
    return not p.exists() or (p.stat().st_size == 0 and not Path(f"{p}-wal").exists())


def open_store(path: str | os.PathLike[str], seeders: Sequence[Seeder] = ()) -> Store:
    """Open the database at ``path``; a new file is created (folder too) and seeded first.

    An existing file is never seeded again, so restarts do not duplicate data.
    """
    target = Path(path)
    check_database_path(target)
    if target.is_symlink():   # build and write where it points; the link stays the user's
        target = Path(os.path.realpath(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreUnusable(f"cannot create the folder {target.parent}: {exc.strerror or exc}") from None
    _remove_dead_builds(target)   # at every start: a build killed with -9 leaves nothing for good
    seeded = False
    if is_new_database(target):
        # Another process may build the same new file at the same time: the first to finish
        # gives it its name, the others open that one (their seeds are not applied to it).
        seeded = _build_new(target, seeders) and bool(seeders)
    return Store(target, seeded=seeded)


def check_database_path(target: Path, option: str = "--db") -> None:
    """StoreUnusable unless ``target`` is a regular file (or a link to one) or does not exist yet
    (its folder is created if need be): the rule for every file we are given to write
    (``studio_files.atomic_output``). Decided from the file type alone, before anything is opened
    or written: a database built "in place" of a FIFO, /dev/null or a device would delete the node."""
    try:
        output_path(target, option, new_folder=True)
    except OutputRefused as exc:
        raise StoreUnusable(str(exc)) from None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _remove_dead_builds(target: Path) -> None:
    """Files left by a start that crashed while seeding (its process is gone)."""
    for leftover in target.parent.glob(f"{target.name}-building-*"):
        pid = leftover.name[len(target.name) + len("-building-"):].split("-", 1)[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on a folder (flock on its descriptor: no lock file is left behind),
    held while a new database is given its name, so two builders cannot both take it."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)    # releases the lock


def _build_new(target: Path, seeders: Sequence[Seeder]) -> bool:
    """Build a new database file (seeded) and name it ``target``; False when another process
    made ``target`` meanwhile (the file built here is then dropped, and ``target`` left as it is)."""
    # The name matches .gitignore's *.sqlite3-* and carries the pid for _remove_dead_builds.
    tmp = target.with_name(f"{target.name}-building-{os.getpid()}-{threading.get_ident()}")
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreUnusable(f"cannot create {target}: {exc}") from None
    try:
        # Bulk-load settings: the file is invisible until renamed, so a crash here loses nothing.
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.executescript(_TABLES)
        conn.execute("INSERT INTO meta(key, value) VALUES ('created_at', ?)", (str(time.time()),))
        writer = BulkWriter(conn)
        conn.isolation_level = "DEFERRED"  # writes open transactions; BulkWriter commits per chunk
        for seed in seeders:
            seed(writer)
            conn.commit()
        conn.isolation_level = None
        conn.executescript(_INDEXES)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.close()
        with open(tmp, "rb+") as built:  # on disk before it gets the real name (synchronous was OFF)
            os.fsync(built.fileno())
        with _folder_lock(target.parent):
            if not is_new_database(target):
                tmp.unlink()
                return False
            os.replace(tmp, target)   # over nothing, or over an empty placeholder file
        return True
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
