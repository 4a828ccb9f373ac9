"""A story's versions in the order they were seen, whatever the order in
which their copies arrive.

The archive keeps a story's newest version in ``articles`` and, for each
change, the values it replaced in ``revisions`` (with where the replaced
version came from and when it was last seen). A copy is an observation:
the story read so at that time. A crawl observes today; a web archive
(CC-NEWS, the Wayback Machine) observes the past, and its copies may arrive
after today's crawl. So an observation is placed by its time among the
versions already known, each known from its first to its last sighting:

- within a version's sightings, a copy that reads the same adds nothing,
  and one that reads differently is an edit that was undone: it becomes a
  version, followed by the first again from its last sighting;
- between two versions, a copy that reads like the one before it extends
  that one's sightings, one that reads like the one after moves that one's
  first sighting back, and any other becomes a version between them;
- before every version or after every sighting, the same at either end.
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
    #: When this version was first and last seen (captures' times).
    seen: str
    last_seen: str
    #: The item's values (``ARTICLE_COLUMNS``), its provenance included.
    fields: dict[str, Any] = field(default_factory=dict)

    def reads_like(self, fields: dict[str, Any]) -> bool:
        return not changed_fields(self.fields, fields)

    def seen_earlier(self, seen: str, fields: dict[str, Any]) -> None:
        """The same version, in an older copy: first seen then, from there."""
        self.seen = seen
        self.fields.update({name: fields.get(name) for name in PROVENANCE})
        self.fields["fetched_at"] = seen


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The tracked fields (``REVISION_FIELDS``) whose values differ."""
    return [f for f in REVISION_FIELDS if decode_column(f, before.get(f)) != decode_column(f, after.get(f))]


def versions(story: dict[str, Any], revisions: list[dict[str, Any]]) -> list[Version]:
    """A story's versions, oldest first: its current values, and before
    them, for each revision (oldest first, as stored), the values it
    replaced, from where they came and until when they were seen. A version
    is dated by the revision that ended the one before it (the first by the
    story's first sighting): the row's ``fetched_at`` may have moved with a
    slug edit."""
    fields = {column: decode_column(column, story.get(column)) for column in ARTICLE_COLUMNS}
    starts = [story.get("first_seen") or story.get("fetched_at") or "",
              *(revision["fetched_at"] for revision in revisions)]
    found = [Version(starts[-1], story.get("last_seen") or starts[-1], dict(fields))]
    for index in range(len(revisions) - 1, -1, -1):
        revision = revisions[index]
        provenance = revision.get("previous_provenance") or {}
        fields.update(revision["previous"])
        for name in PROVENANCE:
            fields[name] = provenance.get(name)
        seen = starts[index]
        found.append(Version(seen, provenance.get("last_seen") or seen, dict(fields)))
    found.reverse()
    return found


@dataclass
class History:
    """A story's versions, oldest first."""

    versions: list[Version]
    #: An observation of this batch moved the story's last sighting.
    seen_again: bool = False

    @property
    def first_seen(self) -> str:
        return self.versions[0].seen

    @property
    def last_seen(self) -> str:
        return self.current.last_seen

    @property
    def current(self) -> Version:
        return self.versions[-1]

    def observe(self, fields: dict[str, Any], seen: str) -> Outcome:
        """Place an observation by its time (see the module's docstring);
        return :attr:`Outcome.UPDATED` when it adds a version, else
        :attr:`Outcome.UNCHANGED`."""
        if seen >= self.last_seen:
            self.seen_again = True
        at = max((i for i, v in enumerate(self.versions) if v.seen <= seen), default=None)
        if at is None:
            first = self.versions[0]
            if first.reads_like(fields):
                first.seen_earlier(seen, fields)
                return Outcome.UNCHANGED
            self.versions.insert(0, Version(seen, seen, dict(fields)))
            return Outcome.UPDATED
        version = self.versions[at]
        if version.reads_like(fields):
            version.last_seen = max(version.last_seen, seen)
            if at == len(self.versions) - 1:
                version.fields["url"] = fields.get("url")  # the story moved (a slug edit): its row follows
            return Outcome.UNCHANGED
        if seen < version.last_seen:
            # Seen after this copy too: an edit that was undone.
            back = Version(version.last_seen, version.last_seen, dict(version.fields))
            version.last_seen = version.seen
            self.versions[at + 1:at + 1] = [Version(seen, seen, dict(fields)), back]
            return Outcome.UPDATED
        after = self.versions[at + 1] if at + 1 < len(self.versions) else None
        if after is not None and after.reads_like(fields):
            after.seen_earlier(seen, fields)
            return Outcome.UNCHANGED
        self.versions.insert(at + 1, Version(seen, seen, dict(fields)))
        return Outcome.UPDATED

    def revisions(self) -> list[dict[str, Any]]:
        """The ``revisions`` rows of the history, oldest first: each change,
        when it was seen, what it replaced, where that came from and until
        when it was seen."""
        rows = []
        for before, after in zip(self.versions, self.versions[1:]):
            changed = changed_fields(before.fields, after.fields)
            rows.append({
                "fetched_at": after.seen,
                "changed": changed,
                "previous": {f: before.fields.get(f) for f in changed},
                "previous_provenance": {**{name: before.fields.get(name) for name in PROVENANCE},
                                        "last_seen": before.last_seen},
            })
        return rows
