import Crypto
import ScrapeCore
import ScrapeBase

extension Handshake {
    /// RFC 6455's fixed GUID, appended to the key before hashing (section 1.3).
    static let acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// The `Sec-WebSocket-Accept` a server must answer `key` with: base64 of the SHA-1 of
    /// the key and the GUID (RFC 6455 4.2.2).
    ///
    /// SHA-1 here proves only that the server read our key, not anything secret, hence
    /// swift-crypto's `Insecure` namespace. Crypto is built for postgres-nio anyway and
    /// ScrapeStream is linked only into `scrape-nio`, so the one-shot `scrape` stays free
    /// of it.
    package static func accept(forKey key: String) -> String {
        Base64.encode(Array(Insecure.SHA1.hash(data: Array((key + acceptGUID).utf8))))
    }
}
