import Foundation
import Logging
import PostgresNIO
import ScrapeBase
import ScrapeCore
import ScrapeResilience
import ScrapeTestSupport
import Testing

@testable import ScrapeFrontier
import ScrapePages

/// Workers in process, each with its own PostgreSQL connection, against the in-process
/// test server: what they write, and the politeness they keep together.
@Suite struct FrontierWorkerTests {
    /// The frontier's records are `scrape run`'s records (plus "worker") for the same list.
    @Test func exportEqualsScrapeRunOnTheSameList() async throws {
        let paths = ["/page/1", "/page/2", "/latin1", "/always/404", "/private/secret", "/redirect/2", "/flaky?fail=1&key=same", "/get"]
        let harness = try await FrontierHarness.make("worker_same")
        defer { Task { await harness.close() } }
        // Two servers, so the one-shot run and the fleet each see a fresh /flaky counter.
        let runRecords = try await TestServer.withRunning { server in
            let input = try TemporaryFiles.urlList(paths.map(server.url) + ["not a url"])
            let output = TemporaryFiles.path("run.jsonl")
            var http = ScrapeConfiguration.HTTP()
            http.backoff = Backoff(initial: .milliseconds(20), maximum: .milliseconds(100))
            _ = try await ScrapeRun(options: .init(input: input, output: output, http: http)).run()
            let records = try TemporaryFiles.records(try String(contentsOfFile: output, encoding: .utf8))
            return records.map { Self.comparable($0, base: server.baseURL) }
        }
        let fleetRecords = try await TestServer.withRunning { server in
            try await harness.add(paths.map(server.url) + ["not a url"])
            try await harness.work(workers: ["w1", "w2"], concurrency: 3)
            let records = try await harness.export()
            // "not a url" is recorded by add, never requested: no worker.
            #expect(records.allSatisfy { ["w1", "w2"].contains($0["worker"] as? String ?? "") || ($0["worker"] is NSNull && $0["attempts"] as? Int == 0) })
            return records.map { Self.comparable($0, base: server.baseURL) }
        }
        #expect(fleetRecords.count == paths.count + 1)
        let sort: ([String: String], [String: String]) -> Bool = { $0["url"]! < $1["url"]! }
        #expect(fleetRecords.sorted(by: sort) == runRecords.sorted(by: sort))
    }

    /// A record with what differs between two runs taken out (times, the port, the worker).
    static func comparable(_ record: [String: Any], base: String) -> [String: String] {
        var fields: [String: String] = [:]
        for (key, value) in record where !["fetched_at", "elapsed_ms", "worker"].contains(key) {
            let text = (value as? [String: Any]).map { "\($0["kind"] ?? "") \($0["message"] ?? "")" } ?? "\(value)"
            fields[key] = text.replacingOccurrences(of: base, with: "BASE")
        }
        return fields
    }

    /// robots.txt is fetched once for the whole fleet, and obeyed by every worker.
    @Test func robotsTxtIsFetchedOncePerFleet() async throws {
        let harness = try await FrontierHarness.make("worker_robots")
        defer { Task { await harness.close() } }
        try await TestServer.withRunning { server in
            let urls = (0..<24).map { server.url($0 % 6 == 0 ? "/private/p\($0)" : "/page/\($0)") }
            try await harness.add(urls)
            try await harness.work(workers: ["r1", "r2", "r3"], concurrency: 4)
            #expect(server.log.count(path: "/robots.txt") == 1)
            #expect(server.log.count(prefix: "/private/") == 0)
            let records = try await harness.export()
            #expect(records.count == 24)
            let disallowed = records.filter { ($0["error"] as? [String: Any])?["kind"] as? String == "robots_disallowed" }
            #expect(disallowed.count == 4)
        }
    }

    /// Transient failures are retried through the queue, by any worker, with the attempts counted.
    @Test func retriesGoThroughTheQueue() async throws {
        let harness = try await FrontierHarness.make("worker_retries")
        defer { Task { await harness.close() } }
        try await TestServer.withRunning { server in
            try await harness.add([server.url("/flaky?fail=2&key=r"), server.url("/always/503")], changes: .init(retries: 2, ignoreRobots: true))
            let summary = try await harness.work(FrontierHarness.options("w", concurrency: 2))
            #expect(summary.completed == 2 && summary.retried == 4)
            let records = try await harness.export()
            let flaky = try #require(records.first { ($0["url"] as? String)?.contains("flaky") == true })
            #expect(flaky["status"] as? Int == 200 && flaky["attempts"] as? Int == 3 && flaky["title"] as? String == "Recovered r")
            let always = try #require(records.first { ($0["url"] as? String)?.contains("always") == true })
            #expect(always["status"] as? Int == 503 && always["attempts"] as? Int == 3)
        }
    }

    /// Three workers at a job's --per-host-rate 10/s send at most 10 requests a second to
    /// the host together (server-side arrival times).
    @Test func perHostRateHoldsForTheWholeFleet() async throws {
        let harness = try await FrontierHarness.make("worker_rate")
        defer { Task { await harness.close() } }
        try await TestServer.withRunning { server in
            try await harness.add((0..<20).map { server.url("/page/\($0)") }, changes: .init(perHostRate: Rate(perSecond: 10), ignoreRobots: true))
            try await harness.work(workers: ["a", "b", "c"], concurrency: 4)
            let times = server.log.all.filter { $0.path.hasPrefix("/page/") }.map(\.time).sorted()
            #expect(times.count == 20)
            // Slots are 100 ms apart and a request never goes before its slot; one that goes
            // late (a busy machine: once 232 ms in make test's second pass) can bunch with the
            // next ones, so: any 11 consecutive requests span at least 10 slots less 400 ms of
            // lateness. Without the fleet-wide limit the 3 workers would send all 20 within a
            // few milliseconds.
            for index in 0..<(times.count - 10) {
                #expect(times[index + 10] - times[index] >= .milliseconds(600), "requests \(index)...\(index + 10)")
            }
            #expect(times.last! - times.first! >= .milliseconds(1500))
            let workers = Set(try await harness.export().compactMap { $0["worker"] as? String })
            #expect(workers.count >= 2, "the work was shared: \(workers)")
        }
    }

    /// The job's per-host concurrency is a limit for the fleet: 3 workers with 4 slots
    /// each never have more than 2 requests at one host.
    @Test func perHostConcurrencyHoldsForTheWholeFleet() async throws {
        let harness = try await FrontierHarness.make("worker_concurrency")
        defer { Task { await harness.close() } }
        try await TestServer.withRunning { server in
            try await harness.add((0..<12).map { server.url("/delay/300?n=\($0)") }, changes: .init(perHostConcurrency: 2, ignoreRobots: true))
            try await harness.work(workers: ["a", "b", "c"], concurrency: 4)
            let times = server.log.all.filter { $0.path.hasPrefix("/delay/") }.map(\.time).sorted()
            #expect(times.count == 12)
            // Each request takes 300 ms: a third start within 250 ms of the first of two would be a third at once.
            for index in 0..<(times.count - 2) {
                #expect(times[index + 2] - times[index] >= .milliseconds(250), "requests \(index)...\(index + 2)")
            }
        }
    }

    /// An origin that keeps failing opens its breaker for the whole fleet: two workers stop
    /// sending to it (one probe at a time), and once it has been broken past give_up_after
    /// its other URLs get circuit_open records without a request, while another origin's
    /// URLs go on.
    @Test func aFailingOriginsBreakerIsSharedByTheFleet() async throws {
        let harness = try await FrontierHarness.make("worker_breaker")
        defer { Task { await harness.close() } }
        try await TestServer.withRunning { server in
            let failing = (0..<40).map { server.url("/always/503?n=\($0)") }
            let healthy = (0..<10).map { "http://localhost:\(server.port)/page/\($0)" }  // another origin, same server
            try await harness.add(failing + healthy, changes: .init(retries: 0, ignoreRobots: true))
            var options = FrontierHarness.options("a", concurrency: 2)
            options.http.circuitBreaker.giveUpAfter = .seconds(1)
            var other = options
            other.workerID = "b"
            // Two `async let`s, not `work(together:)`: with that call here Swift 6.3.1's
            // region-isolation pass crashed (signal 6, SendNonSendable) compiling this test.
            async let one = harness.work(options)
            async let two = harness.work(other)
            _ = try await (one, two)
            let records = try await harness.export()
            #expect(records.count == 50)
            var kinds: [String: Int] = [:]
            for record in records {
                let kind = ((record["error"] as? [String: Any])?["kind"] as? String) ?? "ok"
                kinds[kind, default: 0] += 1
            }
            let (succeeded, failed, circuitOpen) = (kinds["ok"] ?? 0, kinds["http"] ?? 0, kinds["circuit_open"] ?? 0)
            let sent = server.log.count(prefix: "/always/")
            #expect(succeeded == 10, "the healthy origin's pages: \(kinds)")
            #expect(circuitOpen > 0 && circuitOpen + failed == 40, "\(kinds)")
            // Sent: the failures that opened it (5) and the probes, not 40.
            #expect(sent == failed, "sent \(sent); \(kinds)")
            #expect(server.log.count(prefix: "/always/") < 30, "requests to the failing origin: \(server.log.count(prefix: "/always/"))")
        }
    }

    /// As scrape run's breaker: each failed probe doubles the cooldown, fleet-wide, and a
    /// failure of a request already in flight when it opened does not. One slot and a 200 ms
    /// first cooldown against an origin that always fails: probes come at 0.2, 0.6, 1.4 and
    /// 3.0 s after it opens, so by give_up_after (3 s) the cooldown is 200 ms doubled once to
    /// four times (it stayed 200 ms before; doubled by every failure it would be more).
    @Test func eachFailedProbeDoublesTheSharedCooldown() async throws {
        let harness = try await FrontierHarness.make("worker_breaker_doubling")
        defer { Task { await harness.close() } }
        try await TestServer.withRunning { server in
            try await harness.add((0..<30).map { server.url("/always/503?n=\($0)") }, changes: .init(retries: 0, ignoreRobots: true))
            var options = FrontierHarness.options("a", concurrency: 1)
            options.http.circuitBreaker.giveUpAfter = .seconds(3)
            _ = try await harness.work(options)
            #expect(try await harness.export().count == 30)
            let cooldown = try await harness.store.database.run { connection in
                for try await seconds in try await connection.query(
                    "SELECT extract(epoch FROM cooldown)::double precision FROM scrape.hosts", logger: .init(label: "t")
                ).decode(Double.self) {
                    return seconds
                }
                return -1
            }
            let doublings = log2(cooldown / 0.2)
            #expect(abs(doublings - doublings.rounded()) < 1e-9 && (1...4).contains(doublings.rounded()), "cooldown \(cooldown) s")
        }
    }

    /// A robots.txt `Crawl-delay` stricter than the job's rate spaces the host's requests for
    /// the whole fleet, as `scrape run` does for itself: two workers, 10 pages of a host whose
    /// robots.txt asks our user agent for 300 ms, no rate of the job's own.
    @Test func robotsCrawlDelayHoldsForTheWholeFleet() async throws {
        let harness = try await FrontierHarness.make("worker_crawl_delay")
        defer { Task { await harness.close() } }
        try await TestServer.withRunning { server in
            try await harness.add((0..<10).map { server.url("/page/\($0)") }, changes: .init(perHostConcurrency: 2))
            var options = FrontierHarness.options("a", concurrency: 2)
            options.http.userAgent = "slowbot/1.0"
            var other = options
            other.workerID = "b"
            async let one = harness.work(options)
            async let two = harness.work(other)
            _ = try await (one, two)
            #expect(try await harness.export().count == 10)
            let times = server.log.all.filter { $0.path.hasPrefix("/page/") }.map(\.time).sorted()
            #expect(times.count == 10)
            // The URLs claimed before robots.txt was read go at once (at most the 2 the job's
            // per-host concurrency lets out); from then on slots are 300 ms apart and never
            // early, so the last 7 span at least 6 slots less 400 ms of lateness. Without the
            // fleet-wide delay they went within 30 ms.
            #expect(times[9] - times[3] >= .milliseconds(1400), "span of the last 7: \(times[9] - times[3])")
        }
    }
}
