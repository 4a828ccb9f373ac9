"""What a page's tree holds for its readers, and the copy of it that
main-text extraction reads: scripts that are code, styles and drawings are
no part of either; the page's data scripts are; the copy also leaves out
what holds no article text (menus, footers, forms, media, metadata)."""

from __future__ import annotations

from lxml import etree

from newsarchive.sites import generic_site
from newsarchive.sites.cms import Cms, detect
from newsarchive.sites.css import _classes_needed, select
from newsarchive.sites.markup import NEVER_ARTICLE_TEXT, main_text_markup
from newsarchive.sites.metadata import PageMetadata
from newsarchive.sites.page import Page

SENTENCE = ("The council voted on Tuesday to keep every branch library open six days a week, "
            "adding evening hours at the three busiest branches from next month.")


def page(html: str, url: str = "https://news.example.com/city/2024/05/14/library-hours-stay") -> Page:
    return Page.from_http(url, {"Content-Type": "text/html; charset=utf-8"}, html.encode())


def test_code_styles_and_drawings_leave_the_tree_and_the_pages_data_stays():
    html = """<html><head><style>p { color: red }</style>
    <script>var published = "2019-01-01";</script>
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Library Hours"}</script>
    <script id="__NEXT_DATA__" type="application/json">{"props": {}}</script></head>
    <body><p>One <script>track()</script>two <svg><title>arrow</title><path d="M0"/></svg>three.</p></body></html>"""
    root = page(html).root
    scripts = root.findall(".//script")
    assert [s.get("type") for s in scripts] == ["application/ld+json", "application/json"]
    assert root.find(".//style") is None and root.find(".//svg") is None
    # The text after each removed element stays where it was.
    assert " ".join(root.find(".//p").itertext()) == "One two three."
    assert PageMetadata(page(html)).json_ld["headline"] == "Library Hours"


def test_a_script_inside_a_link_or_a_paragraph_is_not_read_as_its_text():
    template = '<script type="text/template"><img src="/a.jpg" alt=""> <span>Read</span></script>'
    related = (f'<a href="/city/2024/05/13/bus-lines-change-next-month">{template}Bus lines change next month'
               " across the city</a>")
    html = f"""<html><head><title>Library Hours Stay</title><meta property="og:type" content="article"></head>
    <body><article><h1>Library Hours Stay</h1>
    <p>{SENTENCE} The mayor said the vote keeps a promise to <script>document.write('an ad')</script> every
    neighbourhood, and the budget office confirmed the money is there.</p><p>{SENTENCE} Again.</p></article>
    <aside><h2>More news</h2><ul><li>{related}</li></ul></aside></body></html>"""
    item = generic_site("https://news.example.com").parse(page(html))
    assert "a promise to every neighbourhood, and the budget office" in item.body
    assert "document.write" not in item.body
    assert [entry["title"] for entry in item.related] == ["Bus lines change next month across the city"]


def test_a_date_a_script_writes_is_not_the_storys():
    html = f"""<html><head><title>Diet notes</title><meta property="og:type" content="article"></head><body><article><h1>Diet notes</h1><p>{SENTENCE}</p>
    <p>{SENTENCE} Again.</p></article>
    <script>document.write('<b>Reader</b> <i>2018-02-24 10:15:59</i> <p>Five days in.</p>');</script>
    </body></html>"""
    item = generic_site("https://news.example.com").parse(page(html, "https://news.example.com/diet-notes.html"))
    assert item.published_raw is None


def test_cms_signs_are_read_from_the_pages_values_not_its_text():
    quoted = """<html><head><title>How WordPress stores files</title></head><body><article>
    <pre>Uploads live under /wp-content/uploads/ and themes print rel="https://api.w.org/" links.</pre>
    <script>var theme = "/wp-content/themes/x"; var card = '<article id="post-5" class="postid-5">';</script>
    <p>%s</p></article></body></html>""" % SENTENCE
    assert detect(page(quoted)) is None
    marked = """<html><head><link rel="https://api.w.org/" href="https://news.example.com/wp-json/">
    <link rel="stylesheet" href="/wp-content/themes/x/style.css"></head>
    <body class="post-template-default single postid-5"><article id="post-5"><p>%s</p></article></body></html>""" % SENTENCE
    assert detect(page(marked)) is Cms.WORDPRESS
    # The files a page loads are signs too: a script's address, an image's srcset or data-src, og:image.
    loading = """<html><head><script src="/wp-includes/js/jquery/jquery.min.js"></script>
    <meta property="og:image" content="https://news.example.com/wp-content/uploads/a.jpg"></head>
    <body class="single"><div><img data-src="/x/a.jpg" srcset="/x/a-300.jpg 300w"><p>%s</p></div></body></html>""" % SENTENCE
    assert detect(page(loading)) is None  # one sign: the two addresses are the same mark
    assert detect(page(loading.replace('class="single"', 'class="single postid-12"'))) is Cms.WORDPRESS
    assert page(loading).root.find(".//script").get("src") == "/wp-includes/js/jquery/jquery.min.js"


def test_the_copy_main_text_extraction_reads_leaves_out_what_holds_no_article_text():
    html = f"""<html><head><meta name="description" content="d"><link rel="canonical" href="/a"></head><body>
    <nav><a href="/city">City</a><a href="/sport">Sport</a></nav>
    <article><p>{SENTENCE}</p><form><label>Mail</label><input name="m"><button>Sign up</button></form>
    <video src="/v.mp4">Your browser cannot play it.</video></article>
    <footer><p>Contact the newsroom</p></footer></body></html>"""
    root = page(html).root
    readable = main_text_markup(root)
    assert not [e.tag for e in readable.iter(*NEVER_ARTICLE_TEXT)]
    assert readable.find(".//form") is not None  # a form may hold a page's whole text: trafilatura decides
    assert SENTENCE in etree.tostring(readable, encoding="unicode")
    # The page itself keeps them: its menus' links are what the sidebar rules know as menu lines.
    assert len(root.findall(".//nav/a")) == 2 and root.find(".//footer") is not None


def test_a_selector_needing_a_class_the_page_lacks_selects_nothing_and_alternatives_still_do():
    shown = page('<html><body><div class="tags-links"><a rel="tag" href="/t/x">X</a></div></body></html>')
    assert select(shown, ".cat-links a") == []
    assert [a.text for a in select(shown, ".cat-links a, .tags-links a")] == ["X"]
    assert [a.text for a in select(shown, "div:not(.cat-links) a")] == ["X"]
    assert _classes_needed(".entry-meta .author.vcard .fn") == {"entry-meta", "author", "vcard", "fn"}
    assert _classes_needed(".cat-links a, .tags-links a") == frozenset()
    assert [a.text for a in select(shown, ":is(.cat-links, .tags-links) a")] == ["X"]
    assert [a.text for a in select(shown, ":where(.post-body, .tags-links) a")] == ["X"]
    assert _classes_needed("div:not(.cat-links) a") == frozenset()
