import ScrapeHTML
import ScrapeHTTP
import ScrapeResilience
import ScrapeTestSupport
import Testing

@testable import ScrapeCore
@testable import ScrapePages

/// The page pipeline's stages, each alone on real responses from the loopback server, and
/// the pipeline's order: a page robots.txt forbids sends no request.
@Suite(.timeLimit(.minutes(1)))
struct PagePipelineTests {
    private func withClient(_ body: @escaping @Sendable (HTTPClient, TestServer) async throws -> Void) async throws {
        try await TestServer.withRunning { server in
            let client = try HTTPClient(configuration: .fastFailingForTesting())
            do {
                try await body(client, server)
            } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
        }
    }

    private func attempt(_ url: String, number: Int = 1) throws -> PageAttempt {
        PageAttempt(request: try FetchRequest.Prepared(FetchRequest(url: url)), number: number)
    }

    @Test func robotsStageAnswersForAForbiddenPathAndPassesTheCrawlDelay() async throws {
        try await withClient { client, server in
            let stage = RobotsStage(cache: RobotsCache(client: client, userAgent: "scrape/1.0"))
            var allowed = try attempt(server.url("/page/1"))
            #expect(await stage.prepare(&allowed) == nil)
            #expect(allowed.crawlDelay == .milliseconds(10))
            var forbidden = try attempt(server.url("/private/x"), number: 2)
            let answer = try #require(await stage.prepare(&forbidden))
            #expect(answer.error?.kind == .robotsDisallowed)
            #expect(answer.attempts == 1)  // the attempt that was refused is not counted
            #expect(server.log.count(prefix: "/private/") == 0)
        }
    }

    @Test func classifierGivesTheStatusItsKindAndOutcome() async throws {
        try await withClient { client, server in
            let classifier = ResponseClassifier()
            let page = try attempt(server.url("/status/503"), number: 3)
            let response = try await client.execute(page.request)
            let (record, outcome) = classifier.classify(response, of: page, elapsed: .milliseconds(12))
            #expect(record.status == 503 && record.error?.kind == .http && record.attempts == 3 && record.elapsedMilliseconds == 12)
            #expect(outcome == .failure(retryable: true, retryAfter: nil))
            let ok = try await client.execute(try attempt(server.url("/get")).request)
            let (fine, success) = classifier.classify(ok, of: page, elapsed: .zero)
            #expect(fine.error == nil && success == .success)
            let (failed, neutral) = classifier.classify(HTTPClientError.invalidRequest("bad header"), of: page, elapsed: .zero)
            #expect(failed.error?.kind == .invalidRequest && failed.status == nil && neutral == .neutral)
        }
    }

    @Test func titleStageReadsEveryResponse() async throws {
        try await withClient { client, server in
            let stage = TitleStage(extractor: TitleExtractor())
            let response = try await client.execute(try attempt(server.url("/page/7")).request)
            var record = ScrapeRecord(url: "u", attempts: 1, fetchedAt: .now)
            stage.extract(from: response, into: &record)
            #expect(record.title == "Page 7")
        }
    }

    @Test func aForbiddenPageSendsNoRequest() async throws {
        try await withClient { client, server in
            let pipeline = PagePipeline(client: client, robots: RobotsCache(client: client, userAgent: "scrape/1.0"))
            let forbidden = await pipeline.attempt(try attempt(server.url("/private/x")).request, number: 1)
            #expect(forbidden?.output.error?.kind == .robotsDisallowed)
            #expect(forbidden?.crawlDelay == .milliseconds(10))
            let page = await pipeline.attempt(try attempt(server.url("/page/2")).request, number: 1)
            #expect(page?.output.title == "Page 2" && page?.output.status == 200 && page?.outcome == .success)
            #expect(server.log.count(prefix: "/private/") == 0)
            #expect(server.log.count(path: "/page/2") == 1)
        }
    }
}
