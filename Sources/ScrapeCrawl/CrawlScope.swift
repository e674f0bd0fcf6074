/// Which links a seed's crawl may follow (`--scope`, default `host`).
///
/// A URL is in scope when some seed reaches it through pages that are all in that seed's
/// scope; each queued URL carries the seed that reached it (the one that gave its depth),
/// and a link is checked against that seed's ``SeedScope``.
public enum CrawlScope: String, Sendable, CaseIterable {
    /// The same host name as the seed (any scheme or port).
    case host
    /// The same scheme, host and port.
    case origin
    /// The same registrable domain, by the public suffix list (libpsl): `docs.example.co.uk`
    /// and `www.example.co.uk` are one domain. A host with no registrable domain (an IP
    /// address, `localhost`) is its own domain.
    case domain
    /// URLs that start with the seed's URL up to and including the last `/` of its path.
    case prefix
    /// Every http(s) URL.
    case any
}

/// One seed's scope, computed once: the key a link must share with the seed.
public struct SeedScope: Sendable {
    public let scope: CrawlScope
    /// What a link's ``key(of:)`` must equal (for `prefix`, start with).
    let key: String

    public init(scope: CrawlScope, seed: CrawlURL) {
        self.scope = scope
        key = Self.key(of: seed, in: scope)
    }

    /// Whether `link` is in this seed's scope.
    public func contains(_ link: CrawlURL) -> Bool {
        switch scope {
        case .any: return true
        case .prefix: return link.href.hasPrefix(key)
        case .host, .origin, .domain: return Self.key(of: link, in: scope) == key
        }
    }

    private static func key(of url: CrawlURL, in scope: CrawlScope) -> String {
        switch scope {
        case .host: return url.hostname
        case .origin: return url.origin
        case .domain: return RegistrableDomain.of(host: url.hostname)
        case .prefix: return url.directoryPrefix
        case .any: return ""
        }
    }
}
