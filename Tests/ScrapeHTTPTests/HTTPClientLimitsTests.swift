import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// Body limits, decompression bounds and slow servers.
@Suite(.timeLimit(.minutes(1)))
struct HTTPClientLimitsTests {
    static let oneMiB = 1024 * 1024

    @Test func announcedBodyOverTheLimitIsTooLarge() async throws {
        try await withServerAndClient({ $0.limits.maxBodyBytes = Self.oneMiB }) { server, client in
            let error = await expectFailure(client, FetchRequest(url: server.url("/bytes/\(5 * Self.oneMiB)")))
            #expect(error?.kind == .tooLarge)
        }
    }

    @Test func streamedBodyOverTheLimitIsTooLarge() async throws {
        try await withServerAndClient({ $0.limits.maxBodyBytes = Self.oneMiB }) { server, client in
            let error = await expectFailure(client, FetchRequest(url: server.url("/stream-bytes/\(5 * Self.oneMiB)")))
            #expect(error?.kind == .tooLarge)
            #expect(error?.message.contains("\(Self.oneMiB)") == true)
        }
    }

    @Test func bodyExactlyAtTheLimitIsAccepted() async throws {
        try await withServerAndClient({ $0.limits.maxBodyBytes = Self.oneMiB }) { server, client in
            let response = try await client.execute(FetchRequest(url: server.url("/stream-bytes/\(Self.oneMiB)")))
            #expect(response.body == patternBytes(Self.oneMiB))
        }
    }

    /// 5 KB of gzip that inflates to 5 MiB: the limit counts decoded bytes.
    @Test func compressedBodyCannotExpandPastTheLimit() async throws {
        try await withServerAndClient({ $0.limits.maxBodyBytes = Self.oneMiB }) { server, client in
            let error = await expectFailure(client, FetchRequest(url: server.url("/gzip-bomb")))
            #expect(error?.kind == .tooLarge)
        }
    }

    @Test func compressedBodyUnderTheLimitDecodes() async throws {
        try await withServerAndClient({ $0.limits.maxBodyBytes = 8 * Self.oneMiB }) { server, client in
            let response = try await client.execute(FetchRequest(url: server.url("/gzip-bomb")))
            #expect(response.body.count == 5 * Self.oneMiB)
            #expect(response.body.allSatisfy { $0 == 0 })
        }
    }

    @Test func slowDripCompletesWithinTheTimeout() async throws {
        try await withServerAndClient { server, client in
            let response = try await client.execute(FetchRequest(url: server.url("/drip?bytes=5&interval_ms=50")))
            #expect(response.body.text == "*****")
        }
    }

    @Test func slowDripPastTheTotalTimeoutFails() async throws {
        try await withServerAndClient { server, client in
            let request = FetchRequest(url: server.url("/drip?bytes=20&interval_ms=100"), timeout: .milliseconds(400))
            let error = await expectFailure(client, request)
            #expect(error?.kind == .timeout)
        }
    }

    @Test func lowSpeedLimitAbortsATrickle() async throws {
        try await withServerAndClient({
            $0.timeouts.lowSpeedBytesPerSecond = 100
            $0.timeouts.lowSpeedTime = .seconds(1)
        }) { server, client in
            let error = await expectFailure(client, FetchRequest(url: server.url("/drip?bytes=30&interval_ms=100")))
            #expect(error?.kind == .timeout)
            #expect(error?.message.lowercased().contains("too slow") == true)
        }
    }

    @Test func overlongURLIsInvalid() async throws {
        try await withClient({ $0.limits.maxURLLength = 100 }) { client in
            let error = await expectFailure(client, FetchRequest(url: "http://127.0.0.1/" + String(repeating: "a", count: 100)))
            #expect(error?.kind == .invalidURL)
        }
    }
}
