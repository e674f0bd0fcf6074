import Foundation
@testable import ScrapeCore
import Testing

/// --resume's view of an earlier run's output.
struct ResumeIndexTests {
    private func temporaryFile(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString).jsonl").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func line(_ url: String) -> String {
        String(decoding: JSONLineEncoder.line(for: ScrapeRecord(url: url, attempts: 1, fetchedAt: .now)), as: UTF8.self)
    }

    @Test func missingFileIsEmpty() throws {
        let index = try ResumeIndex.load(path: "/nonexistent/dir/out.jsonl")
        #expect(index.recordCount == 0)
    }

    @Test func countsRecordsAndConsumesEachOnce() throws {
        let path = try temporaryFile(line("http://a/1") + line("http://a/2") + line("http://a/1"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var index = try ResumeIndex.load(path: path)
        #expect(index.recordCount == 3)
        #expect(index.repairedBytes == 0)
        #expect((index.consume("http://a/1") as Bool))
        #expect((index.consume("http://a/1") as Bool))
        #expect(!(index.consume("http://a/1") as Bool))  // a third duplicate in the input is fetched
        #expect((index.consume("http://a/2") as Bool))
        #expect(!(index.consume("http://a/3") as Bool))
    }

    @Test func cutLastLineIsRemovedFromTheFile() throws {
        let whole = line("http://a/1") + line("http://a/2")
        let cut = #"{"url":"http://a/3","final_u"#
        let path = try temporaryFile(whole + cut)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var index = try ResumeIndex.load(path: path)
        #expect(index.recordCount == 2)
        #expect(index.repairedBytes == cut.utf8.count)
        #expect(!(index.consume("http://a/3") as Bool))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == whole)
    }

    @Test func loadingFromAnOffsetCountsOnlyThatRunsRecords() throws {
        let earlier = line("http://a/1") + line("http://a/2")
        let again = line("http://a/2")  // each line() has its own fetched_at: make each once
        let path = try temporaryFile(earlier + again + String(line("http://a/3").dropLast(5)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var index = try ResumeIndex.load(path: path, from: Int64(earlier.utf8.count))
        #expect(index.recordCount == 1)
        #expect(index.repairedBytes > 0)
        #expect(!(index.consume("http://a/1") as Bool))  // recorded by an earlier run: fetched again
        #expect((index.consume("http://a/2") as Bool))
        let repaired = try String(contentsOfFile: path, encoding: .utf8)
        #expect(repaired == earlier + again)
    }

    @Test func repairTailCutsOnlyAPartialLastLine() throws {
        let whole = line("http://a/1") + line("http://a/2")
        let path = try temporaryFile(whole)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try OutputFile.repairTail(path: path) == Int64(whole.utf8.count))
        try (whole + "{\"url\":\"http://a/3\",\"fin").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try OutputFile.repairTail(path: path) == Int64(whole.utf8.count))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == whole)
        // A torn line longer than the 64 KiB read-back window, with no newline before it at all.
        try String(repeating: "x", count: 100_000).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try OutputFile.repairTail(path: path) == 0)
        #expect(try OutputFile.repairTail(path: "/nonexistent/dir/out.jsonl") == 0)
    }

    @Test(arguments: [
        ("plain text\nhttp://a/1\n", "line 1 is not a scrape record (2 such lines)"),
        ("{\"id\":1,\"name\":\"x\"}\n", "line 1 is not a scrape record (1 such line)"),
        ("\u{7F}ELF\u{2}\u{1}binary", "line 1 is not a scrape record"),
        ("unterminated note", "line 1 is not a scrape record"),
    ])
    func fileThatIsNotOursIsRefusedAndUntouched(contents: String, message: String) throws {
        let path = try temporaryFile(contents)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try ResumeIndex.load(path: path)
            Issue.record("loaded a file that is not ours")
        } catch {
            #expect(error.kind == .refused)
            #expect(error.description.contains(message), "\(error)")
            #expect(error.description.contains("resuming only continues a file scrape wrote"))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == contents)
    }

    @Test func ourRecordsFollowedByAForeignLineAreRefused() throws {
        let contents = line("http://a/1") + "# my notes\n" + line("http://a/2")
        let path = try temporaryFile(contents)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: OutputError.self) { try ResumeIndex.load(path: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == contents)
    }

    @Test func unconsumedRecordsAreCounted() throws {
        let path = try temporaryFile(line("http://a/1") + line("http://other/2") + line("http://other/3"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var index = try ResumeIndex.load(path: path)
        #expect((index.consume("http://a/1") as Bool))
        #expect(index.unconsumedCount == 2)
    }

    private func failure(_ url: String, kind: String, status: Int? = nil) -> String {
        let record = ScrapeRecord(url: url, status: status, error: .init(kind: ErrorKind(rawValue: kind), message: "m"), attempts: 1, fetchedAt: .now)
        return String(decoding: JSONLineEncoder.line(for: record), as: UTF8.self)
    }

    @Test func retryFailedTakesOutTransientFailuresOnly() throws {
        let kept = [
            line("http://a/ok"), failure("http://a/404", kind: "http", status: 404), failure("http://a/tls", kind: "tls"),
            failure("http://a/robots", kind: "robots_disallowed"),
        ]
        let retried = [
            failure("http://a/503", kind: "http", status: 503), failure("http://a/429", kind: "http", status: 429),
            failure("http://a/t", kind: "timeout"), failure("http://a/c", kind: "connect"), failure("http://a/open", kind: "circuit_open"),
        ]
        let path = try temporaryFile(retried[0] + kept[0] + retried[1] + kept[1] + retried[2] + kept[2] + retried[3] + kept[3] + retried[4])
        defer { try? FileManager.default.removeItem(atPath: path) }
        var index = try ResumeIndex.load(path: path, retrying: .default)
        #expect(index.retriedCount == 5)
        #expect(index.recordCount == 4)
        #expect((index.consume("http://a/404") as Bool))
        #expect(!(index.consume("http://a/503") as Bool))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == kept.joined())
        #expect(!FileManager.default.fileExists(atPath: path + ".scrape-rewrite"))
    }

    @Test func retryFailedKindsParse() {
        #expect(RetryableFailures(parsing: "timeout,404") == RetryableFailures(kinds: [.timeout], statuses: [404]))
        #expect(RetryableFailures(parsing: "http")?.matches(kind: .http, status: 502) == true)
        #expect(RetryableFailures(parsing: "http")?.matches(kind: .http, status: 404) == false)
        #expect(RetryableFailures(parsing: "default") == .default)
        #expect(RetryableFailures(parsing: "timeouts") == nil)
        #expect(RetryableFailures(parsing: "200") == nil)
    }
}
