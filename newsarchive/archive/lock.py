"""Who may write an archive: one crawl per site, and whole-archive commands
alone.

Locks are ``flock``s, which the operating system drops when the process
ends, however it ends (SIGKILL included), so a killed run never blocks the
next one:

- a crawl of a site holds ``<archive>.lock`` shared and
  ``<archive>.site-<site>.lock`` exclusively: crawls of different sites
  write the same archive at the same time (their batches take turns, each
  in its own ``BEGIN IMMEDIATE`` transaction), a second crawl of the same
  site is refused at once;
- a command that writes across sites (``reparse``, a crawl of no known
  site) holds ``<archive>.lock`` exclusively: it waits for no one and no
  crawl starts beside it.

The file a holder locks exclusively records who it is, for the message the
refused one prints.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class ArchiveBusy(RuntimeError):
    pass


def site_lock_path(archive_path: str | Path, site: str) -> Path:
    """The site's lock file beside the archive; a site key that is not a
    plain file name (a host with a port, an odd profile name) is made one."""
    safe = _UNSAFE.sub("_", site)[:80]
    if safe != site or safe.startswith("."):
        safe = f"{safe.lstrip('.')}-{hashlib.sha256(site.encode()).hexdigest()[:8]}"
    return Path(f"{archive_path}.site-{safe}.lock")


class ArchiveLock:
    def __init__(self, archive_path: str | Path, site: str | None = None):
        self.archive = str(archive_path)
        self.path = Path(f"{archive_path}.lock")
        self.site = site
        self._fds: list[int] = []

    def acquire(self) -> ArchiveLock:
        if self.site is None:
            self._take(self.path, fcntl.LOCK_EX, "another crawl or command is writing {archive}")
            return self
        self._take(self.path, fcntl.LOCK_SH, "a command is writing the whole of {archive}")
        try:
            self._take(site_lock_path(self.archive, self.site), fcntl.LOCK_EX,
                       f"another crawl of {self.site} is writing {{archive}}")
        except ArchiveBusy:
            self.release()
            raise
        return self

    def _take(self, path: Path, mode: int, busy: str) -> None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self._read_holder(fd)
            os.close(fd)
            raise ArchiveBusy(
                busy.format(archive=self.archive)
                + f" (pid {holder.get('pid', '?')}, since {holder.get('since', '?')}); this one exits without touching it"
            ) from None
        if mode == fcntl.LOCK_EX:
            os.ftruncate(fd, 0)
            since = datetime.now(timezone.utc).isoformat(timespec="seconds")
            os.write(fd, json.dumps({"pid": os.getpid(), "since": since}).encode())
        self._fds.append(fd)

    @staticmethod
    def _read_holder(fd: int) -> dict:
        try:
            return json.loads(os.pread(fd, 4096, 0) or b"{}")
        except (OSError, ValueError):
            return {}

    def release(self) -> None:
        while self._fds:
            fd = self._fds.pop()
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
