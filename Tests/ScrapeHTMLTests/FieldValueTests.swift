@testable import ScrapeHTML
import Testing

/// CSS fields over hand-built trees: each pseudo-element, first and `[]`, the base URL.
struct FieldValueTests {
    static let page = HandTree.document(
        head: [.el("title", [], [.text("T")])],
        body: [
            .el("h2", [], [.text(" A "), .el("i", [], [.text("x")]), .text("\n b ")]),
            .el("h2", [], [.el("i", [], [.text("only child text")])]),
            .el("a", [("name", "no-href")], [.text("none")]),
            .el("a", [("href", "/p/2?q=é"), ("data-x", "A & B")], [.text("next")]),
            .el("a", [("href", "other")], [.text("rel")]),
            .el("a", [("href", "http://[bad")], [.text("bad")]),
            .el("p", [("class", "price")], [.text("€ 9 <cheap> & good\u{A0}")]),
            .element("svg", [], [.element("use", [], [], namespace: .svg, foreignAttributes: [(.xlink, "href", "#icon")])], namespace: .svg),
            .element("template", [], [], contents: [.el("h2", [], [.text("hidden")])]),
        ])

    private func values(_ specs: [String], url: String = "https://shop.example/dir/item", document: HTMLDocument = page) throws -> [FieldValue] {
        PageExtractor(fields: try FieldSet(specs), metadata: false).extract(from: document, url: url).fields.map(\.value)
    }

    private func value(_ spec: String, url: String = "https://shop.example/dir/item", document: HTMLDocument = page) throws -> FieldValue {
        try values(["x=" + spec], url: url, document: document)[0]
    }

    @Test func elementGivesCollapsedTextContent() throws {
        #expect(try value("h2") == .string("A x b"))
        #expect(try values(["h[]=h2"]) == [.array([.string("A x b"), .string("only child text")])])
    }

    @Test func templateContentsAreNotMatched() throws {
        #expect(try values(["h[]=h2"]) == [.array([.string("A x b"), .string("only child text")])])
    }

    @Test func textTakesOwnTextOfTheFirstMatch() throws {
        #expect(try value("h2::text") == .string("A b"))
        #expect(try value("h2:nth-of-type(2)::text") == .string(""))
        #expect(try values(["t[]=h2::text"]) == [.array([.string("A b"), .string("")])])
    }

    @Test func attrSkipsElementsWithoutIt() throws {
        #expect(try value("a::attr(href)") == .string("/p/2?q=é"))
        #expect(try values(["all[]=a::attr(href)"]) == [.array([.string("/p/2?q=é"), .string("other"), .string("http://[bad")])])
        #expect(try value("a::attr(data-x)") == .string("A & B"))
        #expect(try value("a::attr(HREF)") == .string("/p/2?q=é"))
        #expect(try value("h2::attr(href)") == .null)
        #expect(try values(["n[]=h2::attr(href)"]) == [.array([])])
    }

    @Test func attrByQualifiedNameOnForeignElements() throws {
        #expect(try value(#"use::attr(xlink\:href)"#) == .string("#icon"))  // a CSS ident: the colon escaped
    }

    @Test func urlResolvesAgainstTheResponseURL() throws {
        #expect(try value("a::url(href)") == .string("https://shop.example/p/2?q=%C3%A9"))
        #expect(try values(["u[]=a::url(href)"]) == [.array([
            .string("https://shop.example/p/2?q=%C3%A9"), .string("https://shop.example/dir/other"), .string("http://[bad"),
        ])])
    }

    @Test func urlWithABaseElement() throws {
        let document = HandTree.document(
            head: [.el("base", [("target", "_top")]), .el("base", [("href", "../base/")]), .el("base", [("href", "/ignored/")])],
            body: [.el("a", [("href", "x?y")])])
        #expect(try value("a::url(href)", document: document) == .string("https://shop.example/base/x?y"))
    }

    @Test func baseThatDoesNotParseFallsBackToTheResponseURL() throws {
        let document = HandTree.document(head: [.el("base", [("href", "http://[bad/")])], body: [.el("a", [("href", "x")])])
        #expect(try value("a::url(href)", document: document) == .string("https://shop.example/dir/x"))
    }

    @Test func baseInBodyCountsToo() throws {
        let document = HandTree.document(body: [.el("a", [("href", "x")]), .el("base", [("href", "https://cdn.example/")])])
        #expect(try value("a::url(href)", document: document) == .string("https://cdn.example/x"))
    }

    @Test func urlWithoutAUsableDocumentURL() throws {
        #expect(try value("a::url(href)", url: "") == .string("/p/2?q=é"))
    }

    @Test func htmlIsOuterHTML() throws {
        #expect(try value("p.price::html") == .string("<p class=\"price\">€ 9 &lt;cheap&gt; &amp; good&nbsp;</p>"))
        #expect(try values(["h[]=h2::html"]) == [.array([.string("<h2> A <i>x</i>\n b </h2>"), .string("<h2><i>only child text</i></h2>")])])
    }

    @Test func nothingMatched() throws {
        #expect(try value("table") == .null)
        #expect(try values(["t[]=table"]) == [.array([])])
        #expect(try value("table::html") == .null)
    }

    @Test func fieldsKeepTheirOrderAndNames() throws {
        let extraction = PageExtractor(fields: try FieldSet(["b=h2", "a[]=a::text"]), metadata: false).extract(from: Self.page, url: "https://x/")
        #expect(extraction.fields.map(\.name) == ["b", "a"])
        #expect(extraction.title == "T")
        #expect(extraction.isHTML)
        #expect(extraction.metadata == nil)
    }

    @Test func selectorListWithAPseudoElement() throws {
        #expect(try values(["x[]=h2, p::text"]) == [.array([.string("A b"), .string(""), .string("€ 9 <cheap> & good\u{A0}")])])
    }
}
