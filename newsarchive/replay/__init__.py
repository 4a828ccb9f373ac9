"""Serve saved pages instead of the network: fixtures for tests, offline runs.

``NEWSARCHIVE_REPLAY=fixtures/islamtimes`` turns on
:class:`~newsarchive.replay.middleware.ReplayMiddleware`; the same folder can
be served over HTTP by ``python -m newsarchive.replay.server``.
"""

from newsarchive.replay.pages import SavedPage, SavedSite

__all__ = ["SavedPage", "SavedSite"]
