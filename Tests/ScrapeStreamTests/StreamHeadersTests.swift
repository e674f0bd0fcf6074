import ScrapeBase
import ScrapeCore
import ScrapeStream
import Testing

/// `http.headers` on a `ws:` handshake: under the job's own `headers:` (and the flags, which
/// `scrape ws` adds to them), and never one of the handshake's own.
struct StreamHeadersTests {
    @Test func httpHeadersGoOnTheHandshakeUnderTheJobsOwn() throws {
        let file = try ScrapeConfiguration(yaml: """
            http:
              headers: {X-Client: from-http, Accept-Language: en}
            jobs:
              - name: feed
                ws: {url: "wss://stream.example/feed", headers: {x-client: from-job}}
            """)
        guard case .stream(let stream) = file.jobs[0].source else { Issue.record("not a ws job"); return }
        let settings = try StreamSettings(job: stream, keyPath: "jobs[0].ws", http: file.http, limit: .never)
        #expect(settings.headers.map { "\($0.name)=\($0.value)" } == ["x-client=from-job", "Accept-Language=en"])
    }

    @Test func aHandshakeHeaderInHTTPHeadersIsRefusedForStreams() throws {
        let file = try ScrapeConfiguration(yaml: """
            http:
              headers: {Connection: close}
            jobs:
              - name: feed
                ws: {url: "wss://stream.example/feed"}
            """)
        guard case .stream(let stream) = file.jobs[0].source else { Issue.record("not a ws job"); return }
        #expect {
            _ = try StreamSettings(job: stream, keyPath: "jobs[0].ws", http: file.http, limit: .never)
        } throws: { error in
            "\(error)".contains("http.headers.Connection") && "\(error)".contains("ws: stream's handshake")
        }
    }
}
