import Foundation
import ScrapeTestSupport
import Testing

/// The built `scrape` binary never damages a file it is given: the input as output, two
/// writers on one output, `--resume` on a file that is not ours, `--retry-failed`.
@Suite(.timeLimit(.minutes(2)))
struct OutputSafetyTests {
    static let binary = ChildProcess.builtProduct("scrape")

    private func temporaryPath(_ name: String) -> String { TemporaryFiles.path(name) }

    private func write(_ lines: [String]) throws -> String { try TemporaryFiles.urlList(lines) }

    private func scrape(_ arguments: [String], stdin: String = "/dev/null") async throws -> ChildProcess.Result {
        try await ChildProcess(Self.binary, arguments, stdinPath: stdin).wait()
    }

    private func records(atPath path: String) throws -> [[String: Any]] {
        try TemporaryFiles.records(String(contentsOfFile: path, encoding: .utf8))
    }

    @Test func outputThatIsTheInputIsRefusedAndTheListKept() async throws {
        let input = try write(["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"])
        let link = temporaryPath("link.txt")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: input)
        defer { [input, link].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let original = try String(contentsOfFile: input, encoding: .utf8)
        for arguments in [[input, "-o", input], [input, "-o", link], [input, "-o", input, "--resume"], ["-", "-o", "/dev/fd/0"]] {
            let result = try await scrape(arguments, stdin: input)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains("it is the input"), "\(result.stderr)")
            #expect(try String(contentsOfFile: input, encoding: .utf8) == original)
        }
    }

    @Test func secondWriterOfAnOutputIsRefused() async throws {
        try await TestServer.withRunning { server in
            let urls = (0..<6).map { server.url("/delay/200?i=\($0)") }
            let input = try write(urls)
            let output = temporaryPath("out.jsonl")
            let config = temporaryPath("api.yaml")
            try "jobs:\n  - name: items\n    api: {base_url: \(server.baseURL)/api/, path: \"single?n=3\"}\n"
                .write(toFile: config, atomically: true, encoding: .utf8)
            defer { [input, output, config].forEach { try? FileManager.default.removeItem(atPath: $0) } }

            let first = try ChildProcess(Self.binary, [input, "-o", output, "--concurrency", "1", "--ignore-robots"])
            while server.log.count(prefix: "/delay/") < 1 { try await Task.sleep(for: .milliseconds(10)) }
            // Stopped, the first run holds its lock for as long as the others take (however
            // slow the machine, or a sanitizer, makes them), and finishes after.
            first.send(SIGSTOP)
            for second in [[input, "-o", output], [input, "-o", output, "--resume"], ["api", config, "--job", "items", "-o", output]] {
                let refused = try await scrape(second)
                #expect(refused.status == 2, "\(second)")
                #expect(refused.stderr.contains("another scrape run is writing it"), "\(refused.stderr)")
            }
            first.send(SIGCONT)
            let finished = try await first.wait()
            #expect(finished.status == 0)
            let written = try records(atPath: output).compactMap { $0["url"] as? String }
            #expect(written.count == urls.count)
            #expect(Set(written) == Set(urls))
        }
    }

    @Test(arguments: [
        ("notes.txt", Array("my notes, not records\nsecond line\n".utf8)),
        ("random.bin", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }),
        ("other.json", Array("{\"id\":1}\n{\"id\":2}\n".utf8)),
        ("cut.txt", Array("no newline at the end".utf8)),
    ])
    func resumeRefusesAFileThatIsNotOurs(name: String, contents: [UInt8]) async throws {
        let input = try write(["http://127.0.0.1:9/a"])
        let output = temporaryPath(name)
        try Data(contents).write(to: URL(fileURLWithPath: output))
        defer { [input, output].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let result = try await scrape([input, "-o", output, "--resume"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("is not a scrape record"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Data(contents))
    }

    @Test func resumeWarnsOfOtherListsRecordsAndReportsARepair() async throws {
        try await TestServer.withRunning { server in
            let listA = try write([server.url("/page/1"), server.url("/page/2")])
            let listB = try write([server.url("/page/3")])
            let output = temporaryPath("out.jsonl")
            defer { [listA, listB, output].forEach { try? FileManager.default.removeItem(atPath: $0) } }
            #expect(try await scrape([listA, "-o", output, "--ignore-robots"]).status == 0)
            // A crash mid-write leaves the start of a record without its newline.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            try handle.seekToEnd()
            let cut = #"{"url":"http://cut/","final_"#
            try handle.write(contentsOf: Data(cut.utf8))
            try handle.close()

            let resumed = try await scrape([listB, "-o", output, "--resume", "--ignore-robots"])
            #expect(resumed.status == 0)
            #expect(resumed.stderr.contains("repaired: dropped a partial last line of \(cut.utf8.count) bytes"), "\(resumed.stderr)")
            #expect(resumed.stderr.contains("warning: 2 records in the output are of URLs not in this input"))
            #expect(try records(atPath: output).count == 3)
        }
    }

    @Test func withoutResumeAnExistingOutputIsReplaced() async throws {
        try await TestServer.withRunning { server in
            let input = try write([server.url("/page/1")])
            let output = temporaryPath("out.jsonl")
            try "old contents\n".write(toFile: output, atomically: true, encoding: .utf8)
            defer { [input, output].forEach { try? FileManager.default.removeItem(atPath: $0) } }
            #expect(try await scrape([input, "-o", output, "--ignore-robots"]).status == 0)
            #expect(try records(atPath: output).map { $0["url"] as? String } == [server.url("/page/1")])
        }
    }

    @Test func retryFailedFetchesTransientFailuresAgainAndKeepsTheRest() async throws {
        try await TestServer.withRunning { server in
            let flaky = server.url("/flaky?fail=1&key=retry-failed")
            let lines = [server.url("/page/1"), flaky, server.url("/status/404"), "not a url"]
            let input = try write(lines)
            let output = temporaryPath("out.jsonl")
            defer { [input, output].forEach { try? FileManager.default.removeItem(atPath: $0) } }
            #expect(try await scrape([input, "-o", output, "--retries", "0", "--ignore-robots"]).status == 0)
            let first = try records(atPath: output)
            #expect(first.first { $0["url"] as? String == flaky }?["status"] as? Int == 503)

            let plain = try await scrape([input, "-o", output, "--resume", "--ignore-robots"])
            #expect(plain.stderr.contains("resumed: 4 URLs already recorded were skipped"))
            #expect(server.log.count(prefix: "/flaky") == 1)

            let retried = try await scrape([input, "-o", output, "--resume", "--retry-failed", "--ignore-robots"])
            #expect(retried.status == 0)
            #expect(retried.stderr.contains("retry-failed: 1 records of transient failures were taken out and fetched again"), "\(retried.stderr)")
            let after = try records(atPath: output)
            #expect(after.count == lines.count)
            #expect(Set(after.compactMap { $0["url"] as? String }) == Set(lines))
            #expect(after.first { $0["url"] as? String == flaky }?["title"] as? String == "Recovered retry-failed")
            #expect(server.log.count(prefix: "/status/404") == 1)  // a 404 is an answer, not fetched again
            #expect(!FileManager.default.fileExists(atPath: output + ".scrape-rewrite"))

            let kinds = try await scrape([input, "-o", output, "--resume", "--retry-failed=404,timeout", "--ignore-robots"])
            #expect(kinds.status == 0)
            #expect(server.log.count(prefix: "/status/404") == 2)
            #expect(try records(atPath: output).count == lines.count)

            let bad = try await scrape([input, "-o", output, "--resume", "--retry-failed=timeouts"])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("--retry-failed: expected a comma list of error kinds"))
            let alone = try await scrape([input, "-o", output, "--retry-failed"])
            #expect(alone.status == 2)
            #expect(alone.stderr.contains("--retry-failed works with --resume"))
        }
    }
}
