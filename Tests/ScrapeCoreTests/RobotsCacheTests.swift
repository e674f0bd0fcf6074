import ScrapeCore
import ScrapeHTTP
import ScrapeTestSupport
import Testing
import ScrapePages

/// robots.txt fetching outcomes (RFC 9309 §2.3.1) against the loopback server, with real
/// host names mapped to it by CURLOPT_RESOLVE.
@Suite(.timeLimit(.minutes(1)))
struct RobotsCacheTests {
    private func rules(_ host: String, _ server: TestServer, path: String = "/page/1") async throws -> RobotsRules {
        var configuration = HTTPClient.Configuration.fastFailingForTesting()
        configuration.resolve = ["\(host):\(server.port):127.0.0.1"]
        let client = try HTTPClient(configuration: configuration)
        let cache = RobotsCache(client: client, userAgent: "scrape/1.0")
        let request = try FetchRequest.Prepared(FetchRequest(url: "http://\(host):\(server.port)\(path)"))
        // Three concurrent callers share one fetch.
        async let first = cache.rules(for: request)
        async let second = cache.rules(for: request)
        async let third = cache.rules(for: request)
        let all = await [first, second, third]
        #expect(all.allSatisfy { $0 == all[0] })
        await client.shutdown()
        return all[0]
    }

    @Test func twoHundredIsParsedOnce() async throws {
        try await TestServer.withRunning { server in
            let rules = try await rules("site.test", server)
            #expect(server.log.count(path: "/robots.txt") == 1)
            #expect(!rules.allows("/private/x"))
            #expect(rules.allows("/private/ok"))
            #expect(rules.crawlDelay == .milliseconds(10))
        }
    }

    @Test func notFoundAllowsEverything() async throws {
        try await TestServer.withRunning { server in
            let rules = try await rules("robots404.test", server)
            #expect(rules == .allowAll)
        }
    }

    @Test func serverErrorDisallowsEverything() async throws {
        try await TestServer.withRunning { server in
            let rules = try await rules("robots5xx.test", server)
            #expect(!rules.allows("/page/1"))
            #expect(rules.unavailable?.kind == .http)
            #expect(rules.unavailable?.status == 503)
        }
    }

    @Test func unreachableDisallowsEverything() async throws {
        let port = try SilentServer.refusedPort()
        let client = try HTTPClient(configuration: .fastFailingForTesting())
        let cache = RobotsCache(client: client, userAgent: "scrape/1.0")
        let rules = await cache.rules(for: try FetchRequest.Prepared(FetchRequest(url: "http://127.0.0.1:\(port)/x")))
        await client.shutdown()
        #expect(!rules.allows("/x"))
        #expect(rules.unavailable?.kind == .connect)
        #expect(rules.unavailable?.status == nil)
    }
}
