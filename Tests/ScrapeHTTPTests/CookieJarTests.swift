import Foundation
import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// The cookie jar on the real client against the loopback server: cookies kept and sent by
/// their rules, one jar per session, and no cookie ever carried by a pooled easy handle to
/// a request of another jar or of none.
@Suite(.timeLimit(.minutes(1)))
struct CookieJarTests {
    /// What `/session/echo` saw: the Cookie header, or "none".
    private func echoed(_ client: HTTPClient, _ server: TestServer, jar: CookieJar?, host: String? = nil) async throws -> String {
        let url = host.map { "http://\($0):\(server.port)/session/echo" } ?? server.url("/session/echo")
        let response = try await client.execute(FetchRequest(url: url, cookieJar: jar))
        return Self.title(response.body)
    }

    static func title(_ body: [UInt8]) -> String {
        let text = String(decoding: body, as: UTF8.self)
        guard let start = text.range(of: "<title>"), let end = text.range(of: "</title>") else { return "" }
        return String(text[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "cookie: ", with: "")
    }

    @Test func aCookieSetIsSentBackOnLaterRequestsWithTheSameJar() async throws {
        try await withServerAndClient { server, client in
            let jar = try CookieJar()
            #expect(try await echoed(client, server, jar: jar) == "none")
            _ = try await client.execute(FetchRequest(url: server.url("/session/set/a/1"), cookieJar: jar))
            _ = try await client.execute(FetchRequest(url: server.url("/session/set/b/2"), cookieJar: jar))
            let sent = try await echoed(client, server, jar: jar)
            #expect(Set(sent.split(separator: "; ")) == ["a=1", "b=2"], "\(sent)")
            #expect(jar.count == 2)
        }
    }

    @Test func interleavedJarsOnPooledHandlesNeverSeeEachOthersCookies() async throws {
        try await withServerAndClient { server, client in
            let jarA = try CookieJar()
            let jarB = try CookieJar()
            _ = try await client.execute(FetchRequest(url: server.url("/session/set/a/1"), cookieJar: jarA))
            // Rounds of concurrent requests of A, B and no jar over one client: its pool hands
            // each round's handles to the next, so every handle serves every kind in turn.
            // Requests without a jar are also set a cookie, which nobody may keep.
            for _ in 0..<10 {
                let seen = try await withThrowingTaskGroup(of: (String, String).self) { group in
                    for index in 0..<16 {
                        let kind = ["A", "B", "none", "set"][index % 4]
                        let jar = kind == "A" ? jarA : kind == "B" ? jarB : nil
                        group.addTask {
                            if kind == "set" {
                                _ = try await client.execute(FetchRequest(url: server.url("/session/set/x/9")))
                                return (kind, "")
                            }
                            return (kind, try await self.echoed(client, server, jar: jar))
                        }
                    }
                    return try await group.reduce(into: [(String, String)]()) { $0.append($1) }
                }
                for (kind, cookie) in seen where kind != "set" {
                    #expect(cookie == (kind == "A" ? "a=1" : "none"), "a request with jar \(kind) saw \(cookie)")
                }
            }
            // B's own cookie stays B's, after the same handles served A.
            _ = try await client.execute(FetchRequest(url: server.url("/session/set/b/2"), cookieJar: jarB))
            #expect(try await echoed(client, server, jar: jarB) == "b=2")
            #expect(try await echoed(client, server, jar: jarA) == "a=1")
            #expect(try await echoed(client, server, jar: nil) == "none")
            // The pool did reuse handles: far fewer made than requests sent.
            #expect(client.statistics.easyHandlesCreated < 60)
        }
    }

    @Test func aRequestWithoutAJarNeitherSendsNorKeepsCookies() async throws {
        try await withServerAndClient { server, client in
            _ = try await client.execute(FetchRequest(url: server.url("/session/set/c/3")))
            #expect(try await echoed(client, server, jar: nil) == "none")
        }
    }

    @Test func aCookieIsNotSentToAnotherHost() async throws {
        try await TestServer.withRunning { server in
            var configuration = HTTPClient.Configuration.fastFailingForTesting()
            configuration.resolve = ["a.test:\(server.port):127.0.0.1", "b.test:\(server.port):127.0.0.1"]
            let client = try HTTPClient(configuration: configuration)
            let jar = try CookieJar()
            _ = try await client.execute(FetchRequest(url: "http://a.test:\(server.port)/session/set/a/1", cookieJar: jar))
            #expect(try await echoed(client, server, jar: jar, host: "a.test") == "a=1")
            #expect(try await echoed(client, server, jar: jar, host: "b.test") == "none")
            await client.shutdown()
        }
    }

    @Test func netscapeLinesRoundTripAndExpiredOnesAreDropped() throws {
        let jar = try CookieJar()
        let now: Int64 = 1_800_000_000
        try jar.add(
            netscapeLines: [
                "# Netscape HTTP Cookie File", "",
                ".example.com\tTRUE\t/\tFALSE\t1900000000\ttheme\tdark",
                "#HttpOnly_example.com\tFALSE\t/\tTRUE\t0\tsession\tabc",
                "example.com\tFALSE\t/\tFALSE\t1700000000\told\tgone",
            ], now: now)
        let lines = jar.netscapeLines(now: now).sorted()
        #expect(lines == ["#HttpOnly_example.com\tFALSE\t/\tTRUE\t0\tsession\tabc", ".example.com\tTRUE\t/\tFALSE\t1900000000\ttheme\tdark"])
        // A line whose expiry has since passed is left out of what is saved.
        #expect(jar.netscapeLines(now: 1_950_000_000) == ["#HttpOnly_example.com\tFALSE\t/\tTRUE\t0\tsession\tabc"])
        jar.removeAll()
        #expect(jar.netscapeLines(now: now).isEmpty)
    }

    @Test func aFileThatIsNotCookieLinesIsRefusedWholeWithTheLineNumber() throws {
        let jar = try CookieJar()
        let error = #expect(throws: NetscapeCookieLine.FormatError.self) {
            try jar.add(netscapeLines: ["example.com\tFALSE\t/\tFALSE\t0\tok\t1", "{\"url\": \"https://x/\"}"])
        }
        #expect(error?.line == 2)
        #expect(error?.description.contains("https://x/") == false, "the line is never quoted: it may hold a cookie value")
        #expect(jar.count == 0)
    }

    @Test func cookieLineClassification() throws {
        #expect(try NetscapeCookieLine.classify("# comment", number: 1) == .skip)
        #expect(try NetscapeCookieLine.classify("   ", number: 1) == .skip)
        #expect(NetscapeCookieLine("a.test\tFALSE\t/\tFALSE\t0\tname") != nil, "six fields: an empty value, as curl reads it")
        #expect(NetscapeCookieLine("a.test\tFALSE\t/\tFALSE\t0\tname\tvalue\r\n")?.text == "a.test\tFALSE\t/\tFALSE\t0\tname\tvalue")
        #expect(throws: NetscapeCookieLine.FormatError.self) { try NetscapeCookieLine.classify("a.test\tFALSE\t/\tFALSE\tsoon\tn\tv", number: 3) }
        #expect(throws: NetscapeCookieLine.FormatError.self) { try NetscapeCookieLine.classify("#HttpOnly_", number: 3) }
        #expect(NetscapeCookieLine("x\tFALSE\t/\tFALSE\t5\tn\tv")?.isExpired(now: 6) == true)
        #expect(NetscapeCookieLine("x\tFALSE\t/\tFALSE\t0\tn\tv")?.isExpired(now: 6) == false)
    }

    @Test func requestDefaultsLetTheRequestsOwnHeadersWin() throws {
        let jar = try CookieJar()
        let defaults = try RequestDefaults(headers: ["X-Run": "run", "If-None-Match": "\"run\""], cookieJar: jar)
        let applied = defaults.applied(to: FetchRequest(url: "http://h/", headers: ["if-none-match": "\"own\""]))
        #expect(applied.headers.fields.map(\.name) == ["if-none-match", "X-Run"])
        #expect(applied.headers.first(name: "If-None-Match") == "\"own\"")
        #expect(applied.cookieJar === jar)
        let other = try CookieJar()
        #expect(defaults.applied(to: FetchRequest(url: "http://h/", cookieJar: other)).cookieJar === other)
        for name in ["Host", "content-length", "Transfer-Encoding", "Bad Name"] {
            #expect(throws: HTTPClientError.self) { _ = try RequestDefaults(headers: HTTPHeaders([(name, "x")])) }
        }
        #expect(throws: HTTPClientError.self) { _ = try RequestDefaults(headers: ["X-A": "a\r\nX-Injected: 1"]) }
    }
}
