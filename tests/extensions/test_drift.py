"""The drift report from a run's counts: fallbacks for fields the site has
rules for, and unusable pages, past the thresholds."""

from collections import Counter

from newsarchive.config import DriftThresholds
from newsarchive.extensions.drift import drift_report as report_of
from newsarchive.extensions.run_counts import RunCounts

RULES = frozenset({"title", "body", "published"})


def drift_report(counts, rule_fields, fallback_share=0.2, dropped_share=0.1, min_stories=3):
    """The report with these thresholds (the settings' defaults unless given)."""
    return report_of(counts, rule_fields, DriftThresholds(fallback_share, dropped_share, min_stories))


def stats(stories: int, dropped=(), **sources) -> RunCounts:
    """Counts of a run of ``stories`` stories; ``field=(source, count)``
    sends that many stories' field to a source other than the site's;
    ``dropped``: (reason, pages) pairs."""
    counted = RunCounts(dropped=Counter(dict(dropped)))
    counted.sources["story_code"] = Counter(url=stories)
    for field in ("title", "body", "published"):
        other, count = sources.get(field, ("json_ld", 0))
        counted.sources[field] = Counter({"site": stories - count, **({other: count} if count else {})})
    return counted


def test_a_healthy_run_does_not_alarm():
    report = drift_report(stats(13, published=("none", 1)), RULES)
    assert not report["drifted"] and report["alarms"] == []
    assert report["fallback"] == {"title": 0.0, "body": 0.0, "published": round(1 / 13, 4)}


def test_a_redesign_alarms_for_each_field_that_needed_a_fallback():
    report = drift_report(stats(60, body=("main_text", 60), published=("json_ld", 60)), RULES)
    assert report["drifted"]
    assert [alarm.split(" ")[0] for alarm in report["alarms"]] == ["body", "published"]
    assert "60 of 60 stories (100%)" in report["alarms"][0]


def test_unusable_pages_past_the_share_alarm_but_network_faults_do_not():
    parse_drops = stats(20, dropped=[("no_body", 5)])
    assert drift_report(parse_drops, RULES)["drifted"]
    network = stats(20, dropped=[("gone", 5), ("http_500", 5)])
    report = drift_report(network, RULES)
    assert not report["drifted"] and report["dropped"] == {"gone": 0.1667, "http_500": 0.1667}


def test_a_few_stories_never_alarm_and_thresholds_are_settings():
    assert not drift_report(stats(2, body=("main_text", 2)), RULES)["drifted"]
    assert drift_report(stats(2, body=("main_text", 2)), RULES, min_stories=1)["drifted"]
    assert not drift_report(stats(10, body=("main_text", 3)), RULES, fallback_share=0.5)["drifted"]


def test_fields_without_site_rules_are_not_watched():
    report = drift_report(stats(10, body=("main_text", 10)), frozenset())
    assert not report["drifted"] and report["fallback"] == {}
