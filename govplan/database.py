"""SQLite output: tables sources → plans → items → units / deadlines (→ milestones) / targets, and
warnings.

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
    end_line INTEGER
);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('lead', 'responsible', 'cooperating')),
    raw TEXT
);
CREATE TABLE IF NOT EXISTS deadlines (
    item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    raw TEXT,
    due TEXT,
    precision TEXT,
    ongoing INTEGER NOT NULL,
    modifier TEXT
);
CREATE TABLE IF NOT EXISTS milestones (
    item_id INTEGER NOT NULL REFERENCES deadlines(item_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    raw TEXT,
    due TEXT NOT NULL,
    precision TEXT,
    PRIMARY KEY (item_id, seq)
);
CREATE TABLE IF NOT EXISTS targets (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    raw TEXT,
    value REAL,
    unit TEXT,
    comparator TEXT,
    by_year INTEGER
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


def connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(str(path))
    con.executescript(SCHEMA)
    con.execute("PRAGMA foreign_keys = ON")
    # a database written before targets had a horizon (target.by, named by_year: BY is SQL)
    if "by_year" not in {r[1] for r in con.execute("PRAGMA table_info(targets)")}:
        con.execute("ALTER TABLE targets ADD COLUMN by_year INTEGER")
    return con


def known(con: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """Path → (sha256, govplan version) of every source already in the database."""
    return {p: (s, v) for p, s, v in con.execute("SELECT path, sha256, govplan_version FROM sources")}


def write_document(con: sqlite3.Connection, path: str, doc: dict[str, Any]) -> None:
    """Replace the rows of ``path`` with those of ``doc`` (a Document as JSON data), atomically."""
    src = doc["source"]
    with con:
        con.execute("DELETE FROM sources WHERE path = ?", (path,))
        cur = con.execute(
            "INSERT INTO sources (path, sha256, govplan_version, encoding, script, size) VALUES (?, ?, ?, ?, ?, ?)",
            (path, src["sha256"], doc["govplan_version"], src["encoding"], src["script"], src["size"]),
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
            _items(con, plan_id, None, plan["items"], [0])
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


def _items(con: sqlite3.Connection, plan_id: int | None, parent: int | None, items: Iterable[dict[str, Any]],
           seq: list[int]) -> None:
    for it in items:
        seq[0] += 1
        cur = con.execute(
            "INSERT INTO items (plan_id, parent_id, seq, path, number, level, kind, title, text, start_line, end_line)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (plan_id, parent, seq[0], " > ".join(it["path"]), it["number"], it["level"], it["kind"], it["title"],
             it["text"], it["span"]["start_line"], it["span"]["end_line"]),
        )
        item_id = cur.lastrowid
        con.executemany("INSERT INTO units (item_id, name, role, raw) VALUES (?, ?, ?, ?)",
                        [(item_id, u["name"], u["role"], u["raw"]) for u in it["units"]])
        d = it["deadline"]
        if d is not None:
            con.execute("INSERT INTO deadlines (item_id, raw, due, precision, ongoing, modifier) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (item_id, d["raw"], d["due"], d["precision"], int(d["ongoing"]), d["modifier"]))
            con.executemany("INSERT INTO milestones (item_id, seq, raw, due, precision) VALUES (?, ?, ?, ?, ?)",
                            [(item_id, k, m["raw"], m["due"], m["precision"])
                             for k, m in enumerate(d.get("milestones") or [])])
        con.executemany("INSERT INTO targets (item_id, raw, value, unit, comparator, by_year) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [(item_id, t["raw"], t["value"], t["unit"], t["comparator"], t.get("by"))
                         for t in it["targets"]])
        _items(con, plan_id, item_id, it["children"], seq)
