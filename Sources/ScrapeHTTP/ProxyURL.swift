/// A proxy's address as the user wrote it, checked, with a name that is safe to show.
///
/// curl takes the whole URL (`CURLOPT_PROXY`), credentials in the userinfo included, so
/// ``curlValue`` is that text unchanged. Everything that leaves the process (records, logs,
/// metrics, errors, `check-config`) uses ``displayName``: scheme, host and port only. Two
/// proxies that differ only by credentials are different proxies (``==`` compares the
/// whole URL), and share a display name; a pool tells them apart by position.
public struct ProxyURL: Sendable, Hashable, CustomStringConvertible {
    /// The proxy protocols curl speaks that scrape accepts.
    public enum Scheme: String, Sendable, Hashable, CaseIterable {
        /// An HTTP proxy: plain requests are forwarded, https ones tunnel with CONNECT.
        case http
        /// An HTTP proxy reached over TLS.
        case https
        /// SOCKS5; the target's name is resolved here.
        case socks5
        /// SOCKS5; the proxy resolves the target's name.
        case socks5h
    }

    /// The protocol spoken to the proxy.
    public let scheme: Scheme
    /// The host, lowercased; an IPv6 address keeps its brackets.
    public let host: String
    /// The port as written; nil when none was (curl then uses its default, 1080, or 443 for `https`).
    public let port: Int?
    /// Whether the URL carries a user name or password.
    public let hasCredentials: Bool
    /// The URL handed to curl, credentials and all. Never log or show it.
    public let curlValue: String
    /// The password (or user name when there is no password), kept only to scrub it from
    /// curl's messages; empty when none.
    let secrets: [String]

    /// `scheme://host:port`, without credentials: safe for records, logs and errors.
    public var displayName: String {
        if let port { return "\(scheme.rawValue)://\(host):\(port)" }
        return "\(scheme.rawValue)://\(host)"
    }

    public var description: String { displayName }

    /// Parses and checks a proxy URL.
    ///
    /// - Parameter defaultScheme: the scheme assumed when the text has none (curl assumes
    ///   `http` for environment variables); nil refuses such text.
    /// - Throws: ``ProxyURL/Problem``; its message never contains the credentials.
    public init(parsing text: String, defaultScheme: Scheme? = nil) throws(Problem) {
        guard !text.isEmpty else { throw Problem("empty proxy URL") }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            throw Problem("a proxy URL cannot contain spaces or control characters")
        }
        var rest = Substring(text)
        if let separator = rest.firstRange(of: "://") {
            let name = rest[..<separator.lowerBound].lowercased()
            guard let scheme = Scheme(rawValue: name) else {
                let shown = name.contains("@") ? "(hidden)" : "\"\(name)\""
                throw Problem("proxy scheme \(shown) is not supported; use http://, https://, socks5:// or socks5h://")
            }
            self.scheme = scheme
            rest = rest[separator.upperBound...]
        } else if let defaultScheme {
            self.scheme = defaultScheme
        } else {
            throw Problem("a proxy URL starts with http://, https://, socks5:// or socks5h://")
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("/"), !rest.contains("?"), !rest.contains("#") else {
            throw Problem("a proxy URL has no path, query or fragment: scheme://[user:password@]host:port")
        }
        var secrets: [String] = []
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            if let colon = userinfo.firstIndex(of: ":") {
                secrets = [String(userinfo[userinfo.index(after: colon)...]), String(userinfo)].filter { !$0.isEmpty }
            } else if !userinfo.isEmpty {
                secrets = [String(userinfo)]
            }
            hasCredentials = !userinfo.isEmpty
            rest = rest[rest.index(after: at)...]
        } else {
            hasCredentials = false
        }
        let (host, port) = try Self.splitHostPort(rest)
        self.host = host.lowercased()
        self.port = port
        self.secrets = secrets.sorted { $0.count > $1.count }
        self.curlValue = text
    }

    private static func splitHostPort(_ text: Substring) throws(Problem) -> (Substring, Int?) {
        var host = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw Problem("an IPv6 proxy address needs its closing ]") }
            host = text[...close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw Problem("expected :port after the IPv6 proxy address") }
                portText = after.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, host != "[]" else { throw Problem("the proxy URL has no host") }
        guard let portText else { return (host, nil) }
        guard let port = Int(portText), (1...65535).contains(port), portText.allSatisfy(\.isASCII) else {
            throw Problem("the proxy port must be a number from 1 to 65535")
        }
        return (host, port)
    }

    /// `text` with this proxy's credentials replaced by `***`: for curl's own messages,
    /// which name the proxy's host but are scrubbed all the same.
    public func scrubbing(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: "***")
        }
        return result
    }

    /// Why a proxy URL was refused; the message never quotes credentials.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public let message: String
        init(_ message: String) { self.message = message }
        public var description: String { message }
    }
}

extension ProxyURL {
    /// `user:password` from the URL's userinfo, percent-decoded, for a `Proxy-Authorization:
    /// Basic` header of our own (`scrape ws` through CONNECT); nil without credentials.
    public var basicCredentials: String? {
        guard hasCredentials, let separator = curlValue.firstRange(of: "://") else { return nil }
        let rest = curlValue[separator.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return nil }
        let userinfo = rest[..<at]
        let user = userinfo.prefix { $0 != ":" }
        let password = userinfo.dropFirst(user.count + 1)
        return Self.percentDecoded(user) + ":" + Self.percentDecoded(password)
    }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), high < utf8.endIndex,
                let low = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), low < utf8.endIndex,
                let value = UInt8(String(decoding: [utf8[high], utf8[low]], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index = utf8.index(after: low)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension ProxyURL: CustomDebugStringConvertible, CustomReflectable {
    /// `ProxyURL(http://host:port)`: debug output and `dump` never show the credentials either.
    public var debugDescription: String { "ProxyURL(\(displayName))" }
    public var customMirror: Mirror { Mirror(self, children: ["displayName": displayName], displayStyle: .struct) }
}
