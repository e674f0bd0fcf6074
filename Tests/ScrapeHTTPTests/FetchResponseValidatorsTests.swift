@testable import ScrapeHTTP
import Testing

/// The validators a record keeps (`etag`, `last_modified`) exactly as the server sent
/// them, and the conditional headers a `--since` run adds to a prepared request.
struct FetchResponseValidatorsTests {
    private func response(_ block: String) -> FetchResponse {
        let zero = FetchResponse.Timings(dns: .zero, connect: .zero, tls: .zero, firstByte: .zero, total: .zero)
        return FetchResponse(.init(
            status: 200, headerBytes: Array(block.utf8), body: [], finalURL: "http://a/", redirectCount: 0, contentType: nil, version: .http1_1,
            newConnections: 0, timings: zero))
    }

    @Test func validatorsAreKeptExactlyWithTheirCase() {
        let sent = response("HTTP/1.1 200 OK\r\netag:  W/\"5f-Ab\"  \r\nLAST-MODIFIED: Mon, 07 Dec 2026 10:00:00 GMT\r\nETag: \"second\"\r\n\r\n")
        #expect(sent.etag == #"W/"5f-Ab""#, "only the optional whitespace around the value goes; the first of two counts")
        #expect(sent.lastModified == "Mon, 07 Dec 2026 10:00:00 GMT")
        let none = response("HTTP/2 200\r\ncontent-type: text/html\r\n\r\n")
        #expect(none.etag == nil && none.lastModified == nil)
    }

    @Test func conditionalHeadersAreAddedWithoutPreparingAgain() throws {
        let prepared = try FetchRequest.Prepared(FetchRequest(url: "http://a.test:8080/x", headers: ["If-None-Match": "old", "Accept": "text/html"]))
        let conditional = try prepared.adding(headers: ["If-None-Match": #"W/"v1""#, "If-Modified-Since": "Mon, 07 Dec 2026 10:00:00 GMT"])
        #expect(conditional.request.headers["if-none-match"] == [#"W/"v1""#])
        #expect(conditional.request.headers.first(name: "Accept") == "text/html")
        #expect(conditional.request.headers.first(name: "If-Modified-Since") == "Mon, 07 Dec 2026 10:00:00 GMT")
        #expect(conditional.origin == prepared.origin)
        #expect(throws: HTTPClientError.self) { try prepared.adding(headers: ["If-None-Match": "a\r\nX-Injected: 1"]) }
    }

    @Test func headerNamesMatchIgnoringASCIICaseOnly() {
        #expect(HTTPHeaders.namesMatch("ETag", "etag") && HTTPHeaders.namesMatch("If-None-Match", "IF-NONE-MATCH"))
        #expect(!HTTPHeaders.namesMatch("ETag", "ETah") && !HTTPHeaders.namesMatch("ETag", "ETags"))
        #expect(!HTTPHeaders.namesMatch("a[", "A{"), "only letters fold: '[' and '{' differ by 0x20 too")
    }
}
