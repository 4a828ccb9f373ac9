from newsarchive.extensions.run_ledger import ledger_fields


def test_ledger_fields_from_stats():
    stats = {
        "downloader/request_count": 9,
        "downloader/response_status_count/200": 7,
        "downloader/response_status_count/404": 2,
        "newsarchive/store/new": 4,
        "newsarchive/store/unchanged": 1,
        "newsarchive/dropped/gone": 2,
        "newsarchive/dedupe/in_run": 1,
        "log_count/ERROR": 1,
    }
    fields = ledger_fields(stats, "finished")
    assert fields["requests"] == 9
    assert fields["responses_by_status"] == {"200": 7, "404": 2}
    assert (fields["items_new"], fields["items_updated"], fields["items_unchanged"]) == (4, 0, 1)
    assert fields["dropped_by_reason"] == {"gone": 2, "duplicate_in_run": 1}
    assert fields["errors"] == 1 and fields["finish_reason"] == "finished"
    assert fields["stats"]["downloader/request_count"] == 9
