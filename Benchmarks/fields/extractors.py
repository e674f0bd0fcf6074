"""The 10 fields of selectors.txt written for each Python peer, as their users write them, and
giving the values the fields issue defines (so every contender's output can be checked against
the corpus): an element's text content with ASCII whitespace collapsed; `::text` the element's
own text nodes joined and collapsed; `::attr` the first matched element that has it; `::url`
resolved against `<base href>` or the page's URL; `[]` every match; XPath where the library has
it (parsel), its plain equivalent where it has not (BeautifulSoup, selectolax).

Each extractor takes the page's bytes and URL and returns {name: value}; `EXTRACTORS` maps a
peer's name to it.
"""
import re
from urllib.parse import urljoin

_space = re.compile(r"[\t\n\f\r ]+")


def collapse(text):
    return _space.sub(" ", text).strip(" ")


def resolve(base, value):
    return None if value is None else urljoin(base, value)


def _number(text):
    value = float(text)
    return int(value) if value.is_integer() else value


# parsel (lxml's HTML parser; Scrapy's response.selector is one of these)
def fields_parsel(selector, url):
    base = resolve(url, selector.css("base::attr(href)").get()) or url
    first = lambda query: next(iter(selector.css(query)), None)
    h1, amount, ld = first("h1"), first(".price .amount"), first('script[type="application/ld+json"]')
    sku = selector.xpath('//table[@class="specs"]//tr[th="SKU"]/td')
    return {
        "title": collapse(h1.xpath("string()").get()) if h1 is not None else None,
        "price": collapse("".join(amount.xpath("text()").getall())) if amount is not None else None,
        "currency": selector.css(".price::attr(data-currency)").get(),
        "next": resolve(base, selector.css("a[rel=next]::attr(href)").get()),
        "canonical": resolve(base, selector.css("link[rel=canonical]::attr(href)").get()),
        "breadcrumbs": [resolve(base, href) for href in selector.css("nav.breadcrumbs a::attr(href)").getall()],
        "features": [collapse(li.xpath("string()").get()) for li in selector.css("ul.features li")],
        "sku": collapse(sku[0].xpath("string()").get()) if sku else None,
        "n_reviews": _number(selector.xpath('count(//div[@class="review"])').get()),
        "jsonld": collapse("".join(ld.xpath("text()").getall())) if ld is not None else None,
    }


def extract_parsel(body, url):
    from parsel import Selector
    return fields_parsel(Selector(body=body, type="html"), url)


# BeautifulSoup with the lxml parser (soupsieve for CSS; no XPath)
def extract_bs4(body, url):
    from bs4 import BeautifulSoup, NavigableString
    from bs4.element import PreformattedString

    soup = BeautifulSoup(body, "lxml")

    def own(element):
        return collapse("".join(s for s in element.children if isinstance(s, NavigableString) and not isinstance(s, PreformattedString)))

    def attr(query, name):
        element = soup.select_one(f"{query}[{name}]")
        return element[name] if element is not None else None

    base_element = soup.select_one("base[href]")
    base = urljoin(url, base_element["href"]) if base_element is not None else url
    h1, amount, ld = soup.select_one("h1"), soup.select_one(".price .amount"), soup.select_one('script[type="application/ld+json"]')
    sku = None
    for row in soup.select('table[class="specs"] tr'):
        if any(th.get_text() == "SKU" for th in row.find_all("th", recursive=False)):
            cells = row.find_all("td", recursive=False)
            if cells:
                sku = collapse(cells[0].get_text())
                break
    return {
        "title": collapse(h1.get_text()) if h1 is not None else None,
        "price": own(amount) if amount is not None else None,
        "currency": attr(".price", "data-currency"),
        "next": resolve(base, attr("a[rel=next]", "href")),
        "canonical": resolve(base, attr("link[rel=canonical]", "href")),
        "breadcrumbs": [resolve(base, a["href"]) for a in soup.select("nav.breadcrumbs a[href]")],
        "features": [collapse(li.get_text()) for li in soup.select("ul.features li")],
        "sku": sku,
        "n_reviews": len(soup.select('div[class="review"]')),
        "jsonld": own(ld) if ld is not None else None,
    }


# selectolax with lexbor (an HTML5 parser; CSS only)
def extract_selectolax(body, url):
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(body)

    def attr(query, name):
        node = tree.css_first(f"{query}[{name}]")
        return node.attributes.get(name) if node is not None else None

    base_href = attr("base", "href")
    base = urljoin(url, base_href) if base_href is not None else url
    h1, amount, ld = tree.css_first("h1"), tree.css_first(".price .amount"), tree.css_first('script[type="application/ld+json"]')
    sku = None
    for row in tree.css('table[class="specs"] tr'):
        children = list(row.iter())
        if any(c.tag == "th" and c.text(deep=True) == "SKU" for c in children):
            cells = [c for c in children if c.tag == "td"]
            if cells:
                sku = collapse(cells[0].text(deep=True))
                break
    return {
        "title": collapse(h1.text(deep=True)) if h1 is not None else None,
        "price": collapse(amount.text(deep=False)) if amount is not None else None,
        "currency": attr(".price", "data-currency"),
        "next": resolve(base, attr("a[rel=next]", "href")),
        "canonical": resolve(base, attr("link[rel=canonical]", "href")),
        "breadcrumbs": [resolve(base, a.attributes.get("href")) for a in tree.css("nav.breadcrumbs a[href]")],
        "features": [collapse(li.text(deep=True)) for li in tree.css("ul.features li")],
        "sku": sku,
        "n_reviews": len(tree.css('div[class="review"]')),
        "jsonld": collapse(ld.text(deep=False)) if ld is not None else None,
    }


EXTRACTORS = {"parsel": extract_parsel, "bs4": extract_bs4, "selectolax": extract_selectolax}
