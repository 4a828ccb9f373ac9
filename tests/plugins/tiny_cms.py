"""A CMS parser from outside the package, as another package would ship it:
named by a profile's ``parser = "tests.plugins.tiny_cms:TinyCmsParser"``."""

from newsarchive.sites.engine import Parser


class TinyCmsParser(Parser):
    container = ("main.tiny-article",)
    title = ("h1.tiny-headline",)
    published = ("time.tiny-date::attr(datetime)",)
    body = (".tiny-story",)
    authors = (".tiny-byline a",)
