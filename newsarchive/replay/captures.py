"""A folder of WARC captures as a replay source, looked up like saved pages."""

from __future__ import annotations

from pathlib import Path

from newsarchive.capture.reader import Capture, iter_captures, warc_files
from newsarchive.replay.pages import MANIFEST, ManifestError, SavedPage, SavedSite, page_key


class CapturedPage(SavedPage):
    def __init__(self, capture: Capture):
        super().__init__(url=capture.url, status=capture.status)
        self.capture = capture
        self._loaded: tuple[list, bytes] | None = None

    def _load(self) -> tuple[list, bytes]:
        if self._loaded is None:
            self._loaded = self.capture.read()
        return self._loaded

    def body(self) -> bytes:
        return self._load()[1]

    def response_headers(self) -> dict[str, str]:
        return dict(self._load()[0])


class CapturedSite:
    """The newest capture of each URL (by path and query, whatever the
    host) in a folder of WARC files."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder).resolve()
        self.stats: dict = {}
        newest: dict[str, Capture] = {}
        for capture in iter_captures(self.folder, self.stats):
            key = page_key(capture.url)
            if key not in newest or capture.date >= newest[key].date:
                newest[key] = capture
        self.pages = {key: CapturedPage(capture) for key, capture in newest.items()}

    def lookup(self, url: str) -> CapturedPage | None:
        return self.pages.get(page_key(url))

    def __iter__(self):
        return iter(self.pages.values())


def open_replay_source(folder: str | Path):
    """Saved pages (a folder with ``pages.json``) or WARC captures."""
    folder = Path(folder)
    _check_folder(folder)
    if (folder / MANIFEST).is_file():
        return SavedSite(folder)
    return CapturedSite(folder)


def check_replay_source(folder: str | Path) -> None:
    """Raise ``ManifestError`` for a folder that cannot be replayed (missing,
    not a folder, with neither pages nor captures, a manifest that does not
    read). Read-only, so that a crawl can refuse it before writing anything."""
    folder = Path(folder)
    _check_folder(folder)
    if (folder / MANIFEST).is_file():
        SavedSite(folder)  # a manifest is small: reading it is the check


def _check_folder(folder: Path) -> None:
    if not folder.exists():
        raise ManifestError(f"the replay folder {folder} is missing")
    if not folder.is_dir():
        raise ManifestError(f"the replay folder {folder} is a file, not a folder of saved pages or WARC files")
    if not (folder / MANIFEST).is_file() and not warc_files(folder):
        raise ManifestError(f"the replay folder {folder} holds neither a {MANIFEST} nor WARC files to replay")
