"""Coverage over time: a site's stories per day as a chart on the front
page and its own page, days without stories and days of drifted or
failed runs marked, and the same as a table."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from newsarchive.archive import Archive
from newsarchive.archive.queries import coverage, open_readonly
from newsarchive.items import ArticleItem
from tests.browser import chromium, needs_browser, screenshot, served

TODAY = date(2026, 3, 20)


def day(offset: int) -> str:
    return (TODAY - timedelta(days=offset)).isoformat()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Ten days of a site: stories on each but the fifth day back, in two
    editions; runs on three days, one drifted and one failed."""
    db = tmp_path_factory.mktemp("coverage") / "archive.db"
    writer = Archive(db, lock=True)
    code = 1000
    for back in range(1, 11):
        if back == 5:
            continue  # the outage
        for language in ("en", "en", "fa")[: 1 + back % 3]:
            code += 1
            writer.stage_article(ArticleItem(site="islamtimes", story_code=str(code), language=language,
                                             url=f"https://www.islamtimes.com/{language}/news/{code}/x", title=f"S{code}",
                                             body="Text.", published=f"{day(back)}T08:00:00Z",
                                             fetched_at=f"{day(back)}T09:00:00Z"))
    writer.flush()
    for run_id, (back, reason, drifted) in enumerate(((7, "finished", True), (3, "unreachable", False),
                                                      (1, "finished", False)), 1):
        writer.import_run({"spider": "islamtimes", "site": "islamtimes", "started_at": f"{day(back)}T06:00:00Z",
                           "finished_at": f"{day(back)}T06:10:00Z", "finish_reason": reason, "worker": f"w{run_id}",
                           "drift": json.dumps({"drifted": drifted})})
    writer.close()
    return db


def test_the_days_counted_hand_worked(archive):
    conn = open_readonly(archive)
    found = coverage(conn, "islamtimes", days=12, editions=True)
    days = {d["day"]: d for d in found["days"]}
    # Up to the later of the newest story (a day back) and the last run (a day back).
    assert found["days"][-1]["day"] == day(1) and len(found["days"]) == 12
    # back % 3 + 1 stories a day (en, en, fa in turn), none on the fifth day back.
    assert [days[day(back)]["stories"] for back in range(1, 11)] == [2, 3, 1, 2, 0, 1, 2, 3, 1, 2]
    assert [d["day"] for d in found["days"] if d["gap"]] == [day(12), day(11), day(5)]
    assert [r["verdict"] for r in days[day(7)]["runs"]] == ["drifted"]
    assert [r["verdict"] for r in days[day(3)]["runs"]] == ["failed"]
    assert sum(found["editions"]["fa"]) == 2 and sum(found["editions"]["en"]) == 15  # fa on days 2 and 8 back


@needs_browser
def test_the_front_page_and_the_site_page_chart_it_with_gaps_and_bad_runs_marked(archive, tmp_path):
    with served(archive) as base, chromium(tmp_path / "chromium") as browser:
        browser.get(base)
        chart = browser.find_element("css selector", "table.sites svg.coverage")
        assert chart.is_displayed() and chart.size["width"] > 100
        bars = browser.find_elements("css selector", "table.sites svg.coverage g.day")
        assert len(bars) == 60
        marked = {bar.get_attribute("data-day") for bar in bars if "gap" in bar.get_attribute("class").split()}
        assert day(5) in marked and day(4) not in marked and day(6) not in marked
        drifted = browser.find_elements("css selector", f'svg.coverage g[data-day="{day(7)}"] rect.run-mark.drifted')
        failed = browser.find_elements("css selector", f'svg.coverage g[data-day="{day(3)}"] rect.run-mark.failed')
        assert drifted and failed
        # The gap is drawn: its mark has a height and the red of the legend.
        gap = browser.find_element("css selector", f'svg.coverage g[data-day="{day(5)}"] rect.gap-mark')
        assert gap.size["height"] > 0
        screenshot(browser, "front-coverage")
        browser.find_element("css selector", "table.sites svg.coverage").click()
        assert browser.current_url.endswith("/-/site/islamtimes")
        assert [h.text.split()[0] for h in browser.find_elements("css selector", ".archive-site h3")] == ["en", "fa"]
        rows = {row.find_element("css selector", "td").text: row.text
                for row in browser.find_elements("css selector", "table.coverage-table tbody tr")}
        assert rows[day(7)].endswith("#1 drifted") and rows[day(5)].split()[1] == "0"
        screenshot(browser, "site-coverage")
