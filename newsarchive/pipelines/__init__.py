"""Item pipelines, one concern per module, applied in this order:

1. ``dates``   -- publication and modification dates to UTC ISO 8601
2. ``sidebar`` -- featured-story blocks, doubled headlines and page chrome out of the body
3. ``dedupe``  -- one item per story code, within the run and against the archive
4. ``store``   -- batched writes to the SQLite archive
"""
