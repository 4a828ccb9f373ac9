"""Spiders: thin wiring of discovery to a site profile."""
