import ScrapeHTML

/// The rules a page's links pass that need no state, applied on the page's own task (in
/// parallel, off the emitter): only http and https (`not_http`), the seed's scope
/// (`offsite`), `--allow`/`--deny` (`denied`); each distinct key once per page.
public struct LinkFilter: Sendable {
    public let settings: CrawlSettings

    public init(settings: CrawlSettings) {
        self.settings = settings
    }

    /// The links of a page reached through the seed whose scope is `scope`, fetched with
    /// final URL `finalURL`: nil when that URL is out of scope (a redirect off the site:
    /// its links are not taken).
    func sort(_ links: PageLinks, finalURL: String, scope: SeedScope) -> FoundLinks? {
        if case .url(let final) = CrawlURL.parse(finalURL), !scope.contains(final) { return nil }
        var found = FoundLinks()
        var seen: Set<String> = []
        for link in links.resolved {
            switch CrawlURL.parse(link) {
            case .url(let url):
                guard seen.insert(url.href).inserted else { continue }
                if !scope.contains(url) {
                    found.skipped.append((url.href, .offsite))
                } else if !settings.admits(url.href) {
                    found.skipped.append((url.href, .denied))
                } else {
                    found.followable.append(url)
                }
            case .notHTTP(let key):
                if seen.insert(key).inserted { found.skipped.append((key, .notHTTP)) }
            case .invalid:
                break  // a resolved URL always parses again
            }
        }
        for value in links.rejected where seen.insert(value).inserted {
            found.skipped.append((value, .notHTTP))
        }
        return found
    }
}

/// The links of one page after ``LinkFilter``, in document order, for a caller outside
/// this module (a fleet worker, which keeps its frontier in PostgreSQL, not in a crawl
/// state file).
public struct SortedLinks: Sendable {
    /// Why a link is not followed whatever else is known of it.
    public enum Skip: Sendable, Equatable {
        /// Out of the scope of the seed that reached the page (another seed may reach it).
        case offsite
        /// Refused by `--allow`/`--deny`.
        case denied
        /// Not http or https, or a value the URL parser rejects.
        case notHTTP
    }

    /// In scope and allowed: followed unless depth or `--max-pages` stop them.
    public var followable: [CrawlURL]
    /// The other links' keys, and why each is skipped; an offsite one carries its URL (a
    /// later page of another seed may reach it in scope).
    public var skipped: [(key: String, url: CrawlURL?, why: Skip)]

    init(_ found: FoundLinks) {
        followable = found.followable
        skipped = found.skipped.compactMap { entry -> (key: String, url: CrawlURL?, why: Skip)? in
            let (key, state) = entry
            switch state {
            case .offsite:
                guard case .url(let url) = CrawlURL.parse(key) else { return (key, nil, .offsite) }
                return (key, url, .offsite)
            case .denied: return (key, nil, .denied)
            case .notHTTP: return (key, nil, .notHTTP)
            default: return nil
            }
        }
    }
}
