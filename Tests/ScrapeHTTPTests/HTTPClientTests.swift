import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// The client against the loopback test server: requests, responses, methods, headers.
@Suite(.timeLimit(.minutes(1)))
struct HTTPClientTests {
    @Test func getReturnsStatusBodyAndMetadata() async throws {
        try await withServerAndClient { server, client in
            let response = try await client.execute(FetchRequest(url: server.url("/get")))
            #expect(response.status == 200)
            #expect(response.body.text == "ok")
            #expect(response.contentType == "text/plain; charset=utf-8")
            #expect(response.finalURL == server.url("/get"))
            #expect(response.redirectCount == 0)
            #expect(response.version == .http1_1)
            #expect(response.headers.first(name: "content-length") == "2")
        }
    }

    @Test(arguments: [201, 204, 301, 404, 429, 500, 503])
    func everyStatusIsAResponseNotAnError(status: Int) async throws {
        try await withServerAndClient({ $0.limits.maxRedirects = 0 }) { server, client in
            let response = try await client.execute(FetchRequest(url: server.url("/status/\(status)")))
            #expect(response.status == status)
        }
    }

    @Test func repeatedResponseHeadersKeepTheirOrder() async throws {
        try await withServerAndClient { server, client in
            let response = try await client.execute(FetchRequest(url: server.url("/response-headers")))
            #expect(response.headers["set-cookie"] == ["a=1", "b=2"])
            #expect(response.headers["X-ORDER"] == ["first", "second"])
        }
    }

    @Test func aUserAgentThatWouldInjectHeadersIsRefused() {
        var configuration = HTTPClient.Configuration()
        configuration.userAgent = "evil\r\nX-Injected: 1"
        #expect(throws: HTTPClientError.invalidRequest("")) { _ = try HTTPClient(configuration: configuration) }
    }

    @Test func sendsRequestHeadersAndTheConfiguredUserAgent() async throws {
        try await withServerAndClient({ $0.userAgent = "scrape-test/1" }) { server, client in
            // The server lowercases names, as HTTP/1.1 allows.
            let plain = try await client.execute(FetchRequest(url: server.url("/headers"))).body.text.split(separator: "\n")
            #expect(plain.contains("user-agent: scrape-test/1"))
            #expect(plain.contains { $0.hasPrefix("accept-encoding: ") && $0.contains("gzip") && $0.contains("br") })

            let custom = FetchRequest(url: server.url("/headers"), headers: ["X-Trace": "abc 123", "User-Agent": "mine"])
            let echoed = try await client.execute(custom).body.text
            #expect(echoed.contains("x-trace: abc 123"))
            #expect(echoed.contains("user-agent: mine"))
            #expect(!echoed.contains("scrape-test/1"))
        }
    }

    @Test(arguments: [FetchRequest.Method.post, .put, .patch, .delete])
    func sendsMethodAndBody(method: FetchRequest.Method) async throws {
        try await withServerAndClient { server, client in
            let payload: [UInt8] = [0, 1, 2, 255] + "body text".bytes
            let response = try await client.execute(FetchRequest(url: server.url("/echo"), method: method, body: payload))
            #expect(response.status == 200)
            #expect(response.body == "\(method.rawValue)\n\n".bytes + payload)
        }
    }

    @Test(arguments: [FetchRequest.Method.post, .put, .delete])
    func sendsMethodWithoutABody(method: FetchRequest.Method) async throws {
        try await withServerAndClient { server, client in
            let response = try await client.execute(FetchRequest(url: server.url("/echo"), method: method))
            #expect(response.status == 200)
            #expect(response.body == "\(method.rawValue)\n\n".bytes)
        }
    }

    @Test func headRequestHasNoBody() async throws {
        try await withServerAndClient { server, client in
            let response = try await client.execute(FetchRequest(url: server.url("/bytes/5000"), method: .head))
            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            #expect(response.headers.first(name: "Content-Length") == "5000")
        }
    }

    @Test func largeBodyArrivesIntact() async throws {
        try await withServerAndClient { server, client in
            let size = 5 * 1024 * 1024
            let response = try await client.execute(FetchRequest(url: server.url("/bytes/\(size)")))
            #expect(response.body.count == size)
            #expect(response.body == patternBytes(size))
        }
    }

    @Test(arguments: ["/gzip", "/deflate", "/brotli"])
    func decodesContentEncodings(path: String) async throws {
        try await withServerAndClient { server, client in
            let response = try await client.execute(FetchRequest(url: server.url(path)))
            #expect(response.status == 200)
            #expect(response.body.text.hasPrefix("<!doctype html><title>compressed</title>scrape decodes"))
            #expect(response.body.count == 1080)
        }
    }

    @Test func followsRedirectChains() async throws {
        try await withServerAndClient { server, client in
            let response = try await client.execute(FetchRequest(url: server.url("/redirect/3")))
            #expect(response.status == 200)
            #expect(response.redirectCount == 3)
            #expect(response.finalURL == server.url("/get"))
            #expect(response.body.text == "ok")
            #expect(server.log.count(prefix: "/redirect/") == 3)
        }
    }

    @Test func zeroMaxRedirectsReturnsTheRedirectItself() async throws {
        try await withServerAndClient({ $0.limits.maxRedirects = 0 }) { server, client in
            let response = try await client.execute(FetchRequest(url: server.url("/redirect/2")))
            #expect(response.status == 302)
            #expect(response.headers.first(name: "Location") == "/redirect/1")
            #expect(server.log.count(path: "/redirect/1") == 0)
        }
    }

    @Test func reusesConnectionsAndReportsTimings() async throws {
        try await withServerAndClient { server, client in
            let first = try await client.execute(FetchRequest(url: server.url("/get")))
            let second = try await client.execute(FetchRequest(url: server.url("/get")))
            #expect(!first.connectionReused)
            #expect(first.newConnections == 1)
            #expect(second.connectionReused)
            #expect(server.log.connectionCount == 1)
            let t = first.timings
            #expect(t.dns <= t.connect && t.connect <= t.firstByte && t.firstByte <= t.total)
            #expect(t.total > .zero)
        }
    }

    @Test func perRequestTimeoutOverridesTheDefault() async throws {
        try await withServerAndClient { server, client in
            let request = FetchRequest(url: server.url("/delay/1000"), timeout: .milliseconds(200))
            let error = await expectFailure(client, request)
            #expect(error?.kind == .timeout)
        }
    }
}
