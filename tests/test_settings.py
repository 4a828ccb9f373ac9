import subprocess
import sys

from scrapy.settings import Settings

from newsarchive import settings as project_settings
from tests.conftest import ROOT


def test_scrapy_list_names_the_spider():
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "scrapy_strict.py"), "list"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    assert done.stdout.split() == ["islamtimes", "news"]


def test_polite_and_safe_defaults():
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert list(settings.getdict("ITEM_PIPELINES")) == [
        "newsarchive.pipelines.dedupe.DeduplicateStoriesPipeline",
        "newsarchive.pipelines.store.StoreArchivePipeline",
    ]
