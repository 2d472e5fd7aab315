"""SQLite output: tables sources → plans → items → units / deadlines / milestones / targets, and
warnings; ``unit_registry`` holds one row per canonical unit (see ``govplan.registry``), which
``units.registry_id`` points to.

Warnings about the input as a whole have no ``plan_id``; a plan's warnings carry theirs.

Each input file's rows are written in one transaction; writing a file again deletes its old rows
first (through ``ON DELETE CASCADE``), so re-running a batch into the same database replaces
rather than duplicates.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .registry import key_of
from .rules import RegistryPack

SCHEMA = """
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    govplan_version TEXT NOT NULL,
    encoding TEXT,
    script TEXT,
    size INTEGER
);
CREATE TABLE IF NOT EXISTS plans (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    plan_index INTEGER NOT NULL,
    title TEXT,
    doc_number TEXT,
    issuer TEXT,
    issued TEXT,
    year INTEGER,
    warnings INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES items(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    path TEXT NOT NULL,
    number TEXT NOT NULL,
    level INTEGER NOT NULL,
    kind TEXT NOT NULL,
    title TEXT,
    text TEXT,
    start_line INTEGER,
    end_line INTEGER,
    item_key TEXT,
    task INTEGER,
    same_as TEXT,
    same_as_id INTEGER REFERENCES items(id) ON DELETE SET NULL,
    span_start INTEGER,
    span_end INTEGER
);
CREATE TABLE IF NOT EXISTS unit_registry (
    id INTEGER PRIMARY KEY,
    canonical TEXT NOT NULL,
    scope TEXT NOT NULL,
    UNIQUE (canonical, scope)
);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('lead', 'responsible', 'cooperating')),
    raw TEXT,
    qualified TEXT,
    owner INTEGER,
    registry_id INTEGER REFERENCES unit_registry(id),
    span_start INTEGER,
    span_end INTEGER
);
CREATE TABLE IF NOT EXISTS deadlines (
    item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    raw TEXT,
    due TEXT,
    precision TEXT,
    ongoing INTEGER NOT NULL,
    modifier TEXT,
    span_start INTEGER,
    span_end INTEGER
);
CREATE TABLE IF NOT EXISTS milestones (
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    raw TEXT,
    due TEXT NOT NULL,
    precision TEXT,
    span_start INTEGER,
    span_end INTEGER,
    PRIMARY KEY (item_id, seq)
);
CREATE TABLE IF NOT EXISTS targets (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    raw TEXT,
    value REAL,
    unit TEXT,
    comparator TEXT,
    by_year INTEGER,
    span_start INTEGER,
    span_end INTEGER
);
CREATE TABLE IF NOT EXISTS warnings (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    plan_id INTEGER REFERENCES plans(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    path TEXT,
    start_line INTEGER,
    end_line INTEGER
);
CREATE INDEX IF NOT EXISTS plans_source ON plans(source_id);
CREATE INDEX IF NOT EXISTS items_plan ON items(plan_id);
CREATE INDEX IF NOT EXISTS items_parent ON items(parent_id);
CREATE INDEX IF NOT EXISTS units_item ON units(item_id);
CREATE INDEX IF NOT EXISTS units_name ON units(name);
CREATE INDEX IF NOT EXISTS deadlines_due ON deadlines(due);
CREATE INDEX IF NOT EXISTS targets_item ON targets(item_id);
CREATE INDEX IF NOT EXISTS warnings_source ON warnings(source_id);
"""

# Columns added since the first schema, for databases written by an older govplan (BY and END are
# SQL words: target.by is by_year, a span's end span_end).
_ADDED = [
    ("targets", "by_year", "INTEGER"),
    ("items", "item_key", "TEXT"), ("items", "task", "INTEGER"), ("items", "same_as", "TEXT"),
    ("items", "same_as_id", "INTEGER REFERENCES items(id) ON DELETE SET NULL"),
    ("items", "span_start", "INTEGER"), ("items", "span_end", "INTEGER"),
    ("sources", "format", "TEXT"), ("sources", "reader", "TEXT"),
    ("units", "qualified", "TEXT"), ("units", "owner", "INTEGER"),
    ("units", "registry_id", "INTEGER REFERENCES unit_registry(id)"),
    ("units", "span_start", "INTEGER"), ("units", "span_end", "INTEGER"),
    ("deadlines", "span_start", "INTEGER"), ("deadlines", "span_end", "INTEGER"),
    ("milestones", "span_start", "INTEGER"), ("milestones", "span_end", "INTEGER"),
    ("targets", "span_start", "INTEGER"), ("targets", "span_end", "INTEGER"),
]
_INDEXES = """
CREATE INDEX IF NOT EXISTS items_key ON items(item_key);
CREATE INDEX IF NOT EXISTS units_registry ON units(registry_id);
CREATE INDEX IF NOT EXISTS milestones_due ON milestones(due);
"""


# How long a write waits for another program's lock on the database before it gives up (seconds).
LOCK_TIMEOUT = 10.0


def connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(str(path), timeout=LOCK_TIMEOUT)
    try:
        con.executescript(SCHEMA)
        con.execute("PRAGMA foreign_keys = ON")
        for table, column, kind in _ADDED:
            if column not in {r[1] for r in con.execute(f"PRAGMA table_info({table})")}:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        con.executescript(_INDEXES)
    except BaseException:
        con.close()  # not a database, locked, disk full: the file is not held open
        raise
    return con


def known(con: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """Path → (sha256, govplan version) of every source already in the database."""
    return {p: (s, v) for p, s, v in con.execute("SELECT path, sha256, govplan_version FROM sources")}


def write_document(con: sqlite3.Connection, path: str, doc: dict[str, Any], reg: RegistryPack | None = None) -> None:
    """Replace the rows of ``path`` with those of ``doc`` (a Document as JSON data), atomically;
    ``reg`` folds unit names into the registry (the bundled pack by default)."""
    if reg is None:
        from .rules import bundled_rules

        reg = bundled_rules().registry
    src = doc["source"]
    with con:
        con.execute("DELETE FROM sources WHERE path = ?", (path,))
        cur = con.execute(
            "INSERT INTO sources (path, sha256, govplan_version, encoding, script, size, format, reader) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (path, src["sha256"], doc["govplan_version"], src["encoding"], src["script"], src["size"],
             src.get("format"), src.get("reader")),
        )
        source_id = cur.lastrowid
        for k, plan in enumerate(doc["plans"]):
            cur = con.execute(
                "INSERT INTO plans (source_id, plan_index, title, doc_number, issuer, issued, year, warnings) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (source_id, k, plan["title"], plan["doc_number"], plan["issuer"], plan["issued"], plan["year"],
                 len(plan["warnings"])),
            )
            plan_id = cur.lastrowid
            ctx = _Context(con, reg, f"{path}#{k}", f"{src['sha256'][:16]}:{k}:")
            _items(ctx, plan_id, None, plan["items"])
            ctx.link_same_as()
            _warnings(con, source_id, plan_id, plan["warnings"])
        _warnings(con, source_id, None, doc["warnings"])


def _warnings(con: sqlite3.Connection, source_id: int | None, plan_id: int | None,
              warnings: Iterable[dict[str, Any]]) -> None:
    con.executemany(
        "INSERT INTO warnings (source_id, plan_id, code, message, path, start_line, end_line) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(source_id, plan_id, w["code"], w["message"], " > ".join(w["path"]) if w["path"] else None,
          w["span"]["start_line"] if w["span"] else None, w["span"]["end_line"] if w["span"] else None)
         for w in warnings],
    )


class _Context:
    """What writing one plan's items needs: the registry, the item ids by path, the sequence."""

    def __init__(self, con: sqlite3.Connection, reg: RegistryPack, scope: str, key_head: str) -> None:
        self.con, self.reg, self.scope, self.key_head = con, reg, scope, key_head
        self.seq = 0
        self.by_path: dict[str, int] = {}
        self.keys: dict[str, int] = {}
        self.same_as: list[tuple[int, str]] = []
        self.registry: dict[tuple[str, str], int] = {}

    def key(self, path: list[str]) -> str:
        """The item's stable id, as in the flat outputs (export.item_ids)."""
        key = self.key_head + "/".join(path)
        n = self.keys[key] = self.keys.get(key, 0) + 1
        return key if n == 1 else f"{key}#{n}"

    def registry_id(self, name: str, qualified: str | None) -> int:
        key = key_of(self.reg, name, qualified, self.scope)
        found = self.registry.get(key)
        if found is None:
            self.con.execute("INSERT OR IGNORE INTO unit_registry (canonical, scope) VALUES (?, ?)", key)
            row = self.con.execute("SELECT id FROM unit_registry WHERE canonical = ? AND scope = ?", key).fetchone()
            found = self.registry[key] = int(row[0])
        return found

    def link_same_as(self) -> None:
        self.con.executemany("UPDATE items SET same_as_id = ? WHERE id = ?",
                             [(self.by_path[p], i) for i, p in self.same_as if p in self.by_path])


def _items(ctx: _Context, plan_id: int | None, parent: int | None, items: Iterable[dict[str, Any]]) -> None:
    con = ctx.con
    for it in items:
        ctx.seq += 1
        path = " > ".join(it["path"])
        same_as = " > ".join(it["same_as"]) if it.get("same_as") is not None else None
        span = it["span"]
        cur = con.execute(
            "INSERT INTO items (plan_id, parent_id, seq, path, number, level, kind, title, text, start_line, end_line,"
            " item_key, task, same_as, span_start, span_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (plan_id, parent, ctx.seq, path, it["number"], it["level"], it["kind"], it["title"], it["text"],
             span["start_line"], span["end_line"], ctx.key(it["path"]), int(it["task"]), same_as,
             span["start"], span["end"]),
        )
        item_id = cur.lastrowid
        assert item_id is not None
        ctx.by_path.setdefault(path, item_id)
        if same_as is not None:
            ctx.same_as.append((item_id, same_as))
        owners = set(it["owners"])
        con.executemany(
            "INSERT INTO units (item_id, name, role, raw, qualified, owner, registry_id, span_start, span_end) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(item_id, u["name"], u["role"], u["raw"], u["qualified"],
              int(u["name"] in owners and u["role"] != "cooperating"), ctx.registry_id(u["name"], u["qualified"]),
              u["span"]["start"], u["span"]["end"]) for u in it["units"]])
        d = it["deadline"]
        if d is not None:
            con.execute("INSERT INTO deadlines (item_id, raw, due, precision, ongoing, modifier, span_start, span_end) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (item_id, d["raw"], d["due"], d["precision"], int(d["ongoing"]), d["modifier"],
                         d["span"]["start"], d["span"]["end"]))
        con.executemany("INSERT INTO milestones (item_id, seq, raw, due, precision, span_start, span_end) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(item_id, k, m["raw"], m["due"], m["precision"], m["span"]["start"], m["span"]["end"])
                         for k, m in enumerate(it["milestones"])])
        con.executemany("INSERT INTO targets (item_id, raw, value, unit, comparator, by_year, span_start, span_end) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [(item_id, t["raw"], t["value"], t["unit"], t["comparator"], t.get("by"),
                          t["span"]["start"], t["span"]["end"]) for t in it["targets"]])
        _items(ctx, plan_id, item_id, it["children"])


REGISTRY_QUERY = """
SELECT r.canonical, r.scope,
       (SELECT group_concat(name, '；') FROM
          (SELECT u2.name, COUNT(*) AS n FROM units u2 WHERE u2.registry_id = r.id
           GROUP BY u2.name ORDER BY n DESC, u2.name)) AS spellings,
       COUNT(DISTINCT CASE WHEN u.owner = 1 THEN i.id END) AS owner_tasks,
       COUNT(DISTINCT CASE WHEN u.role = 'lead' THEN i.id END) AS lead_tasks,
       COUNT(DISTINCT CASE WHEN u.role = 'responsible' THEN i.id END) AS responsible_tasks,
       COUNT(DISTINCT CASE WHEN u.role = 'cooperating' THEN i.id END) AS cooperating_tasks,
       COUNT(u.id) AS mentions
FROM unit_registry r
JOIN units u ON u.registry_id = r.id
LEFT JOIN items i ON i.id = u.item_id AND i.task = 1 AND i.same_as IS NULL
GROUP BY r.id
ORDER BY owner_tasks DESC, r.canonical, r.scope
"""


def registry_rows(con: sqlite3.Connection) -> list[dict[str, Any]]:
    """The unit registry: each canonical unit with its spellings and task counts (registry.REGISTRY_COLUMNS)."""
    cur = con.execute(REGISTRY_QUERY)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur]
