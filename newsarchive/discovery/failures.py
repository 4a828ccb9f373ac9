"""Why a request for a story failed, told by exception type.

Scrapy refuses a request forbidden by robots.txt and one redirected too
often with the same ``IgnoreRequest``; its two middlewares are subclassed
here to raise a type of their own, so that the spider classifies a failure
by what it is, never by the words of its message. The settings put these
in the places of Scrapy's own.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.redirect import RedirectMiddleware as ScrapyRedirectMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

#: HTTP statuses that say the story is gone for good.
GONE_STATUSES = frozenset({404, 410})


class ForbiddenByRobots(IgnoreRequest):
    """robots.txt forbids the request."""


class TooManyRedirects(IgnoreRequest):
    """The request was redirected more often than ``REDIRECT_MAX_TIMES``: a loop."""


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    def process_request_2(self, rp, request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as refused:  # the only refusal: forbidden
            raise ForbiddenByRobots(*refused.args) from None


class RedirectMiddleware(ScrapyRedirectMiddleware):
    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except IgnoreRequest as refused:  # the only refusal: too many redirects
            raise TooManyRedirects(*refused.args) from None


def classify(failure) -> tuple[str, str] | None:
    """The drop reason and detail of a failed story request, or None for a
    request that was only ignored (it says nothing of the story)."""
    if failure.check(HttpError):
        status = failure.value.response.status
        return ("gone" if status in GONE_STATUSES else f"http_{status}"), f"HTTP {status}"
    if failure.check(ForbiddenByRobots):
        return "robots_forbidden", "disallowed by robots.txt"
    if failure.check(TooManyRedirects):
        return "redirect_loop", str(failure.value)
    if failure.check(IgnoreRequest):
        return None
    # Timeouts, refused and reset connections, DNS: the network, worth another try next run.
    return "fetch_error", f"{failure.type.__name__}: {failure.value}"
