#!/usr/bin/env python3
"""Writes the `make bench-fields` corpus: N shop pages (3 in 4 a product, 1 in 4 an article),
10-50 KB each (lognormal, median ~22 KB), shaped like real ones: a header nav of ~30 links,
breadcrumbs, a product block with price, feature list and specs table, paragraphs, reviews,
related links, a footer of links, JSON-LD, OpenGraph meta, inline script and style. A quarter
of the pages have an absolute `<base href>`.

Also writes expected.json beside DIR: for every page, the value of each of the 10 fields of
selectors.txt as the fields issue defines them (text collapsed; URL fields as the reference the
page holds, resolved against its `<base href>` when it has one; check.py resolves the rest
against the record's URL).

Deterministic: the same seed gives the same bytes. Usage: corpus.py DIR [N]
"""
import html, json, math, os, random, sys

directory, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2000
os.makedirs(directory, exist_ok=True)
rng = random.Random(20261207)
words = ("anvil hammer tongs forge steel iron quench temper bellows rivet chisel file rasp punch drift "
         "vice clamp weld flux coal coke slag billet ingot blade edge grind hone polish café naïve Zürich "
         "données ünïcode €uro heavy light sturdy classic modern compact durable precise").split()
sections = ["Tools", "Anvils", "Hammers", "Tongs", "Forges", "Safety", "Books", "Sale", "Outlet", "New"]
base_host = "https://shop.example"


def sentence(n):
    return " ".join(rng.choice(words) for _ in range(n))


def page(i):
    product = i % 4 != 3
    has_base = i % 4 == 1
    name = sentence(rng.randint(2, 4)).title() + f" {i}"
    raw_name = name.replace(" ", rng.choice([" ", "  ", "\n  ", " \t"]), 1)  # odd whitespace in h1
    section = rng.choice(sections)
    expected = {}
    out = []
    w = out.append
    w('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
    w(f"<title>{html.escape(name)} | Shop</title>\n")
    if has_base:
        w(f'<base href="{base_host}/catalog/">\n')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
    w(f'<meta property="og:title" content="{html.escape(name)}">\n<meta property="og:type" content="{"product" if product else "article"}">\n')
    w(f'<meta property="og:image" content="{base_host}/img/{i}.jpg">\n<meta name="twitter:card" content="summary">\n')
    canonical = f"/p/{i}.html" if i % 3 else f"{base_host}/p/{i}.html"
    w(f'<link rel="canonical" href="{canonical}">\n<link rel="stylesheet" href="/static/site.css">\n')
    w("<style>.price{font-weight:bold}.nav a{color:#333}.review{margin:1em}</style>\n")
    if product:
        price = f"{rng.randint(5, 999)}.{rng.randint(0, 99):02d}"
        currency = rng.choice(["EUR", "USD", "GBP"])
        ld = {"@context": "https://schema.org", "@type": "Product", "name": name, "sku": f"SKU-{i}",
              "offers": {"@type": "Offer", "price": price, "priceCurrency": currency}}
    else:
        ld = {"@context": "https://schema.org", "@type": "Article", "headline": name, "datePublished": "2026-12-07"}
    ld_text = json.dumps(ld, ensure_ascii=False)
    w(f'<script type="application/ld+json">{ld_text}</script>\n')
    w('<script>window.dataLayer = window.dataLayer || []; if (a < b && b > c) { dataLayer.push({"page": "%d"}); }</script>\n' % i)
    w("</head>\n<body>\n")
    # header nav: ~30 links
    w('<header><div class="logo"><a href="/"><img src="/static/logo.svg" alt="Shop"></a></div>\n<nav class="nav"><ul>\n')
    for s in sections:
        w(f'<li><a href="/c/{s.lower()}/">{s}</a><ul class="sub">')
        for k in range(2):
            w(f'<li><a href="/c/{s.lower()}/{k}/">{s} {k}</a></li>')
        w("</ul></li>\n")
    w("</ul></nav></header>\n<main>\n")
    # breadcrumbs
    crumbs = ["/", f"/c/{section.lower()}/", f"/c/{section.lower()}/{i % 2}/"]
    w('<nav class="breadcrumbs"><ol>')
    for href, label in zip(crumbs, ["Home", section, f"{section} {i % 2}"]):
        w(f'<li><a href="{href}">{label}</a></li>')
    w("</ol></nav>\n")
    resolve = (lambda ref: base_host + "/catalog/" + ref if not ref.startswith(("/", "http")) else (base_host + ref if ref.startswith("/") else ref)) if has_base else (lambda ref: ref)
    expected["breadcrumbs"] = [resolve(c) for c in crumbs]
    w(f"<h1 class=\"name\">{html.escape(raw_name)}</h1>\n")
    expected["title"] = name
    if product:
        w(f'<div class="price" data-currency="{currency}"><span class="amount">\n  {price}\n</span> <small>incl. VAT</small></div>\n')
        expected["price"] = price
        expected["currency"] = currency
        features = [sentence(rng.randint(2, 6)) for _ in range(rng.randint(3, 8))]
        w('<ul class="features">')
        for k, f in enumerate(features):
            if k == 1:
                head, _, tail = f.partition(" ")
                w(f"<li><em>{head}</em> {tail}</li>" if tail else f"<li><em>{head}</em></li>")
            else:
                w(f"<li>{f}</li>")
        w("</ul>\n")
        expected["features"] = features
        rows = [("SKU", f"SKU-{i}")] + [(rng.choice(words).title(), sentence(rng.randint(1, 3))) for _ in range(rng.randint(4, 11))]
        rng.shuffle(rows)
        w('<table class="specs"><tbody>\n')
        for th, td in rows:
            w(f"<tr><th>{th}</th><td>{td}</td></tr>\n")
        w("</tbody></table>\n")
        expected["sku"] = f"SKU-{i}"
    else:
        expected.update(price=None, currency=None, features=[], sku=None)
        w(f'<p class="byline">By <a href="/authors/{i % 17}">{sentence(2).title()}</a> on <time datetime="2026-12-07">7 Dec</time></p>\n')
    expected["jsonld"] = ld_text
    # body text up to the size
    size = min(50_000, max(10_000, int(rng.lognormvariate(math.log(22_000), 0.45))))
    reviews = rng.randint(0, 10) if product else 0
    footer_len = 4000
    length = sum(len(x.encode()) for x in out) + reviews * 400 + footer_len
    w('<section class="description">\n')
    while length < size:
        para = f"<h2>{sentence(3).title()}</h2>\n<p>{sentence(60)} <a href=\"/p/{rng.randint(0, count - 1)}.html\">{sentence(2)}</a> {sentence(30)}</p>\n"
        w(para)
        length += len(para.encode())
    w("</section>\n")
    if product:
        w('<section class="reviews">\n')
        for r in range(reviews):
            w(f'<div class="review"><h3>{sentence(3).title()}</h3><span class="stars" data-value="{rng.randint(1, 5)}"></span><p>{sentence(40)}</p></div>\n')
        w("</section>\n")
    expected["n_reviews"] = reviews
    w('<aside class="related"><h2>Related</h2><ul>')
    for _ in range(rng.randint(8, 20)):
        w(f'<li><a href="/p/{rng.randint(0, count - 1)}.html?ref=related&amp;from={i}">{sentence(2)}</a></li>')
    w("</ul></aside>\n")
    if i % 5 != 4:
        nxt = f"?page={i % 9 + 2}"
        w(f'<div class="pager"><a rel="prev" href="?page=1">Previous</a> <a rel="next" href="{nxt}">Next</a></div>\n')
        expected["next"] = resolve(nxt) if has_base else nxt
    else:
        expected["next"] = None
    expected["canonical"] = resolve(canonical)
    w("</main>\n<footer><div class=\"cols\">")
    for c in range(4):
        w(f"<ul>" + "".join(f'<li><a href="/info/{c}/{k}">{sentence(2)}</a></li>' for k in range(8)) + "</ul>")
    w(f"</div><p>&copy; 2026 Shop. {sentence(20)}</p></footer>\n</body>\n</html>\n")
    return "".join(out), expected


expected_all = {}
for i in range(count):
    text, expected = page(i)
    with open(os.path.join(directory, f"p{i}.html"), "w", encoding="utf-8") as f:
        f.write(text)
    expected_all[f"p{i}.html"] = expected
with open(os.path.join(directory, "..", "expected.json"), "w", encoding="utf-8") as out:
    json.dump(expected_all, out, ensure_ascii=False)
