import Foundation
@testable import ScrapeHTML
import Testing

/// Whole pages through ``PageExtractor``: bytes in, the parser's tree, values out.
struct PageExtractorTests {
    private func extract(_ html: String, _ specs: [String] = [], contentType: String? = "text/html", url: String = "https://site.example/a/b", metadata: Bool = false) throws -> PageExtraction {
        try extract(Array(html.utf8), specs, contentType: contentType, url: url, metadata: metadata)
    }

    private func extract(_ body: [UInt8], _ specs: [String] = [], contentType: String? = "text/html", url: String = "https://site.example/a/b", metadata: Bool = false) throws -> PageExtraction {
        PageExtractor(fields: try FieldSet(specs), metadata: metadata).extract(body: body, contentType: contentType, url: url)
    }

    /// The title from the tree equals the title scanner's answer on every case of the title rule.
    @Test(arguments: TitleRuleTests.cases)
    func titleEqualsTitleExtractor(_ rule: TitleRuleTests.Case) throws {
        let body = Array(try #require(Data(base64Encoded: rule.body)))
        let extraction = try extract(body, ["h=title"], contentType: rule.contentType)
        #expect(extraction.title == TitleExtractor().title(in: body, contentType: rule.contentType))
    }

    @Test func aBrowserTreeNotLibxml2s() throws {
        // An unclosed <p> is closed by <div>; a table's stray text is fostered out; <!--> is an empty comment.
        let html = "<p>one<div>two</div><table>stray<tr><td>cell</td></tr></table><!-->after"
        let values = try extract(html, ["p[]=p", "div=body > div", "td=td", "body=body::text", "c=xpath:count(//comment())"]).fields.map(\.value)
        #expect(values == [.array([.string("one")]), .string("two"), .string("cell"), .string("strayafter"), .number(1)])
    }

    @Test func windows1252PageWithMetaCharset() throws {
        let body = Array("<!doctype html><meta charset=\"windows-1252\"><title>Caf".utf8) + [0xE9] + Array("</title><h1 title=\"".utf8) + [0x80] + Array("\">Men".utf8) + [0xFC] + Array("</h1>".utf8)
        let extraction = try extract(body, ["h1=h1", "t=h1::attr(title)", "x=xpath:string(//h1)"])
        #expect(extraction.title == "Café")
        #expect(extraction.fields.map(\.value) == [.string("Menü"), .string("€"), .string("Menü")])
    }

    @Test func httpCharsetAndMissingType() throws {
        let body = Array("<h1>".utf8) + [0xE9] + Array("</h1>".utf8)
        #expect(try extract(body, ["h=h1"], contentType: "text/html; charset=latin1").fields[0].value == .string("é"))
        #expect(try extract(body, ["h=h1"], contentType: nil).fields[0].value == .string("\u{FFFD}"))
    }

    @Test func notHTML() throws {
        let extraction = try extract("<h1>x</h1>", ["h=h1"], contentType: "text/plain")
        #expect(!extraction.isHTML)
        #expect(extraction.fields.isEmpty)
    }

    @Test func everyPseudoElementOnAParsedPage() throws {
        let html = """
            <!doctype html><html><head><base href="/root/"><title> A  page </title></head>
            <body><h1>Hello <b>big</b>   world</h1><a>no href</a><a href="x?q=1">one</a><a href="//cdn.example/y">two</a>
            <p class=price data-v='a"b'>9 &lt; 10&nbsp;</p><br><template><h1>hidden</h1></template></body></html>
            """
        let extraction = try extract(html, [
            "title=h1", "own=h1::text", "href=a::attr(href)", "url[]=a::url(href)", "html=p::html", "h1s[]=h1", "br=br::html",
        ])
        #expect(extraction.title == "A page")
        #expect(extraction.fields.map(\.value) == [
            .string("Hello big world"), .string("Hello world"), .string("x?q=1"),
            .array([.string("https://site.example/root/x?q=1"), .string("https://cdn.example/y")]),
            .string("<p class=\"price\" data-v=\"a&quot;b\">9 &lt; 10&nbsp;</p>"), .array([.string("Hello big world")]), .string("<br>"),
        ])
    }

    @Test func serializerOnParsedRawTextAndForeignContent() throws {
        let html = "<div><script>if (a < b && c) {}</script><noscript><b>x</b></noscript><svg viewBox='0 0 1 1'><a xlink:href='#i'/></svg><textarea>\nx</textarea></div>"
        let value = try extract(html, ["d=div::html"]).fields[0].value
        #expect(value == .string("<div><script>if (a < b && c) {}</script><noscript><b>x</b></noscript><svg viewBox=\"0 0 1 1\"><a xlink:href=\"#i\"></a></svg><textarea>x</textarea></div>"))
    }

    @Test func metadataFromAParsedPage() throws {
        let html = """
            <html><head><link rel=canonical href="/c"><meta property="og:title" content="OG">
            <script type="application/ld+json">{"a":1}</script><script type="application/ld+json">{broken</script>
            <meta name=twitter:card content=summary><meta name=author content=Ann></head><body><!-- <meta name=x content=y> --></body></html>
            """
        let metadata = try #require(try extract(html, metadata: true).metadata)
        #expect(metadata.jsonLD == [#"{"a":1}"#, "{broken"])
        #expect(metadata.openGraph == [PageMetadata.Property(name: "og:title", content: "OG")])
        #expect(metadata.twitter == [PageMetadata.Property(name: "twitter:card", content: "summary")])
        #expect(metadata.meta == [PageMetadata.Property(name: "author", content: "Ann")])
        #expect(metadata.canonical == "https://site.example/c")
    }

    @Test func deeplyNestedPage() throws {
        let html = String(repeating: "<div>", count: 20_000) + "deep" + String(repeating: "</div>", count: 20_000)
        let extraction = try extract(html, ["n=xpath:count(//div)", "t=body", "h=body > div::html"])
        #expect(extraction.fields[0].value == .number(20_000))
        #expect(extraction.fields[1].value == .string("deep"))
    }
}
