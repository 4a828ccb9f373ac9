"""Finding a crawl-scoped component from the crawler."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def crawl_component(crawler, cls: type[T]) -> T:
    """The crawl's extension of type ``cls`` (after its extensions are made);
    a clear error when the settings left it out of ``EXTENSIONS``."""
    component = crawler.get_extension(cls)
    if component is None:
        raise RuntimeError(f"the crawl has no {cls.__name__}: EXTENSIONS must keep {cls.__module__}.{cls.__qualname__}")
    return component
