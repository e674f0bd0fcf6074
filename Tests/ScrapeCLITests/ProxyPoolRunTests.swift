import Foundation
import ScrapeTestSupport
import Testing

/// `scrape run --proxies FILE` against real proxies: dead ones are skipped without
/// spending retries, a (proxy, host) that gets 403s is banned and the request goes on
/// through another, a URL every proxy got a 403 for keeps that status, and entries that
/// differ only by credentials are told apart by position.
@Suite(.timeLimit(.minutes(2)))
struct ProxyPoolRunTests {
    static let binary = ChildProcess.builtProduct("scrape")
    static let cleanEnvironment = ProxyCommandTests.cleanEnvironment

    private func run(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess(Self.binary, arguments, environment: Self.cleanEnvironment).wait()
    }

    private func records(_ path: String) throws -> [[String: Any]] {
        try TemporaryFiles.records(String(contentsOfFile: path, encoding: .utf8))
    }

    /// Runs `urls` one at a time through the pool `proxies`; returns the records and the result.
    private func scrape(_ urls: [String], proxies: [String], extra: [String] = []) async throws -> ([[String: Any]], ChildProcess.Result) {
        let input = try TemporaryFiles.urlList(urls)
        let pool = try TemporaryFiles.file("pool.txt", "# test pool\n\n" + proxies.joined(separator: "\n") + "\n")
        let output = TemporaryFiles.path("pool.jsonl")
        defer { [input, pool, output].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let result = try await run(
            [input, "-o", output, "--proxies", pool, "--ignore-robots", "--retries", "0", "--concurrency", "1", "--per-host-concurrency", "1"] + extra)
        return (try records(output), result)
    }

    @Test func deadProxiesAreSkippedWithoutSpendingRetries() async throws {
        let proxy = try await LocalProxy.start(.tinyproxy)
        do {
            try await TestServer.withRunning { server in
                let urls = (1...6).map { server.url("/page/\($0)") }
                let (written, result) = try await scrape(urls, proxies: [try LocalProxy.deadURL(), proxy.url, try LocalProxy.deadURL(scheme: "socks5")])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(written.count == 6)
                for record in written {
                    #expect(record["status"] as? Int == 200)
                    #expect(record["proxy"] as? String == proxy.displayURL)
                    #expect(record["attempts"] as? Int == 1, "a dead proxy costs no attempt")
                }
                #expect(server.log.all.count == 6)
            }
        } catch {
            await proxy.stop()
            throw error
        }
        await proxy.stop()
    }

    @Test func robotsTxtGoesThroughThePoolAndTheSummaryCountsPerProxy() async throws {
        let proxy = try await LocalProxy.start(.tinyproxy)
        do {
            try await TestServer.withRunning { server in
                let dead = try LocalProxy.deadURL()
                let input = try TemporaryFiles.urlList((1...3).map { server.url("/page/\($0)") })
                let pool = try TemporaryFiles.file("robots-pool.txt", "\(dead)\n\(proxy.url)\n")
                let output = TemporaryFiles.path("robots-pool.jsonl")
                defer { [input, pool, output].forEach { try? FileManager.default.removeItem(atPath: $0) } }
                let result = try await run([input, "-o", output, "--proxies", pool, "--retries", "0", "--concurrency", "1"])
                #expect(result.status == 0, "\(result.stderr)")
                let written = try records(output)
                #expect(written.count == 3)
                #expect(written.allSatisfy { $0["status"] as? Int == 200 && $0["proxy"] as? String == proxy.displayURL }, "\(written)")
                #expect(server.log.count(path: "/robots.txt") == 1, "robots.txt was fetched through the live proxy")
                #expect(result.stderr.contains("proxy \(proxy.displayURL): 3 requests, 0 failures, 0 bans"), "\(result.stderr)")
                // The dead one failed at least once (full jitter may bring it back for another failed probe).
                #expect(result.stderr.contains("proxy \(dead): 0 requests, ") && !result.stderr.contains("proxy \(dead): 0 requests, 0 failures"), "\(result.stderr)")
            }
        } catch {
            await proxy.stop()
            throw error
        }
        await proxy.stop()
    }

    @Test func aHostWithNoUsableProxyWaitsWithoutHoldingASlot() async throws {
        try await TestServer.withRunning { server in
            // 127.0.0.1 goes through the (dead) pool; localhost goes direct (--no-proxy).
            let waiting = server.url("/page/1")
            let direct = (1...3).map { "http://localhost:\(server.port)/page/\($0)" }
            let config = try TemporaryFiles.file("wait.yaml", "http:\n  circuit_breaker: {give_up_after: 6s}\n")  // room for a loaded machine
            defer { try? FileManager.default.removeItem(atPath: config) }
            let (written, result) = try await scrape(
                [waiting] + direct, proxies: [try LocalProxy.deadURL()], extra: ["--config", config, "--no-proxy", "localhost"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(written.count == 4)
            // With one slot in all, the direct URLs are written while the first waits for a proxy.
            #expect(written.prefix(3).allSatisfy { ($0["url"] as? String)?.contains("localhost") == true && $0["status"] as? Int == 200 }, "\(written)")
            let last = try #require(written.last)
            #expect(last["url"] as? String == waiting)
            #expect((last["error"] as? [String: Any])?["kind"] as? String == "proxy")
            #expect(((last["error"] as? [String: Any])?["message"] as? String)?.contains("last failure: proxy http://127.0.0.1:") == true, "\(last)")
            #expect(last["attempts"] as? Int == 0)
        }
    }

    @Test func apiJobsGoThroughThePool() async throws {
        let proxy = try await LocalProxy.start(.tinyproxy)
        do {
            try await TestServer.withRunning { server in
                try await TemporaryFiles.withDirectory { directory in
                    let config = directory + "/api.yaml"
                    try """
                        http: {proxies: ["\(try LocalProxy.deadURL())", "\(proxy.url)"], retries: 0}
                        jobs:
                          - name: items
                            api: {base_url: \(server.baseURL)/api/, path: "single?n=3", auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}}
                            output: \(directory)/items.jsonl
                        """.write(toFile: config, atomically: true, encoding: .utf8)
                    let result = try await ChildProcess(
                        Self.binary, ["api", config, "--job", "items"], environment: Self.cleanEnvironment.merging(["SCRAPE_TEST_TOKEN": "t0ken"]) { $1 }
                    ).wait()
                    #expect(result.status == 0, "\(result.stderr)")
                    let lines = try String(contentsOfFile: directory + "/items.jsonl", encoding: .utf8).split(separator: "\n")
                    #expect(lines.count == 3)
                    #expect(proxy.log.contains("/api/single"), "the api request went through the live proxy")
                }
            }
        } catch {
            await proxy.stop()
            throw error
        }
        await proxy.stop()
    }

    @Test func aBannedPairMovesTheHostToAnotherProxy() async throws {
        let strict = try BanningProxy(name: "strict", allowance: 1)
        let lenient = try BanningProxy(name: "lenient", allowance: 100)
        defer { strict.close(); lenient.close() }
        try await TestServer.withRunning { server in
            let host = "127.0.0.1:\(server.port)"
            let urls = (1...6).map { server.url("/page/\($0)") }
            let (written, result) = try await scrape(urls, proxies: [strict.url, lenient.url])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(written.count == 6)
            #expect(written.allSatisfy { $0["status"] as? Int == 200 }, "\(written)")
            // Round-robin: strict, lenient, then strict answers 403: banned for the host, and
            // the request goes on through lenient (two requests reached a target: attempts 2).
            #expect(strict.forwardedCount(host: host) == 1)
            #expect(strict.refusedCount(host: host) == 1, "banned after its first 403: not asked again")
            #expect(lenient.forwardedCount(host: host) == 5)
            #expect(written.filter { $0["proxy"] as? String == strict.url }.count == 1)
            #expect(written.filter { ($0["attempts"] as? Int) == 2 }.count == 1)
        }
    }

    @Test func aURLEveryProxyRefusedKeepsTheStatus() async throws {
        let first = try BanningProxy(name: "first", allowance: 1)
        let second = try BanningProxy(name: "second", allowance: 1)
        defer { first.close(); second.close() }
        try await TestServer.withRunning { server in
            let urls = (1...4).map { server.url("/page/\($0)") }
            // Bans last the breaker's cooldown: 1 s here, so the 4th URL waits for them to end.
            let config = try TemporaryFiles.file("bans.yaml", "http:\n  circuit_breaker: {cooldown: 1s}\n")
            defer { try? FileManager.default.removeItem(atPath: config) }
            let (written, result) = try await scrape(urls, proxies: [first.url, second.url], extra: ["--config", config])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(written.count == 4, "every URL ends as one record")
            #expect(written.prefix(2).allSatisfy { $0["status"] as? Int == 200 })
            let refused = written.dropFirst(2)
            #expect(refused.allSatisfy { $0["status"] as? Int == 403 }, "\(written)")
            #expect(((refused.first?["error"] as? [String: Any])?["kind"] as? String) == "http")
            #expect(server.log.all.count == 2)
        }
    }

    @Test func entriesDifferingOnlyByCredentialsAreToldApartByPosition() async throws {
        let credentials = LocalProxy.Credentials(user: "alice", password: "hunter2-secret")
        let proxy = try await LocalProxy.start(.tinyproxy, credentials: credentials)
        do {
            try await TestServer.withRunning { server in
                let urls = (1...4).map { server.url("/page/\($0)") }
                // #1 has no credentials (the proxy answers 407: out), #2 has them.
                let (written, result) = try await scrape(urls, proxies: [proxy.displayURL, proxy.url])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(written.allSatisfy { $0["status"] as? Int == 200 }, "\(written)")
                #expect(written.allSatisfy { $0["proxy"] as? String == "\(proxy.displayURL) #2" }, "\(written)")
                let everything = result.stdout + result.stderr + written.map { "\($0)" }.joined()
                #expect(!everything.contains("hunter2"))
            }
        } catch {
            await proxy.stop()
            throw error
        }
        await proxy.stop()
    }
}
