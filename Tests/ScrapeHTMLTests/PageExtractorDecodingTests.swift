@testable import ScrapeHTML
import Testing

/// The document's text as the parser gets it: the title rule's encoding decisions, one
/// decode, no copy of valid UTF-8.
struct PageExtractorDecodingTests {
    private func decoded(_ body: [UInt8], contentType: String? = "text/html") -> (text: String, copied: Bool) {
        body.withUnsafeBufferPointer { original in
            DocumentDecoder.withUTF8(body, httpCharset: MediaType(contentType).charset) { utf8 in
                let inside = utf8.baseAddress.map { $0 >= original.baseAddress! && $0 <= original.baseAddress! + original.count } ?? true
                return (String(decoding: utf8, as: UTF8.self), !inside)
            }
        }
    }

    @Test func validUTF8IsNotCopied() {
        let result = decoded(Array("<p>héllo</p>".utf8))
        #expect(result.text == "<p>héllo</p>")
        #expect(!result.copied)
    }

    @Test func byteOrderMarkIsSkipped() {
        let result = decoded([0xEF, 0xBB, 0xBF] + Array("<p>x</p>".utf8))
        #expect(result.text == "<p>x</p>")
        #expect(!result.copied)
    }

    @Test func invalidUTF8IsRepaired() {
        let result = decoded(Array("<p>".utf8) + [0xFF, 0xC3] + Array("</p>".utf8))
        #expect(result.text == "<p>\u{FFFD}\u{FFFD}</p>")
        #expect(result.copied)
    }

    @Test func windows1252ByMetaCharset() {
        let body = Array("<meta charset=windows-1252><p>caf".utf8) + [0xE9, 0x20, 0x80] + Array("</p>".utf8)
        #expect(decoded(body).text == "<meta charset=windows-1252><p>café €</p>")
    }

    @Test func httpCharsetWinsOverMeta() {
        let body = Array("<meta charset=utf-8><p>".utf8) + [0xE9]
        #expect(decoded(body, contentType: "text/html; charset=iso-8859-1").text == "<meta charset=utf-8><p>é")
    }

    @Test func lateMetaChangesTheEncoding() {
        let padding = String(repeating: " ", count: 2000)
        let body = Array("<html><head>\(padding)<meta charset=windows-1252></head><p>".utf8) + [0xE9]
        #expect(decoded(body).text.hasSuffix("<p>é"))
    }

    @Test func utf16ByBOM() {
        let body: [UInt8] = [0xFF, 0xFE] + Array("<p>é</p>".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(decoded(body).text == "<p>é</p>")
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
