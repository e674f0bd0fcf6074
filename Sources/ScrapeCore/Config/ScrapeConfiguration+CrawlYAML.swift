/// Reads a job's `crawl:` map: `scrape crawl`'s flags as keys.
///
/// | key | form | default |
/// |---|---|---|
/// | `seeds` | list of absolute http(s) URLs (or one URL) | none; `seeds` or `seeds_file` required |
/// | `seeds_file` | path, one URL per line (`#` comments); relative to the config file's folder | none |
/// | `scope` | `host`, `origin`, `domain`, `prefix` or `any` | host |
/// | `max_depth` | integer >= 0 | unlimited |
/// | `max_pages` | integer >= 1 | unlimited |
/// | `allow`, `deny` | list of POSIX extended regular expressions (or one) | none |
/// | `follow` | CSS selector, `::url(ATTR)` allowed | `a[href], area[href]` |
/// | `sitemaps` | bool | false |
/// | `resume` | bool: a run continues the last crawl when it did not finish | false |
/// | `fields`, `metadata` | as in `scrape:` jobs | none, false |
///
/// Values are checked for form here; the seeds, scope, regular expressions and selector
/// are compiled by ScrapeCrawl (the daemon and `check-config` do so when they load the
/// file), with errors naming the key and line.
extension ScrapeConfiguration.Crawl {
    static let keys = [
        "seeds", "seeds_file", "scope", "max_depth", "max_pages", "allow", "deny", "follow", "sitemaps", "resume", "fields", "metadata",
    ]

    init(_ map: YAMLMap) throws(ConfigurationError) {
        self.init()
        try map.allowOnly(Self.keys)
        seeds = try map.writtenList("seeds")
        seedsFile = try map.written("seeds_file")
        if seeds.isEmpty, seedsFile == nil {
            throw ConfigurationError(key: map.path("seeds"), message: "missing: expected seeds: [URL, ...] or seeds_file: FILE", line: map.mapLine)
        }
        if let file = seedsFile, file.text.isEmpty || file.text == "-" {
            throw .expected("the path of a file of seed URLs (stdin cannot be used here)", key: file.source, got: file.text, line: file.line)
        }
        scope = try map.written("scope")
        maxDepth = try map.int("max_depth", minimum: 0)
        maxPages = try map.int("max_pages", minimum: 1)
        allow = try map.writtenList("allow")
        deny = try map.writtenList("deny")
        follow = try map.written("follow")
        sitemaps = try map.bool("sitemaps") ?? false
        resume = try map.bool("resume") ?? false
    }
}

extension YAMLMap {
    /// A single value and where it is.
    fileprivate func written(_ key: String) throws(ConfigurationError) -> ScrapeConfiguration.Crawl.Written? {
        guard let text = try string(key) else { return nil }
        return .init(text, source: path(key), line: line(key))
    }

    /// A list of values (or one value), each with its own key path and line.
    fileprivate func writtenList(_ key: String) throws(ConfigurationError) -> [ScrapeConfiguration.Crawl.Written] {
        guard let node = self[key] else { return [] }
        switch node {
        case .scalar(let scalar):
            return [.init(scalar.string, source: path(key), line: line(key))]
        case .sequence(let sequence):
            var values: [ScrapeConfiguration.Crawl.Written] = []
            for (index, item) in sequence.enumerated() {
                guard case .scalar(let scalar) = item else {
                    throw ConfigurationError(key: "\(path(key))[\(index)]", message: "expected a single value", line: item.mark.line)
                }
                values.append(.init(scalar.string, source: "\(path(key))[\(index)]", line: item.mark.line))
            }
            return values
        default:
            throw ConfigurationError(key: path(key), message: "expected a list", line: line(key))
        }
    }
}
