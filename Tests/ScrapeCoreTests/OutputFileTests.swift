import Foundation
@testable import ScrapeCore
import ScrapeTestSupport
import Testing

/// Opening an output: the input is refused, a second writer is refused, a rewrite is
/// all-or-nothing.
struct OutputFileTests {
    private func temporaryFile(_ contents: String) throws -> String { try TemporaryFiles.file("output.jsonl", contents) }

    @Test func aLockedOutputIsRefusedByEveryRunKind() async throws {
        let path = try temporaryFile("")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let holder = try OutputFile(path: path, truncate: false)
        #expect(throws: OutputError.self) { try OutputFile(path: path, truncate: true) }
        // A daemon job resumes through ScrapeRun with an offset: the same lock applies.
        let input = try temporaryFile("http://127.0.0.1:9/a\n")
        defer { try? FileManager.default.removeItem(atPath: input) }
        do {
            _ = try await ScrapeRun(options: .init(input: input, output: path, mode: .resume(from: 0))).run()
            Issue.record("a second writer ran")
        } catch {
            guard case .output(let output) = error else { Issue.record("\(error)"); return }
            #expect(output.kind == .refused)
            #expect(output.description.contains("another scrape run is writing it"))
        }
        _ = holder
    }

    @Test func theInputIsNeverOpenedAsOutput() throws {
        let path = try temporaryFile("http://a/1\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try OutputFile(path: path, truncate: true, inputs: ["/nonexistent", path])
            Issue.record("opened the input as output")
        } catch {
            #expect(error.kind == .refused)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "http://a/1\n")
    }

    @Test func aRewriteThatFailsLeavesTheOldFileWhole() throws {
        let path = try temporaryFile("old 1\nold 2\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try OutputFile(path: path, truncate: false)
        #expect(throws: OutputError.self) {
            try file.replaceContents { write throws(OutputError) in
                try write(Array("new 1\n".utf8))
                throw OutputError(path: path, reason: "stopped half-way")
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old 1\nold 2\n")
        #expect(!FileManager.default.fileExists(atPath: path + ".scrape-rewrite"))

        try file.replaceContents { write throws(OutputError) in try write(Array("new 1\n".utf8)) }
        try file.write(Array("appended\n".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new 1\nappended\n")
        // The new file took the name locked: no second writer slips in after the rename.
        #expect(throws: OutputError.self) { try OutputFile(path: path, truncate: false) }
    }
}
