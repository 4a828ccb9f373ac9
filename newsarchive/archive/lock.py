"""One crawl writes an archive at a time.

The lock is an ``flock`` on ``<archive>.lock``: the operating system drops
it when the process ends, however it ends (SIGKILL included), so a killed
run never blocks the next one. The file records who holds it, for the
message the next crawl prints.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime, timezone
from pathlib import Path


class ArchiveBusy(RuntimeError):
    pass


class ArchiveLock:
    def __init__(self, archive_path: str | Path):
        self.path = Path(f"{archive_path}.lock")
        self._fd: int | None = None

    def acquire(self) -> ArchiveLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self._read_holder(fd)
            os.close(fd)
            raise ArchiveBusy(
                f"another crawl is writing {str(self.path)[: -len('.lock')]} "
                f"(pid {holder.get('pid', '?')}, since {holder.get('since', '?')}); "
                "this one exits without touching it"
            ) from None
        os.ftruncate(fd, 0)
        since = datetime.now(timezone.utc).isoformat(timespec="seconds")
        os.write(fd, json.dumps({"pid": os.getpid(), "since": since}).encode())
        self._fd = fd
        return self

    @staticmethod
    def _read_holder(fd: int) -> dict:
        try:
            return json.loads(os.pread(fd, 4096, 0) or b"{}")
        except (OSError, ValueError):
            return {}

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
