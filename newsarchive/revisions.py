"""What changed between a story's versions, word by word.

The archive keeps, for each refetch that found an edit, the previous values
of the fields that changed (``revisions``). Walking them from the newest
back, each field's value after an edit is the story's current value or the
value the next newer revision replaced; the edit is then a word-level diff
of the two. ``newsarchive show CODE --diff`` prints these diffs, and the
story page of ``newsarchive serve`` shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

SAME, REMOVED, ADDED = "same", "removed", "added"
#: Words with the spaces after them: a diff rebuilds the text, and a changed
#: passage is one run, not words interleaved with the spaces they share.
_TOKENS = re.compile(r"^\s+|\S+\s*")


@dataclass(frozen=True)
class FieldEdit:
    field: str
    #: (kind, text) runs: unchanged, removed or added text, in order.
    runs: list[tuple[str, str]]


#: How each source is named to a reader.
_SOURCE_NAMES = {"crawl": "crawl", "warc-import": "imported WARC file", "wayback": "Wayback Machine capture",
                 "commoncrawl": "Common Crawl record"}


@dataclass(frozen=True)
class Origin:
    """Where a version of a story came from."""

    #: A ``CaptureSource`` value (None: not recorded, an older archive's).
    source: str | None
    #: The WARC file or the web archive's capture address, and the record's offset.
    capture_file: str | None = None
    capture_offset: int | None = None

    @classmethod
    def of(cls, values: dict[str, Any] | None) -> Origin:
        values = values or {}
        return cls(values.get("source"), values.get("capture_file"), values.get("capture_offset"))

    def describe(self) -> str:
        """``Wayback Machine capture https://web.archive.org/…``, ``crawl (crawl-1.warc.gz @ 0)``."""
        name = _SOURCE_NAMES.get(self.source or "crawl", self.source or "crawl")
        if not self.capture_file:
            return name
        if self.capture_offset is None:
            return f"{name} {self.capture_file}"
        return f"{name} {self.capture_file} @ {self.capture_offset}"


@dataclass(frozen=True)
class Edit:
    #: When the copy that read differently was made (a refetch, an archived capture).
    fetched_at: str
    fields: list[FieldEdit]
    #: Where that copy came from.
    origin: Origin = Origin(None)


@dataclass(frozen=True)
class Version:
    """A version of a story: when it was first seen, and where."""

    seen: str | None
    origin: Origin


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The runs that turn ``before`` into ``after``, word by word."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    runs: list[tuple[str, str]] = []

    def add(kind: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1] + text)
        else:
            runs.append((kind, text))

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            add(SAME, old[i1:i2])
        else:
            removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
            # A replaced passage keeps the space after it outside the change.
            space = removed[len(removed.rstrip()):]
            shared = bool(removed and added and space and added.endswith(space))
            if shared:
                removed, added = removed[: -len(space)], added[: -len(space)]
            add(REMOVED, [removed])
            add(ADDED, [added])
            if shared:
                add(SAME, [space])
    return runs


def edits(story: dict[str, Any]) -> list[Edit]:
    """The story's edits, newest first, from its current values and its
    revisions (as ``queries.show`` gives them: oldest first), each with
    where the copy that showed it came from."""
    after = dict(story)
    origin = Origin.of(story)
    result = []
    for revision in reversed(story.get("revisions") or []):
        fields = []
        for field in revision["changed"]:
            before = revision["previous"].get(field)
            fields.append(FieldEdit(field, word_diff(as_text(before), as_text(after.get(field)))))
            after[field] = before
        result.append(Edit(revision["fetched_at"], fields, origin))
        origin = Origin.of(revision.get("previous_provenance"))
    return result


def versions(story: dict[str, Any]) -> list[Version]:
    """The story's versions, oldest first: when each was first seen and
    where it came from, across sources (crawls, imported files, web
    archives)."""
    revisions = story.get("revisions") or []
    seen = [story.get("first_seen"), *(revision["fetched_at"] for revision in revisions)]
    origins = [*(Origin.of(revision.get("previous_provenance")) for revision in revisions), Origin.of(story)]
    return [Version(when, origin) for when, origin in zip(seen, origins)]


def spaced(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Runs to show side by side: a removed run right before an added one
    (a replaced word) gets a space between them, as a reader expects
    (``said`` struck, then ``was later corrected``, not "saidwas")."""
    shown: list[tuple[str, str]] = []
    for kind, text in runs:
        if (shown and shown[-1][0] == REMOVED and kind == ADDED
                and not shown[-1][1][-1:].isspace() and not text[:1].isspace()):
            shown.append((SAME, " "))
        shown.append((kind, text))
    return shown


def plain(runs: list[tuple[str, str]], context_paragraphs: bool = True) -> str:
    """A diff as text, ``[-removed-]{+added+}``; with ``context_paragraphs``
    only the paragraphs (blank-line separated) that changed, ``…`` between."""
    marked = "".join(
        text if kind == SAME else f"[-{text}-]" if kind == REMOVED else f"{{+{text}+}}" for kind, text in runs
    )
    if not context_paragraphs:
        return marked
    paragraphs = marked.split("\n\n")
    changed = [p for p in paragraphs if any(mark in p for mark in ("[-", "-]", "{+", "+}"))]
    return "\n…\n".join(changed) if len(changed) < len(paragraphs) else marked
