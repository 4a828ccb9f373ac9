"""Scrapy extensions: components that follow the crawl as a whole."""
