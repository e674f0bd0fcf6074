#!/usr/bin/env python3
"""Counts records whose title matches the corpus. Usage: check_titles.py OUT TITLES_JSON -> "ok/total" """
import json, re, sys
expected = json.load(open(sys.argv[2], encoding="utf-8"))
ok = total = 0
for line in open(sys.argv[1], encoding="utf-8"):
    record = json.loads(line)
    total += 1
    match = re.search(r"/(p\d+\.html)$", record["url"])
    if match and record.get("title") == expected.get(match.group(1)):
        ok += 1
print(f"{ok}/{total}")
