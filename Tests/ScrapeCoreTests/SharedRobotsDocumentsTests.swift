import ScrapeCore
import ScrapeTestSupport
import Testing
@testable import ScrapePages

/// The daemon's robots.txt documents: one fetch per origin and user agent while fresh,
/// concurrent askers waiting for it, how long each outcome is kept, and a stopped fetch
/// kept by no one.
struct SharedRobotsDocumentsTests {
    static let text = RobotsDocument.text("User-agent: *\nDisallow: /private/\n")

    @Test func oneFetchPerOriginAndUserAgentWhileFresh() async {
        let documents = SharedRobotsDocuments()
        let a = documents.store(userAgent: "scrape/1.0")
        let b = documents.store(userAgent: "otherbot/2.0")
        for store in [a, a, b, b] {
            let (document, keepFor) = await store.document(origin: "http://h") { (Self.text, nil) }
            #expect(document == Self.text)
            #expect(keepFor > .seconds(23 * 3600))
        }
        _ = await a.document(origin: "http://other") { (.allowAll, nil) }
        #expect(await documents.fetches == 3)
    }

    @Test func concurrentAskersShareOneFetch() async {
        let documents = SharedRobotsDocuments()
        let store = documents.store(userAgent: "scrape/1.0")
        let answers = await withTaskGroup(of: RobotsDocument.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await store.document(origin: "http://h") {
                        try? await Task.sleep(for: .milliseconds(100))
                        return (Self.text, nil)
                    }.document
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 8)
        #expect(answers.allSatisfy { $0 == Self.text })
        #expect(await documents.fetches == 1)
    }

    @Test func keptForADayOrMaxAgeAndAFailureForTenMinutes() {
        let unavailable = RobotsDocument.unavailable(.init(kind: .http, status: 503, message: "down"))
        #expect(SharedRobotsDocuments.keepFor(Self.text, maxAge: nil) == .seconds(86_400))
        #expect(SharedRobotsDocuments.keepFor(Self.text, maxAge: .seconds(60)) == .seconds(60))
        #expect(SharedRobotsDocuments.keepFor(.allowAll, maxAge: .seconds(200_000)) == .seconds(86_400))
        #expect(SharedRobotsDocuments.keepFor(unavailable, maxAge: nil) == .seconds(600))
        #expect(SharedRobotsDocuments.keepFor(unavailable, maxAge: .seconds(30)) == .seconds(30))
    }

    @Test func anExpiredDocumentIsFetchedAgain() async {
        let documents = SharedRobotsDocuments()
        let store = documents.store(userAgent: "scrape/1.0")
        _ = await store.document(origin: "http://h") { (Self.text, .zero) }  // max-age=0
        _ = await store.document(origin: "http://h") { (Self.text, nil) }
        #expect(await documents.fetches == 2)
    }

    @Test func aFetchStoppedWithItsRunIsKeptByNoOne() async {
        let documents = SharedRobotsDocuments()
        let store = documents.store(userAgent: "scrape/1.0")
        let stopped = RobotsDocument.unavailable(.init(kind: .cancelled, message: "stopping"))
        let first = await store.document(origin: "http://h") { (stopped, nil) }
        #expect(first.keepFor == .zero)
        let second = await store.document(origin: "http://h") { (Self.text, nil) }
        #expect(second.document == Self.text)
        #expect(await documents.fetches == 2)
    }
}
