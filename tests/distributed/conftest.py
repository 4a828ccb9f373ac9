from __future__ import annotations

import pytest

from benchmarks.mirror import build
from tests.distributed.workers import STORIES


@pytest.fixture(scope="session")
def mirror(tmp_path_factory):
    """A mirror of a site with STORIES stories (small pages)."""
    return build(tmp_path_factory.mktemp("mirror"), STORIES, page_kb=4)
