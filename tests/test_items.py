"""Typed values shared between modules."""

from newsarchive.items import DropReason, http_drop_reason


def test_a_drop_reason_knows_whether_it_is_for_good_and_whether_the_parser_failed():
    # (reason, fetched again by a later run?, a fault of the parser?)
    table = [
        ("no_body", False, True), ("no_story_code", False, True), ("not_article", True, True),
        ("not_text", False, False), ("unparseable", True, True), ("parser_error", True, True),
        ("gone", False, False), ("robots_forbidden", False, False), ("redirect_loop", True, False),
        ("fetch_error", True, False),
    ]
    assert sorted(reason for reason, _, _ in table) == sorted(DropReason)
    for reason, again, parser in table:
        assert (not DropReason(reason).permanent, DropReason(reason).parser_fault) == (again, parser), reason


def test_http_statuses_and_unknown_reasons():
    assert (http_drop_reason(404), http_drop_reason(410), http_drop_reason(503)) == ("gone", "gone", "http_503")
    assert DropReason.of("http_503") is None and DropReason.of(None) is None
    assert DropReason.of("gone") is DropReason.GONE
