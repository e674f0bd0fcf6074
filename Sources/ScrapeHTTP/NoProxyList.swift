import ScrapeBase

/// Hosts that go direct even when a proxy is set: curl's `CURLOPT_NOPROXY` and `no_proxy`.
///
/// curl itself applies the list to every transfer (and every redirect hop); this type
/// answers the same question here, so a record can say whether a proxy carried its
/// request. The rules are libcurl 7.88's: entries separated by commas or spaces; `*` alone
/// matches every host; a name matches itself and its subdomains (`example.com` and
/// `.example.com` both match `www.example.com`, never `badexample.com`), case-insensitively,
/// a trailing dot ignored; an IPv4 entry matches that address, or a range with `/bits`; an
/// IPv6 entry matches that address.
public struct NoProxyList: Sendable, Hashable, CustomStringConvertible {
    /// The list as given, handed to curl unchanged.
    public let text: String
    private let matchesAll: Bool
    private let entries: [Substring]

    public init(_ text: String) {
        self.text = text
        let trimmed = text.trimmingCharacters(in: " \t")
        matchesAll = trimmed == "*"
        entries = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
    }

    public var description: String { text }

    /// Whether a request to `host` goes direct.
    public func matches(host rawHost: String) -> Bool {
        if matchesAll { return true }
        var host = Substring(rawHost.lowercased())
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        if host.hasSuffix(".") { host = host.dropLast() }
        guard !host.isEmpty else { return false }
        let hostAddress = IPv4(host)
        for entry in entries {
            var token = Substring(entry.lowercased())
            if hostAddress != nil || host.contains(":") {
                if token.hasPrefix("["), token.hasSuffix("]") { token = token.dropFirst().dropLast() }
                if let hostAddress, let slash = token.firstIndex(of: "/") {
                    if let network = IPv4(token[..<slash]), let bits = Int(token[token.index(after: slash)...]), (0...32).contains(bits) {
                        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
                        if hostAddress & mask == network & mask { return true }
                    }
                } else if token == host {
                    return true
                }
                continue
            }
            if token.hasPrefix(".") { token = token.dropFirst() }
            if token.hasSuffix(".") { token = token.dropLast() }
            guard !token.isEmpty else { continue }
            if token == host { return true }
            if token.count < host.count, host.hasSuffix(token) {
                let boundary = host.index(host.endIndex, offsetBy: -token.count - 1)
                if host[boundary] == "." { return true }
            }
        }
        return false
    }

    /// A dotted-quad IPv4 address as a number, or nil.
    private func IPv4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let byte = UInt32(part), byte <= 255 else { return nil }
            value = value << 8 | byte
        }
        return value
    }
}
