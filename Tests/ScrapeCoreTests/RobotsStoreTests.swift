import ScrapeBase
import ScrapeHTTP
import ScrapeTestSupport
import Testing

@testable import ScrapeCore
@testable import ScrapePages

/// `RobotsCache` over a `RobotsStore` (what fleet mode shares through PostgreSQL), with
/// an in-memory store: one fetch for every cache that shares it, kept as long as it says.
@Suite(.timeLimit(.minutes(1)))
struct RobotsStoreTests {
    /// A store in memory: fetches an origin's document once, keeps it `keepFor`.
    actor MemoryStore: RobotsStore {
        var documents: [String: RobotsDocument] = [:]
        var asks = 0
        let keepFor: Duration

        init(keepFor: Duration) { self.keepFor = keepFor }

        func document(
            origin: String, fetch: @Sendable () async -> (document: RobotsDocument, maxAge: Duration?)
        ) async -> (document: RobotsDocument, keepFor: Duration) {
            asks += 1
            if let document = documents[origin] { return (document, keepFor) }
            let (document, maxAge) = await fetch()
            documents[origin] = document
            return (document, min(keepFor, maxAge ?? keepFor))
        }
    }

    @Test func cachesSharingAStoreFetchOnce() async throws {
        try await TestServer.withRunning { server in
            let store = MemoryStore(keepFor: .seconds(3600))
            let client = try HTTPClient()
            let request = try FetchRequest.Prepared(FetchRequest(url: server.url("/private/x")))
            for _ in 0..<3 {
                let cache = RobotsCache(client: client, userAgent: "scrape/1.0", store: store)
                let rules = await cache.rules(for: request)
                #expect(!rules.allows("/private/x") && rules.allows("/page/1"))
            }
            #expect(server.log.count(path: "/robots.txt") == 1)
            await client.shutdown()
        }
    }

    @Test func aDocumentPastItsTimeIsAskedForAgain() async throws {
        try await TestServer.withRunning { server in
            let store = MemoryStore(keepFor: .zero)
            let client = try HTTPClient()
            let cache = RobotsCache(client: client, userAgent: "scrape/1.0", store: store)
            let request = try FetchRequest.Prepared(FetchRequest(url: server.url("/page/1")))
            _ = await cache.rules(for: request)
            _ = await cache.rules(for: request)
            // Kept for zero seconds here, so the cache asked the store twice; the store had it.
            #expect(await store.asks == 2)
            #expect(server.log.count(path: "/robots.txt") == 1)
            await client.shutdown()
        }
    }

    @Test func cacheControlMaxAge() {
        #expect(RobotsCache.maxAge(inCacheControl: "public, max-age=600") == .seconds(600))
        #expect(RobotsCache.maxAge(inCacheControl: "Max-Age=\"30\", must-revalidate") == .seconds(30))
        #expect(RobotsCache.maxAge(inCacheControl: "no-cache") == nil)
        #expect(RobotsCache.maxAge(inCacheControl: "max-age=soon") == nil)
    }
}
