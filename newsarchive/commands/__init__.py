"""Scrapy commands of the project (``COMMANDS_MODULE``): ``crawl`` with
exit codes that tell the truth."""
