"""Writers of different sites that open the same new archive at the same
moment all get it, its schema made once (real processes)."""

from __future__ import annotations

import multiprocessing
import sqlite3

from newsarchive.archive import Archive

WRITERS = 16


def _open(path: str, site: str, barrier, errors) -> None:
    barrier.wait()
    try:
        Archive(path, lock=True, site=site).close()
    except Exception as exc:  # reported to the test, which fails with it
        errors.put(f"{site}: {type(exc).__name__}: {exc}")


def test_writers_of_several_sites_create_one_new_archive_at_once(tmp_path):
    for attempt in range(10):
        path = str(tmp_path / f"archive-{attempt}.db")
        context = multiprocessing.get_context("fork")
        barrier, errors = context.Barrier(WRITERS), context.Queue()
        writers = [context.Process(target=_open, args=(path, f"site{i}", barrier, errors)) for i in range(WRITERS)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(60)
        failures = [errors.get() for _ in range(errors.qsize())] if not errors.empty() else []
        assert not failures and [w.exitcode for w in writers] == [0] * WRITERS, failures
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'articles'").fetchone() == (1,)
        conn.close()
