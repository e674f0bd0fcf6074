/// The URL API's getters (`URL.prototype.href`, `protocol`, `host`, …), read as slices of
/// the serialization.
extension WebURL {
    /// The whole URL: what `a.href` gives.
    public var href: String { serialization }

    /// The scheme, lowercase, without the `:` (the URL record's scheme).
    public var scheme: String { slice(0, Int(schemeEnd)) }

    /// The scheme followed by `:`, as `URL.protocol` gives it.
    public var `protocol`: String { slice(0, Int(schemeEnd) + 1) }

    public var username: String { hasHost ? slice(Int(schemeEnd) + 3, Int(usernameEnd)) : "" }

    public var password: String { passwordEnd > usernameEnd ? slice(Int(usernameEnd) + 1, Int(passwordEnd)) : "" }

    /// The host serialization (IPv6 in brackets), `""` when the host is null or empty.
    public var hostname: String { slice(Int(hostStart), Int(hostEnd)) }

    /// Hostname and, when the URL has a port that is not the scheme's default, `:port`.
    public var host: String { slice(Int(hostStart), Int(portEnd)) }

    /// The port as digits, `""` when null (absent or the scheme's default).
    public var port: String { portEnd > hostEnd ? slice(Int(hostEnd) + 1, Int(portEnd)) : "" }

    /// The path serialization: `/a/b`, or an opaque path as it is.
    public var pathname: String { slice(Int(pathStart), Int(queryStart)) }

    /// `?` and the query, or `""` when the query is null or empty.
    public var search: String { fragmentStart - queryStart > 1 ? slice(Int(queryStart), Int(fragmentStart)) : "" }

    /// `#` and the fragment, or `""` when the fragment is null or empty.
    public var hash: String {
        let count = serialization.utf8.count
        return count - Int(fragmentStart) > 1 ? slice(Int(fragmentStart), count) : ""
    }

    /// `href` without `#` and the fragment: the key a crawler dedups pages by (the standard's
    /// serialization with "exclude fragment").
    public var hrefWithoutFragment: String { slice(0, Int(fragmentStart)) }

    /// The ASCII serialization of the origin: `scheme://host[:port]` for http(s), ws(s) and
    /// ftp; a `blob:` URL's inner http(s) URL's origin; `"null"` for every other scheme
    /// (file included: an opaque origin).
    public var origin: String {
        switch schemeKind {
        case .http, .https, .ws, .wss, .ftp:
            return slice(0, Int(schemeEnd) + 3) + host
        case .other where schemeEnd == 4 && serialization.utf8.starts(with: "blob".utf8):
            guard let inner = WebURL(pathname), inner.schemeKind == .http || inner.schemeKind == .https else { return "null" }
            return inner.origin
        case .file, .other:
            return "null"
        }
    }

    private func slice(_ start: Int, _ end: Int) -> String {
        let utf8 = serialization.utf8
        return String(utf8[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)])!
    }
}
