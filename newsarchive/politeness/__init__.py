"""Being a polite crawler beyond Scrapy's defaults."""
