"""Crawl news sites with Scrapy into a clean, deduplicated SQLite archive."""

__version__ = "0.1.0"
