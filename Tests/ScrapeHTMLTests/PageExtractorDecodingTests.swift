@testable import ScrapeHTML
import Testing

/// The document's text as the parser gets it: the title rule's encoding decisions.
struct PageExtractorDecodingTests {
    /// The text content of the parsed page.
    private func text(_ body: [UInt8], contentType: String? = "text/html") -> String {
        let document = DocumentDecoder.parse(body, httpCharset: MediaType(contentType).charset)
        return withExtendedLifetime(document) { document.document.textContent }
    }

    @Test func utf8() {
        #expect(text(Array("<p>héllo</p>".utf8)) == "héllo")
    }

    @Test func byteOrderMarkIsSkipped() {
        #expect(text([0xEF, 0xBB, 0xBF] + Array("<p>x</p>".utf8)) == "x")
    }

    @Test func invalidUTF8IsRepaired() {
        #expect(text(Array("<p>".utf8) + [0xFF, 0xC3] + Array("</p>".utf8)) == "\u{FFFD}\u{FFFD}")
    }

    @Test func windows1252ByMetaCharset() {
        let body = Array("<meta charset=windows-1252><p>caf".utf8) + [0xE9, 0x20, 0x80] + Array("</p>".utf8)
        #expect(text(body) == "café €")
    }

    @Test func httpCharsetWinsOverMeta() {
        let body = Array("<meta charset=utf-8><p>".utf8) + [0xE9]
        #expect(text(body, contentType: "text/html; charset=iso-8859-1") == "é")
    }

    @Test(arguments: ["<meta charset=windows-1252>", "<meta http-equiv=Content-Type content='text/html; charset=\"windows-1252\"'>",
                      "<meta charset=nonsense http-equiv=content-type content='charset=windows-1252'>"])
    func lateMetaChangesTheEncoding(_ meta: String) {
        let padding = String(repeating: " ", count: 2000)
        let body = Array("<html><head>\(padding)\(meta)</head><p>".utf8) + [0xE9]
        #expect(text(body).hasSuffix("é"))
    }

    @Test func lateMetaCountsWhereTheParserInsertsOne() {
        let padding = String(repeating: " ", count: 2000)
        let inTemplate = Array("<p>\(padding)<template><meta charset=windows-1252></template>".utf8) + [0xE9]
        #expect(text(inTemplate).hasSuffix("é"))
        let inComment = Array("<p>\(padding)<!--<meta charset=windows-1252>-->".utf8) + [0xE9]
        #expect(text(inComment).hasSuffix("\u{FFFD}"))
        // Scripting is on: <noscript> holds text, not a meta element.
        let inNoscript = Array("<p>\(padding)<noscript><meta charset=windows-1252></noscript>".utf8) + [0xE9]
        #expect(text(inNoscript).hasSuffix("\u{FFFD}"))
        // <meta> breaks out of foreign content: an HTML meta, which counts.
        let afterSVG = Array("<p>\(padding)<svg><meta charset=windows-1252></svg>".utf8) + [0xE9]
        #expect(text(afterSVG).hasSuffix("é"))
    }

    @Test func lateMetaForUTF16MeansUTF8() {
        let padding = String(repeating: " ", count: 2000)
        #expect(text(Array("<p>\(padding)<meta charset=utf-16le>é".utf8)).hasSuffix("é"))
    }

    @Test func utf16ByBOM() {
        let body: [UInt8] = [0xFF, 0xFE] + Array("<p>é</p>".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(text(body) == "é")
    }

    @Test(arguments: [
        ([0x41, 0x42], true), ([0xC3, 0xA9], true), ([0xE2, 0x82, 0xAC], true), ([0xF0, 0x9F, 0x98, 0x80], true),
        ([0xC0, 0x80], false), ([0xED, 0xA0, 0x80], false), ([0xF4, 0x90, 0x80, 0x80], false), ([0xE2, 0x82], false),
        ([0x80], false), ([0xE0, 0x80, 0x80], false),
    ] as [([UInt8], Bool)])
    func utf8Validation(_ bytes: [UInt8], _ valid: Bool) {
        let padded = Array("0123456789".utf8) + bytes + Array("abcdefghij".utf8)
        #expect(padded.withUnsafeBufferPointer(UTF8Validation.isValid) == valid)
        #expect(bytes.withUnsafeBufferPointer(UTF8Validation.isValid) == valid)
    }

    @Test func notHTMLIsNotParsed() throws {
        let extractor = PageExtractor(fields: try FieldSet(["h1=h1"]), metadata: true)
        let extraction = extractor.extract(body: Array("<h1>x</h1>".utf8), contentType: "application/json", url: "https://x/")
        #expect(!extraction.isHTML)
        #expect(extraction.title == nil)
        #expect(extraction.fields.isEmpty)
        #expect(extraction.metadata == nil)
    }
}
