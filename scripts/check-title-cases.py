#!/usr/bin/env python3
"""Checks Tests/ScrapeHTMLTests/Fixtures/title_cases.json against html5lib, an independent
implementation of the HTML standard's parser: for each case, the first title element in
the HTML namespace (in tree order) of html5lib's tree, its text with ASCII whitespace
stripped and collapsed. Prints the cases where html5lib disagrees with the fixture.

Expected disagreements, each listed with html5lib's answer for a person to judge:
html5lib runs with scripting disabled (so noscript is not RAWTEXT for it, where browsers
have scripting on), and its etree builder keeps template contents as the template's
children instead of a separate fragment (so it finds titles inside templates). Usage: pip install html5lib && python3 scripts/check-title-cases.py
"""
import base64, json, os, re, sys
import html5lib

HTML = "{http://www.w3.org/1999/xhtml}"
path = os.path.join(os.path.dirname(__file__), "..", "Tests", "ScrapeHTMLTests", "Fixtures", "title_cases.json")

def charset(content_type):
    match = re.search(r"charset\s*=\s*\"?([^;\" ]+)", content_type or "", re.I)
    return match.group(1) if match else None

def title(body, content_type):
    parser = html5lib.HTMLParser(tree=html5lib.treebuilders.getTreeBuilder("etree"), namespaceHTMLElements=True)
    document = parser.parse(body, transport_encoding=charset(content_type), default_encoding="utf-8")
    for element in document.iter():
        if element.tag == HTML + "title":
            text = "".join(element.itertext())
            return re.sub(r"[\t\n\f\r ]+", " ", text).strip("\t\n\f\r ")
    return None

disagreements = 0
cases = json.load(open(path))
for case in cases:
    got = title(base64.b64decode(case["body"]), case["content_type"])
    if got != case["title"]:
        disagreements += 1
        print(f"html5lib disagrees: {case['name']}: fixture {case['title']!r}, html5lib {got!r}")
print(f"{len(cases) - disagreements} of {len(cases)} cases agree with html5lib {html5lib.__version__}")
