"""scrapyd-deploy builds the project's egg with ``python setup.py bdist_egg``
(and writes a setup.py of its own where there is none): everything else is
in pyproject.toml."""

from setuptools import setup

setup()
