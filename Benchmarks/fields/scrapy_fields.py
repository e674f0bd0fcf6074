#!/usr/bin/env python3
"""A Scrapy spider as its docs suggest (CrawlerProcess, a jsonlines feed), extracting the 10
fields with parsel from response.selector (extractors.fields_parsel).
Usage: scrapy_fields.py URLS OUT CONCURRENCY"""
import os, sys
import scrapy
from scrapy.crawler import CrawlerProcess

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extractors import fields_parsel

urls_path, out_path, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3])


class FieldsSpider(scrapy.Spider):
    name = "fields"

    async def start(self):  # Scrapy >= 2.13
        for request in self.start_requests():
            yield request

    def start_requests(self):  # older Scrapy
        with open(urls_path) as lines:
            for line in lines:
                if line.strip():
                    yield scrapy.Request(line.strip(), dont_filter=True)

    def parse(self, response):
        yield {"url": response.url, "status": response.status, "fields": fields_parsel(response.selector, response.url)}


process = CrawlerProcess(settings={
    "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
    "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "ERROR", "RETRY_ENABLED": False, "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False, "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    "FEEDS": {out_path: {"format": "jsonlines", "encoding": "utf8", "overwrite": True}},
})
process.crawl(FieldsSpider)
process.start()
