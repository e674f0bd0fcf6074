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
        #expect(try ResumeIndex.repairTail(path: path) == Int64(whole.utf8.count))
        try (whole + "{\"url\":\"http://a/3\",\"fin").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ResumeIndex.repairTail(path: path) == Int64(whole.utf8.count))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == whole)
        // A torn line longer than the 64 KiB read-back window, with no newline before it at all.
        try String(repeating: "x", count: 100_000).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ResumeIndex.repairTail(path: path) == 0)
        #expect(try ResumeIndex.repairTail(path: "/nonexistent/dir/out.jsonl") == 0)
    }

    @Test func foreignLinesAreCountedNotMatched() throws {
        let path = try temporaryFile("not json\n" + line("http://a/1") + "{\"status\":1}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let index = try ResumeIndex.load(path: path)
        #expect(index.recordCount == 1)
        #expect(index.unreadableLines == 2)
    }
}
