/// A `ws://` or `wss://` URL, split into what the connection and the handshake need.
public struct StreamURL: Sendable, Equatable, CustomStringConvertible {
    /// The URL as given: what records carry in `url`.
    public let text: String
    /// `wss://`: TLS, with the system's trust store or `--cacert`.
    public let isSecure: Bool
    /// The host name or address, without IPv6 brackets.
    public let host: String
    public let port: Int
    /// Path and query, for the request line (`/` when the URL has none).
    public let target: String

    /// The `Host` header's value: the port only when it is not the scheme's default.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isSecure ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// Whether the host is an IP literal (TLS then sends no server name).
    public var hostIsAddress: Bool {
        host.contains(":") || host.split(separator: ".").count == 4 && host.allSatisfy { $0 == "." || $0.isASCII && $0.isNumber }
    }

    public var description: String { text }

    /// Why a text is not a usable WebSocket URL.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let url: String
        public let reason: String
        public var description: String { "invalid WebSocket URL \(url): \(reason)" }

        public init(url: String, reason: String) {
            self.url = url
            self.reason = reason
        }
    }

    /// Parses `text`.
    ///
    /// - Throws: ``Invalid`` naming what is wrong: another scheme,
    ///   no host, a bad port, a fragment (RFC 6455 forbids one), credentials, spaces or control bytes.
    public init(_ text: String) throws(Invalid) {
        self.text = text
        func fail(_ reason: String) -> Invalid { Invalid(url: text, reason: reason) }
        let lowered = text.lowercased()
        let rest: Substring
        if lowered.hasPrefix("ws://") {
            isSecure = false
            rest = text.dropFirst(5)
        } else if lowered.hasPrefix("wss://") {
            isSecure = true
            rest = text.dropFirst(6)
        } else {
            throw fail("expected a ws:// or wss:// URL")
        }
        guard !text.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { throw fail("it contains spaces or control characters") }
        guard !text.contains("#") else { throw fail("a WebSocket URL may not have a #fragment") }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else { throw fail("credentials in the URL are not sent; give them as auth: in --config") }
        let path = rest[authorityEnd...]
        target = path.isEmpty ? "/" : path.hasPrefix("?") ? "/" + path : String(path)
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail("an IPv6 address without its closing ]") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            host = String(authority)
        }
        guard !host.isEmpty else { throw fail("no host") }
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { throw fail("the port must be a number from 1 to 65535") }
            port = value
        } else {
            port = isSecure ? 443 : 80
        }
    }
}
