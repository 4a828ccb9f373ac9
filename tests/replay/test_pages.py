import json

import pytest

from newsarchive.replay.pages import ManifestError, SavedSite


def write_site(folder, pages, files=()):
    folder.mkdir(exist_ok=True)
    for name in files:
        (folder / name).write_text("x")
    (folder / "pages.json").write_text(json.dumps({"site": "islamtimes", "pages": pages}))
    return folder


def test_lookup_ignores_host_and_scheme(saved_site):
    page = saved_site.lookup("http://127.0.0.1:9999/en/news/1023423/north-korea-denies-sending-arms-to-russia")
    assert page is not None and page.file.name == "1023423.html"
    assert saved_site.lookup("https://islamtimes.org/en/archive?page=2").file.name == "archive-2.html"
    assert saved_site.lookup("https://www.islamtimes.com/en/news/1/none") is None


def test_file_outside_the_folder_is_refused(tmp_path):
    (tmp_path / "secret.txt").write_text("no")
    folder = write_site(tmp_path / "site", [{"url": "https://example.org/a", "file": "../secret.txt"}])
    with pytest.raises(ManifestError, match="outside"):
        SavedSite(folder)


def test_missing_manifest_or_file_is_a_clear_error(tmp_path):
    with pytest.raises(ManifestError, match="pages.json not found"):
        SavedSite(tmp_path)
    folder = write_site(tmp_path / "site", [{"url": "https://example.org/a", "file": "nope.html"}])
    with pytest.raises(ManifestError, match="does not exist"):
        SavedSite(folder)
    folder = write_site(tmp_path / "site2", [{"file": "a.html"}], files=["a.html"])
    with pytest.raises(ManifestError, match="page 1"):
        SavedSite(folder)
