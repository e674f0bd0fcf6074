import ScrapeCore
import Testing

@testable import ScrapeStream
import ScrapeBase

/// The accept key, now from swift-crypto's SHA-1, against RFC 6455's own example and
/// through ``Handshake/interpret(_:)``; no socket.
@Suite struct HandshakeTests {
    @Test func theAcceptKeyIsRFC6455sExample() {
        // RFC 6455 section 1.3.
        #expect(Handshake.accept(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func anAnswerWithTheRightAcceptKeyOpensAndAWrongOneDoesNot() throws {
        let handshake = Handshake(url: try StreamURL("ws://h/feed"), headers: [], subprotocol: nil, offerCompression: false, userAgent: "t")
        func answer(_ accept: String) -> ResponseHead? {
            ResponseHead.parse(Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)".utf8))
        }
        let right = try #require(answer(Handshake.accept(forKey: handshake.key)))
        #expect(handshake.interpret(right) == .success(Negotiated()))
        let wrong = try #require(answer(Handshake.accept(forKey: "dGhlIHNhbXBsZSBub25jZQ==")))
        #expect(handshake.interpret(wrong) == .failure(.invalid("Sec-WebSocket-Accept does not match the key we sent")))
    }
}
