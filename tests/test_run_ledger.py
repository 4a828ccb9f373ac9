from collections import Counter

from newsarchive.extensions.run_counts import RunCounts
from newsarchive.extensions.run_ledger import ledger_fields
from newsarchive.items import DropReason, Outcome


def test_ledger_fields_from_the_run_counts_and_stats():
    counts = RunCounts(outcomes=Counter({Outcome.NEW: 4, Outcome.UNCHANGED: 1}),
                       dropped=Counter({DropReason.GONE: 2}), duplicates=1)
    stats = {
        "downloader/request_count": 9,
        "downloader/response_status_count/200": 7,
        "downloader/response_status_count/404": 2,
        "log_count/ERROR": 1,
    }
    fields = ledger_fields(counts, stats, "finished", drift=None)
    assert fields["requests"] == 9
    assert fields["responses_by_status"] == {"200": 7, "404": 2}
    assert (fields["items_new"], fields["items_updated"], fields["items_unchanged"]) == (4, 0, 1)
    assert fields["dropped_by_reason"] == {"gone": 2, "duplicate_in_run": 1}
    assert fields["errors"] == 1 and fields["finish_reason"] == "finished"
    assert fields["stats"]["downloader/request_count"] == 9
