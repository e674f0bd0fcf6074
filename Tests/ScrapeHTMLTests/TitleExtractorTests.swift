import ScrapeHTML
import Testing

/// The title rule of docs/ARCHITECTURE.md, table-driven: each case is a document, its Content-Type
/// and the `document.title` a browser gives.
struct TitleExtractorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let body: [UInt8]
        let contentType: String?
        let expected: String?
        var testDescription: String { name }

        static func html(_ name: String, _ html: String, _ expected: String?) -> Case {
            Case(name, html, "text/html", expected)
        }

        init(_ name: String, _ html: String, _ contentType: String?, _ expected: String?) {
            self.init(name, bytes: Array(html.utf8), contentType, expected)
        }

        init(_ name: String, bytes: [UInt8], _ contentType: String?, _ expected: String?) {
            self.name = name
            self.body = bytes
            self.contentType = contentType
            self.expected = expected
        }
    }

    static let extractor = TitleExtractor()

    static let structure: [Case] = [
        Case.html("plain", "<html><head><title>Hello</title></head></html>", "Hello"),
        Case.html("entities", "<title>Caf&eacute; &amp; Cr&egrave;me &#8212; &#x263A; &lt;b&gt;</title>", "Café & Crème — ☺ <b>"),
        Case.html("entity without semicolon", "<title>a &amp b &copy 2024</title>", "a & b © 2024"),
        Case.html("unknown entity kept", "<title>&bogus; &</title>", "&bogus; &"),
        Case.html("numeric windows-1252 and invalid", "<title>&#150;&#0;&#xD800;&#1114112;</title>", "–\u{FFFD}\u{FFFD}\u{FFFD}"),
        Case.html("whitespace collapsed", "<title>\n\t  Many   \n spaces\u{0C}here \r\n</title>", "Many spaces here"),
        Case.html("non-breaking space kept", "<title>&nbsp;a\u{00A0}b </title>", "\u{00A0}a\u{00A0}b"),
        Case.html("markup inside is text (RCDATA)", "<title>A <b>B</b> <!-- c --></title>", "A <b>B</b> <!-- c -->"),
        Case.html("two titles: first wins", "<title>One</title><title>Two</title>", "One"),
        Case.html("title after body content", "<html><body><p>text</p><title>Late</title></body></html>", "Late"),
        Case.html("missing", "<html><head></head><body>no title</body></html>", nil),
        Case.html("empty", "<title></title>", ""),
        Case.html("only whitespace", "<title>   \n </title>", ""),
        Case.html("svg title is not the document title", "<body><svg><title>Icon</title></svg><p>x</p></body>", nil),
        Case.html("svg title then real title", "<svg><title>Icon</title></svg><title>Real</title>", "Real"),
        Case.html("uppercase tags", "<HTML><HEAD><TITLE>Shout</TITLE></HEAD></HTML>", "Shout"),
        Case.html("mixed-case end tag", "<title>x</TiTlE >y", "x"),
        Case.html("attributes on title", "<title lang=\"en\" data-x='>'>Attr</title>", "Attr"),
        Case.html("unclosed title runs to the end", "<title>Open ended <p>still", "Open ended <p>still"),
        Case.html("title in a comment is ignored", "<!-- <title>No</title> --><title>Yes</title>", "Yes"),
        Case.html("title in a script is ignored", "<script>var s='<title>No</title>';</script><title>Yes</title>", "Yes"),
        Case.html("not </titlex", "<title>a</titlex>b</title>", "a</titlex>b"),
        Case.html("NUL becomes U+FFFD", "<title>a\u{0}b</title>", "a\u{FFFD}b"),
    ]

    static let contentTypes: [Case] = [
        Case("missing content type is parsed", "<title>Untyped</title>", nil, "Untyped"),
        Case("xhtml", "<title>X</title>", "application/xhtml+xml", "X"),
        Case("json is not parsed", "{\"title\":\"<title>no</title>\"}", "application/json", nil),
        Case("pdf is not parsed", "<title>no</title>", "application/pdf", nil),
        Case("image is not parsed", "<title>no</title>", "image/png", nil),
        Case("type with parameters", "<title>P</title>", "TEXT/HTML ; charset=\"utf-8\"", "P"),
    ]

    static let charsets: [Case] = [
        Case("undeclared UTF-8", "<title>Ünïcödé ✓ 日本</title>", "text/html", "Ünïcödé ✓ 日本"),
        Case("UTF-8 BOM", bytes: [0xEF, 0xBB, 0xBF] + Array("<title>BOM ✓</title>".utf8), "text/html", "BOM ✓"),
        Case("BOM beats the HTTP charset", bytes: [0xEF, 0xBB, 0xBF] + Array("<title>é</title>".utf8), "text/html; charset=iso-8859-1", "é"),
        Case("HTTP charset latin1 is windows-1252",
             bytes: Array("<title>caf".utf8) + [0xE9, 0x20, 0x96, 0x20, 0x80] + Array("</title>".utf8),
             "text/html; charset=ISO-8859-1", "café – €"),
        Case("meta charset", bytes: Array("<meta charset=\"windows-1252\"><title>".utf8) + [0xE9, 0x93, 0x94] + Array("</title>".utf8),
             "text/html", "é“”"),
        Case("meta http-equiv", bytes: Array("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"><title>".utf8) + [0xE7, 0x99] + Array("</title>".utf8),
             "text/html", "ç™"),
        Case("HTTP charset beats meta",
             bytes: Array("<meta charset=\"utf-8\"><title>".utf8) + [0xE9] + Array("</title>".utf8),
             "text/html; charset=windows-1252", "é"),
        Case("Shift_JIS", bytes: Array("<title>".utf8) + [0x93, 0xFA, 0x96, 0x7B] + Array("</title>".utf8),
             "text/html; charset=Shift_JIS", "日本"),
        Case("unknown HTTP charset falls back", "<title>fallback ✓</title>", "text/html; charset=x-no-such", "fallback ✓"),
    ]

    @Test(arguments: structure) func structureRules(_ c: Case) { check(c) }
    @Test(arguments: contentTypes) func contentTypeRules(_ c: Case) { check(c) }
    @Test(arguments: charsets) func charsetRules(_ c: Case) { check(c) }

    private func check(_ c: Case, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Self.extractor.title(in: c.body, contentType: c.contentType) == c.expected, sourceLocation: sourceLocation)
    }

    @Test func invalidUTF8NeverProducesInvalidText() {
        let body = Array("<title>ok ".utf8) + [0xFF, 0xFE, 0xC3] + Array(" end</title>".utf8)
        let title = Self.extractor.title(in: body, contentType: "text/html; charset=utf-8")
        #expect(title != nil)
        #expect(title?.hasPrefix("ok ") == true)
        #expect(title?.hasSuffix(" end") == true)
    }

    @Test func titleAfterHundredThousandNestedElements() {
        let depth = 100_000
        let html = String(repeating: "<div>", count: depth) + "<title>Deep</title>" + String(repeating: "</div>", count: depth)
        #expect(Self.extractor.title(in: Array(html.utf8), contentType: "text/html") == "Deep")
    }

    /// Titles before, after and across the first few KiB (where libxml2 was once fed a first chunk) are whole.
    @Test(arguments: [0, 4_000, 4_060, 4_070, 4_080, 4_096, 4_100, 20_000, 300_000])
    func titleAnywhereAroundTheFirstChunkIsWhole(padding: Int) {
        let head = "<!doctype html><html><head><!--" + String(repeating: "x", count: padding) + "-->"
        let title = "Caf\u{E9} &amp; " + String(repeating: "long title words ", count: 8) + "end"
        let html = head + "<title>" + title + "</title></head><body>" + String(repeating: "<p>text</p>", count: 100) + "</body></html>"
        let expected = "Caf\u{E9} & " + String(repeating: "long title words ", count: 8) + "end"
        #expect(Self.extractor.title(in: Array(html.utf8), contentType: "text/html; charset=utf-8") == expected)
        let latin1 = Array(head.utf8) + Array("<title>".utf8) + [0x43, 0x61, 0x66, 0xE9] + Array(" latin</title>".utf8)
        #expect(Self.extractor.title(in: latin1, contentType: "text/html; charset=iso-8859-1") == "Caf\u{E9} latin")
    }

    @Test func titleTextRulesOnBytes() {
        let body = Array("<title>\t a\u{0}b  \n c\u{00A0}d &lt;e&gt; </title>".utf8)
        #expect(Self.extractor.title(in: body, contentType: "text/html") == "a\u{FFFD}b c\u{00A0}d <e>")
        let capped = TitleExtractor(maxTitleBytes: 5)
        #expect(capped.title(in: Array("<title>ab   \u{E9}\u{E9}</title>".utf8), contentType: "text/html") == "ab \u{E9}")
        #expect(capped.title(in: Array("<title>   </title>".utf8), contentType: "text/html") == "")
    }

    /// Leading zeros do not make a numeric reference out of range (the tokenizer's rule):
    /// `&#0000000065;` is `A`, as in a browser; only the value decides U+FFFD.
    @Test func numericReferencesWithLeadingZeros() {
        let body = Array("<title>&#0000000065;&#x00000000042;&#99999999999;&#x0000000080;</title>".utf8)
        #expect(Self.extractor.title(in: body, contentType: "text/html") == "AB\u{FFFD}\u{20AC}")
    }

    @Test func mediaTypeParameters() {
        let page = Array("<title>Caf\u{E9}</title>".utf8)
        #expect(Self.extractor.title(in: page, contentType: "TEXT/HTML ; Charset = \"UTF-8\" ; q=1") == "Caf\u{E9}")
        #expect(Self.extractor.title(in: page, contentType: "application/json; charset=utf-8") == nil)
        #expect(Self.extractor.title(in: [0x3C, 0x74, 0x69, 0x74, 0x6C, 0x65, 0x3E, 0xE9, 0x3C, 0x2F, 0x74, 0x69, 0x74, 0x6C, 0x65, 0x3E], contentType: "text/html;charset=windows-1252") == "\u{E9}")
    }

    @Test func scanStopsAtTheByteBudget() {
        let bounded = TitleExtractor(maxScanBytes: 1000, maxTitleBytes: 1024)
        let late = String(repeating: "<p>filler</p>", count: 200) + "<title>Too late</title>"
        #expect(bounded.title(in: Array(late.utf8), contentType: "text/html") == nil)
        #expect(bounded.title(in: Array("<title>Early</title>".utf8), contentType: "text/html") == "Early")
    }

    @Test func concurrentUseIsSafe() async {
        let results = await withTaskGroup(of: String?.self, returning: [String?].self) { group in
            for index in 0..<200 {
                group.addTask { Self.extractor.title(in: Array("<title>n\(index)</title>".utf8), contentType: nil) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(results.compactMap { $0 }).count == 200)
    }
}
