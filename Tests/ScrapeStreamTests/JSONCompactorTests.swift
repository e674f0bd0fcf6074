import Testing

@testable import ScrapeCore
import ScrapeStream

/// `scrape ws` decides `json` or `text` with ``JSONCompactor``; it must agree with the
/// strict ``JSONParser`` on what is JSON, and keep the bytes of what it copies.
@Suite struct JSONCompactorTests {
    static let cases: [String] = [
        #"{"a":1}"#, #" { "a" : [ 1 , 2.5e-3 , -0 , true , false , null ] } "#, "42", "-0.5", "1E+9", #""text""#,
        #"{"s":"tab\tescaped \" \\ \/ \u00e9 \ud83d\ude00"}"#, "12345678901234567890", "[]", "{}", "[[[]]]",
        // Not JSON:
        "", " ", "01", "1.", ".5", "-", "+1", "1e", "tru", "nul", "[1,]", "{\"a\"}", "{\"a\":}", "{a:1}", "[1 2]",
        "\"unterminated", "\"bad \\x escape\"", "\"\\u12G4\"", "\"raw\ttab\"", "{} {}", "[", "]", "{\"a\":1,}", "NaN",
    ]

    @Test(arguments: cases)
    func agreesWithTheParser(text: String) {
        let bytes = Array(text.utf8)
        var output = Array("prefix".utf8)
        let compacted = JSONCompactor.appendCompacted(bytes, to: &output)
        let parsed = try? JSONParser.parse(bytes)
        #expect(compacted == (parsed != nil), "\(text)")
        if let parsed {
            #expect(output == Array("prefix".utf8) + parsed.compactBytes(in: bytes), "\(text)")
        } else {
            #expect(output == Array("prefix".utf8), "a refused value leaves the output as it was")
        }
    }

    @Test func nestingIsBounded() {
        var output: [UInt8] = []
        let deep = Array(String(repeating: "[", count: 600).utf8) + Array(String(repeating: "]", count: 600).utf8)
        #expect(!JSONCompactor.appendCompacted(deep, to: &output))
        #expect(output.isEmpty)
    }
}
