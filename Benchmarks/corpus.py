#!/usr/bin/env python3
"""Writes the benchmark corpus: N HTML pages with lognormal sizes (median ~15 KB, capped at
200 KB) and titles that exercise the title rule (entities, odd whitespace, non-ASCII, markup
inside the title), plus titles.json with the title a browser's document.title gives.

Deterministic: the same seed gives the same bytes. Usage: corpus.py DIR [N]
"""
import html, json, math, os, random, sys

directory, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20000
os.makedirs(directory, exist_ok=True)
rng = random.Random(20261124)
words = ["scrape", "café", "naïve", "日本語", "Ελληνικά", "données", "ünïcode", "fast", "title", "page", "Zürich", "€uro"]
expected = {}
for i in range(count):
    title_words = [rng.choice(words) for _ in range(rng.randint(2, 6))] + [str(i)]
    title = " ".join(title_words)
    kind = i % 5
    if kind == 0:
        raw = html.escape(title, quote=False)              # &amp; etc. where needed
    elif kind == 1:
        raw = "\n   " + title.replace(" ", " \t\n ") + "  \n"  # odd whitespace
    elif kind == 2:
        raw = "".join(f"&#{ord(c)};" if ord(c) > 127 else c for c in title)  # numeric references
    elif kind == 3:
        title = title + " & <b>bold</b>"
        raw = title.replace("&", "&amp;")                  # markup inside the title stays text
    else:
        raw = title
    expected_title = " ".join(title.split())
    size = min(200_000, max(600, int(rng.lognormvariate(math.log(15_000), 0.8))))
    head = f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n<title>{raw}</title>\n'
    head += '<meta name="viewport" content="width=device-width">\n<link rel="stylesheet" href="/s.css"></head>\n<body>\n'
    filler = []
    length = len(head.encode())
    paragraph = 0
    while length < size:
        text = f'<div class="c{paragraph % 7}"><p>{" ".join(rng.choice(words) for _ in range(40))}</p><a href="/p{paragraph}.html">link</a></div>\n'
        filler.append(text)
        length += len(text.encode())
        paragraph += 1
    with open(os.path.join(directory, f"p{i}.html"), "w", encoding="utf-8") as page:
        page.write(head + "".join(filler) + "</body></html>\n")
    expected[f"p{i}.html"] = expected_title
with open(os.path.join(directory, "..", "titles.json"), "w", encoding="utf-8") as out:
    json.dump(expected, out, ensure_ascii=False)
