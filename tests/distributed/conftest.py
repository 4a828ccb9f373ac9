from __future__ import annotations

import pytest

from benchmarks.mirror import build
from tests.distributed.workers import MANY, STORIES


@pytest.fixture(scope="session")
def mirror(tmp_path_factory):
    """A mirror of a site with STORIES stories (small pages)."""
    return build(tmp_path_factory.mktemp("mirror"), STORIES, page_kb=4)


@pytest.fixture(scope="session")
def many(tmp_path_factory):
    """A mirror of MANY stories: crawled slowly, so that a worker killed
    after its first commits dies with most of the crawl ahead."""
    return build(tmp_path_factory.mktemp("many"), MANY, page_kb=4)
