import Foundation
@testable import ScrapeCore
import ScrapeTestSupport
import Testing
@testable import ScrapePages

/// Opening an output: the input is refused, a second writer is refused, a rewrite is
/// all-or-nothing, an append starts on a line boundary, a failed write is cut back to the
/// last whole line and stays failed.
struct OutputFileTests {
    private func temporaryFile(_ contents: String) throws -> String { try TemporaryFiles.file("output.jsonl", contents) }

    @Test func aLockedOutputIsRefusedByEveryRunKind() async throws {
        let path = try temporaryFile("")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let holder = try OutputFile(path: path, mode: .resume)
        #expect(throws: OutputError.self) { try OutputFile(path: path, mode: .replace) }
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
            _ = try OutputFile(path: path, mode: .replace, inputs: ["/nonexistent", path])
            Issue.record("opened the input as output")
        } catch {
            #expect(error.kind == .refused)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "http://a/1\n")
    }

    @Test func aRewriteThatFailsLeavesTheOldFileWhole() throws {
        let path = try temporaryFile("old 1\nold 2\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try OutputFile(path: path, mode: .resume)
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
        #expect(throws: OutputError.self) { try OutputFile(path: path, mode: .resume) }
    }

    @Test func appendCutsAPartialLastLineFirst() throws {
        let path = try temporaryFile("{\"id\":98}\n{\"id\":99,\"name\":\"parti")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try RecordWriter(path: path, mode: .append)
        #expect(writer.file.repairedBytes == "{\"id\":99,\"name\":\"parti".utf8.count)
        try writer.append(line: Array("{\"id\":1}\n".utf8))
        try writer.finish()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"id\":98}\n{\"id\":1}\n")
    }

    @Test func aFailedWriteIsFinalAndCountsWhatWasWritten() throws {
        let writer = try RecordWriter(path: "/dev/full", mode: .replace)
        try writer.appendLine { $0.append(contentsOf: "{}\n".utf8) }
        // The first flush fails; so does everything after it, the close included.
        #expect(throws: OutputError.self) { try writer.flush() }
        #expect(throws: OutputError.self) { try writer.close() }
        do {
            try writer.finish()
            Issue.record("finished after a failed write")
        } catch {
            #expect(error.kind == .write)
            #expect(error.description.contains("No space left on device"))
            #expect(error.description.contains("0 records written"), "\(error)")
        }
        #expect(writer.recordsWritten == 0)
    }

    @Test func replaceWholeKeepsTheOldFileUntilFinishAndWritesThroughALink() throws {
        try TemporaryFiles.withDirectorySync { directory in
            let target = directory + "/target.jsonl"
            let link = directory + "/link.jsonl"
            try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            let writer = try RecordWriter(path: link, mode: .replaceWhole)
            try writer.append(line: Array("new\n".utf8))
            try writer.flush()
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "old\n")
            // The old file is locked while the new one is written.
            #expect(throws: OutputError.self) { try OutputFile(path: target, mode: .replace) }
            try writer.finish()
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
            #expect(!FileManager.default.fileExists(atPath: target + ".scrape-tmp"))

            // Abandoned (closed without finish): the old file stays, the temp file goes.
            let abandoned = try RecordWriter(path: target, mode: .replaceWhole)
            try abandoned.append(line: Array("partial\n".utf8))
            try abandoned.flush()
            abandoned.file.close()
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
            #expect(!FileManager.default.fileExists(atPath: target + ".scrape-tmp"))
        }
    }

    /// A replacement keeps the file's mode, never writes through a symlink planted at its
    /// temp path, and a rewrite through a symlink keeps the link.
    @Test func replacementsKeepModeLinksAndRefuseAPlantedTempLink() throws {
        try TemporaryFiles.withDirectorySync { directory in
            let target = directory + "/private.jsonl"
            try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
            chmod(target, 0o600)
            let writer = try RecordWriter(path: target, mode: .replaceWhole)
            try writer.append(line: Array("new\n".utf8))
            try writer.finish()
            #expect(try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int == 0o600)

            let victim = directory + "/victim.txt"
            try "keep\n".write(toFile: victim, atomically: false, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: target + ".scrape-tmp", withDestinationPath: victim)
            #expect(throws: OutputError.self) { try RecordWriter(path: target, mode: .replaceWhole) }
            #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep\n")
            unlink(target + ".scrape-tmp")

            let link = directory + "/link.jsonl"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            let file = try OutputFile(path: link, mode: .resume)
            try file.replaceContents { write throws(OutputError) in try write(Array("rewritten\n".utf8)) }
            file.close()
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "rewritten\n")
        }
    }
}
