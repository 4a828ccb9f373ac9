"""When a work this worker took is done (in this process; the shared crawl
then takes it out of flight).

A work is done once all that came of it is safe elsewhere, so that a
worker killed later need not have it redone:

* a story (or any page whose result is stored under its URL) once that
  result is committed to the worker's archive: the store pipeline's
  ``archive_committed`` names its URL;
* any other page (a listing, a feed) once its callback has returned and
  every output has gone through: each request it asked for is queued in
  Redis (or refused there), each item has left the pipelines, and, if an
  item was staged, the archive has committed since. Its outputs are
  counted one by one (:meth:`TakenWork.output`, :meth:`TakenWork.passed`),
  since Scrapy hands a callback's outputs on in parallel: the callback's
  return alone says nothing of them.
"""

from __future__ import annotations

from collections import Counter


class TakenWork:
    def __init__(self):
        self.clear()

    def clear(self) -> None:
        """Nothing is in flight (all was done, or handed back)."""
        #: in flight: ack key -> work ids
        self.by_key: dict[str, set[str]] = {}
        #: every work in flight
        self.taken: set[str] = set()
        #: works whose response reached the spider
        self.responded: set[str] = set()
        #: outputs of a work (requests, items) not yet through
        self.outputs: Counter = Counter()
        #: works whose callback returned
        self.returned: set[str] = set()
        #: work -> how many commits there had been when its last item was staged
        self.staged_at: dict[str, int] = {}
        self.commits = 0
        #: works done, not yet taken out of flight
        self.ready: set[str] = set()

    def take(self, ack_key: str, work: str) -> None:
        self.by_key.setdefault(ack_key, set()).add(work)
        self.taken.add(work)

    def received(self, work: str) -> None:
        """Its response reached the spider."""
        if work in self.taken:
            self.responded.add(work)

    def output(self, work: str) -> None:
        """The work's callback asked for a request or yielded an item."""
        if work in self.taken:
            self.outputs[work] += 1

    def passed(self, work: str, staged: bool = False) -> None:
        """One of its outputs went through: a request queued, an item out of
        the pipelines (``staged``: into the archive's batch)."""
        if self.outputs.get(work, 0) <= 0:
            return  # not counted: an errback's output (not seen by the spider middlewares)
        self.outputs[work] -= 1
        if staged:
            self.staged_at[work] = self.commits
        self._settle(work)

    def callback_returned(self, work: str) -> None:
        if work in self.taken:
            self.returned.add(work)
            self._settle(work)

    def _settle(self, work: str) -> None:
        if work in self.returned and not self.outputs.get(work) and self.staged_at.get(work, -1) < self.commits:
            self.ready.add(work)

    def committed(self, ack_keys) -> None:
        """A batch was committed, with the results stored under these keys."""
        self.commits += 1
        for key in ack_keys:
            for work in self.by_key.pop(key, set()):
                if work in self.returned or self.outputs.get(work):
                    # Its callback ran here: done once that has returned and
                    # all else it yielded is through too, its result counting as committed.
                    self.staged_at[work] = self.commits - 1
                else:  # an errback's result (a drop): nothing else came of it
                    self.ready.add(work)
        for work in list(self.staged_at):
            self._settle(work)

    def take_ready(self) -> set[str]:
        """The works done since last asked, forgotten here."""
        done, self.ready = self.ready & self.taken, set()
        self.forget(done)
        return done

    def take_received(self) -> set[str]:
        """After the pipelines closed, on an early stop: every work whose
        response reached the spider (its results are committed)."""
        done = self.responded & self.taken
        self.forget(done)
        return done

    def forget(self, works: set[str]) -> None:
        for work in works:
            self.taken.discard(work)
            self.responded.discard(work)
            self.outputs.pop(work, None)
            self.returned.discard(work)
            self.staged_at.pop(work, None)
            self.ready.discard(work)
        for key in list(self.by_key):
            self.by_key[key] -= works
            if not self.by_key[key]:
                del self.by_key[key]
