import Logging
import ScrapeCore
import ScrapeHTTP
import Testing

@testable import ScrapeDaemon

/// Which client a job's run gets (`jobs[].http:`): the shared one when its client settings
/// are the top-level ones and its connection limits no larger; else one of its own, shared
/// by runs of equal settings and shut down after the last.
struct EngineJobClientTests {
    static func http(_ change: (inout ScrapeConfiguration.HTTP) -> Void) -> ScrapeConfiguration.HTTP {
        var http = ScrapeConfiguration.HTTP()
        change(&http)
        return http
    }

    @Test func schedulerKeysAndSmallerPoolsFitTheSharedClient() {
        let shared = ScrapeConfiguration.HTTP()
        #expect(Engine.fits(Self.http { $0.retries = 7; $0.perHostRate = Rate(perSecond: 1); $0.robotsTxt = .ignore }, on: shared))
        #expect(Engine.fits(Self.http { $0.concurrency = 4; $0.perHostConcurrency = 2 }, on: shared))
        #expect(Engine.fits(Self.http { $0.adaptivePerHostConcurrency = true }, on: shared))
        #expect(
            Engine.fits(Self.http { $0.cookies = true; $0.cookieJar = "shop.txt"; $0.headers.add(name: "X-Job", value: "1") }, on: shared),
            "headers and cookies go with each request, not the client")
        #expect(!Engine.fits(Self.http { $0.perHostConcurrency = shared.perHostConcurrency + 1 }, on: shared), "a larger pool")
        #expect(!Engine.fits(Self.http { $0.userAgent = "jobbot/1.0" }, on: shared))
        #expect(!Engine.fits(Self.http { $0.timeout = .seconds(1) }, on: shared))
        #expect(!Engine.fits(Self.http { $0.maxBody = ByteCount(bytes: 1024) }, on: shared))
    }

    @Test func aJobsOwnClientIsSharedByEqualRunsAndEndsWithTheLast() async throws {
        let engine = try Engine(http: .init(), notifier: SystemdNotifier(environment: [:]), logger: Logger(label: "test"))
        let shared = engine.lease()
        let polite = try engine.lease(Self.http { $0.retries = 5 })
        #expect(polite.client === shared.client)
        #expect(polite.http.retries == 5)
        let agent = Self.http { $0.userAgent = "jobbot/1.0" }
        let first = try engine.lease(agent)
        let second = try engine.lease(agent)
        #expect(first.client !== shared.client)
        #expect(second.client === first.client)
        await engine.release(first.client)
        #expect(try engine.lease(agent).client === first.client, "still held by the second run")
        await engine.release(first.client)
        await engine.release(second.client)
        let third = try engine.lease(agent)
        #expect(third.client !== first.client, "the last run's end shut it down; a new run gets a new one")
        await engine.release(third.client)
        await shared.client.shutdown()
    }
}
