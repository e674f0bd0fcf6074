#!/usr/bin/env python3
"""The classic asyncio scraper people write: aiohttp, a semaphore, gather, BeautifulSoup
(lxml parser) for the title, JSON Lines out. Usage: aiohttp_scraper.py URLS OUT CONCURRENCY"""
import asyncio, json, sys
import aiohttp
from bs4 import BeautifulSoup

async def fetch(session, semaphore, url, out):
    async with semaphore:
        try:
            async with session.get(url) as response:
                body = await response.read()
                status = response.status
            soup = BeautifulSoup(body, "lxml")
            title = soup.title.get_text() if soup.title else None
            title = " ".join(title.split()) if title is not None else None
            out.write(json.dumps({"url": url, "status": status, "title": title}, ensure_ascii=False) + "\n")
        except Exception as error:  # errors are records too
            out.write(json.dumps({"url": url, "status": None, "title": None, "error": str(error)}) + "\n")

async def main(urls_path, out_path, concurrency):
    urls = [line.strip() for line in open(urls_path) if line.strip()]
    semaphore = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    with open(out_path, "w", encoding="utf-8") as out:
        async with aiohttp.ClientSession(connector=connector) as session:
            await asyncio.gather(*(fetch(session, semaphore, url, out) for url in urls))

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
