#!/usr/bin/env python3
"""Counts records whose 10 fields all equal the corpus's (expected.json from corpus.py).
URL fields the corpus holds as references are resolved against the record's final URL (or its
url: the page's http URL, or the file: URL of a saved copy). Usage: check.py OUT EXPECTED -> "ok/total"
With -v, prints the first few differences."""
import json, re, sys
from urllib.parse import urljoin

verbose = "-v" in sys.argv
args = [a for a in sys.argv[1:] if a != "-v"]
expected = json.load(open(args[1], encoding="utf-8"))
ok = total = shown = 0
for line in open(args[0], encoding="utf-8"):
    record = json.loads(line)
    total += 1
    where = record.get("final_url") or record.get("url") or ""
    match = re.search(r"(p\d+\.html)$", record.get("file") or where)
    want = dict(expected.get(match.group(1), {})) if match else None
    got = record.get("fields")
    if want is None or got is None:
        continue
    for name in ("next", "canonical"):
        want[name] = urljoin(where, want[name]) if want[name] is not None else None
    want["breadcrumbs"] = [urljoin(where, u) for u in want["breadcrumbs"]]
    if got == want:
        ok += 1
    elif verbose and shown < 5:
        shown += 1
        for name in want:
            if got.get(name) != want[name]:
                print(f"{match.group(1)} {name}: got {got.get(name)!r} want {want[name]!r}", file=sys.stderr)
print(f"{ok}/{total}")
