import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// TLS and HTTP/2 against nginx from Debian with a self-signed certificate.
@Suite(.timeLimit(.minutes(1)))
struct HTTPClientTLSTests {
    static let page = "<!doctype html><title>tls</title>over TLS"

    private func withNginx(_ body: @Sendable (NginxServer) async throws -> Void) async throws {
        let nginx = try await NginxServer.start(files: ["index.html": Self.page])
        do {
            try await body(nginx)
        } catch {
            await nginx.stopped()
            throw error
        }
        await nginx.stopped()
    }

    @Test func verifiesCertificatesByDefault() async throws {
        try await withNginx { nginx in
            try await withClient { client in
                let error = await expectFailure(client, FetchRequest(url: nginx.baseURL + "/index.html"))
                #expect(error?.kind == .tls)
                #expect(error?.curlError?.number == 60)  // CURLE_PEER_FAILED_VERIFICATION
            }
        }
    }

    @Test func trustsAConfiguredCAFileAndSpeaksHTTP2() async throws {
        try await withNginx { nginx in
            try await withClient({ $0.tls.caFile = nginx.certificatePath }) { client in
                let response = try await client.execute(FetchRequest(url: nginx.baseURL + "/index.html"))
                #expect(response.status == 200)
                #expect(response.version == .http2)
                #expect(response.body.text == Self.page)
                #expect(response.timings.tls >= response.timings.connect)
            }
        }
    }

    @Test func concurrentRequestsMultiplexOnOneConnection() async throws {
        try await withNginx { nginx in
            try await withClient({ $0.tls.caFile = nginx.certificatePath }) { client in
                let opened = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<50 {
                        group.addTask { try await client.execute(FetchRequest(url: nginx.baseURL + "/index.html")).newConnections }
                    }
                    return try await group.reduce(0, +)
                }
                #expect(opened == 1)
            }
        }
    }

    @Test func http1OnlyPolicyStaysOnHTTP1() async throws {
        try await withNginx { nginx in
            try await withClient({
                $0.tls.caFile = nginx.certificatePath
                $0.httpVersion = .http1Only
            }) { client in
                let response = try await client.execute(FetchRequest(url: nginx.baseURL + "/index.html"))
                #expect(response.version == .http1_1)
            }
        }
    }

    @Test func insecureModeSkipsVerificationOnlyWhenAsked() async throws {
        try await withNginx { nginx in
            try await withClient({ $0.tls.verifyPeer = false }) { client in
                let response = try await client.execute(FetchRequest(url: nginx.baseURL + "/index.html"))
                #expect(response.status == 200)
            }
        }
    }

    @Test func resolveOverrideMapsANameToLoopback() async throws {
        try await withNginx { nginx in
            try await withClient({
                $0.tls.caFile = nginx.certificatePath
                $0.resolve = ["localhost:\(nginx.port):127.0.0.1", "scrape.test:\(nginx.port):127.0.0.1"]
            }) { client in
                // The certificate names localhost, so the name (not only the address) is checked.
                let ok = try await client.execute(FetchRequest(url: "https://localhost:\(nginx.port)/index.html"))
                #expect(ok.status == 200)
                let wrongName = await expectFailure(client, FetchRequest(url: "https://scrape.test:\(nginx.port)/index.html"))
                #expect(wrongName?.kind == .tls)
            }
        }
    }
}
