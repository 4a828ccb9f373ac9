import pytest

from newsarchive.sites import ISLAM_TIMES, PACKAGE

CANONICAL = "https://www.islamtimes.com/en/news/1023423/north-korea-denies-sending-arms-to-russia"


@pytest.mark.parametrize(
    ("url", "code", "kind", "language"),
    [
        (CANONICAL, "1023423", "news", "en"),
        ("https://www.islamtimes.com/en/article/1023431/israel-afraid", "1023431", "article", "en"),
        ("https://www.islamtimes.com/en/interview/1023415/us-uk", "1023415", "interview", "en"),
        ("https://www.islamtimes.com/en/video/1023420/poland", "1023420", "video", "en"),
        ("https://www.islamtimes.com/en/karikator/1023385/white-house", "1023385", "karikator", "en"),
        ("https://www.islamtimes.com/en/gallery/1023392/1/thousands-march", "1023392", "gallery", "en"),
        ("http://islamtimes.org/en/doc/news/1023425/", "1023425", "news", "en"),
        ("http://islamtimes.org/en/doc/news/1023425/?utm_source=dlvr.it&utm_medium=twitter", "1023425", "news", "en"),
        ("https://islamtimes.org/en/news/1023423/any-other-slug", "1023423", "news", "en"),
        ("https://www.islamtimes.com/en/news/1023423", "1023423", "news", "en"),
        ("https://www.islamtimes.com/en/news/1023423/", "1023423", "news", "en"),
        (CANONICAL + "/print", "1023423", "news", "en"),
        (CANONICAL + "?utm_campaign=x#comments", "1023423", "news", "en"),
        ("https://www.islamtimes.com/ur/article/1023470/%D8%B4%D9%85%D8%A7%D9%84%DB%8C", "1023470", "article", "ur"),
        ("https://www.islamtimes.com/en/news/0001023423/", "1023423", "news", "en"),
    ],
)
def test_every_url_form_maps_to_its_story_code(url, code, kind, language):
    parsed = ISLAM_TIMES.article_url(url)
    assert (parsed.story_code, parsed.kind, parsed.language) == (code, kind, language)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.islamtimes.com/en/archive",
        "https://www.islamtimes.com/en/archive?page=2",
        "https://www.islamtimes.com/en/rss/allnews",
        "https://www.islamtimes.com/en/page/unavailable",
        "https://www.islamtimes.com/en/news/",
        "https://www.islamtimes.com/en/news/abc/slug",
        "https://www.islamtimes.com/en/news/99999999999999999999/absurdly-long-id",
        "https://www.islamtimes.com/en/tag/yemen",
    ],
)
def test_other_pages_have_no_story_code(url):
    assert ISLAM_TIMES.story_code(url) is None


def test_url_variants_share_one_canonical_url():
    variants = [
        CANONICAL,
        CANONICAL + "/print",
        CANONICAL + "?utm_source=rss&utm_medium=feed",
        "https://islamtimes.org/en/news/1023423/north-korea-denies-sending-arms-to-russia",
        "http://www.islamtimes.org/en/news/1023423/north-korea-denies-sending-arms-to-russia/print",
    ]
    assert {ISLAM_TIMES.canonical_url(v) for v in variants} == {CANONICAL}


def test_fetch_url_drops_tracking_and_print_but_keeps_other_query():
    url = "http://islamtimes.org/en/doc/news/1023425/?utm_source=dlvr.it&utm_medium=twitter"
    assert ISLAM_TIMES.fetch_url(url) == "https://www.islamtimes.com/en/doc/news/1023425/"
    assert ISLAM_TIMES.fetch_url(CANONICAL + "/print") == CANONICAL
    listing = "https://www.islamtimes.com/en/archive?page=2&utm_source=x"
    assert ISLAM_TIMES.fetch_url(listing) == "https://www.islamtimes.com/en/archive?page=2"


def test_fetch_url_on_a_mirror_keeps_path_and_query():
    mirror = "http://127.0.0.1:8080"
    assert ISLAM_TIMES.fetch_url(CANONICAL, mirror) == mirror + "/en/news/1023423/north-korea-denies-sending-arms-to-russia"


def test_start_urls_per_edition():
    assert ISLAM_TIMES.start_urls(("en", "ur")) == [
        "https://www.islamtimes.com/en/rss/allnews",
        "https://www.islamtimes.com/en/archive",
        "https://www.islamtimes.com/ur/rss/allnews",
        "https://www.islamtimes.com/ur/archive",
    ]


def test_site_registry():
    assert PACKAGE["islamtimes"] is ISLAM_TIMES
    with pytest.raises(KeyError, match="unknown site 'nope'"):
        PACKAGE["nope"]
