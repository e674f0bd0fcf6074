#!/usr/bin/env python3
"""Compares another crawler's URL set with scrape's (both from found.py) and says why they
differ where the URL itself tells: page requisites wget fetches (CSS, images, <object>
data), query strings, fragments, error statuses.

Usage: compare.py OURS THEIRS NAME [CONTEXT [LIMIT]]   -> Markdown lines on stdout
       (CONTEXT: said after the name in the first line, e.g. "default")"""
import sys
from collections import Counter, defaultdict

ours_path, theirs_path, name = sys.argv[1], sys.argv[2], sys.argv[3]
context = f" ({sys.argv[4]})" if len(sys.argv) > 4 and sys.argv[4] else ""
limit = int(sys.argv[5]) if len(sys.argv) > 5 else 10
REQUISITES = (".css", ".svg", ".png", ".gif", ".jpg", ".jpeg", ".js", ".ico", ".woff", ".woff2")


def load(path):
    with open(path, encoding="utf-8") as lines:
        return dict(line.rstrip("\n").split("\t", 1) for line in lines if line.strip())


def reason(url, status, side):
    path = url.split("#", 1)[0].split("?", 1)[0].lower()
    if path.endswith(REQUISITES):
        return f"{path.rsplit('.', 1)[1].upper()} file: a page requisite (<link>, <img>, <object>), not an <a href>"
    if "#" in url:
        return "has a fragment"
    if "?" in url:
        return "has a query string"
    if status not in ("200", "None"):
        return f"status {status} (found by {side} only)"
    return "no rule explains it: look at the pages that link to it"


ours, theirs = load(ours_path), load(theirs_path)
only_ours = sorted(set(ours) - set(theirs))
only_theirs = sorted(set(theirs) - set(ours))
print(f"- {name}{context}: {len(theirs)} URLs, {len(set(ours) & set(theirs))} also in scrape's {len(ours)}; "
      f"{len(only_theirs)} only in {name}'s, {len(only_ours)} only in scrape's")
for side, urls, statuses in ((name, only_theirs, theirs), ("scrape", only_ours, ours)):
    groups = defaultdict(list)
    for url in urls:
        groups[reason(url, statuses[url], side)].append(url)
    for why, members in sorted(groups.items(), key=lambda item: -len(item[1])):
        shown = ", ".join(f"`{url}`" for url in members[:limit])
        more = f" and {len(members) - limit} more" if len(members) > limit else ""
        print(f"  - only in {side}'s, {len(members)}: {why}: {shown}{more}")
statuses = Counter(ours.values())
print("  - scrape's statuses: " + ", ".join(f"{status} x{count}" for status, count in sorted(statuses.items())))
