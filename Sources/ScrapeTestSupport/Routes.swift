import Hummingbird
import NIOCore
import HTTPTypes
import ScrapeBase

/// The test server's routes, HTTPBin-style. Every delay is capped so no test can hang on one.
enum Routes {
    /// The longest any route waits, whatever it is asked.
    static let maxDelay = Duration.seconds(30)

    static func register(on router: Router<TestRequestContext>) {
        router.get("/get") { _, _ in text("ok") }
        registerPoliteness(on: router, attempts: AttemptCounter())
        APIRoutes.register(on: router)
        FieldPages.register(on: router)
        CrawlSites.register(on: router)
        CapacityRoutes.register(on: router)
        RevisitRoutes.register(on: router)
        LoginSite.register(on: router)
        SessionRoutes.register(on: router)
        router.get("/status/:code") { _, context in
            let code = try context.parameters.require("code", as: Int.self)
            return text("status \(code)", status: .init(code: code))
        }
        router.get("/delay/:ms") { _, context in
            let ms = try context.parameters.require("ms", as: Int.self)
            try await Task.sleep(for: min(.milliseconds(ms), maxDelay))
            return text("delayed \(ms) ms")
        }
        router.on("/echo", method: .post) { request, _ in try await echo(request) }
        router.on("/echo", method: .put) { request, _ in try await echo(request) }
        router.on("/echo", method: .patch) { request, _ in try await echo(request) }
        router.on("/echo", method: .delete) { request, _ in try await echo(request) }
        router.get("/headers") { request, _ in
            text(request.headers.map { "\($0.name.canonicalName): \($0.value)" }.joined(separator: "\n"))
        }
        router.get("/response-headers") { _, _ in
            var headers = HTTPFields()
            headers.append(HTTPField(name: .setCookie, value: "a=1"))
            headers.append(HTTPField(name: .setCookie, value: "b=2"))
            headers.append(HTTPField(name: HTTPField.Name("X-Order")!, value: "first"))
            headers.append(HTTPField(name: HTTPField.Name("X-Order")!, value: "second"))
            headers[.contentType] = "text/plain; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "headers")))
        }
        // An HTML page titled "Page N", padded to `size` bytes (default 2,000).
        router.get("/page/:n") { request, context in
            let n = try context.parameters.require("n")
            let size = request.uri.queryParameters.get("size", as: Int.self) ?? 2000
            let head = "<!doctype html><html><head><title>Page \(n)</title></head><body>"
            let body = head + String(repeating: "x", count: max(0, size - head.utf8.count - 14)) + "</body></html>"
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: body))
            )
        }
        // A Latin-1 page whose charset is only in the HTTP header.
        router.get("/latin1") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=iso-8859-1"],
                body: .init(byteBuffer: ByteBuffer(bytes: Array("<title>caf".utf8) + [0xE9, 0x20, 0x96, 0x20, 0x80] + Array("</title>".utf8)))
            )
        }
        registerRedirects(on: router)
        registerEncodings(on: router)
        registerBodies(on: router)
    }

    /// Routes for retries, throttling, breakers and robots.txt.
    private static func registerPoliteness(on router: Router<TestRequestContext>, attempts: AttemptCounter) {
        // Fails `fail` times (status `status`, default 503) per `key`, then serves a titled page.
        router.get("/flaky") { request, _ in
            let key = request.uri.queryParameters.get("key") ?? "default"
            let failures = request.uri.queryParameters.get("fail", as: Int.self) ?? 1
            let status = request.uri.queryParameters.get("status", as: Int.self) ?? 503
            let attempt = attempts.next(key)
            if attempt <= failures { return text("failure \(attempt)", status: .init(code: status)) }
            return html(title: "Recovered \(key)")
        }
        // 429 with `Retry-After: s` the first time per key, then a titled page.
        router.get("/retry-after/:s") { request, context in
            let seconds = try context.parameters.require("s")
            let key = request.uri.queryParameters.get("key") ?? "default"
            if attempts.next("retry-after-" + key) == 1 {
                return Response(status: .tooManyRequests, headers: [.retryAfter: seconds, .contentType: "text/plain"])
            }
            return html(title: "After \(seconds)")
        }
        router.get("/always/:status") { _, context in
            let status = try context.parameters.require("status", as: Int.self)
            return text("always \(status)", status: .init(code: status))
        }
        // The host name picks the robots.txt outcome: robots5xx.* → 503, robots404.* → 404,
        // anything else a file that disallows /private/ (but /private/ok) and asks a user agent
        // named slowbot for 300 ms between requests (Crawl-delay).
        router.get("/robots.txt") { request, _ in
            let host = request.head.authority ?? ""
            if host.hasPrefix("robots5xx.") { return text("unavailable", status: .serviceUnavailable) }
            if host.hasPrefix("robots404.") { return text("no robots here", status: .notFound) }
            return text("User-agent: *\nDisallow: /private/\nAllow: /private/ok\nCrawl-delay: 0.01\n\nUser-agent: otherbot\nDisallow: /\n\nUser-agent: slowbot\nDisallow: /private/\nCrawl-delay: 0.3\n")
        }
        router.get("/private/:name") { _, context in html(title: "Private \(try context.parameters.require("name"))") }
    }

    private static func html(title: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "<!doctype html><title>\(title)</title><p>ok</p>"))
        )
    }

    private static func registerRedirects(on router: Router<TestRequestContext>) {
        router.get("/redirect/:n") { _, context in
            let n = try context.parameters.require("n", as: Int.self)
            return redirect(to: n <= 1 ? "/get" : "/redirect/\(n - 1)")
        }
        router.get("/redirect-loop") { _, _ in redirect(to: "/redirect-loop") }
        router.get("/redirect-to") { request, _ in
            redirect(to: request.uri.queryParameters.get("url") ?? "/get")
        }
    }

    private static func registerEncodings(on router: Router<TestRequestContext>) {
        let encoded: [(String, String, [UInt8])] = [
            ("/gzip", "gzip", CompressedFixtures.gzip),
            ("/deflate", "deflate", CompressedFixtures.deflate),
            ("/brotli", "br", CompressedFixtures.brotli),
            ("/gzip-bomb", "gzip", CompressedFixtures.gzipBomb),
        ]
        for (path, encoding, body) in encoded {
            router.get(RouterPath(path)) { _, _ in
                Response(
                    status: .ok,
                    headers: [.contentType: "text/html; charset=utf-8", .contentEncoding: encoding],
                    body: .init(byteBuffer: ByteBuffer(bytes: body))
                )
            }
        }
    }

    private static func registerBodies(on router: Router<TestRequestContext>) {
        // n bytes with Content-Length: byte i is UInt8(truncatingIfNeeded: i). HEAD too.
        for method in [HTTPRequest.Method.get, .head] {
            router.on("/bytes/:n", method: method) { _, context in
                let n = try context.parameters.require("n", as: Int.self)
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/octet-stream"],
                    body: .init(byteBuffer: patternBuffer(count: n))
                )
            }
        }
        // The same bytes, chunked with no Content-Length, so only the running count can stop them.
        router.get("/stream-bytes/:n") { _, context in
            let n = try context.parameters.require("n", as: Int.self)
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: ResponseBody { writer in
                var offset = 0
                while offset < n {
                    let end = min(n, offset + 64 * 1024)
                    try await writer.write(patternBuffer(count: end - offset))  // offset is a multiple of 256
                    offset = end
                }
                try await writer.finish(nil)
            })
        }
        // One byte every interval_ms (default 100), `bytes` in all (default 10).
        router.get("/drip") { request, _ in
            let count = request.uri.queryParameters.get("bytes", as: Int.self) ?? 10
            let interval = request.uri.queryParameters.get("interval_ms", as: Int.self) ?? 100
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody { writer in
                let deadline = ContinuousClock.now + maxDelay
                for _ in 0..<count where ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(interval))
                    try await writer.write(ByteBuffer(string: "*"))
                }
                try await writer.finish(nil)
            })
        }
        // Announces 100,000 bytes, sends 1,000, then drops the connection.
        router.get("/close-mid-body") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody(contentLength: 100_000) { writer in
                try await writer.write(ByteBuffer(bytes: patternBytes(0..<1000)))
                throw TestServerError.didNotStart  // any error: Hummingbird closes the connection
            })
        }
    }

    // MARK: Helpers

    static func patternBytes(_ range: Range<Int>) -> [UInt8] {
        range.map { UInt8(truncatingIfNeeded: $0) }
    }

    /// `patternBytes(0..<count)`, copied from one 64 KiB block: building megabytes byte by
    /// byte took seconds in a debug build under ThreadSanitizer, past the client's timeouts.
    static func patternBuffer(count: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(count)
        while buffer.readableBytes < count {
            var slice = patternBlock.getSlice(at: 0, length: min(patternBlock.readableBytes, count - buffer.readableBytes))!
            buffer.writeBuffer(&slice)
        }
        return buffer
    }

    private static let patternBlock = ByteBuffer(bytes: patternBytes(0..<65536))

    private static func text(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }

    private static func redirect(to location: String) -> Response {
        Response(status: .found, headers: [.location: location])
    }

    /// Answers with the method, a blank line, then the request body.
    private static func echo(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1024 * 1024)
        var buffer = ByteBuffer(string: "\(request.method.rawValue)\n\n")
        buffer.writeImmutableBuffer(body)
        return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: buffer))
    }
}

/// Counts requests per key, for routes that fail a set number of times.
final class AttemptCounter: Sendable {
    private let counts = Locked<[String: Int]>([:])

    /// The 1-based number of this request for `key`.
    func next(_ key: String) -> Int {
        counts.withLock { counts in
            counts[key, default: 0] += 1
            return counts[key]!
        }
    }
}
