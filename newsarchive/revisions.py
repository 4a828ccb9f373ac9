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


@dataclass(frozen=True)
class Edit:
    #: When the refetch that found the edit was made.
    fetched_at: str
    fields: list[FieldEdit]


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
    revisions (as ``queries.show`` gives them: oldest first)."""
    after = dict(story)
    result = []
    for revision in reversed(story.get("revisions") or []):
        fields = []
        for field in revision["changed"]:
            before = revision["previous"].get(field)
            fields.append(FieldEdit(field, word_diff(as_text(before), as_text(after.get(field)))))
            after[field] = before
        result.append(Edit(revision["fetched_at"], fields))
    return result


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
