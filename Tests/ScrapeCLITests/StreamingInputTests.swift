import Foundation
import ScrapeTestSupport
import Testing

/// Inputs and outputs that are pipes: records stream out as they complete, a signal always
/// stops the run, and a reader that goes away ends it quietly.
@Suite(.timeLimit(.minutes(2)))
struct StreamingInputTests {
    static let binary = ChildProcess.builtProduct("scrape")


    @Test func recordsReachTheOutputWhileTheInputIsOpenAndOneSIGINTStops() async throws {
        try await TestServer.withRunning { server in
            let input = try FIFO()
            defer { input.close() }
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID().uuidString).jsonl").path
            defer { try? FileManager.default.removeItem(atPath: output) }
            let child = try ChildProcess(Self.binary, [input.path, "-o", output, "--ignore-robots"])
            for page in 1...3 {
                input.write(server.url("/page/\(page)") + "\n")
                // The producer is still there: each record must show up on its own.
                let deadline = ContinuousClock.now + .seconds(10)
                while ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").count < page,
                    ContinuousClock.now < deadline
                {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").count == page)
            }
            child.send(SIGINT)  // the FIFO is still open: the first signal must end the run
            let result = try await child.wait(timeout: .seconds(10))
            #expect(result.status == 130)
            #expect(try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").count == 3)
        }
    }

    @Test func anEndlessLineStillStopsOnSIGINT() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("zero-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try ChildProcess(Self.binary, ["/dev/zero", "-o", output])
        try await Task.sleep(for: .milliseconds(500))
        child.send(SIGINT)
        let result = try await child.wait(timeout: .seconds(10))
        #expect(result.status == 130)
    }

    @Test func anOverLongLineIsOneInvalidURLRecordWithItsLength() async throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("long-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: input) }
        // Two lines that differ only past the first MiB: each record names its own line.
        let long = "http://127.0.0.1:9/" + String(repeating: "a", count: 2 * 1024 * 1024)
        try (long + "x\n" + long + "yz\n").write(toFile: input, atomically: true, encoding: .utf8)
        let result = try await ChildProcess(Self.binary, [input, "--quiet"]).wait()
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.contains { $0.contains(#""kind":"invalid_url","message":"input line 1 is \#(long.utf8.count + 1) bytes long"#) })
        #expect(lines.contains { $0.contains(#""kind":"invalid_url","message":"input line 2 is \#(long.utf8.count + 2) bytes long"#) })
    }

    @Test func aLineThatIsNotUTF8IsRequestedPercentEncodedAndKeptExactly() async throws {
        try await TestServer.withRunning { server in
            let input = TemporaryFiles.path("latin1.txt")
            let output = TemporaryFiles.path("out.jsonl")
            defer { [input, output].forEach { try? FileManager.default.removeItem(atPath: $0) } }
            let line = Array(server.url("/page/caf").utf8) + [0xE9]  // Latin-1 é
            try Data(line + [0x0A]).write(to: URL(fileURLWithPath: input))
            let first = try await ChildProcess(Self.binary, [input, "-o", output, "--ignore-robots"]).wait()
            #expect(first.status == 0)
            #expect(server.log.count(path: "/page/caf%E9") == 1)
            let written = try String(contentsOfFile: output, encoding: .utf8)
            #expect(written.hasPrefix(#"{"url":"\#(server.url("/page/caf"))\udce9","#))
            let resumed = try await ChildProcess(Self.binary, [input, "-o", output, "--resume", "--ignore-robots"]).wait()
            #expect(resumed.stderr.contains("resumed: 1 URLs already recorded were skipped"))
            #expect(server.log.count(path: "/page/caf%E9") == 1)
        }
    }

    @Test func aReaderThatGoesAwayEndsTheRunQuietly() async throws {
        try await TestServer.withRunning { server in
            let input = FileManager.default.temporaryDirectory.appendingPathComponent("urls-\(UUID().uuidString).txt").path
            defer { try? FileManager.default.removeItem(atPath: input) }
            try (1...200).map { server.url("/delay/20?i=\($0)") }.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
            let stdout = try FIFO()
            let child = try ChildProcess(Self.binary, [input, "--ignore-robots", "--concurrency", "2"], stdoutPath: stdout.path)
            let first = try await stdout.readLine(timeout: .seconds(10))
            #expect(first.hasPrefix("{\"url\":"))
            stdout.close()  // `| head -1` has what it wanted
            let result = try await child.wait(timeout: .seconds(20))
            #expect(result.status == 141)
            #expect(!result.stderr.contains("Broken pipe"))
            #expect(!result.stderr.contains("cannot write"))
            #expect(server.log.count(prefix: "/delay/") < 200)
        }
    }
}
