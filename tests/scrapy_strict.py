"""The ``scrapy`` command with Scrapy's deprecation warnings as errors.

Crawls in tests run in a child process (one Twisted reactor per process);
``python -W`` cannot name a warning class from a package, so this sets the
filter before handing over to Scrapy's own command line.
"""

import sys
import warnings

from scrapy.exceptions import ScrapyDeprecationWarning

warnings.simplefilter("error", ScrapyDeprecationWarning)

from scrapy.cmdline import execute  # noqa: E402 (after the filter, on purpose)

if __name__ == "__main__":
    execute(["scrapy", *sys.argv[1:]])
