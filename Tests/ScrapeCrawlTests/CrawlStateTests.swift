import Foundation
import ScrapeCore
import Testing

@testable import ScrapeCrawl

/// The state file: the queue's order, the depth barrier, moving up, max pages, refusals.
struct CrawlStateTests {
    private func url(_ text: String) throws -> CrawlURL {
        guard case .url(let url) = CrawlURL.parse(text) else { throw CrawlSettingsError("not a URL: \(text)") }
        return url
    }

    private func withState<Result>(_ settings: CrawlSettings, _ body: (CrawlState, String) async throws -> Result) async throws -> Result {
        let directory = NSTemporaryDirectory() + "crawl-state-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let state = try CrawlState(path: directory + "/s", settings: settings, fresh: true)
        defer { state.close() }
        return try await body(state, directory + "/s")
    }

    private func links(_ urls: [String]) throws -> FoundLinks {
        FoundLinks(followable: try urls.map { try url("http://h/" + $0) }, skipped: [])
    }

    @Test func aURLFoundCloserWhileQueuedMovesUpAndTheBarrierHoldsDeeperOnes() async throws {
        try await withState(CrawlSettings(seeds: [try url("http://h/")])) { state, _ in
            let seed = try #require(try await state.nextBatch()).first!
            try state.record(seed, links: try links(["a", "b"]))
            let level1 = try #require(try await state.nextBatch())
            #expect(level1.map(\.url) == ["http://h/a", "http://h/b"])
            try state.record(level1[0], links: try links(["c"]))
            let c = try #require(try await state.nextBatch())
            #expect(c.map(\.url) == ["http://h/c"])
            try state.record(c[0], links: try links(["d", "a"]))  // d at depth 3 waits: b (depth 1) is unrecorded
            try state.record(level1[1], links: try links(["d"]))  // found at 2 through b: moved up
            let d = try #require(try await state.nextBatch())
            #expect(d.map(\.url) == ["http://h/d"])
            #expect(d.first?.depth == 2)
            #expect(d.first?.referrer == "http://h/b")
            try state.record(d[0], links: nil)
            #expect(try await state.nextBatch() == nil)
            let counts = try state.linkCounts()
            #expect(counts.found == 4 && counts.followed == 4)
        }
    }

    @Test func maxDepthAndMaxPagesSkipAndCount() async throws {
        let settings = CrawlSettings(seeds: [try url("http://h/")], maxDepth: 1, maxPages: 3)
        try await withState(settings) { state, _ in
            let seed = try #require(try await state.nextBatch())[0]
            try state.record(seed, links: try links(["a", "b", "c", ""]))
            let level1 = try #require(try await state.nextBatch())
            #expect(level1.map(\.url) == ["http://h/a", "http://h/b"])
            try state.record(level1[0], links: try links(["x"]))
            try state.record(level1[1], links: nil)
            #expect(try await state.nextBatch() == nil)
            let counts = try state.linkCounts()
            #expect(counts.maxPages == 1)  // c
            #expect(counts.depth == 1)  // x
            #expect(counts.duplicate == 1)  // the seed
        }
    }

    @Test func anotherCrawlsStateIsRefusedAndTheSameOneReset() async throws {
        let settings = CrawlSettings(seeds: [try url("http://h/")])
        try await withState(settings) { state, path in
            state.close()
            #expect(throws: CrawlStateFailure.self) {
                try CrawlStore.check(path: path, fingerprint: CrawlSettings(seeds: [try url("http://other/")]).fingerprint)
            }
            #expect(throws: CrawlStateFailure.self) {
                try CrawlStore.check(path: path, fingerprint: CrawlSettings(seeds: [try url("http://h/")], scope: .domain).fingerprint)
            }
            try CrawlStore.check(path: path, fingerprint: settings.fingerprint)
        }
    }
}
