public import ScrapeHTML

/// A URL as the crawl keys it: parsed by the WHATWG URL parser (resolved against a base
/// when it came from a page), its fragment dropped, and nothing else folded: the path's
/// case, `%7E` against `~`, the query's order stay as found (scrapy#1941).
///
/// Only `http` and `https` URLs are ever made into one; the rest are counted `not_http`.
public struct CrawlURL: Sendable, Hashable {
    /// The key, and what the record's `url` holds: the href without its fragment.
    public let href: String
    /// The host name (`[::1]` for IPv6), for `--scope host` and `domain`.
    let hostname: String
    /// `scheme://host[:port]`, for `--scope origin`.
    let origin: String

    /// What a link or seed resolves to: a URL to follow, or the reason it is not one.
    public enum Parse: Sendable, Equatable {
        case url(CrawlURL)
        /// The parser rejected it (counted with `not_http`: nothing to fetch).
        case invalid
        /// A URL of another scheme (`mailto:`, `javascript:`, `ftp:`…).
        case notHTTP(String)
    }

    /// Parses `text` against `base` (nil: it must be absolute).
    public static func parse(_ text: String, base: WebURL? = nil) -> Parse {
        guard let url = WebURL(text, base: base) else { return .invalid }
        return parse(url)
    }

    /// The crawl's form of an already parsed URL.
    public static func parse(_ url: WebURL) -> Parse {
        guard url.scheme == "http" || url.scheme == "https", !url.hostname.isEmpty else { return .notHTTP(url.hrefWithoutFragment) }
        return .url(CrawlURL(href: url.hrefWithoutFragment, hostname: url.hostname, origin: url.origin))
    }

    /// The URL up to and including the last `/` of its path (`--scope prefix`): for
    /// `https://h/docs/a.html?x` it is `https://h/docs/`.
    var directoryPrefix: String {
        let utf8 = href.utf8
        let pathEnd = utf8.firstIndex(where: { $0 == UInt8(ascii: "?") }) ?? utf8.endIndex
        guard let slash = utf8[..<pathEnd].lastIndex(of: UInt8(ascii: "/")) else { return href }
        return String(href[...slash])
    }
}
