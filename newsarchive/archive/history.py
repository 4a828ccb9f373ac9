"""A story's versions in the order they were seen, whatever the order in
which their captures arrive.

The archive keeps a story's newest version in ``articles`` and, for each
change, the values it replaced in ``revisions`` (with where the replaced
version came from). A capture is an observation: the story read so at that
time. A crawl observes today; a web archive (CC-NEWS, the Wayback Machine)
observes the past, and its captures may arrive after today's crawl. So an
observation is placed by its time among the versions already known: one
older than all of them becomes the first version (or moves the first
sighting back, when it reads the same), one between two versions that
reads differently becomes a version between them, and one that reads like
the version it falls in adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsarchive.archive.schema import ARTICLE_COLUMNS, REVISION_FIELDS, decode_column
from newsarchive.items import Outcome

#: Where a version came from: what the item says of its capture.
PROVENANCE = ("source", "capture_file", "capture_offset")


@dataclass
class Version:
    #: When this version was first seen (its capture's time).
    seen: str
    #: The item's values (``ARTICLE_COLUMNS``), its provenance included.
    fields: dict[str, Any] = field(default_factory=dict)

    def reads_like(self, other: Version) -> bool:
        return not changed_fields(self.fields, other.fields)

    def seen_earlier(self, copy: Version) -> None:
        """The same version, in an older copy: first seen then, from there."""
        self.seen = copy.seen
        self.fields.update({name: copy.fields.get(name) for name in PROVENANCE})
        self.fields["fetched_at"] = copy.seen


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The tracked fields (``REVISION_FIELDS``) whose values differ."""
    return [f for f in REVISION_FIELDS if decode_column(f, before.get(f)) != decode_column(f, after.get(f))]


def versions(story: dict[str, Any], revisions: list[dict[str, Any]]) -> list[Version]:
    """A stored story's versions, oldest first: its current values, and
    before them, for each revision (oldest first, as stored), the values it
    replaced, from where they came."""
    fields = {column: decode_column(column, story.get(column)) for column in ARTICLE_COLUMNS}
    found = [Version(story.get("fetched_at") or story.get("first_seen") or "", dict(fields))]
    for newer, older in zip(reversed(revisions), [*reversed(revisions[:-1]), None]):
        fields.update(newer["previous"])
        for name in PROVENANCE:
            fields[name] = (newer.get("previous_provenance") or {}).get(name)
        found.append(Version((older["fetched_at"] if older else story.get("first_seen")) or "", dict(fields)))
    found.reverse()
    return found


@dataclass
class History:
    """A story's versions, oldest first, and when its newest was last seen."""

    versions: list[Version]
    last_seen: str

    @property
    def first_seen(self) -> str:
        return self.versions[0].seen

    @property
    def current(self) -> Version:
        return self.versions[-1]

    def observe(self, fields: dict[str, Any], seen: str) -> Outcome:
        """Place an observation by its time; return :attr:`Outcome.UPDATED`
        when it adds a version, else :attr:`Outcome.UNCHANGED`. A version
        seen earlier than known takes the earlier copy as where it came
        from; one seen later than all is the story as it now reads."""
        seen_version = Version(seen, dict(fields))
        if seen >= self.last_seen:
            self.last_seen = seen
            if self.current.reads_like(seen_version):
                self.current.fields["url"] = fields.get("url")  # the story moved (a slug edit): its row follows
                return Outcome.UNCHANGED
            self.versions.append(seen_version)
            return Outcome.UPDATED
        # The version the observation falls in: the last one seen before it.
        at = max((i for i, v in enumerate(self.versions) if v.seen <= seen), default=None)
        if at is None:
            first = self.versions[0]
            if first.reads_like(seen_version):
                first.seen_earlier(seen_version)
                return Outcome.UNCHANGED
            self.versions.insert(0, seen_version)
            return Outcome.UPDATED
        if self.versions[at].reads_like(seen_version):
            return Outcome.UNCHANGED
        after = self.versions[at + 1] if at + 1 < len(self.versions) else None
        if after is not None and after.reads_like(seen_version):
            after.seen_earlier(seen_version)
            return Outcome.UNCHANGED
        self.versions.insert(at + 1, seen_version)
        if after is None:
            # The newest version, seen again after this one: it came back.
            back = Version(self.last_seen, dict(self.versions[at].fields))
            self.versions.append(back)
        return Outcome.UPDATED

    def revisions(self) -> list[dict[str, Any]]:
        """The ``revisions`` rows of the history, oldest first: each change,
        when it was seen, what it replaced and where that came from."""
        rows = []
        for before, after in zip(self.versions, self.versions[1:]):
            changed = changed_fields(before.fields, after.fields)
            rows.append({
                "fetched_at": after.seen,
                "changed": changed,
                "previous": {f: before.fields.get(f) for f in changed},
                "previous_provenance": {name: before.fields.get(name) for name in PROVENANCE},
            })
        return rows
