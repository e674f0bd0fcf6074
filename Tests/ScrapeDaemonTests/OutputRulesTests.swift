import Foundation
import ScrapeTestSupport
import Testing

/// The output rules (docs/output.md) held against every command that writes records:
/// `scrape run`, `scrape api` (fresh and incremental) and `scrape ws` (fresh and
/// `--append`). `scrape frontier export` runs the same checks in ScrapeFrontierTests (it
/// needs PostgreSQL); the daemon's jobs write through the same `RecordWriter`.
@Suite(.timeLimit(.minutes(3)))
struct OutputRulesTests {
    static let scrape = ChildProcess.builtProduct("scrape")

    /// A command that writes records, as the rules see it.
    enum Command: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case run, api, apiIncremental = "api-incremental", ws, wsAppend = "ws-append"

        var testDescription: String { rawValue }

        /// Whether it adds to an existing output rather than replacing it.
        var appends: Bool { self == .apiIncremental || self == .wsAppend }
    }

    /// Runs `body` with a writer for `command`: its server started, its input written.
    /// `records` is about how many records one run writes (enough to fill a small disk).
    private func withWriter(_ command: Command, records: Int, _ body: @escaping @Sendable (OutputRules.Writer) async throws -> Void) async throws {
        switch command {
        case .run:
            try await TestServer.withRunning { server in
                let input = try TemporaryFiles.urlList((0..<records).map { server.url("/get?i=\($0)") })
                defer { unlink(input) }
                try await body { output in
                    try await ChildProcess(Self.scrape, [input, "-o", output, "--ignore-robots", "-q"]).wait()
                }
            }
        case .api, .apiIncremental:
            try await TestServer.withRunning { server in
                let token = try TemporaryFiles.file("token", "t0ken\n")
                let incremental = command == .apiIncremental
                    ? "\n      incremental: {cursor_path: updated_at, param: updated_since, initial_value: \"2024-01-01T00:00:00Z\"}" : ""
                let config = try TemporaryFiles.file("api.yaml", """
                    jobs:
                      - name: items
                        api:
                          base_url: \(server.url("/api/"))
                          path: \(incremental.isEmpty ? "single" : "since")?n=\(records)
                          auth: {type: bearer, token_file: \(token)}\(incremental)
                    """)
                defer {
                    unlink(token)
                    unlink(config)
                }
                try await body { output in
                    let result = try await ChildProcess(Self.scrape, ["api", config, "--job", "items", "-o", output, "-q"]).wait()
                    unlink(output + ".state.json")
                    return result
                }
            }
        case .ws, .wsAppend:
            try await WebSocketTestServer.withRunning { server in
                try await body { output in
                    let append = command == .wsAppend ? ["--append"] : []
                    return try await ChildProcess(
                        Self.scrape, ["ws", server.url("/feed?count=\(records)"), "--send", "sub", "-o", output, "-q"] + append
                    ).wait()
                }
            }
        }
    }

    @Test(arguments: Command.allCases)
    func symlinkIsWrittenThrough(_ command: Command) async throws {
        try await withWriter(command, records: 5) { writer in
            let problems = try await OutputRules.writesThroughSymlink(writer)
            #expect(problems.isEmpty, "\(command): \(problems)")
        }
    }

    @Test(arguments: Command.allCases)
    func fifoIsWrittenInto(_ command: Command) async throws {
        try await withWriter(command, records: 5) { writer in
            let problems = try await OutputRules.writesIntoFIFO(writer)
            #expect(problems.isEmpty, "\(command): \(problems)")
        }
    }

    @Test(arguments: Command.allCases)
    func fullDeviceIsAnError(_ command: Command) async throws {
        try await withWriter(command, records: 5) { writer in
            let problems = try await OutputRules.reportsAFullDevice(writer)
            #expect(problems.isEmpty, "\(command): \(problems)")
        }
    }

    @Test(arguments: Command.allCases)
    func fullDiskLeavesWholeRecords(_ command: Command) async throws {
        try await withWriter(command, records: 400) { writer in
            let problems = try await OutputRules.survivesAFullDisk(writer, shape: .keepsWholeRecords)
            try #require(problems != nil, "mounting a tmpfs needs root (CI and make test run as root)")
            #expect(problems == [], "\(command): \(problems ?? [])")
        }
    }

    @Test(arguments: Command.allCases.filter(\.appends))
    func appendStartsOnALineBoundary(_ command: Command) async throws {
        try await withWriter(command, records: 3) { writer in
            let problems = try await OutputRules.appendsOnALineBoundary(writer)
            #expect(problems.isEmpty, "\(command): \(problems)")
        }
    }
}
