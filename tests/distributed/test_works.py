"""When a work a worker took is done: a story once its result is committed,
a listing once all it asked for is queued and all it yielded committed."""

from __future__ import annotations

from newsarchive.distributed.works import TakenWork


def test_a_story_is_done_once_the_batch_with_its_url_is_committed():
    works = TakenWork()
    works.take("https://e/1", "story-1")
    works.committed(["https://e/2"])
    assert works.take_ready() == set()
    works.committed(["https://e/1"])
    assert works.take_ready() == {"story-1"} and works.take_ready() == set()


def test_a_listing_is_done_once_its_callback_returned_and_every_output_went_through():
    works = TakenWork()
    works.take("https://e/list", "listing")
    works.output("listing")  # a request for the next page
    works.output("listing")  # an alias item
    works.callback_returned("listing")
    assert works.take_ready() == set()  # Scrapy hands outputs on after the callback returns
    works.passed("listing")  # the next page is queued in Redis
    assert works.take_ready() == set()
    works.passed("listing", staged=True)  # the alias is staged, not yet committed
    assert works.take_ready() == set()
    works.committed([])
    assert works.take_ready() == {"listing"}


def test_a_listing_that_asked_only_for_queued_stories_is_done_when_its_callback_returns():
    works = TakenWork()
    works.take("https://e/list", "listing")
    works.callback_returned("listing")
    assert works.take_ready() == {"listing"}


def test_outputs_of_a_work_not_counted_or_no_longer_in_flight_change_nothing():
    works = TakenWork()
    works.take("https://e/1", "story-1")
    works.passed("story-1", staged=True)  # an errback's drop: not seen by the spider middlewares
    works.passed("gone")
    assert works.take_ready() == set()
    works.take("https://e/list", "listing")
    works.output("listing")
    works.clear()  # idle: all done
    works.passed("listing")
    works.callback_returned("listing")
    assert works.take_ready() == set()


def test_a_story_committed_before_its_callback_returned_waits_for_the_rest():
    from newsarchive.distributed.works import TakenWork

    works = TakenWork()
    works.take("https://s/1", "w1")
    works.received("w1")
    works.output("w1")   # the item
    works.output("w1")   # a request it asked for, not yet queued
    works.passed("w1", staged=True)
    works.committed(["https://s/1"])  # the item's batch, before the request went through
    assert works.take_ready() == set()
    works.passed("w1")  # the request queued in Redis
    works.callback_returned("w1")
    assert works.take_ready() == {"w1"}


def test_an_errbacks_drop_is_done_once_committed():
    from newsarchive.distributed.works import TakenWork

    works = TakenWork()
    works.take("https://s/2", "w2")
    works.committed(["https://s/2"])
    assert works.take_ready() == {"w2"}
