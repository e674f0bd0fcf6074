/// A URL parsed by the WHATWG URL Standard, as a browser's `URL` object and `a.href` see it.
///
/// Held as its serialization (`href`) plus the offsets of each component in it, the shape
/// browsers use (Chromium's `url::Parsed`, ada's url_aggregator): one string per URL, the
/// components read as slices, and a base URL's components copied as byte runs when a
/// relative reference is resolved against it.
///
/// Differences from the standard, by design: the query is always percent-encoded as UTF-8
/// (the document's encoding is not consulted; issue 26), and IDNA is a partial UTS #46
/// (see `DomainToASCII`).
public struct WebURL: Sendable, Hashable, CustomStringConvertible {
    /// The serialization: what `href` gives.
    let serialization: String
    /// Index of the `:` that ends the scheme.
    let schemeEnd: UInt32
    /// Username is `serialization[schemeEnd + 3 ..< usernameEnd]` when the URL has a host.
    let usernameEnd: UInt32
    /// Password is `[usernameEnd + 1 ..< passwordEnd]` when `passwordEnd > usernameEnd`.
    let passwordEnd: UInt32
    let hostStart: UInt32
    let hostEnd: UInt32
    /// The port is `[hostEnd + 1 ..< portEnd]` when `portEnd > hostEnd`.
    let portEnd: UInt32
    /// Where the path starts (after the `/.` the serializer puts before a hostless path
    /// that begins with `//`).
    let pathStart: UInt32
    /// Index of `?`, or `fragmentStart` when the query is null.
    let queryStart: UInt32
    /// Index of `#`, or the length when the fragment is null.
    let fragmentStart: UInt32
    let schemeKind: URLScheme
    /// The host is not null (the serialization has `//`).
    let hasHost: Bool
    /// The path is opaque (`mailto:x`, `javascript:…`): one string, not segments.
    let hasOpaquePath: Bool

    /// Parses `input`, resolving it against `base` when it is relative; nil when the
    /// standard's basic URL parser returns failure.
    public init?(_ input: String, base: WebURL? = nil) {
        guard let url = WebURLParser.parse(input, base: base) else { return nil }
        self = url
    }

    init(serialization: String, schemeEnd: Int, usernameEnd: Int, passwordEnd: Int, hostStart: Int, hostEnd: Int,
         portEnd: Int, pathStart: Int, queryStart: Int, fragmentStart: Int, schemeKind: URLScheme, hasHost: Bool,
         hasOpaquePath: Bool) {
        self.serialization = serialization
        self.schemeEnd = UInt32(schemeEnd)
        self.usernameEnd = UInt32(usernameEnd)
        self.passwordEnd = UInt32(passwordEnd)
        self.hostStart = UInt32(hostStart)
        self.hostEnd = UInt32(hostEnd)
        self.portEnd = UInt32(portEnd)
        self.pathStart = UInt32(pathStart)
        self.queryStart = UInt32(queryStart)
        self.fragmentStart = UInt32(fragmentStart)
        self.schemeKind = schemeKind
        self.hasHost = hasHost
        self.hasOpaquePath = hasOpaquePath
    }

    /// `reference` resolved against `base` as a browser's `a.href` gives it (query encoded
    /// as UTF-8); nil when the parser rejects it (callers that must give a value then give
    /// the reference unchanged, as `::url()` does).
    public static func resolve(_ reference: String, against base: WebURL) -> String? {
        WebURL(reference, base: base)?.href
    }

    public var description: String { serialization }

    public static func == (lhs: WebURL, rhs: WebURL) -> Bool { lhs.serialization == rhs.serialization }

    public func hash(into hasher: inout Hasher) { hasher.combine(serialization) }
}
