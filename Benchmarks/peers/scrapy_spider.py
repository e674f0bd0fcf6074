#!/usr/bin/env python3
"""A Scrapy spider as its docs suggest: CrawlerProcess, title::text, a jsonlines feed.
Usage: scrapy_spider.py URLS OUT CONCURRENCY"""
import sys
import scrapy
from scrapy.crawler import CrawlerProcess

urls_path, out_path, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3])

class TitleSpider(scrapy.Spider):
    name = "titles"

    async def start(self):  # Scrapy >= 2.13
        for request in self.start_requests():
            yield request

    def start_requests(self):  # older Scrapy
        with open(urls_path) as lines:
            for line in lines:
                if line.strip():
                    yield scrapy.Request(line.strip(), dont_filter=True)

    def parse(self, response):
        title = response.css("title::text").get()
        yield {"url": response.url, "status": response.status, "title": " ".join(title.split()) if title is not None else None}

process = CrawlerProcess(settings={
    "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
    "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "ERROR", "RETRY_ENABLED": False, "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False, "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    "FEEDS": {out_path: {"format": "jsonlines", "encoding": "utf8", "overwrite": True}},
})
process.crawl(TitleSpider)
process.start()
