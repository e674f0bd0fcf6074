import Foundation
import ScrapeCore
import Testing

@testable import ScrapeCrawl

/// What each recorded page changed (``CrawlState/record(_:links:)``'s tally, the daemon's
/// `scrape_crawl_links_total`), against the summary's counts of the same crawl, and
/// ``CrawlRun/savedCrawl(statePath:settings:)``.
struct CrawlStepTests {
    private func url(_ text: String) throws -> CrawlURL {
        guard case .url(let url) = CrawlURL.parse(text) else { throw CrawlSettingsError("not a URL: \(text)") }
        return url
    }

    private func links(_ urls: [String], skipped: [(String, CrawlStore.URLState)] = []) throws -> FoundLinks {
        FoundLinks(followable: try urls.map { try url("http://h/" + $0) }, skipped: skipped)
    }

    private static func sum(_ tallies: [LinkCounts]) -> LinkCounts {
        tallies.reduce(into: LinkCounts()) { total, tally in
            total.found += tally.found
            total.followed += tally.followed
            total.offsite += tally.offsite
            total.depth += tally.depth
            total.denied += tally.denied
            total.duplicate += tally.duplicate
            total.notHTTP += tally.notHTTP
            total.maxPages += tally.maxPages
        }
    }

    private func withDirectory<Result>(_ body: (String) async throws -> Result) async throws -> Result {
        let directory = NSTemporaryDirectory() + "crawl-step-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }

    /// Each distinct URL is counted once, when first found, under the summary's outcome;
    /// without moves, the tallies add up to the summary's counts.
    @Test func theTalliesAddUpToTheSummarysCounts() async throws {
        let settings = CrawlSettings(seeds: [try url("http://h/")], maxDepth: 2, maxPages: 5)
        try await withDirectory { directory in
            let state = try CrawlState(path: directory + "/s", settings: settings, fresh: true)
            defer { state.close() }
            var tallies: [LinkCounts] = []
            let seed = try #require(try await state.nextBatch())[0]
            tallies.append(try state.record(seed, links: try links(["a", "b", "a", ""], skipped: [("http://o/", .offsite), ("mailto:x", .notHTTP)])))
            let level1 = try #require(try await state.nextBatch())
            tallies.append(try state.record(level1[0], links: try links(["c", "d", "e", "b"], skipped: [("http://o/", .offsite), ("http://h/x", .denied)])))
            tallies.append(try state.record(level1[1], links: try links(["c"])))
            while let batch = try await state.nextBatch() {
                for page in batch { tallies.append(try state.record(page, links: try links(["deeper"]))) }
            }
            let total = Self.sum(tallies)
            #expect(total == (try state.linkCounts()))
            #expect(total.found == 10)
            #expect(total.followed == 4)  // a, b, c, d: each once, though a is linked twice and b again
            #expect(total.duplicate == 1)  // the seed, linked as ""
            #expect(total.maxPages == 1)  // e: 5 admitted already (the seed, a, b, c, d)
            #expect(total.depth == 1)  // deeper, at depth 3, linked from c and d
            #expect(total.offsite == 1 && total.notHTTP == 1 && total.denied == 1)
        }
    }

    /// A URL skipped for depth that a closer page brings in counts under `followed` too.
    @Test func aURLBroughtInCloserCountsAsFollowedAgain() async throws {
        let settings = CrawlSettings(seeds: [try url("http://h/")], maxDepth: 2)
        try await withDirectory { directory in
            let state = try CrawlState(path: directory + "/s", settings: settings, fresh: true)
            defer { state.close() }
            let seed = try #require(try await state.nextBatch())[0]
            try state.record(seed, links: try links(["a", "b"]))
            let level1 = try #require(try await state.nextBatch())
            try state.record(level1[0], links: try links(["c"]))
            let c = try #require(try await state.nextBatch())
            let deep = try state.record(c[0], links: try links(["z"]))  // depth 3: skipped
            #expect(deep.depth == 1 && deep.found == 1)
            // b (depth 1) is still unrecorded, so z's depth is not final yet: b brings it to 2.
            let closer = try state.record(level1[1], links: try links(["z"]))
            #expect(closer.followed == 1 && closer.found == 0)
            #expect(try state.linkCounts().followed == 4)
        }
    }

    @Test func aSavedCrawlIsNoneOtherFinishedOrUnfinished() async throws {
        let settings = CrawlSettings(seeds: [try url("http://h/")])
        try await withDirectory { directory in
            let path = directory + "/s"
            #expect(CrawlRun.savedCrawl(statePath: path, settings: settings) == .none)
            let state = try CrawlState(path: path, settings: settings, fresh: true)
            let seed = try #require(try await state.nextBatch())[0]
            // In use by a crawl: not to be touched.
            #expect(CrawlRun.savedCrawl(statePath: path, settings: settings) == .other)
            try state.record(seed, links: try links(["a"]))
            state.close()
            #expect(CrawlRun.savedCrawl(statePath: path, settings: settings) == .unfinished)
            #expect(CrawlRun.savedCrawl(statePath: path, settings: CrawlSettings(seeds: [try url("http://h/")], maxDepth: 3)) == .other)
            let again = try CrawlState(path: path, settings: settings, fresh: false)
            let a = try #require(try await again.nextBatch())[0]
            try again.record(a, links: nil)
            again.close()
            #expect(CrawlRun.savedCrawl(statePath: path, settings: settings) == .finished)
            CrawlRun.removeState(at: path)
            #expect(CrawlRun.savedCrawl(statePath: path, settings: settings) == .none)
        }
    }
}
