import Foundation
import ScrapeCore
import ScrapeTestSupport
import Testing

@testable import ScrapeStream
import ScrapeBase

/// `scrape ws`'s engine against hummingbird-websocket on 127.0.0.1: a real, well-behaved
/// server with permessage-deflate.
@Suite struct StreamRunnerTests {
    @Test func recordsEveryMessageAfterTheSubscription() async throws {
        try await WebSocketTestServer.withRunning { server in
            var settings = try StreamHarness.settings(server.url("/feed?count=5"))
            settings.messagesToSend = ["trades"]
            let outcome = try await StreamHarness.run(settings)
            #expect(outcome.exit == .success)  // the server closed with 1000
            #expect(server.log.subscriptions == ["trades"])
            #expect(outcome.records.count == 5)
            for (index, record) in outcome.records.enumerated() {
                #expect(record["url"] as? String == server.url("/feed?count=5"))
                #expect(record["connection"] as? Int == 1)
                #expect(record["seq"] as? Int == index + 1)
                #expect(record["type"] as? String == "json")
                #expect((record["data"] as? [String: Any])?["n"] as? Int == index)
                #expect((record["received_at"] as? String)?.hasSuffix("Z") == true)
            }
            // Integers above 2^53 keep their digits: the line carries the bytes as sent.
            #expect(outcome.lines[0].contains(#""big":12345678901234567890"#))
            #expect(outcome.events.first == "connected (connection 1, permessage-deflate)")
        }
    }

    @Test func typesJSONTextAndBinary() async throws {
        try await WebSocketTestServer.withRunning { server in
            let outcome = try await StreamHarness.run(try StreamHarness.settings(server.url("/types")))
            #expect(outcome.exit == .success)
            #expect(outcome.records.map { $0["type"] as? String } == ["json", "json", "text", "binary"])
            #expect(outcome.lines[0].hasSuffix(#""type":"json","data":{"a":[1,2],"s":"x y"}}"#))
            #expect(outcome.records[1]["data"] as? Int == 42)
            #expect(outcome.records[2]["data"] as? String == "say \"hi\"\nbye")
            #expect(outcome.records[3]["data"] as? String == Data([0, 1, 2, 254, 255]).base64EncodedString())
        }
    }

    @Test(arguments: [false, true])
    func inflatesCompressedMessages(noContextTakeover: Bool) async throws {
        try await WebSocketTestServer.withRunning(noContextTakeover: noContextTakeover) { server in
            var settings = try StreamHarness.settings(server.url("/feed?count=20"))
            settings.messagesToSend = ["compressed"]
            let big = try await StreamHarness.run(try StreamHarness.settings(server.url("/big?size=3000000")))
            #expect(big.exit == .success)
            #expect((big.records.first?["data"] as? String)?.utf8.count == 3_000_000)
            let feed = try await StreamHarness.run(settings)
            #expect(feed.records.count == 20)
            #expect(feed.records.allSatisfy { ($0["data"] as? [String: Any])?["sub"] as? String == "compressed" })
        }
    }

    @Test func aMessageInflatingPastTheLimitCloses1009() async throws {
        try await WebSocketTestServer.withRunning { server in
            var settings = try StreamHarness.settings(server.url("/big?size=2000000"), limit: .never)
            settings.maxMessageSize = 1_000_000
            let outcome = try await StreamHarness.run(settings)
            #expect(outcome.records.isEmpty)
            guard case .failure(let reason) = outcome.exit else { Issue.record("expected a failure, got \(outcome.exit)"); return }
            #expect(reason.contains("closed with 1009"))
            #expect(reason.contains("inflates past the 1000000-byte limit"))
        }
    }

    @Test func withoutCompressionTheOfferIsNotMade() async throws {
        try await WebSocketTestServer.withRunning { server in
            var settings = try StreamHarness.settings(server.url("/types"))
            settings.compression = false
            let outcome = try await StreamHarness.run(settings)
            #expect(outcome.events.first == "connected (connection 1)")
            #expect(outcome.records.count == 4)
        }
    }

    @Test func reconnectsAfterGoingAwayAndSubscribesAgain() async throws {
        try await WebSocketTestServer.withRunning { server in
            var settings = try StreamHarness.settings(server.url("/reconnect"))
            settings.messagesToSend = ["sub-1"]
            let outcome = try await StreamHarness.run(settings)
            #expect(outcome.exit == .success)
            #expect(server.log.connections("/reconnect") == 2)
            #expect(server.log.subscriptions == ["sub-1", "sub-1"])
            #expect(outcome.records.map { $0["connection"] as? Int } == [1, 1, 2])
            #expect(outcome.records.map { $0["seq"] as? Int } == [1, 2, 3])
            #expect(outcome.events.contains { $0.hasPrefix("closed by the server with 1001 (restarting); reconnecting in ") })
        }
    }

    @Test func maxMessagesStopsTheRun() async throws {
        try await WebSocketTestServer.withRunning { server in
            var settings = try StreamHarness.settings(server.url("/feed?count=50"))
            settings.messagesToSend = ["x"]
            let outcome = try await StreamHarness.run(settings, maxMessages: 7)
            #expect(outcome.exit == .success)
            #expect(outcome.records.count == 7)
        }
    }

    @Test func aRefusedPortUsesUpTheBudget() async throws {
        // Port 1 (tcpmux) has no listener here; a port freed by another test could be reused
        // by a parallel test's server.
        let outcome = try await StreamHarness.run(try StreamHarness.settings("ws://127.0.0.1:1/", limit: .attempts(2)))
        #expect(outcome.events.count == 3)
        #expect(outcome.events.allSatisfy { $0.hasPrefix("cannot connect: ") })
        guard case .failure(let reason) = outcome.exit else { Issue.record("expected a failure"); return }
        #expect(reason == "gave up after 2 reconnect attempts; last: cannot connect: 127.0.0.1:1: connection refused")
    }
}

/// `wss://` through nginx from Debian (TLS, proxying the upgrade to the in-process server):
/// a real TLS server, its self-signed certificate trusted only through `--cacert`.
@Suite struct SecureStreamTests {
    @Test func wssWithTheCertificateTrustedByCacert() async throws {
        try await WebSocketTestServer.withRunning { server in
            let nginx = try await NginxServer.start(files: [:], serverDirectives: """
                location /ws/ {
                    proxy_pass http://127.0.0.1:\(server.port)/;
                    proxy_http_version 1.1;
                    proxy_set_header Upgrade $http_upgrade;
                    proxy_set_header Connection "upgrade";
                }
                """)
            defer { nginx.stop() }
            let url = "wss://127.0.0.1:\(nginx.port)/ws/types"
            var trusted = try StreamHarness.settings(url, limit: .never)
            trusted.caCertificatePath = nginx.certificatePath
            let outcome = try await StreamHarness.run(trusted)
            #expect(outcome.exit == .success, "\(outcome.events)")
            #expect(outcome.records.count == 4)
            #expect(outcome.records.first?["url"] as? String == url)

            // The system's store does not know the certificate: the connection fails.
            let untrusted = try await StreamHarness.run(try StreamHarness.settings(url, limit: .never))
            #expect(untrusted.records.isEmpty)
            guard case .failure(let reason) = untrusted.exit else { Issue.record("expected a failure"); return }
            #expect(reason.hasPrefix("cannot connect: "))
            #expect(reason.contains("CERTIFICATE_VERIFY_FAILED") || reason.contains("certificate"), "\(reason)")
        }
    }

    @Test func anUnreadableCacertIsRefusedBeforeConnecting() throws {
        var settings = try StreamHarness.settings("wss://127.0.0.1:1/", limit: .never)
        settings.caCertificatePath = "/nonexistent/ca.pem"
        let recorder = StreamRecorder(url: settings.url.text, writer: try RecordWriter(path: "/dev/null", mode: .append), maxMessages: nil)
        #expect(throws: StreamError.self) { try StreamRunner(settings: settings, recorder: recorder) { _ in } }
    }
}
