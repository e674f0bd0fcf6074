import Foundation
import ScrapeBase
import ScrapeCore
import ScrapeTestSupport
import Testing

@testable import ScrapeStream

/// RFC 6455 client rules against the raw frame server: what a well-behaved server never
/// sends. Each violation must close with the right code and count as a failed connection.
@Suite struct StreamProtocolTests {
    /// Runs a stream against a raw server running `script`; returns the outcome and the
    /// close code the client sent on the first connection (as the server read it).
    private func run(
        limit: ReconnectPolicy.Limit = .never, configure: (inout StreamSettings) -> Void = { _ in },
        stopAfter: Duration? = nil, _ script: @escaping @Sendable (RawConnection, Int) throws -> Void
    ) async throws -> (outcome: StreamHarness.Outcome, server: RawWebSocketServer) {
        let server = try RawWebSocketServer(script)
        defer { server.close() }
        var settings = try StreamHarness.settings(server.url("/feed"), limit: limit)
        configure(&settings)
        return (try await StreamHarness.run(settings, stopAfter: stopAfter), server)
    }

    @Test func fragmentsWithAPingBetweenAndUTF8SplitAcrossThem() async throws {
        let pong = Locked<[UInt8]?>(nil)
        let reply = Locked<UInt16?>(nil)
        let (outcome, _) = try await run { connection, _ in
            try connection.handshake()
            let text = Array("Hello wörld".utf8)  // ö is two bytes: split them across frames
            connection.sendFrame(opcode: 0x1, Array(text[0..<3]), fin: false)
            connection.sendFrame(opcode: 0x9, Array("p1".utf8))
            connection.sendFrame(opcode: 0x0, Array(text[3..<8]), fin: false)
            connection.sendFrame(opcode: 0x0, Array(text[8...]), fin: true)
            let frame = connection.readFrame()
            pong.withLock { $0 = frame?.opcode == 0xA ? frame?.payload : nil }
            connection.sendClose(1000)
            reply.withLock { $0 = connection.readCloseCode() }
        }
        #expect(outcome.exit == .success)
        #expect(outcome.records.count == 1)
        #expect(outcome.records.first?["type"] as? String == "text")
        #expect(outcome.records.first?["data"] as? String == "Hello wörld")
        #expect(pong.withLock { $0 } == Array("p1".utf8))  // the pong carries the ping's payload
        #expect(reply.withLock { $0 } == 1000)  // the close is echoed
    }

    /// A frame the client must refuse, the close code it must send, and a word of the reason.
    static let violations: [(name: String, frames: [[UInt8]], code: UInt16, reason: String)] = [
        ("invalid UTF-8 split across fragments", [RawConnection.frame(opcode: 0x1, [0x61, 0xE2, 0x82], fin: false), RawConnection.frame(opcode: 0x0, [0x28])], 1007, "not valid UTF-8"),
        ("reserved bit 2", [RawConnection.frame(opcode: 0x1, Array("x".utf8), rsv: 0b010)], 1002, "reserved bit"),
        ("reserved bit 1 without deflate", [RawConnection.frame(opcode: 0x1, Array("x".utf8), rsv: 0b100)], 1002, "without permessage-deflate"),
        ("a masked frame", [RawConnection.frame(opcode: 0x1, Array("x".utf8), masked: true)], 1002, "masked"),
        ("unknown opcode 3", [RawConnection.frame(opcode: 0x3, [])], 1002, "unknown opcode"),
        ("a fragmented ping", [RawConnection.frame(opcode: 0x9, [], fin: false)], 1002, "fragmented control frame"),
        ("a 126-byte ping", [RawConnection.frame(opcode: 0x9, [UInt8](repeating: 0, count: 126))], 1002, "control frame over 125"),
        ("a continuation with nothing to continue", [RawConnection.frame(opcode: 0x0, Array("x".utf8))], 1002, "no message to continue"),
        ("a new message inside another", [RawConnection.frame(opcode: 0x1, Array("a".utf8), fin: false), RawConnection.frame(opcode: 0x1, Array("b".utf8))], 1002, "began before"),
        ("close code 1005 on the wire", [RawConnection.frame(opcode: 0x8, [0x03, 0xED])], 1002, "not allowed on the wire"),
        ("a close frame with a one-byte body", [RawConnection.frame(opcode: 0x8, [0x03])], 1002, "one-byte body"),
        // 0x81 0x7F and a 64-bit length of 1 GiB: refused on the header, nothing buffered.
        ("a 1 GiB length header", [[0x81, 0x7F, 0, 0, 0, 0, 0x40, 0, 0, 0]], 1009, "over the 16777216-byte limit"),
    ]

    @Test(arguments: violations.indices)
    func aViolationClosesWithItsCode(index: Int) async throws {
        let violation = Self.violations[index]
        let sent = Locked<UInt16?>(nil)
        let (outcome, _) = try await run { connection, _ in
            try connection.handshake()
            for frame in violation.frames { connection.send(frame) }
            sent.withLock { $0 = connection.readCloseCode() }
        }
        #expect(sent.withLock { $0 } == violation.code, "\(violation.name)")
        guard case .failure(let reason) = outcome.exit else { Issue.record("\(violation.name): expected a failure"); return }
        #expect(reason.contains("closed with \(violation.code)"), "\(violation.name): \(reason)")
        #expect(reason.contains(violation.reason), "\(violation.name): \(reason)")
    }

    @Test func aViolationIsAFailedConnectionThatReconnects() async throws {
        let (outcome, server) = try await run(limit: .attempts(5)) { connection, number in
            try connection.handshake()
            if number == 1 {
                connection.sendFrame(opcode: 0x1, Array("x".utf8), rsv: 0b001)
                _ = connection.readCloseCode()
            } else {
                connection.sendText("after")
                connection.sendClose(1000)
                _ = connection.readCloseCode()
            }
        }
        #expect(outcome.exit == .success)
        #expect(server.connections == 2)
        #expect(outcome.records.map { $0["data"] as? String } == ["after"])
    }

    @Test func aDropWithoutCloseReconnectsAndSubscribesAgain() async throws {
        let subscriptions = Locked<[String]>([])
        let (outcome, server) = try await run(limit: .attempts(5), configure: { $0.messagesToSend = [#"{"op":"subscribe"}"#, "second"] }) { connection, number in
            try connection.handshake()
            let sent = connection.readTexts(2)
            subscriptions.withLock { $0 += sent }
            if number == 1 {
                connection.sendText(#"{"n":1}"#)
                connection.sendText(#"{"n":2}"#)
                connection.close()  // TCP ends with no close frame: 1006
            } else {
                connection.sendText(#"{"n":3}"#)
                connection.sendClose(1000)
                _ = connection.readCloseCode()
            }
        }
        #expect(outcome.exit == .success)
        #expect(server.connections == 2)
        #expect(subscriptions.withLock { $0 } == [#"{"op":"subscribe"}"#, "second", #"{"op":"subscribe"}"#, "second"])
        #expect(outcome.records.map { $0["seq"] as? Int } == [1, 2, 3])
        #expect(outcome.records.map { $0["connection"] as? Int } == [1, 1, 2])
        #expect(outcome.events.contains { $0.hasPrefix("connection lost without a close frame (1006)") })
    }

    @Test func aSilentServerIsPingedThenDroppedAtTheIdleTimeout() async throws {
        let pings = Locked(0)
        let (outcome, server) = try await run(limit: .attempts(1), configure: {
            $0.pingInterval = .milliseconds(100)
            $0.idleTimeout = .milliseconds(400)
        }) { connection, _ in
            try connection.handshake()
            // Reads but never answers: a half-open connection as the client sees it.
            while let frame = connection.readFrame() {
                if frame.opcode == 0x9 { pings.withLock { $0 += 1 } }
            }
        }
        #expect(server.connections == 2)
        #expect(pings.withLock { $0 } >= 2)
        guard case .failure(let reason) = outcome.exit else { Issue.record("expected a failure"); return }
        #expect(reason.contains("nothing received for 0.4 s: connection presumed dead"))
    }

    @Test func aPongKeepsTheConnectionAlive() async throws {
        let (outcome, _) = try await run(configure: {
            $0.pingInterval = .milliseconds(100)
            $0.idleTimeout = .milliseconds(1000)
        }) { connection, _ in
            try connection.handshake()
            // Silent but for pongs for longer than the idle timeout.
            let started = ContinuousClock.now
            while ContinuousClock.now - started < .milliseconds(1500), let frame = connection.readFrame() {
                if frame.opcode == 0x9 { connection.sendFrame(opcode: 0xA, frame.payload) }
            }
            connection.sendText("still here")
            connection.sendClose(1000)
            _ = connection.readCloseCode()
        }
        #expect(outcome.exit == .success, "\(outcome.events)")
        #expect(outcome.records.map { $0["data"] as? String } == ["still here"], "\(outcome.lines)")
    }

    @Test(arguments: ["401 Unauthorized", "403 Forbidden", "404 Not Found"])
    func aPermanentRefusalIsNotRetried(status: String) async throws {
        let (outcome, server) = try await run(limit: .attempts(5)) { connection, _ in try connection.refuse(status) }
        #expect(server.connections == 1)
        guard case .failure(let reason) = outcome.exit else { Issue.record("expected a failure"); return }
        #expect(reason == "the server refused the WebSocket handshake with HTTP \(status)")
    }

    @Test(arguments: ["429 Too Many Requests", "503 Service Unavailable"])
    func retryAfterIsHonoured(status: String) async throws {
        let times = Locked<[ContinuousClock.Instant]>([])
        let (outcome, server) = try await run(limit: .attempts(5)) { connection, number in
            times.withLock { $0.append(.now) }
            if number == 1 { return try connection.refuse(status, headers: ["Retry-After: 1"]) }
            try connection.handshake()
            connection.sendText("in")
            connection.sendClose(1000)
            _ = connection.readCloseCode()
        }
        #expect(outcome.exit == .success)
        #expect(server.connections == 2)
        let seen = times.withLock { $0 }
        // The backoff here is 10 ms; the second attempt waited for the server's second.
        #expect(seen.count == 2 && seen[1] - seen[0] >= .milliseconds(950))
        #expect(outcome.events.first == "the server refused the WebSocket handshake with HTTP \(status); reconnecting in 1 s")
    }

    @Test func theHandshakeCarriesHeadersSubprotocolAndUserAgent() async throws {
        let request = Locked<[String: String]>([:])
        let (outcome, _) = try await run(configure: {
            $0.headers = [("X-Client", "scrape")]
            $0.subprotocol = "v1.feed"
        }) { connection, _ in
            try connection.handshake(headers: ["Sec-WebSocket-Protocol: v1.feed"])
            request.withLock { $0 = connection.request }
            connection.sendClose(1000)
            _ = connection.readCloseCode()
        }
        #expect(outcome.exit == .success)
        let fields = request.withLock { $0 }
        #expect(fields["request-line"] == "GET /feed HTTP/1.1")
        #expect(fields["x-client"] == "scrape")
        #expect(fields["sec-websocket-protocol"] == "v1.feed")
        #expect(fields["sec-websocket-version"] == "13")
        #expect(fields["user-agent"] == "scrape-test")
        #expect(fields["sec-websocket-extensions"] == "permessage-deflate; client_max_window_bits")
        #expect(outcome.events.first == "connected (connection 1, subprotocol v1.feed)")
    }

    @Test(arguments: [
        (["Sec-WebSocket-Protocol: other"], nil as String?, "the server chose subprotocol \"other\", which we did not offer"),
        ([], "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "Sec-WebSocket-Accept does not match the key we sent"),
        (["Sec-WebSocket-Extensions: x-custom"], nil, "the server turned on extension \"x-custom\", which we did not offer"),
        (["Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=20"], nil, "permessage-deflate server_max_window_bits must be 8 to 15"),
    ])
    func anInvalidAnswerFailsTheConnection(headers: [String], accept: String?, reason: String) async throws {
        let (outcome, _) = try await run { connection, _ in
            try connection.handshake(headers: headers, accept: accept)
            connection.waitForEOF()
        }
        #expect(outcome.exit == .failure("invalid handshake answer: \(reason)"))
    }

    @Test func stoppingSendsGoingAwayAndWaitsForTheServersClose() async throws {
        let code = Locked<UInt16?>(nil)
        let (outcome, _) = try await run(stopAfter: .milliseconds(300)) { connection, _ in
            try connection.handshake()
            connection.sendText("one")
            code.withLock { $0 = connection.readCloseCode() }
            connection.sendClose(1001)
        }
        #expect(outcome.exit == .success)
        #expect(code.withLock { $0 } == 1001)
        #expect(outcome.records.count == 1)
    }

    @Test func aCloseCodeThatMeansDoNotComeBackEndsTheRun() async throws {
        let (outcome, server) = try await run(limit: .attempts(5)) { connection, _ in
            try connection.handshake()
            connection.sendClose(1008, reason: "policy")
            _ = connection.readCloseCode()
        }
        #expect(server.connections == 1)
        #expect(outcome.exit == .failure("closed by the server with 1008 (policy)"))
    }

    @Test func noReconnectExitsAfterTheFirstClose() async throws {
        let (outcome, server) = try await run(limit: .never) { connection, _ in
            try connection.handshake()
            connection.sendClose(1001, reason: "restart")
            _ = connection.readCloseCode()
        }
        #expect(server.connections == 1)
        #expect(outcome.exit == .failure("closed by the server with 1001 (restart)"))
    }
}
