@testable import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// Answers that are not usable HTTP responses get true error kinds, and are marked as
/// faults of that response (not retried, not evidence against the server).
@Suite(.timeLimit(.minutes(1)))
struct ResponseFaultTests {
    static let answers: [String: [UInt8]] = [
        "/malformed-status": Array("HTTP/1.1 OK FINE\r\nContent-Length: 2\r\n\r\nhi".utf8),
        "/ssh": Array("SSH-2.0-OpenSSH_9.2\r\n".utf8),
        "/cut-in-headers": Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-A: b".utf8),
        "/cut-after-a-header": Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n".utf8),
        "/giant-header": Array(("HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 200_000) + "\r\nContent-Length: 2\r\n\r\nhi").utf8),
        "/bad-gzip": Array("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\nnotgzip!!!".utf8),
    ]

    @Test(arguments: [
        ("/malformed-status", "transport", true, "not HTTP"),
        ("/ssh", "transport", true, "not HTTP"),
        ("/cut-in-headers", "transport", false, "before the response headers were complete"),
        ("/cut-after-a-header", "transport", false, "before the response headers were complete"),
        ("/giant-header", "too_large", true, "a response header line exceeds the limit"),
        ("/bad-gzip", "transport", true, "the body cannot be decoded"),
    ])
    func answerGetsItsTrueKind(path: String, kind: String, responseFault: Bool, message: String) async throws {
        let server = try ScriptedServer(Self.answers)
        defer { server.close() }
        let client = try HTTPClient(configuration: .init())
        do {
            let response = try await client.execute(FetchRequest(url: server.url(path)))
            Issue.record("a response, status \(response.status)")
        } catch let error as HTTPClientError {
            #expect(error.kind.rawValue == kind)
            #expect(error.isResponseFault == responseFault)
            #expect(error.message.contains(message), "\(error.message)")
        }
        await client.shutdown()
    }
}
