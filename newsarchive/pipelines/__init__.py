"""Item pipelines, one concern per module, applied in this order to the
finished items of ``extraction``:

1. ``dedupe``  -- one item per story code, within the run and against the archive
2. ``store``   -- batched writes to the SQLite archive
"""
