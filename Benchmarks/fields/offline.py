#!/usr/bin/env python3
"""Parse + select only, in one process: reads saved pages (paths one a line in LIST), parses
each with PEER's library, extracts the 10 fields (extractors.py) and writes one JSON line per
file ({"file", "url", "fields"}; url is the file's file: URL, the base `scrape extract` uses).
Also writes OUT.cpu: the CPU seconds of the loop alone (reading, parsing, selecting, writing),
without the interpreter's start-up and imports, for the strictest comparison.
Usage: offline.py PEER LIST OUT   (PEER: selectolax, parsel, bs4)"""
import json, os, pathlib, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extractors import EXTRACTORS

peer, list_path, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
extract = EXTRACTORS[peer]
extract(b"<p>warm</p>", "file:///")  # the library's lazy imports, outside the loop
start = time.process_time()
with open(list_path) as paths, open(out_path, "w", encoding="utf-8") as out:
    for line in paths:
        path = line.strip()
        if not path:
            continue
        url = pathlib.Path(path).absolute().as_uri()
        with open(path, "rb") as page:
            body = page.read()
        try:
            record = {"file": path, "url": url, "fields": extract(body, url), "error": None}
        except Exception as error:  # errors are records too
            record = {"file": path, "url": url, "fields": None, "error": str(error)}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
with open(out_path + ".cpu", "w") as cpu:
    cpu.write(f"{time.process_time() - start:.4f}\n")
