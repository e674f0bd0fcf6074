@testable import ScrapeHTML
import Testing

/// `--metadata` over hand-built trees: JSON-LD blocks, OpenGraph, Twitter, meta, canonical.
struct MetadataTests {
    private func metadata(head: [HandNode], body: [HandNode] = [], url: String = "https://news.example/a/b") throws -> PageMetadata {
        let document = HandTree.document(head: head, body: body)
        return try #require(PageExtractor(fields: try FieldSet([]), metadata: true).extract(from: document, url: url).metadata)
    }

    private typealias Property = PageMetadata.Property

    @Test func jsonLDBlocksRawInOrder() throws {
        let found = try metadata(
            head: [
                .el("script", [("type", "application/ld+json")], [.text(#"{"@type":"Article"}"#)]),
                .el("script", [("type", " Application/LD+JSON\n")], [.text("{broken")]),
                .el("script", [("type", "application/ld+json; charset=utf-8")], [.text("{}")]),
                .el("script", [], [.text("var x = 1")]),
            ],
            body: [.el("script", [("type", "application/ld+json")], [.text(#"{"@graph":[]}"#)])])
        #expect(found.jsonLD == [#"{"@type":"Article"}"#, "{broken", #"{"@graph":[]}"#])
    }

    @Test func jsonLDInTemplateContentsIsNotThePage() throws {
        let template = HandNode.element("template", [], [], contents: [.el("script", [("type", "application/ld+json")], [.text("{}")])])
        #expect(try metadata(head: [template]).jsonLD == [])
    }

    @Test func openGraphTwitterAndMeta() throws {
        let found = try metadata(head: [
            .el("meta", [("property", "og:title"), ("content", "Title")]),
            .el("meta", [("property", "og:image"), ("content", "a.png")]),
            .el("meta", [("property", "og:image"), ("content", "b.png")]),
            .el("meta", [("name", "twitter:card"), ("content", "summary")]),
            .el("meta", [("property", "twitter:site"), ("content", "@x")]),
            .el("meta", [("name", "description"), ("content", " A page ")]),
            .el("meta", [("name", "keywords")]),
            .el("meta", [("charset", "utf-8")]),
            .el("meta", [("property", "article:author"), ("content", "Ann")]),
        ])
        #expect(found.openGraph == [Property(name: "og:title", content: "Title"), Property(name: "og:image", content: "a.png"), Property(name: "og:image", content: "b.png")])
        #expect(found.twitter == [Property(name: "twitter:card", content: "summary"), Property(name: "twitter:site", content: "@x")])
        #expect(found.meta == [Property(name: "description", content: " A page ")])
    }

    @Test func canonicalIsTheFirstAndResolved() throws {
        let found = try metadata(head: [
            .el("link", [("rel", "stylesheet"), ("href", "s.css")]),
            .el("link", [("rel", "alternate CANONICAL"), ("href", "../c?x=1")]),
            .el("link", [("rel", "canonical"), ("href", "/second")]),
        ])
        #expect(found.canonical == "https://news.example/c?x=1")
    }

    @Test func canonicalAgainstTheBaseElement() throws {
        let found = try metadata(head: [.el("base", [("href", "https://cdn.example/x/")]), .el("link", [("rel", "canonical"), ("href", "y")])])
        #expect(found.canonical == "https://cdn.example/x/y")
    }

    @Test func noCanonical() throws {
        #expect(try metadata(head: [.el("link", [("rel", "canonical")])]).canonical == nil)
    }
}
