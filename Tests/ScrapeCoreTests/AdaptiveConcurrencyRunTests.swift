import Foundation
import ScrapeCore
import ScrapeHTTP
import ScrapePages
import ScrapeTestSupport
import Testing

/// `per_host_concurrency: auto` in whole runs against a loopback host of fixed capacity
/// (`CapacityRoutes`): the limit settles near what the host can serve at once, without
/// overloading it. (Throughput beside fixed limits is `make bench-politeness`'s.)
@Suite(.timeLimit(.minutes(1)))
struct AdaptiveConcurrencyRunTests {
    private func run(_ urls: [String], configure: (inout ScrapeConfiguration.HTTP) -> Void) async throws -> RunSummary {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try (urls.joined(separator: "\n") + "\n").write(toFile: directory + "/urls.txt", atomically: true, encoding: .utf8)
        var http = ScrapeConfiguration.HTTP()
        http.robotsTxt = .ignore
        configure(&http)
        return try await ScrapeRun(options: .init(input: directory + "/urls.txt", output: directory + "/out.jsonl", http: http)).run()
    }

    /// The host's own account: peak in flight per 100 ms window, served, rejected.
    private func stats(_ server: TestServer, key: String) async throws -> (peaks: [Int], served: Int, rejected: Int) {
        let client = try HTTPClient(configuration: .init())
        let response = try await client.execute(FetchRequest(url: server.url("/capacity/\(key)/stats")))
        await client.shutdown()
        let text = response.body
        var peaks: [Int] = []
        var served = 0
        var rejected = 0
        for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
            let words = line.split(separator: " ")
            switch words.first {
            case "served": served = Int(words[1]) ?? 0
            case "rejected": rejected = Int(words[1]) ?? 0
            default: peaks.append(Int(line) ?? -1)
            }
        }
        return (peaks, served, rejected)
    }

    @Test func aHostServingFourAtOnceSeesThreeToSixInFlight() async throws {
        try await TestServer.withRunning { server in
            let urls = (1...600).map { server.url("/capacity/four/\($0)?k=4&ms=40") }
            let summary = try await run(urls) {
                $0.perHostConcurrency = 16
                $0.adaptivePerHostConcurrency = true
            }
            #expect(summary.records == 600)
            let (peaks, served, rejected) = try await stats(server, key: "four")
            let secondHalf = peaks.suffix(peaks.count / 2)
            let within = secondHalf.filter { (3...6).contains($0) }.count
            #expect(Double(within) >= 0.8 * Double(secondHalf.count), "peaks per 100 ms: \(peaks)")
            #expect(Double(rejected) <= 0.01 * Double(served + rejected))
            #expect((3...6).contains(summary.hostLimits["127.0.0.1"] ?? 0), "final limits: \(summary.hostLimits)")
        }
    }

    @Test func theCeilingBoundsAFastHost() async throws {
        try await TestServer.withRunning { server in
            let urls = (1...300).map { server.url("/capacity/wide/\($0)?k=64&ms=50") }
            let summary = try await run(urls) {
                $0.perHostConcurrency = 5
                $0.adaptivePerHostConcurrency = true
            }
            #expect(summary.records == 300)
            let (peaks, _, rejected) = try await stats(server, key: "wide")
            #expect(peaks.max() ?? 0 <= 5)
            #expect(peaks.max() ?? 0 >= 4, "the limit grew from 2: \(peaks)")
            #expect(rejected == 0)
        }
    }

    @Test func autoIsOneParserForFlagAndKey() throws {
        var http = ScrapeConfiguration.HTTP()
        try http.set(.perHostConcurrency, from: "auto", source: "--per-host-concurrency")
        #expect(http.adaptivePerHostConcurrency && http.perHostConcurrency == 16)
        try http.set(.perHostConcurrency, from: "auto:48", source: "http.per_host_concurrency")
        #expect(http.adaptivePerHostConcurrency && http.perHostConcurrency == 48)
        try http.set(.perHostConcurrency, from: "8", source: "http.per_host_concurrency")
        #expect(!http.adaptivePerHostConcurrency && http.perHostConcurrency == 8)
        for bad in ["auto:0", "auto:", "automatic", "0"] {
            #expect(throws: ConfigurationError.self) { try http.set(.perHostConcurrency, from: bad, source: "--per-host-concurrency") }
        }
        do {
            try http.set(.perHostConcurrency, from: "auto:x", source: "--per-host-concurrency")
        } catch {
            #expect("\(error)".contains("a whole number >= 1, auto or auto:N"), "\(error)")
        }
        #expect(http.effectiveSettings.contains("per_host_concurrency: 8"))
        try http.set(.perHostConcurrency, from: "auto", source: "x")
        #expect(http.effectiveSettings.contains("per_host_concurrency: auto:16"))
    }
}
