import Testing
@testable import ScrapeHTML

/// Trees no browser test holds: 100,000 levels deep (the walk is explicit, so the stack
/// never grows with depth; long climbs and `:has()` are cached, so descendant combinators
/// stay linear) and 20,000 siblings wide (positions and `~` climbs cached likewise).
struct SelectorScaleTests {
    static let depth = 100_000

    /// `<html><body><div class=x><div><div class=x>…<img></div>…</body></html>`, built
    /// through the building API.
    static func deepDocument() -> HTMLDocument {
        let document = HTMLDocument()
        let html = document.createElement(Array("html".utf8), namespace: .html, attributes: [])
        document.insert(html, into: document.document, before: nil)
        let body = document.createElement(Array("body".utf8), namespace: .html, attributes: [])
        document.insert(body, into: html, before: nil)
        var parent = body
        for level in 0..<depth {
            let attributes: [HTMLDocument.NewAttribute] = level % 2 == 0 ? [.init(namespace: nil, localName: Array("class".utf8), value: Array("x".utf8))] : []
            let div = document.createElement(Array("div".utf8), namespace: .html, attributes: attributes)
            document.insert(div, into: parent, before: nil)
            parent = div
        }
        document.insert(document.createElement(Array("img".utf8), namespace: .html, attributes: []), into: parent, before: nil)
        return document
    }

    /// How many elements `selector` selects (-1: it does not parse).
    static func count(_ selector: String, in document: HTMLDocument) -> Int {
        (try? CSSSelector(selector))?.select(in: document).count ?? -1
    }

    @Test func deepTreesStayLinear() {
        let document = Self.deepDocument()
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(Self.count("div", in: document) == Self.depth)
            #expect(Self.count("p div", in: document) == 0)
            #expect(Self.count("span div", in: document) == 0)
            #expect(Self.count(".y div", in: document) == 0)
            #expect(Self.count("body > div", in: document) == 1)
            #expect(Self.count("body div", in: document) == Self.depth)
            #expect(Self.count("html .x", in: document) == Self.depth / 2)
            #expect(Self.count("body > div div img", in: document) == 1)
            #expect(Self.count("img div", in: document) == 0)
            #expect(Self.count(":not(div) div", in: document) == Self.depth)
            #expect(Self.count("div div", in: document) == Self.depth - 1)
            #expect(Self.count(".x > div", in: document) == Self.depth / 2)
            #expect(Self.count(".x img", in: document) == 1)
            #expect(Self.count("div:has(img)", in: document) == Self.depth)
            #expect(Self.count("div:has(> img)", in: document) == 1)
            #expect(Self.count("div:has(span)", in: document) == 0)
            #expect(Self.count(":not(.x) > .x", in: document) == Self.depth / 2)
            #expect(Self.count("div:first-child:last-child", in: document) == Self.depth)
            #expect(Self.count("img:root, body img", in: document) == 1)
            #expect((try? CSSSelector("img"))?.first(in: document)?.name == "img")
        }
        #expect(elapsed < .seconds(30), "took \(elapsed)")
    }

    @Test func wideListsStayUsable() {
        let document = HTMLDocument()
        let html = document.createElement(Array("html".utf8), namespace: .html, attributes: [])
        document.insert(html, into: document.document, before: nil)
        let list = document.createElement(Array("ul".utf8), namespace: .html, attributes: [])
        document.insert(list, into: html, before: nil)
        let width = 20_000
        for _ in 0..<width {
            document.insert(document.createElement(Array("li".utf8), namespace: .html, attributes: []), into: list, before: nil)
        }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(Self.count("li:nth-child(2n+1)", in: document) == width / 2)
            #expect(Self.count("li:nth-last-child(odd)", in: document) == width / 2)
            #expect(Self.count("li:nth-of-type(3)", in: document) == 1)
            #expect(Self.count("li:nth-child(-n+3)", in: document) == 3)
            #expect(Self.count("li:last-child", in: document) == 1)
            #expect(Self.count("li + li", in: document) == width - 1)
            #expect(Self.count("li ~ li", in: document) == width - 1)
            #expect(Self.count("ul ~ li, li ~ p, li:first-child ~ li", in: document) == width - 1)
            #expect(Self.count(":not(li) ~ li", in: document) == 0)
            #expect(Self.count("ul:has(> li + li)", in: document) == 1)
        }
        #expect(elapsed < .seconds(30), "took \(elapsed)")
    }
}
