import Testing

@testable import ScrapeCore
import ScrapeBase

@Suite struct StreamURLTests {
    @Test func splitsWhatTheHandshakeNeeds() throws {
        let url = try StreamURL("wss://feed.example.com/v1/stream?symbols=BTC")
        #expect(url.isSecure)
        #expect(url.host == "feed.example.com")
        #expect(url.port == 443)
        #expect(url.target == "/v1/stream?symbols=BTC")
        #expect(url.hostHeader == "feed.example.com")
        let plain = try StreamURL("ws://127.0.0.1:8080")
        #expect(!plain.isSecure && plain.port == 8080 && plain.target == "/" && plain.hostHeader == "127.0.0.1:8080" && plain.hostIsAddress)
        let v6 = try StreamURL("ws://[::1]:9000/x")
        #expect(v6.host == "::1" && v6.port == 9000 && v6.hostHeader == "[::1]:9000" && v6.hostIsAddress)
        #expect(try StreamURL("WS://h?q=1").target == "/?q=1")
    }

    @Test(arguments: [
        ("http://example.com/", "expected a ws:// or wss:// URL"),
        ("ws://", "no host"),
        ("ws://h:0/", "the port must be a number from 1 to 65535"),
        ("ws://h:99999/", "the port must be a number from 1 to 65535"),
        ("ws://h/#frag", "a WebSocket URL may not have a #fragment"),
        ("ws://user:pw@h/", "credentials in the URL are not sent; give them as auth: in --config"),
        ("ws://h/a b", "it contains spaces or control characters"),
    ])
    func refusesWithAReason(text: String, reason: String) {
        #expect(throws: StreamURL.Invalid(url: text, reason: reason)) { try StreamURL(text) }
    }
}
