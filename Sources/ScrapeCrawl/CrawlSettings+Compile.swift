public import ScrapeCore
import ScrapeHTML

/// The one compile path of a crawl's settings: `scrape crawl`'s flags and a `crawl:` job's
/// keys are both a ``ScrapeConfiguration/Crawl`` (text and where it was written), made
/// into ``CrawlSettings`` here, so a seed, a scope, a regular expression or a selector is
/// checked the same way, with the same words, wherever it comes from.
extension CrawlSettings {
    /// Compiles `crawl`: its seeds (then `fileSeeds`, a seeds file's, from
    /// ``readSeeds(from:path:)``) parsed as links are, each once; the scope; the
    /// `allow`/`deny` patterns; the `follow` selector.
    ///
    /// - Throws: ``ConfigurationError`` naming the key (and line) or flag of the first value
    ///   that does not compile.
    public init(compiling crawl: ScrapeConfiguration.Crawl, fileSeeds: [ScrapeConfiguration.Crawl.Written] = []) throws(ConfigurationError) {
        let rules = try Self.rules(of: crawl)
        self.init(
            seeds: try (crawl.seeds + fileSeeds).map(Self.seed), scope: rules.scope, maxDepth: crawl.maxDepth, maxPages: crawl.maxPages,
            allow: rules.allow, deny: rules.deny, follow: rules.follow, sitemaps: crawl.sitemaps)
    }

    /// Checks everything ``init(compiling:fileSeeds:)`` compiles but a seeds file (read
    /// when a crawl starts): what the daemon and `scrape check-config` do when they load a
    /// config file, so a bad `crawl:` job stops the start or the reload.
    public static func check(_ crawl: ScrapeConfiguration.Crawl) throws(ConfigurationError) {
        _ = try rules(of: crawl)
        for seed in crawl.seeds { _ = try Self.seed(seed) }
    }

    /// The seeds in the file at `path` (one URL per line; blank lines and `#` comments
    /// skipped; `-` is stdin), each with its place (`FILE, line N`) after `file.source`.
    ///
    /// - Throws: ``ConfigurationError`` at `file.source` when the file cannot be read.
    public static func readSeeds(from file: ScrapeConfiguration.Crawl.Written, path: String) async throws(ConfigurationError)
        -> [ScrapeConfiguration.Crawl.Written]
    {
        let name = path == "-" ? "standard input" : path
        var seeds: [ScrapeConfiguration.Crawl.Written] = []
        do throws(InputError) {
            let source = try URLSource(path: path)
            while let batch = try await source.nextBatch() {
                seeds += batch.map { .init($0.text, source: "\(file.source) (\(name), line \($0.number))") }
            }
        } catch {
            throw ConfigurationError(key: file.source, message: "\(error)", line: file.line)
        }
        return seeds
    }

    /// The scope, the patterns and the follow rule.
    private static func rules(of crawl: ScrapeConfiguration.Crawl) throws(ConfigurationError)
        -> (scope: CrawlScope, allow: [URLPattern], deny: [URLPattern], follow: LinkRule)
    {
        var scope = CrawlScope.host
        if let written = crawl.scope {
            guard let named = CrawlScope(rawValue: written.text) else {
                let names = CrawlScope.allCases.map(\.rawValue).joined(separator: ", ")
                throw .expected("one of \(names)", key: written.source, got: written.text, line: written.line)
            }
            scope = named
        }
        var follow = LinkRule.standard
        if let written = crawl.follow {
            do throws(LinkRule.Failure) {
                follow = try LinkRule(written.text)
            } catch {
                throw ConfigurationError(key: written.source, message: error.message, line: written.line)
            }
        }
        return (scope, try crawl.allow.map(pattern), try crawl.deny.map(pattern), follow)
    }

    private static func pattern(_ written: ScrapeConfiguration.Crawl.Written) throws(ConfigurationError) -> URLPattern {
        do throws(CrawlSettingsError) {
            return try URLPattern(written.text)
        } catch {
            throw ConfigurationError(key: written.source, message: error.description, line: written.line)
        }
    }

    /// A seed, parsed as a link is: an absolute http or https URL, its fragment dropped.
    private static func seed(_ written: ScrapeConfiguration.Crawl.Written) throws(ConfigurationError) -> CrawlURL {
        switch CrawlURL.parse(written.text) {
        case .url(let url): return url
        case .invalid: throw ConfigurationError(key: written.source, message: "\"\(written.text)\" is not a URL", line: written.line)
        case .notHTTP:
            throw ConfigurationError(key: written.source, message: "\"\(written.text)\" is not an http or https URL (a seed is an absolute URL)", line: written.line)
        }
    }
}
