#!/usr/bin/env python3
"""Scrapy's CrawlSpider as its docs show it: one Rule with a LinkExtractor limited to the
seed's directory (what `scrape crawl --scope prefix` and `wget --no-parent` follow), each
page's URL, status and title to a jsonlines feed.

Two settings differ from a new project's: robots.txt is not fetched (as for the other
contenders) and pages of any status reach the callback (HTTPERROR_ALLOW_ALL: scrape records
404 pages and follows their links; without it Scrapy would drop them silently).

Usage: scrapy_crawlspider.py SEED OUT CONCURRENCY PER_DOMAIN_CONCURRENCY"""
import re
import sys

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule

seed, out_path, concurrency, per_domain = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
# The seed's URL up to and including the last "/" of its path: --no-parent's scope.
prefix = seed.split("?", 1)[0].rsplit("/", 1)[0] + "/"


class DocsSpider(CrawlSpider):
    name = "docs"
    start_urls = [seed]
    rules = (Rule(LinkExtractor(allow=("^" + re.escape(prefix),)), callback="parse_page", follow=True),)

    def parse_start_url(self, response):
        return self.parse_page(response)

    def parse_page(self, response):
        title = response.css("title::text").get()
        # The link's URL, not the redirect's target (as scrape's "url" is).
        url = response.meta.get("redirect_urls", [response.url])[0]
        yield {"url": url, "final_url": response.url, "status": response.status,
               "title": " ".join(title.split()) if title is not None else None}


process = CrawlerProcess(settings={
    "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": per_domain,
    "ROBOTSTXT_OBEY": False, "HTTPERROR_ALLOW_ALL": True, "LOG_LEVEL": "ERROR", "RETRY_ENABLED": False,
    "COOKIES_ENABLED": False, "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False, "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    "FEEDS": {out_path: {"format": "jsonlines", "encoding": "utf8", "overwrite": True}},
})
process.crawl(DocsSpider)
process.start()
