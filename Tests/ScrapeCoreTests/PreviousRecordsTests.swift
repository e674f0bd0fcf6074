import Foundation
@testable import ScrapeCore
import Testing

/// How `--since` reads an earlier output (``PreviousRecords``): the output reader's rules,
/// the last record of a URL, lookups by the URL as requested, and a crawl's referrers.
struct PreviousRecordsTests {
    static let time = Timestamp(millisecondsSinceEpoch: 1_764_025_173_045)

    private func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-old.jsonl").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func line(_ url: String, status: Int? = 200, etag: String? = nil, sha: String? = nil, referrer: String?? = nil) -> String {
        var record = ScrapeRecord(url: url, status: status, title: "T \(url)", attempts: 1, fetchedAt: Self.time)
        record.etag = etag
        record.contentSHA256 = sha
        if let referrer { record.extras = [.init(key: "referrer", value: referrer.map(JSONDocument.string) ?? .null)] }
        return String(decoding: JSONLineEncoder.line(for: record), as: UTF8.self)
    }

    @Test func theLastRecordOfAURLCountsAndItsValuesAreRead() throws {
        let path = try file(line("http://a/1", etag: "\"x\"") + line("http://a/2") + line("http://a/1", status: 304, etag: #"W/"y""#, sha: "ab"))
        let records = try PreviousRecords(path: path)
        #expect(records.recordCount == 3)
        #expect(records.urlCount == 2)
        let one = try #require(records.lastRecord(requestedAs: "http://a/1"))
        #expect(one.status == 304 && one.etag == #"W/"y""# && one.contentSHA256 == "ab" && one.title == "T http://a/1")
        #expect(one.isRevalidatable && one.hasValidators)
        #expect(records.lastRecord(requestedAs: "http://a/2")?.hasValidators == false)
        #expect(records.lastRecord(requestedAs: "http://a/3") == nil)
    }

    @Test func aPartialLastLineIsIgnoredAndAForeignLineNamed() throws {
        let whole = line("http://a/1")
        let cut = try PreviousRecords(path: try file(whole + String(line("http://a/2").prefix(30))))
        #expect(cut.urlCount == 1 && cut.ignoredPartialBytes == 30)
        for text in [whole + "not a record\n" + whole, whole + "{\"other\":1}\n", whole + "plain text at the end"] {
            #expect {
                _ = try PreviousRecords(path: try file(text))
            } throws: { error in
                (error as? PreviousRecords.Failure)?.reason.hasPrefix("line 2 is not a scrape record") == true
            }
        }
    }

    @Test func filesThatCannotBeReadByOffsetAreRefused() throws {
        #expect(throws: PreviousRecords.Failure.self) { try PreviousRecords(path: "/nonexistent/old.jsonl") }
        #expect {
            _ = try PreviousRecords(path: FileManager.default.temporaryDirectory.path)
        } throws: { error in
            (error as? PreviousRecords.Failure)?.reason.contains("not a regular file") == true
        }
    }

    /// A line that is not UTF-8 was requested percent-encoded; its record is found by that
    /// form, and two spellings that Unicode calls equal stay two URLs.
    @Test func recordsAreFoundByTheURLAsRequested() throws {
        let bytes: [UInt8] = Array("http://a/caf".utf8) + [0xE9]
        var record = ScrapeRecord(url: String(decoding: bytes, as: UTF8.self), status: 200, attempts: 1, fetchedAt: Self.time)
        record.urlBytes = bytes
        record.etag = "\"latin\""
        let text = String(decoding: JSONLineEncoder.line(for: record), as: UTF8.self) + line("http://a/caf\u{E9}", etag: "\"nfc\"")
        let records = try PreviousRecords(path: try file(text))
        #expect(records.lastRecord(requestedAs: "http://a/caf%E9")?.etag == "\"latin\"")
        #expect(records.lastRecord(for: record)?.etag == "\"latin\"")
        #expect(records.lastRecord(requestedAs: "http://a/caf\u{E9}")?.etag == "\"nfc\"")
        #expect(records.lastRecord(requestedAs: "http://a/cafe\u{301}") == nil)
    }

    /// A crawl's records name the page that led to them; only a URL's last record counts.
    @Test func referrersOfLastRecordsAreIndexed() throws {
        let text = line("http://a/", referrer: .some(nil)) + line("http://a/x", referrer: "http://a/") + line("http://a/y", referrer: "http://a/")
            + line("http://a/z", referrer: "http://a/x") + line("http://a/y", referrer: "http://a/x")
        let records = try PreviousRecords(path: try file(text), indexingReferrers: true)
        #expect(records.referredURLs(by: "http://a/") == ["http://a/x"])
        #expect(records.referredURLs(by: "http://a/x") == ["http://a/z", "http://a/y"])
        #expect(records.referredURLs(by: "http://a/z").isEmpty)
        #expect(try PreviousRecords(path: try file(text)).referredURLs(by: "http://a/").isEmpty, "not indexed unless asked")
    }

    @Test func theSameFileIsRecognisedThroughALink() throws {
        let path = try file(line("http://a/1"))
        let link = path + ".link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        let records = try PreviousRecords(path: path)
        #expect(records.isSameFile(as: path) && records.isSameFile(as: link))
        #expect(!records.isSameFile(as: path + ".other"))
    }
}
