import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// Runs `body` with a test server and a client, then shuts both down.
func withServerAndClient<Result: Sendable>(
    _ configure: (inout HTTPClient.Configuration) -> Void = { _ in },
    _ body: @Sendable (TestServer, HTTPClient) async throws -> Result
) async throws -> Result {
    var configuration = HTTPClient.Configuration.fastFailingForTesting()
    configure(&configuration)
    let client = try HTTPClient(configuration: configuration)
    do {
        let result = try await TestServer.withRunning { server in try await body(server, client) }
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        throw error
    }
}

/// Runs `body` with a client only (for failures that need no server).
func withClient<Result: Sendable>(
    _ configure: (inout HTTPClient.Configuration) -> Void = { _ in },
    _ body: @Sendable (HTTPClient) async throws -> Result
) async throws -> Result {
    var configuration = HTTPClient.Configuration.fastFailingForTesting()
    configure(&configuration)
    let client = try HTTPClient(configuration: configuration)
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        throw error
    }
}

/// The `HTTPClientError` a request fails with; records a test failure when it succeeds or
/// throws something else.
func expectFailure(
    _ client: HTTPClient,
    _ request: FetchRequest,
    sourceLocation: SourceLocation = #_sourceLocation
) async -> HTTPClientError? {
    do {
        let response = try await client.execute(request)
        Issue.record("expected a failure, got status \(response.status)", sourceLocation: sourceLocation)
        return nil
    } catch let error as HTTPClientError {
        return error
    } catch {
        Issue.record("expected HTTPClientError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

extension String {
    /// The UTF-8 bytes of the string.
    var bytes: [UInt8] { Array(utf8) }
}

extension Array where Element == UInt8 {
    /// The bytes as UTF-8 text.
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// The test server's `/bytes/N` pattern.
func patternBytes(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0) }
}
