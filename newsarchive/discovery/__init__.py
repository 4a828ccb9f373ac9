"""Discovery's parts that are not the spider's: what is already known
(``known``), why a request failed (``failures``), where a listing goes on
(``listings``), what a feed or sitemap lists (``feeds``)."""
