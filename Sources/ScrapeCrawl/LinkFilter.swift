import ScrapeHTML

/// The rules a page's links pass that need no state, applied on the page's own task (in
/// parallel, off the emitter): only http and https (`not_http`), the seed's scope
/// (`offsite`), `--allow`/`--deny` (`denied`); each distinct key once per page.
struct LinkFilter: Sendable {
    let settings: CrawlSettings

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
