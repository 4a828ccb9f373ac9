import pytest

from tests.conftest import FIXTURES, run_crawl


@pytest.fixture(scope="package")
def fixture_archive(tmp_path_factory):
    """An archive built by replaying the fixtures, as the README's main command does."""
    db = tmp_path_factory.mktemp("cli") / "archive.db"
    result = run_crawl(db, "lang=en,ur", settings={"NEWSARCHIVE_REPLAY": str(FIXTURES)})
    assert result.returncode == 0, result.log
    return db
