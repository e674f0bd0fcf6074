import Foundation
@testable import ScrapeCore
import Testing

/// The record's `fields` and `metadata` keys (issue 26): where they go, their nested
/// values, and that every reader of our records still reads a record that holds them.
struct FieldRecordTests {
    static let time = Timestamp(millisecondsSinceEpoch: 1_764_025_173_045)
    typealias Member = JSONDocument.Member

    /// Nested values whose keys and strings look like the record's own keys and syntax.
    static let trickyFields = JSONDocument.object([
        Member(key: "h1", value: .string("a \"quoted\" {brace} [bracket], \"error\":{\"kind\":\"timeout\"}\n")),
        Member(key: "error", value: .object([Member(key: "kind", value: .string("timeout")), Member(key: "status", value: .number("503"))])),
        Member(key: "fetched_at", value: .array([.string("x"), .null, .bool(false), .number(2.5), .array([])])),
        Member(key: "status", value: .number(42)),
    ])

    private func text(_ record: ScrapeRecord) -> String { String(decoding: JSONLineEncoder.line(for: record), as: UTF8.self) }

    @Test func fieldsAndMetadataComeRightAfterTheTitle() {
        var record = ScrapeRecord(url: "https://a.test/x", status: 200, title: "T", attempts: 1, fetchedAt: Self.time)
        record.fields = .object([Member(key: "h1", value: .string("Welcome")), Member(key: "h2", value: .array([.string("A"), .string("B")]))])
        record.metadata = .object([Member(key: "canonical", value: .null)])
        #expect(text(record) == #"{"url":"https://a.test/x","final_url":null,"status":200,"title":"T","fields":{"h1":"Welcome","h2":["A","B"]},"metadata":{"canonical":null},"error":null,"content_type":null,"bytes":null,"elapsed_ms":null,"attempts":1,"fetched_at":"2025-11-24T22:59:33.045Z","etag":null,"last_modified":null,"content_sha256":null}"# + "\n")
    }

    @Test func aPageThatIsNotHTMLHasNullFields() {
        var record = ScrapeRecord(url: "https://a.test/x", status: 200, attempts: 1, fetchedAt: Self.time)
        record.fields = .null
        #expect(text(record).contains(#""title":null,"fields":null,"error":null"#))
        #expect(!text(record).contains("metadata"))
    }

    @Test func aRunWithoutFieldsWritesNoKey() {
        let record = ScrapeRecord(url: "https://a.test/x", status: 200, title: "T", attempts: 1, fetchedAt: Self.time)
        #expect(text(record) == #"{"url":"https://a.test/x","final_url":null,"status":200,"title":"T","error":null,"content_type":null,"bytes":null,"elapsed_ms":null,"attempts":1,"fetched_at":"2025-11-24T22:59:33.045Z","etag":null,"last_modified":null,"content_sha256":null}"# + "\n")
    }

    @Test(arguments: [
        (42.0, "42"), (-3.0, "-3"), (0.0, "0"), (-0.0, "0"), (0.1, "0.1"), (2.5, "2.5"), (1e300, "1e+300"), (1.0 / 3.0, "0.3333333333333333"),
        (9_007_199_254_740_992.0, "9007199254740992"), (Double.nan, "null"), (Double.infinity, "null"), (-Double.infinity, "null"),
    ])
    func numbersAreIntegersWhenIntegralAndShortestOtherwise(value: Double, expected: String) {
        #expect(String(decoding: JSONDocument.number(value).encoded, as: UTF8.self) == expected)
    }

    @Test func nestedFieldsAreValidJSONAndDoNotFoolTheRecordReader() throws {
        var record = ScrapeRecord(url: "https://a.test/x", status: 404, title: "T", error: .init(kind: .http, message: "404"), attempts: 1, fetchedAt: Self.time)
        record.fields = Self.trickyFields
        record.metadata = .object([Member(key: "jsonld", value: .array([Self.trickyFields]))])
        let line = JSONLineEncoder.line(for: record)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect((parsed["fields"] as? [String: Any])?["status"] as? Int == 42)
        let body = line.dropLast()
        #expect(RecordLine.isRecord(body))
        #expect(RecordLine.status(in: body) == 404)
        #expect(RecordLine.errorKind(in: body) == .http)
        #expect(RecordLine.leadingURL(in: body) == Array("https://a.test/x".utf8))
    }

    @Test func resumeAndRetryFailedReadRecordsWithNestedFields() throws {
        func line(_ url: String, status: Int, error: ErrorKind?) -> String {
            var record = ScrapeRecord(url: url, status: status, error: error.map { .init(kind: $0, message: "m") }, attempts: 1, fetchedAt: Self.time)
            record.fields = Self.trickyFields
            record.metadata = .object([Member(key: "opengraph", value: .object([Member(key: "og:title", value: .array([.string("a"), .string("b")]))]))])
            return text(record)
        }
        let kept = [line("http://a/1", status: 200, error: nil), line("http://a/404", status: 404, error: .http)]
        let retried = line("http://a/503", status: 503, error: .http)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fields-\(UUID().uuidString).jsonl").path
        try (kept[0] + retried + kept[1]).write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var index = try ResumeIndex.load(path: path, retrying: .default)
        #expect(index.recordCount == 2)
        #expect(index.retriedCount == 1)
        #expect((index.consume("http://a/1") as Bool))
        #expect((index.consume("http://a/404") as Bool))
        #expect(!(index.consume("http://a/503") as Bool))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == kept.joined())
    }
}
