import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// Every failure kind of the record contract, produced by real transfers on loopback.
@Suite(.timeLimit(.minutes(1)))
struct HTTPClientFailureTests {
    @Test func serverThatSendsNothingTimesOut() async throws {
        let silent = try SilentServer()
        defer { silent.close() }
        try await withClient { client in
            let start = ContinuousClock.now
            let error = await expectFailure(client, FetchRequest(url: silent.url, timeout: .milliseconds(300)))
            #expect(error?.kind == .timeout)
            #expect(ContinuousClock.now - start >= .milliseconds(300))
            #expect(error?.curlError?.code == .easy(28))
        }
    }

    @Test func refusedPortIsAConnectError() async throws {
        let port = try SilentServer.refusedPort()
        try await withClient { client in
            let error = await expectFailure(client, FetchRequest(url: "http://127.0.0.1:\(port)/"))
            #expect(error?.kind == .connect)
            #expect(error?.curlError?.code == .easy(7))
            // curl 7.88's own words are "Couldn't connect to server"; the errno says why.
            #expect(error?.message.hasPrefix("Failed to connect to 127.0.0.1 port \(port) after ") == true, "\(String(describing: error))")
            #expect(error?.message.hasSuffix(" ms: connection refused") == true, "\(String(describing: error))")
        }
    }

    /// A label longer than DNS allows (63 bytes) fails inside the resolver; no query leaves the machine.
    @Test func unresolvableHostIsADNSError() async throws {
        try await withClient { client in
            let host = String(repeating: "a", count: 64) + ".invalid"
            let error = await expectFailure(client, FetchRequest(url: "http://\(host)/"))
            #expect(error?.kind == .dns)
        }
    }

    /// The test's own timeouts are long: twice, in a full parallel run under load, a short
    /// timeout (connect 2 s covers the handshake; low-speed 5 s) fired first: a `timeout`.
    @Test func tlsToAPlainHTTPServerIsATLSError() async throws {
        try await withServerAndClient({ $0.timeouts.connect = .seconds(20); $0.timeouts.total = .seconds(30); $0.timeouts.lowSpeedTime = .zero }) { server, client in
            let error = await expectFailure(client, FetchRequest(url: "https://127.0.0.1:\(server.port)/get"))
            #expect(error?.kind == .tls, "\(String(describing: error))")
        }
    }

    @Test func redirectLoopStopsAtTheLimit() async throws {
        try await withServerAndClient({ $0.limits.maxRedirects = 5 }) { server, client in
            let error = await expectFailure(client, FetchRequest(url: server.url("/redirect-loop")))
            #expect(error?.kind == .tooManyRedirects)
            #expect(server.log.count(path: "/redirect-loop") == 6)
        }
    }

    @Test func redirectToAFileURLIsRefusedAndNothingIsRead() async throws {
        try await withServerAndClient { server, client in
            let request = FetchRequest(url: server.url("/redirect-to?url=file:///etc/passwd"))
            let error = await expectFailure(client, request)
            #expect(error?.kind == .unsupportedScheme)
            #expect(error?.message.contains("file") == true)
            #expect(error?.message.contains("root:") == false)
        }
    }

    @Test(arguments: ["ftp://127.0.0.1/", "gopher://127.0.0.1/", "dict://127.0.0.1/", "scp://127.0.0.1/x"])
    func redirectToOtherSchemesIsRefused(target: String) async throws {
        try await withServerAndClient { server, client in
            let error = await expectFailure(client, FetchRequest(url: server.url("/redirect-to?url=\(target)")))
            #expect(error?.kind == .unsupportedScheme)
        }
    }

    @Test(arguments: ["file:///etc/passwd", "ftp://127.0.0.1/", "FILE:///etc/passwd", "javascript:alert(1)", "mailto:a@b.c"])
    func nonHTTPURLsAreRefusedBeforeAnyTransfer(url: String) async throws {
        try await withClient { client in
            let error = await expectFailure(client, FetchRequest(url: url))
            #expect(error?.kind == .unsupportedScheme)
            #expect(error?.curlError == nil)
        }
    }

    @Test(arguments: ["", "not a url", "example.com/path", "http://", "http://exa mple.com/", "https://[::1/"])
    func malformedURLsAreInvalid(url: String) async throws {
        try await withClient { client in
            let error = await expectFailure(client, FetchRequest(url: url))
            #expect(error?.kind == .invalidURL)
        }
    }

    @Test func connectionClosedMidBodyIsATransportError() async throws {
        try await withServerAndClient { server, client in
            let error = await expectFailure(client, FetchRequest(url: server.url("/close-mid-body")))
            #expect(error?.kind == .transport)
            #expect(error?.curlError != nil)
        }
    }

    @Test func headerInjectionIsRefused() async throws {
        try await withServerAndClient { server, client in
            let request = FetchRequest(url: server.url("/get"), headers: ["X-Evil": "a\r\nHost: other"])
            let error = await expectFailure(client, request)
            #expect(error?.kind == .invalidRequest)
            #expect(error?.message.contains("Host: other") == false)
            #expect(server.log.count(path: "/get") == 0)
        }
    }
}
