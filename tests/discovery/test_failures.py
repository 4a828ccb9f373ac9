"""A failed story request is classified by its exception's type."""

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError  # noqa: A004
from twisted.python.failure import Failure

from newsarchive.discovery.failures import ForbiddenByRobots, TooManyRedirects, classify


def failure(exc) -> Failure:
    try:
        raise exc
    except BaseException:
        return Failure()


def http_error(status: int) -> HttpError:
    return HttpError(Response("https://x.org/1", status=status, request=Request("https://x.org/1")), "status")


def test_each_failure_type_has_its_reason():
    assert classify(failure(http_error(404))) == ("gone", "HTTP 404")
    assert classify(failure(http_error(410))) == ("gone", "HTTP 410")
    assert classify(failure(http_error(503))) == ("http_503", "HTTP 503")
    assert classify(failure(ForbiddenByRobots("Forbidden by robots.txt"))) == ("robots_forbidden", "disallowed by robots.txt")
    assert classify(failure(TooManyRedirects("max redirections reached")))[0] == "redirect_loop"
    assert classify(failure(TimeoutError()))[0] == "fetch_error"


def test_the_message_text_no_longer_decides():
    # An IgnoreRequest of another component that happens to mention robots.txt is only ignored.
    assert classify(failure(IgnoreRequest("robots.txt said so, or a redirect did"))) is None
