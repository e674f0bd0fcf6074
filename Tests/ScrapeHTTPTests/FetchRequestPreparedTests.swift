@testable import ScrapeHTTP
import Testing

/// Request validation, without any transfer.
struct FetchRequestPreparedTests {
    private func prepare(_ request: FetchRequest, maxURLLength: Int = 1000) -> Result<FetchRequest.Prepared, HTTPClientError> {
        Result { () throws(HTTPClientError) in try FetchRequest.Prepared(request, maxURLLength: maxURLLength) }
    }

    /// RFC 9110's idempotent methods; `scrape api` retries the others only when told to.
    @Test func idempotencyFollowsRFC9110() {
        let idempotent: [FetchRequest.Method] = [.get, .head, .put, .delete, .options]
        #expect(idempotent.filter { !$0.isIdempotent }.isEmpty)
        #expect(!FetchRequest.Method.post.isIdempotent)
        #expect(!FetchRequest.Method.patch.isIdempotent)
    }

    @Test(arguments: [
        ("http://example.com/", "http", "example.com"),
        ("HTTPS://Example.COM:8443/a?b#c", "https", "example.com"),
        ("http://127.0.0.1:8080", "http", "127.0.0.1"),
        ("http://[::1]:80/", "http", "[::1]"),
        ("http://user:pw@host.test/x", "http", "host.test"),
    ])
    func acceptsHTTPAndHTTPSURLs(url: String, scheme: String, host: String) throws {
        let prepared = try prepare(FetchRequest(url: url)).get()
        #expect(prepared.scheme == scheme)
        #expect(prepared.host == host)
    }

    @Test(arguments: [
        ("file:///etc/passwd", "file"), ("ftp://host/", "ftp"), ("gopher://host/", "gopher"),
        ("data:text/plain,hi", "data"), ("ws://host/", "ws"), ("javascript:alert(1)", "javascript"),
    ])
    func refusesOtherSchemesByName(url: String, scheme: String) {
        guard case .failure(let error) = prepare(FetchRequest(url: url)) else {
            Issue.record("\(url) was accepted")
            return
        }
        #expect(error.kind == .unsupportedScheme)
        #expect(error.message.contains("\"\(scheme)\""))
    }

    @Test(arguments: ["", " http://a/", "://a", "1http://a/", "http//a", "http://a b/", "http://a/\u{0}x", "http://a/\nb"])
    func refusesMalformedURLs(url: String) {
        guard case .failure(let error) = prepare(FetchRequest(url: url)) else {
            Issue.record("\(url.debugDescription) was accepted")
            return
        }
        #expect(error.kind == .invalidURL)
    }

    @Test func refusesURLsOverTheLengthLimit() {
        let url = "http://a/" + String(repeating: "x", count: 991)
        #expect((try? prepare(FetchRequest(url: url)).get()) != nil)
        guard case .failure(let error) = prepare(FetchRequest(url: url + "x")) else {
            Issue.record("overlong URL accepted")
            return
        }
        #expect(error.kind == .invalidURL)
        #expect(error.message.contains("1001 bytes"))
    }

    @Test(arguments: [
        ["Bad Name": "x"], ["": "x"], ["X": "a\rb"], ["X": "a\nb"], ["X": "a\u{0}b"], ["Ünicode": "x"],
    ] as [HTTPHeaders])
    func refusesBadHeaders(headers: HTTPHeaders) {
        guard case .failure(let error) = prepare(FetchRequest(url: "http://a/", headers: headers)) else {
            Issue.record("\(headers) accepted")
            return
        }
        #expect(error.kind == .invalidRequest)
    }

    @Test func headerValuesAreNotEchoedInErrors() {
        guard case .failure(let error) = prepare(FetchRequest(url: "http://a/", headers: ["Authorization": "Bearer s3cret\r\n"]))
        else {
            Issue.record("accepted")
            return
        }
        #expect(!error.message.contains("s3cret"))
        #expect(!error.description.contains("s3cret"))
    }

    @Test(arguments: ["GET", "PROPFIND", "M-SEARCH"])
    func acceptsTokenMethods(method: String) {
        #expect((try? prepare(FetchRequest(url: "http://a/", method: .init(rawValue: method))).get()) != nil)
    }

    @Test(arguments: ["", "GET X", "GET\r\n"])
    func refusesNonTokenMethods(method: String) {
        guard case .failure(let error) = prepare(FetchRequest(url: "http://a/", method: .init(rawValue: method))) else {
            Issue.record("\(method.debugDescription) accepted")
            return
        }
        #expect(error.kind == .invalidRequest)
    }
}
