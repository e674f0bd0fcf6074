#!/usr/bin/env python3
"""Writes selector_cases.json: querySelectorAll's answers from Chromium for the selector
tests (SelectorBrowserTests). Each case is a body (the tree SelectorTestTree builds from
the same markup: every tag written out) or a whole page (which scrape's HTMLParser parses,
scripting off as in DOMParser), a selector, and what Chromium returns: the
positions of the matched elements among getElementsByTagName('*') (document order,
template contents excluded), or null when Chromium refuses the selector. The element
names Chromium sees are stored too, so the test first checks that both trees agree.

Usage: make_selector_cases.py [CHROMIUM]   (needs a Chromium; run from anywhere)
"""
import base64, json, os, subprocess, sys, tempfile

GENERAL = """<div id="main" class="Box wide" lang="en-US" data-x="a b c">
<p class="intro">Hello <a href="/a" rel="Next nofollow" type="Text/HTML">A</a></p>
<p id="p2" class="x">t<span class="x y"></span><span></span></p>
<ul><li class="x">1</li><li>2</li><li class="x">3</li><li class="x">4</li><li>5</li><li class="x">6</li></ul>
<input type="CHECKBOX" name="c"><input type="text" value="" dir="RTL">
<img src="a.png" alt=""><img src="b.jpg">
</div>
<section><h2>One</h2><p>a</p><h2>Two</h2><p>b</p><p>c</p><div><img src="c.gif"></div></section>
<svg viewBox="0 0 10 10"><foreignObject><p class="inside">x</p></foreignObject><linearGradient id="g" type="A"></linearGradient></svg>
<math><mi class="x">x</mi></math>
<template><p class="intro">hidden</p></template>
<div class="empty"></div><div class="ws"> </div><div class="comment"><!-- c --></div>"""

NESTED = """<div class="a"><div class="b"><div class="a"><p class="c">x</p><span>y</span></div></div><p class="c">z</p></div>
<div class="b"><p class="c"><b><i>deep</i></b></p></div><ol><li>1</li><li><ol><li>2</li></ol></li></ol>"""

GENERAL_SELECTORS = [
    "*", "p", "P", "div p", "div > p", "div, div p", "p, div, p", "h2 + p", "h2 ~ p", "h2 ~ p + p", "#main", "#MAIN",
    ".x", ".X", ".box", ".Box.wide", "[lang]", "[LANG]", "[lang|=en]", "[lang|=EN]", "[lang=en-us]", "[rel~=next]",
    "[rel~=NEXT]", "[type=text/html]", "[type='text/html' s]", "[type=\"checkbox\"]", "[type=checkbox s]", "[type=a]",
    "[dir=rtl]", "[data-x~=b]", "[data-x~=\"a b\"]", "[data-x^=a]", "[data-x$=c]", "[data-x*=\" b \"]", "[data-x=\"A B C\" i]",
    "[data-x^=\"\"]", "[data-x*=\"\"]", "[data-x$=\"\"]", "[data-x~=\"\"]", "[href^=\"/\"]", "[src$=\".png\"]", "[src*=jp]", "[alt=\"\"]",
    "[alt]", "[alt|=\"\"]", "li:nth-child(2n+1)", "li:nth-child(odd)", "li:nth-child(EVEN)", "li:nth-child(-n+3)",
    "li:nth-child(+5)", "li:nth-child(2n+1 of .x)", "li:nth-child(even of .x)", "li:nth-last-child(2)",
    "li:nth-last-child(-n+2 of .x)", "p:nth-of-type(2)", "p:nth-last-of-type(1)", ":first-child", ":last-child",
    ":only-child", ":first-of-type", ":last-of-type", ":only-of-type", ":empty", ":root", "div:not(.empty)",
    ":not(p, div)", "p:is(.intro, .x)", ":where(section) p", ":is(:hover, p)", ":is(p, ::before)", ":is()", ":where(, .x)",
    "div:has(> img)", "div:has(img)", "section:has(> h2 + p)", "h2:has(+ p)", "h2:has(~ div)", ":has(> .inside)",
    "div:has(p a)", "foreignObject", "foreignobject", "FOREIGNOBJECT", "linearGradient", "svg [viewbox]", "[viewBox]",
    "[VIEWBOX]", "p:not(:has(a))", "li:nth-child(n)", "li:nth-child(0n+2)", "li:nth-child(-2n+5)", "li:nth-child(3n-1)",
    "li:nth-child(n-1)", "li:nth-child(-n-1)", "li:nth-child(- n+1)", "li:nth-child(2 n)", "li:nth-child(2n + 1)",
    "li:nth-child(2n- 1)", "li:nth-child(2n -1)", "li:nth-child(+ 2n)", "li:nth-child(+n)", "li:nth-child(1.5)",
    "li:nth-of-type(2n of .x)", "p:first-of-type", "body > *:last-child", "ul li:nth-last-of-type(odd)", "div.ws:empty",
    "div.comment:empty", "input[value=\"\"]", "[class~=x]", "[class~=X]", "a[rel=\"next nofollow\"]", "#\\6d ain", ".\\78",
    "[data-x=\"a b c\"]", "math mi", "mi.x", "svg *", "*|p", "|p", "p:HOVER", ":NTH-CHILD(1)", "div >", "> p", "p,", ",p",
    "p ~", "p::before", "p:nth-child()", "p:not()", ":has()", "p:has(:has(a))", "p[", "[=x]", "[a~x]", "#1", ".1",
    "p:first-child()", "[lang=en i x]", "p..x", "p > > a", "a:is(p", "p)", "div:has(> img, > section)",
    "div:not(div div)", ":is(div div) p", "ul > li:nth-child(3) ~ li", "li + li + li", ":root > body > div > p > a",
    "section > :nth-child(2n)", "section :nth-last-child(2 of h2, p)", "img:only-of-type", "svg :only-of-type",
    "template", "template p", "body > :not(template, svg, math, div)", "[type]", "a[TYPE=text/html]", "[id=MAIN]",
]

NESTED_SELECTORS = [
    ".a .c", ".a > .c", ".b .a .c", ".a .b .c", "div div div p", ".b > p i", ".a span", "ol li", "ol > li > ol > li",
    "li:only-child", ".a:has(.c)", ".b:has(> .c)", ".b:has(.a .c)", "div:has(> .a > p)", ":has(span) > p",
    "div:has(i)", ".a:has(> p + span)", "div:not(:has(p))", "li:has(ol)", ":not(.a) > p", ":is(.a, .b) :is(p, span)",
    "b > i:only-child", ":root :has(> li > ol)",
]

SIBLINGS = """<article><h1 id="t" title="Tïtle &amp; more">T</h1>text<!-- c --><p>1</p> <div class="n">2<p>2a</p></div><p lang="EN-gb">3</p>
<div class="n"><span>4</span><p class="last">4a</p></div><aside></aside><p data-1="x">5</p></article>
<footer><a href="https://x.test/a?b=c" hreflang="EN" target="_Blank">f</a><a href="#top">top</a><form method="POST" action="/s"><input type="Submit" disabled><button type="submit">b</button></form></footer>"""

SIBLING_SELECTORS = [
    "h1 + p", "h1 ~ p", "h1 ~ div p", "p + div", "div + p", "div ~ aside", "p ~ div > p", "article > :nth-child(odd of :is(p, div))",
    "article > :not(:nth-child(2))", "article > *:nth-last-child(-n+2)", ":where(:not(p)) > span", "article :has(+ div p)",
    "article > :has(~ aside)", ":has(+ div > span)", "article > :has(+ p):not(p)", "p:nth-child(3 of p, h1)", "[title^=Tï]", "[title*=\"&\"]",
    "[title=\"tïtle & more\" i]", "[title=\"TÏTLE & MORE\" i]", "[data-1]", "[data-\\31]", "a[hreflang=en]", "a[target=_blank]", "form[method=post]",
    "input[type=submit]", "[type=submit]", "[disabled]", "a[href$=\"a?b=c\"]", "a[href|=https]", "a[href^=\"#\"]", "footer a:first-of-type",
    "footer :last-child", "form > :only-of-type", "p:nth-last-of-type(2)", "div.n:nth-of-type(2)", "article > p:nth-child(n+3):nth-child(-n+8)",
    "h1#t.missing", "#t, h1, article > h1", ":is(article, footer) > :is(h1, a):first-child", "article :is(div p, aside)", "div:has(> p):has(span)",
    ":not(article *):not(html):not(head):not(body)", "p:is(:first-child, .last)", "p:lang(en)", ":is(p:nth-child(3), div) + p",
    "* + *", "article > * ~ p", "body *:empty", "span:only-child", "p:not(.last, [data-1])", ":has(> a[href]) + *",
]

QUIRKS_SELECTORS = [".X", "#MAIN", ".box", ".BOX.WIDE", "[class~=X]", "[id=MAIN]", "[class=x]", "p.X span.Y", "#Main:has(.INTRO)"]

# Whole pages, parsed by scrape's HTML parser (scripting off, as DOMParser's) rather than
# built from written-out markup: implied and misnested tags, tables, foreign content in
# capitals, quirks mode from a missing DOCTYPE.
PAGES = {
    "<!DOCTYPE html><title>T</title><p class=a>one<div id=d>two<p>three<table><tr><td>c1<td class=x>c2</table><b><i>bi</b>i</i>"
    "<ul><li>1<li class=x>2<li>3</ul><P CLASS=B>Upper<SVG VIEWBOX='0 0 1 1'><FOREIGNOBJECT><p>in fo</p></FOREIGNOBJECT>"
    "<linearGRADIENT/></SVG><select><option selected>o1<option>o2</select><template><p class=x>t</template>"
    "<input type=HIDDEN><a href=#x REL=NOFOLLOW>l</a>": [
        "p", "div p", "div > table", "p + table", "td.x", "tbody > tr > td:nth-child(2)", "tr:only-child", "b i", "i:not(b i)",
        "li:last-child", ".b", ".B", "svg", "foreignObject p", "linearGradient", "[viewBox]", "option[selected]", "a[rel=nofollow]",
        "input[type=hidden]", "title", "head > *", ":root > *", "body > :nth-child(2)", "*:empty", "p:has(table)",
        "div:has(> table td.x)", "td:has(+ td)", "p:only-of-type", "template", "li.x ~ li", "#d > *", "p:nth-of-type(2n+1)",
        "body *:not(p, li, td, tr, tbody, table, b, i)",
    ],
    "<html><body><p class=Foo id=Bar>x<table><tr><td><p class=foo>y</table><div class=\"a b\"><span class=A>s</span></div>": [
        ".foo", "#bar", "td p", "table p", ".A", "[class~=a]", "p:first-child", "p > table", "p:has(table .FOO)",
    ],
}

def cases():
    for selector in GENERAL_SELECTORS:
        yield {"body": GENERAL, "quirks": False, "selector": selector}
    for selector in NESTED_SELECTORS:
        yield {"body": NESTED, "quirks": False, "selector": selector}
    for selector in SIBLING_SELECTORS:
        yield {"body": SIBLINGS, "quirks": False, "selector": selector}
    for selector in QUIRKS_SELECTORS:
        yield {"body": GENERAL, "quirks": True, "selector": selector}
    for page, selectors in PAGES.items():
        for selector in selectors:
            yield {"page": page, "selector": selector}

DRIVER = """<!DOCTYPE html><html><body><pre id="out"></pre><script>
const cases = %s;
const out = [];
for (const c of cases) {
  const html = c.page !== undefined ? c.page : (c.quirks ? "" : "<!DOCTYPE html>") + "<html><head></head><body>" + c.body + "</body></html>";
  const doc = new DOMParser().parseFromString(html, "text/html");
  const all = Array.from(doc.getElementsByTagName("*"));
  let expected = null;
  try { expected = Array.from(doc.querySelectorAll(c.selector)).map(e => all.indexOf(e)); } catch (e) { expected = null; }
  const entry = c.page !== undefined ? {page: c.page} : {body: c.body, quirks: c.quirks};
  Object.assign(entry, {selector: c.selector, expected: expected, elements: all.map(e => e.localName), mode: doc.compatMode});
  out.push(entry);
}
document.getElementById("out").textContent = btoa(unescape(encodeURIComponent(JSON.stringify(out))));
</script></body></html>"""

def main():
    chromium = sys.argv[1] if len(sys.argv) > 1 else "chromium"
    all_cases = list(cases())
    with tempfile.TemporaryDirectory() as directory:
        page = os.path.join(directory, "driver.html")
        with open(page, "w") as f:
            f.write(DRIVER % json.dumps(all_cases))
        dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://" + page],
                             capture_output=True, text=True, timeout=120).stdout
    encoded = dom.split('<pre id="out">')[1].split("</pre>")[0]
    results = json.loads(base64.b64decode(encoded).decode("utf-8"))
    assert len(results) == len(all_cases)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "selector_cases.json"), "w") as f:
        json.dump(results, f, indent=0, ensure_ascii=False)
        f.write("\n")
    print(f"{len(results)} cases, {sum(r['expected'] is None for r in results)} refused by Chromium")

main()
