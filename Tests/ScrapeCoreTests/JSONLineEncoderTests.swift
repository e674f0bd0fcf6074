@testable import ScrapeCore
import Testing

/// The record's JSON form: key order, nulls, escaping, timestamps.
struct JSONLineEncoderTests {
    static let time = Timestamp(millisecondsSinceEpoch: 1_764_025_173_045)

    @Test func successRecordHasEveryKeyInOrder() {
        let record = ScrapeRecord(
            url: "https://a.test/x", finalURL: "https://a.test/y", status: 200, title: "Hello", contentType: "text/html",
            bytes: 123, elapsedMilliseconds: 45, attempts: 1, fetchedAt: Self.time
        )
        let line = String(decoding: JSONLineEncoder.line(for: record), as: UTF8.self)
        #expect(line == #"{"url":"https://a.test/x","final_url":"https://a.test/y","status":200,"title":"Hello","error":null,"content_type":"text/html","bytes":123,"elapsed_ms":45,"attempts":1,"fetched_at":"2025-11-24T22:59:33.045Z","etag":null,"last_modified":null,"content_sha256":null}"# + "\n")
    }

    /// The validators and the hash follow `fetched_at` (every earlier key keeps its place),
    /// exactly as received; a `--since` run adds `not_modified` and `changed` after them,
    /// and a body stage's keys come last.
    @Test func validatorsHashAndRevisitFollowFetchedAt() {
        var record = ScrapeRecord(url: "https://a.test/x", status: 304, attempts: 1, fetchedAt: Self.time)
        record.etag = #"W/"5f-\"x\"""#
        record.lastModified = "Mon, 07 Dec 2026 17:00:00 GMT"
        record.contentSHA256 = String(repeating: "ab", count: 32)
        record.revisit = .init(notModified: true, changed: false)
        record.extras = [JSONDocument.Member(key: "depth", value: .number("1"))]
        let line = JSONLineEncoder.line(for: record)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasSuffix(
            #""fetched_at":"2025-11-24T22:59:33.045Z","etag":"W/\"5f-\\\"x\\\"\"","last_modified":"Mon, 07 Dec 2026 17:00:00 GMT","content_sha256":"# +
            "\"" + String(repeating: "ab", count: 32) + "\"" + #","not_modified":true,"changed":false,"depth":1}"# + "\n"))
        #expect(RecordLine.isRecord(line.dropLast()))
        #expect(RecordLine.status(in: line.dropLast()) == 304)
        record.revisit = .init(notModified: false, changed: true)
        #expect(String(decoding: JSONLineEncoder.line(for: record), as: UTF8.self).contains(#""not_modified":false,"changed":true,"depth":1}"#))
    }

    /// Keys a body stage adds come after `fetched_at` and the validators, nested values included, and the
    /// resume reader still finds the record's own `status` and `error` at the top level
    /// when a nested object has keys of those names.
    @Test func extrasFollowTheFixedKeysAndDoNotFoolTheReader() {
        var record = ScrapeRecord(url: "https://a.test/x", status: 200, attempts: 1, fetchedAt: Self.time)
        typealias Member = JSONDocument.Member
        record.extras = [
            Member(key: "fields", value: .object([
                Member(key: "meta", value: .object([
                    Member(key: "status", value: .number("503")), Member(key: "error", value: .object([Member(key: "kind", value: .string("timeout"))])),
                ])),
                Member(key: "tags", value: .array([.string("a\"b"), .null, .bool(true)])),
            ])),
        ]
        let line = JSONLineEncoder.line(for: record)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasSuffix(#""fetched_at":"2025-11-24T22:59:33.045Z","etag":null,"last_modified":null,"content_sha256":null,"fields":{"meta":{"status":503,"error":{"kind":"timeout"}},"tags":["a\"b",null,true]}}"# + "\n"))
        let body = line.dropLast()
        #expect(RecordLine.isRecord(body))
        #expect(RecordLine.status(in: body) == 200)
        #expect(RecordLine.errorKind(in: body) == nil)
    }

    @Test func failureRecordHasNullsAndTheError() {
        let record = ScrapeRecord(url: "ftp://x", error: .init(kind: .unsupportedScheme, message: "no"), attempts: 0, fetchedAt: Self.time)
        let line = String(decoding: JSONLineEncoder.line(for: record), as: UTF8.self)
        #expect(line.hasPrefix(#"{"url":"ftp://x","final_url":null,"status":null,"title":null,"error":{"kind":"unsupported_scheme","message":"no"},"content_type":null,"bytes":null,"elapsed_ms":null,"attempts":0,"#))
    }

    @Test(arguments: [
        ("plain", #""plain""#), ("q\"b\\s", #""q\"b\\s""#), ("a\nb\r\tc", #""a\nb\r\tc""#),
        ("\u{0}\u{1F}", #""\u0000\u001f""#), ("é☺😀", "\"é☺😀\""), ("</script>", #""</script>""#),
    ])
    func escapesStrings(value: String, json: String) {
        var output: [UInt8] = []
        JSONLineEncoder.appendString(value, to: &output)
        #expect(String(decoding: output, as: UTF8.self) == json)
    }

    @Test(arguments: ["https://a.test/?q=\"x\"&y=\\", "http://ü.test/😀", "http://a/\u{1}\n", "plain"])
    func urlsRoundTripThroughTheResumeReader(url: String) {
        let line = JSONLineEncoder.line(for: ScrapeRecord(url: url, attempts: 1, fetchedAt: Self.time))
        #expect(RecordLine.leadingURL(in: line.dropLast()) == Array(url.utf8))
    }

    @Test func aLineThatIsNotUTF8IsWrittenReversibly() {
        let bytes: [UInt8] = Array("http://a/caf".utf8) + [0xE9] + Array(".html?q=\u{00E9}".utf8) + [0xFF, 0xC3]
        var record = ScrapeRecord(url: String(decoding: bytes, as: UTF8.self), attempts: 0, fetchedAt: Self.time)
        record.urlBytes = bytes
        let line = JSONLineEncoder.line(for: record)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasPrefix(#"{"url":"http://a/caf\udce9.html?q=\#u{00E9}\udcff\udcc3","#))
        #expect(RecordLine.leadingURL(in: line.dropLast()) == bytes)
    }

    @Test func readerDecodesSurrogatePairsAndRejectsForeignLines() {
        #expect(RecordLine.leadingURL(in: ArraySlice(#"{"url":"a\ud83d\ude00b","x":1}"#.utf8)) == Array("a😀b".utf8))
        #expect(RecordLine.leadingURL(in: ArraySlice(#"{"status":200,"url":"x"}"#.utf8)) == nil)
        #expect(RecordLine.leadingURL(in: ArraySlice(#"{"url":"unterminated"#.utf8)) == nil)
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"), (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (4_102_444_799_999, "2099-12-31T23:59:59.999Z"), (-1, "1969-12-31T23:59:59.999Z"),
        (253_402_300_800_000, "10000-01-01T00:00:00.000Z"), (-62_198_755_200_000, "-1-01-01T00:00:00.000Z"),
    ])
    func timestampsAreRFC3339UTC(milliseconds: Int64, text: String) {
        #expect(Timestamp(millisecondsSinceEpoch: milliseconds).description == text)
    }

    @Test(arguments: [0, 7, 10, 45, 1_000_000, -3, Int.max, Int.min])
    func integersAreDecimal(value: Int) {
        var output: [UInt8] = []
        JSONLineEncoder.appendInt(value, to: &output)
        #expect(String(decoding: output, as: UTF8.self) == String(value))
    }
}
