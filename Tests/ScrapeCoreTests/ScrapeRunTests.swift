import Foundation
import ScrapeCore
import ScrapeTestSupport
import Testing
import ScrapePages

/// Whole runs against the loopback test server: one record per input line, titles,
/// error kinds, resume.
@Suite(.timeLimit(.minutes(1)))
struct ScrapeRunTests {
    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }

    private func records(at path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    private func run(_ lines: [String], resume: Bool = false, output: String? = nil, configure: (inout ScrapeConfiguration.HTTP) -> Void = { _ in })
        async throws -> (summary: RunSummary, records: [[String: Any]], output: String)
    {
        let input = temporaryPath("urls.txt")
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let output = output ?? temporaryPath("out.jsonl")
        var http = ScrapeConfiguration.HTTP()
        http.timeout = .seconds(5)
        configure(&http)
        let summary = try await ScrapeRun(options: .init(input: input, output: output, resume: resume, http: http)).run()
        return (summary, try records(at: output), output)
    }

    @Test func mixedListGivesOneRecordPerURLLine() async throws {
        let silent = try SilentServer()
        defer { silent.close() }
        try await TestServer.withRunning { server in
            let lines = [
                "# a comment", "", server.url("/page/1"), server.url("/status/404"), silent.url, "file:///etc/passwd",
                "ftp://127.0.0.1/x", "garbage line", server.url("/page/1"), server.url("/latin1"), server.url("/bytes/10"),
            ]
            // Long enough for loaded CI machines; the silent server needs all of it.
            // Robots and retries off: an unreachable robots.txt would disallow the silent host,
            // and retries would multiply its timeout (both have their own tests).
            let (summary, records, _) = try await run(lines) {
                $0.timeout = .seconds(3)
                $0.robotsTxt = .ignore
                $0.retries = 0
            }
            #expect(records.count == 9)
            #expect(summary.records == 9)
            func all(_ url: String) -> [[String: Any]] { records.filter { $0["url"] as? String == url } }
            #expect(all(server.url("/page/1")).count == 2)
            #expect(all(server.url("/page/1")).allSatisfy { $0["title"] as? String == "Page 1" && $0["status"] as? Int == 200 })
            let notFound = all(server.url("/status/404")).first
            #expect(notFound?["status"] as? Int == 404)
            #expect((notFound?["error"] as? [String: Any])?["kind"] as? String == "http")
            #expect((all(silent.url).first?["error"] as? [String: Any])?["kind"] as? String == "timeout")
            #expect((all("file:///etc/passwd").first?["error"] as? [String: Any])?["kind"] as? String == "unsupported_scheme")
            #expect((all("ftp://127.0.0.1/x").first?["error"] as? [String: Any])?["kind"] as? String == "unsupported_scheme")
            #expect((all("garbage line").first?["error"] as? [String: Any])?["kind"] as? String == "invalid_url")
            #expect(all(server.url("/latin1")).first?["title"] as? String == "café – €")
            #expect(all(server.url("/bytes/10")).first?["title"] is NSNull)
            #expect(all(server.url("/bytes/10")).first?["bytes"] as? Int == 10)
            for record in records {
                for key in [
                    "url", "final_url", "status", "title", "error", "content_type", "bytes", "elapsed_ms", "attempts", "fetched_at", "etag",
                    "last_modified", "content_sha256",
                ] {
                    #expect(record[key] != nil, "missing \(key)")
                }
            }
            #expect(summary.errorKinds == [.http: 1, .timeout: 1, .unsupportedScheme: 2, .invalidURL: 1])
            #expect(server.log.count(path: "/etc/passwd") == 0)
        }
    }

    @Test func resumeFetchesOnlyWhatIsMissing() async throws {
        try await TestServer.withRunning { server in
            let urls = (0..<10).map { server.url("/page/\($0)") }
            let output = temporaryPath("out.jsonl")
            defer { try? FileManager.default.removeItem(atPath: output) }
            // An earlier run recorded 0...3 and was cut while writing 4.
            var earlier = ""
            for url in urls[0..<4] {
                earlier += String(decoding: JSONLineEncoder.line(for: ScrapeRecord(url: url, status: 200, attempts: 1, fetchedAt: .now)), as: UTF8.self)
            }
            try (earlier + #"{"url":""# + urls[4]).write(toFile: output, atomically: true, encoding: .utf8)

            let (summary, records, _) = try await run(urls, resume: true, output: output)
            #expect(summary.skipped == 4)
            #expect(summary.records == 6)
            #expect(records.count == 10)
            #expect(Set(records.compactMap { $0["url"] as? String }) == Set(urls))
            #expect(server.log.count(prefix: "/page/") == 6)
        }
    }

    @Test func unwritableOutputIsAnOutputFailure() async throws {
        do {
            _ = try await run(["http://127.0.0.1:1/"], output: "/nonexistent-dir/out.jsonl")
            Issue.record("no error")
        } catch let failure as ScrapeRun.Failure {
            guard case .output(let error) = failure else { Issue.record("wrong failure: \(failure)"); return }
            #expect(error.description.contains("/nonexistent-dir/out.jsonl"))
        }
    }
}
