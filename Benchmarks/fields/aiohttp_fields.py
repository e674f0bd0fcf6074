#!/usr/bin/env python3
"""The classic asyncio scraper: aiohttp, a semaphore, gather, BeautifulSoup (lxml parser) for
the 10 fields (extractors.extract_bs4), JSON Lines out. Usage: aiohttp_fields.py URLS OUT CONCURRENCY"""
import asyncio, json, os, sys
import aiohttp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extractors import extract_bs4


async def fetch(session, semaphore, url, out):
    async with semaphore:
        try:
            async with session.get(url) as response:
                body = await response.read()
                status, final = response.status, str(response.url)
            record = {"url": url, "status": status, "fields": extract_bs4(body, final), "error": None}
        except Exception as error:  # errors are records too
            record = {"url": url, "status": None, "fields": None, "error": str(error)}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


async def main(urls_path, out_path, concurrency):
    urls = [line.strip() for line in open(urls_path) if line.strip()]
    semaphore = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    with open(out_path, "w", encoding="utf-8") as out:
        async with aiohttp.ClientSession(connector=connector) as session:
            await asyncio.gather(*(fetch(session, semaphore, url, out) for url in urls))


asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
