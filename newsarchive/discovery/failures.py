"""Why a request for a story failed, told by exception type.

Scrapy refuses a request forbidden by robots.txt and one redirected too
often with the same ``IgnoreRequest``; its two middlewares are subclassed
here to raise a type of their own, so that the spider classifies a failure
by what it is, never by the words of its message. The settings put these
in the places of Scrapy's own.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware as ScrapyRedirectMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.misc import load_object

from newsarchive.items import DropReason, http_drop_reason


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
        return http_drop_reason(status), f"HTTP {status}"
    if failure.check(ForbiddenByRobots):
        return DropReason.ROBOTS_FORBIDDEN, "disallowed by robots.txt"
    if failure.check(TooManyRedirects):
        return DropReason.REDIRECT_LOOP, str(failure.value)
    if failure.check(IgnoreRequest):
        return None
    # Timeouts, refused and reset connections, DNS: the network, worth another try next run.
    return DropReason.FETCH_ERROR, f"{failure.type.__name__}: {failure.value}"


def network_errors(settings) -> tuple[type[BaseException], ...]:
    """The exceptions of a download that failed on the network (DNS, refused,
    reset, timed out): those ``RETRY_EXCEPTIONS`` names worth another try."""
    return tuple(load_object(name) if isinstance(name, str) else name for name in settings.getlist("RETRY_EXCEPTIONS"))


def is_network_error(failure, errors: tuple[type[BaseException], ...]) -> bool:
    return isinstance(failure.value, errors) and not isinstance(failure.value, IgnoreRequest)


class _NetworkErrorsInOneLine(logging.Filter):
    def __init__(self, errors: tuple[type[BaseException], ...]):
        super().__init__()
        self.errors = errors

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, self.errors):
            message = record.getMessage()
            cause = f"{type(error).__name__}: {error}"
            record.msg, record.args = (message if str(error) in message else f"{message}: {cause}"), None
            record.exc_info = record.exc_text = None
        return True


class NetworkErrorLog:
    """A download that failed on the network is logged in one line, at the
    level Scrapy gives it: the traceback of a failed DNS lookup or a refused
    connection says nothing the error's own message does not, and an
    offline crawl would print one per request. Other errors keep theirs."""

    #: Scrapy's loggers of failed downloads: a request's, robots.txt's.
    LOGGERS = ("scrapy.core.scraper", "scrapy.downloadermiddlewares.robotstxt")

    def __init__(self, errors: tuple[type[BaseException], ...]):
        self.filter = _NetworkErrorsInOneLine(errors)
        for name in self.LOGGERS:
            logging.getLogger(name).addFilter(self.filter)

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(network_errors(crawler.settings))
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_stopped(self) -> None:
        for name in self.LOGGERS:
            logging.getLogger(name).removeFilter(self.filter)
