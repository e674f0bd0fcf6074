@testable import ScrapeCore
import ScrapeHTTP
import Testing
@testable import ScrapeAPI

/// The byte-keeping JSON parser, paths, Link headers and URL helpers.
struct JSONValueTests {
    @Test func keepsNumbersAsTheirDigits() throws {
        let source = Array(#"{"a": 123456789012345678901234567890, "b": -0.10000000000000000001e-5, "c": [true, null, "x\u00e9"]}"#.utf8)
        let value = try JSONParser.parse(source)
        #expect(value["a"]?.scalarText(in: source) == "123456789012345678901234567890")
        #expect(value["b"]?.scalarText(in: source) == "-0.10000000000000000001e-5")
        #expect(value.value(at: JSONPath("c[2]")!)?.scalarText(in: source) == "xé")
        #expect(value.value(at: JSONPath("c[1]")!)?.scalarText(in: source) == nil)
        #expect(String(decoding: value.compactBytes(in: source), as: UTF8.self)
            == #"{"a":123456789012345678901234567890,"b":-0.10000000000000000001e-5,"c":[true,null,"x\u00e9"]}"#)
    }

    @Test func compactingKeepsSpacesInsideStrings() throws {
        let source = Array("{ \"k\" : \"a  b\\\" c\" ,\n \"n\":\t1 }".utf8)
        let value = try JSONParser.parse(source)
        #expect(String(decoding: value.compactBytes(in: source), as: UTF8.self) == #"{"k":"a  b\" c","n":1}"#)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\\x\"", "\"a\nb\"", "[1] 2", "tru", "{\"a\":1,}", "\"\\ud800\\u12\""])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    /// A lone surrogate escape reads as U+FFFD and the escape after it is kept, in both of
    /// the project's JSON readers (one decoder serves them: JSONEscape).
    @Test(arguments: [
        (#""\ud800\u0041""#, "\u{FFFD}A"), (#""\udc00x""#, "\u{FFFD}x"), (#""\ud83d\ude00""#, "😀"),
        (#""\ud800\ud800\udc00""#, "\u{FFFD}\u{10000}"), (#""a\/b\t""#, "a/b\t"),
    ])
    func loneSurrogatesReadAsReplacementAndKeepWhatFollows(json: String, expected: String) throws {
        let source = Array("[\(json)]".utf8)
        #expect(try JSONParser.parse(source).value(at: JSONPath("[0]")!)?.scalarText(in: source) == expected)
        #expect(RecordLine.leadingURL(in: ArraySlice("{\"url\":\(json)".utf8)) == Array(expected.utf8))
    }

    @Test func refusesAbsurdNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(deep.utf8)) }
    }

    @Test(arguments: [("$", 0), ("", 0), ("data", 1), ("data.items", 2), ("$.data.items", 2), ("results[0].next", 3), ("a[1][2]", 3)])
    func parsesPaths(text: String, steps: Int) {
        #expect(JSONPath(text)?.steps.count == steps)
    }

    @Test(arguments: ["a..b", ".a", "a.", "a[x]", "a[-1]", "a[1", "[0]x"])
    func rejectsBadPaths(text: String) {
        #expect(JSONPath(text) == nil)
    }

    @Test func findsTheNextLinkAmongSeveral() {
        let header = #"<https://x/?page=1>; rel="first"; title="a, b", <https://x/?page=3>; rel="prev next", <https://x/?page=9>; rel=last"#
        #expect(LinkHeader.next(in: [header]) == "https://x/?page=3")
        #expect(LinkHeader.next(in: ["<https://x/2>; rel=\"prev\"", "<https://x/4>; REL=NEXT"]) == "https://x/4")
        #expect(LinkHeader.next(in: ["<https://x/1>; rel=\"prev\""]) == nil)
    }

    @Test(arguments: [
        ("users", "https://api.test/v1/", "https://api.test/v1/users"), ("/users", "https://api.test/v1/", "https://api.test/users"),
        ("../b?x=1", "https://api.test/v1/a/", "https://api.test/v1/b?x=1"), ("https://other.test/x", "https://api.test/", "https://other.test/x"),
        ("?page=2", "https://api.test/items?page=1", "https://api.test/items?page=2"), ("", "https://api.test/v1/", "https://api.test/v1/"),
    ])
    func resolvesReferencesByRFC3986(reference: String, base: String, expected: String) throws {
        #expect(try HTTPURL.resolve(reference, against: base) == expected)
    }

    @Test func setsQueryItemsReplacingAndEncoding() {
        #expect(HTTPURL.settingQueryItems([("page", "2")], in: "https://a/x?page=1&q=z#f") == "https://a/x?page=2&q=z#f")
        #expect(HTTPURL.settingQueryItems([("cursor", "a b/c&d")], in: "https://a/x") == "https://a/x?cursor=a%20b%2Fc%26d")
        #expect(HTTPURL.settingQueryItems([("p", "1")], in: "https://a/x?p=0&p=9") == "https://a/x?p=1")
    }
}
