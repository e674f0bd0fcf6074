import ScrapeCore
import ScrapeHTML
import ScrapeHTTP
import ScrapePages
import ScrapeTestSupport
import Testing

/// ``PageBody``: a response's tree built at most once, whoever asks first, on real
/// responses from the loopback server; trees counted by ``DocumentCounter``.
@Suite(.timeLimit(.minutes(1)))
struct PageBodyTests {
    private func response(_ path: String) async throws -> FetchResponse {
        try await TestServer.withRunning { server in
            let client = try HTTPClient(configuration: .fastFailingForTesting())
            do {
                let response = try await client.execute(try FetchRequest.Prepared(FetchRequest(url: server.url(path))))
                await client.shutdown()
                return response
            } catch {
                await client.shutdown()
                throw error
            }
        }
    }

    @Test func theTreeIsBuiltOnceAndShared() async throws {
        let page = try await response("/page/3")
        let counter = DocumentCounter()
        DocumentCounter.$current.withValue(counter) {
            var body = PageBody(page)
            #expect(!body.isParsed)
            let first = body.document()
            let second = body.document()
            #expect(first != nil && first === second)
            #expect(body.isParsed)
        }
        #expect(counter.documentsBuilt == 1)
    }

    /// The logged-out test builds the tree in the body it is given, where the fields find it.
    @Test func theLoggedOutTestsTreeIsTheOneTheFieldsRead() async throws {
        let page = try await response("/page/3")
        let test = try LoggedOutTest(.init(css: "form#login"), key: "login.logged_out")
        let counter = DocumentCounter()
        DocumentCounter.$current.withValue(counter) {
            var body = PageBody(page)
            #expect(test.match(&body) == nil)
            #expect(body.isParsed)
            _ = body.document()
            #expect(test.match(page) == nil)  // a response alone is parsed again: that is what PageBody avoids
        }
        #expect(counter.documentsBuilt == 2)
    }

    @Test func aBodyThatIsNotHTMLBuildsNoTree() async throws {
        let page = try await response("/get")
        let counter = DocumentCounter()
        DocumentCounter.$current.withValue(counter) {
            var body = PageBody(page)
            #expect(body.document() == nil)
            #expect(body.isParsed)
            #expect(body.document() == nil)
        }
        #expect(counter.documentsBuilt == 0)
    }
}
