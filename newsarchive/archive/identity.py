"""Whose file is it? An archive says so in its SQLite header.

A newsarchive archive carries SQLite's ``application_id`` (``NwsA``) and
its schema version in ``user_version``. Before anything writes to a file,
:func:`check_archive_file` reads it read-only: a new path, an empty file, an
archive of ours (or one made before archives stamped themselves: our tables
and nothing else) may be written; any other SQLite file, or a file that is
not SQLite at all, is refused with the reason, untouched; so is a path
that is no file (a directory, a device), has no folder, or cannot be written.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from pathlib import Path

#: "NwsA" in the SQLite header's application id field.
APPLICATION_ID = int.from_bytes(b"NwsA", "big")
#: Tables of an archive (anything else is someone else's); the first schema had the first two.
OUR_TABLES = frozenset({"articles", "aliases", "revisions", "dropped", "runs", "story_counts"})
FIRST_TABLES = frozenset({"articles", "aliases"})
SQLITE_HEADER = b"SQLite format 3\x00"


class NotAnArchive(Exception):
    """The file is not one newsarchive may write."""


#: Archives this process has open for writing, by file identity. SQLite's
#: locks are POSIX locks, which belong to the process: closing *any*
#: descriptor of the file (reading its header with ``open``) drops those of
#: this process's connections, and another process could then reset the
#: write-ahead log under them. So a file open here is not read that way.
_OPEN_HERE: Counter = Counter()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def opened_here(path: str | Path, opened: bool = True) -> None:
    """Record that this process opened (or closed) an archive writer on ``path``."""
    key = _identity(Path(path))
    if key is None:
        return
    _OPEN_HERE[key] += 1 if opened else -1
    if _OPEN_HERE[key] <= 0:
        del _OPEN_HERE[key]


def open_here(path: str | Path) -> bool:
    """This process has a writer open on the file (see ``_OPEN_HERE``)."""
    key = _identity(Path(path))
    return key is not None and key in _OPEN_HERE


def _is_ours(name: str) -> bool:
    return name in OUR_TABLES or name.startswith("articles_fts") or name.startswith("sqlite_")


def file_header(path: Path) -> bytes:
    """The first bytes of the file, as many as an SQLite header has (raises
    ``OSError``). Never for a file this process writes: see ``_OPEN_HERE``."""
    with open(path, "rb") as stream:
        return stream.read(len(SQLITE_HEADER))


def check_archive_file(path: str | Path) -> bool:
    """Raise :class:`NotAnArchive` unless ``path`` may become or is an
    archive that can be written; return whether it is a new one (no file,
    or an empty one)."""
    path = Path(path)
    if open_here(path):
        return False  # ours, being written by this process: reading it here would drop its locks
    if path.is_dir():
        raise NotAnArchive(f"{path} is a directory, not an archive file")
    if not path.exists():
        if path.is_symlink():
            raise NotAnArchive(f"{path} is a link to nothing ({os.readlink(path)}), not an archive file")
        if not path.parent.exists():
            raise NotAnArchive(f"{path}: the folder {path.parent} does not exist")
        if not path.parent.is_dir():
            raise NotAnArchive(f"{path}: {path.parent} is not a directory")
        check_writable(path)
        return True
    if not path.is_file():
        raise NotAnArchive(f"{path} is not a regular file (a device, a pipe or a socket), not an archive file")
    # Before SQLite opens it: even read-only, it adds -wal and -shm files beside an archive.
    check_writable(path)
    try:
        header = file_header(path)
    except OSError as exc:
        raise NotAnArchive(f"{path} cannot be read ({exc.strerror})") from None
    if not header:
        return True
    if header != SQLITE_HEADER:
        raise NotAnArchive(f"{path} is not an SQLite file, so not a newsarchive archive: not touched")
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        try:
            # One snapshot for both reads: a writer making this archive may
            # commit between two, and its tables without its stamp look foreign.
            conn.execute("BEGIN")
            application_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            keys = {row[1] for row in conn.execute("PRAGMA table_info(articles)")} if "articles" in tables else set()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise NotAnArchive(f"{path} cannot be read as SQLite ({exc}): not touched") from None
    if application_id == APPLICATION_ID:
        return False
    foreign = sorted(name for name in tables if not _is_ours(name))
    if application_id != 0:
        raise NotAnArchive(
            f"{path} belongs to another program (SQLite application id {application_id:#x}), not newsarchive: not touched"
        )
    # Made before archives stamped themselves: our tables, keyed our way, and nothing else.
    if foreign or (tables and not (FIRST_TABLES <= tables and {"site", "story_code"} <= keys)):
        shown = ", ".join((foreign or sorted(tables))[:5])
        raise NotAnArchive(f"{path} is another program's SQLite database (tables: {shown}): not touched")
    return not tables


def check_writable(path: str | Path) -> None:
    """Raise :class:`NotAnArchive` unless the file at ``path`` (a regular
    file or none) and the files SQLite and the locks keep beside it can be
    written: refused before any of them is created."""
    path = Path(path)
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise NotAnArchive(f"{path}: the folder {folder} cannot be written (the archive keeps its journal "
                           "and lock files beside it)")
    # An immutable file (chattr +i) fails this even for root; a read-only one for its owner.
    if path.exists() and not os.access(path, os.W_OK):
        raise NotAnArchive(f"{path} cannot be written (read-only or immutable): not touched")
