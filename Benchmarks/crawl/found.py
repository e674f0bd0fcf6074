#!/usr/bin/env python3
"""The URLs a crawl contender found, one per line as "URL<TAB>STATUS", sorted, each once.

Usage: found.py jsonl FILE   (scrape crawl's or the Scrapy peer's records: "url", "status")
       found.py wget LOG     (wget --no-verbose's log: "URL:<url> [...] -> ..." for a saved
                              file, "<url>:" then "... ERROR <code>: ..." for an HTTP error)"""
import json
import re
import sys

kind, path = sys.argv[1], sys.argv[2]
found = {}
if kind == "jsonl":
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                found[record["url"]] = str(record.get("status"))
elif kind == "wget":
    saved = re.compile(r" URL: ?(\S+) \[")
    failed_url = re.compile(r"^(https?://\S+):$")
    failed = re.compile(r" ERROR (\d+): ")
    pending = None
    with open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if match := saved.search(line):
                found[match.group(1)] = "200"
            elif match := failed_url.match(line):
                pending = match.group(1)
            elif pending and (match := failed.search(line)):
                found[pending] = match.group(1)
                pending = None
else:
    sys.exit(f"found.py: unknown format {kind!r} (jsonl or wget)")
for url in sorted(found):
    print(f"{url}\t{found[url]}")
