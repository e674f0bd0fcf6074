public import ScrapeCore
public import ScrapeHTML

/// What a crawl follows: its seeds and the rules a link passes to be queued. These are
/// the settings a crawl's state is bound to (``fingerprint``): `--resume` with other
/// seeds, scope, depth, allow/deny or follow is refused, as is another crawl's `--state`.
public struct CrawlSettings: Sendable {
    /// The seeds, parsed as links are (``CrawlURL``), each once, in the order given.
    public var seeds: [CrawlURL]
    public var scope: CrawlScope
    /// Links followed from a seed (seeds are depth 0); nil is unlimited.
    public var maxDepth: Int?
    /// Records written at most, of any kind; nil is unlimited.
    public var maxPages: Int?
    /// A link must match one of these, when any is given (seeds are not filtered).
    public var allow: [URLPattern]
    /// A link must match none of these.
    public var deny: [URLPattern]
    /// Which elements' links are followed.
    public var follow: LinkRule
    /// Whether the seeds' origins' sitemaps add seeds (`--sitemaps`).
    public var sitemaps: Bool

    public init(
        seeds: [CrawlURL], scope: CrawlScope = .host, maxDepth: Int? = nil, maxPages: Int? = nil, allow: [URLPattern] = [],
        deny: [URLPattern] = [], follow: LinkRule = .standard, sitemaps: Bool = false
    ) {
        var seen: Set<String> = []
        self.seeds = seeds.filter { seen.insert($0.href).inserted }
        self.scope = scope
        self.maxDepth = maxDepth
        self.maxPages = maxPages
        self.allow = allow
        self.deny = deny
        self.follow = follow
        self.sitemaps = sitemaps
    }

    /// Whether the URL patterns let `url` through: it matches an allow (when any is
    /// given) and no deny.
    func admits(_ url: String) -> Bool {
        (allow.isEmpty || allow.contains { $0.matches(url) }) && !deny.contains { $0.matches(url) }
    }

    /// The settings a state file is bound to, by name, each as text: compared one by one
    /// so a refusal names what changed. Seeds are kept as their count and a hash (a seeds
    /// file may hold millions).
    var fingerprint: [(name: String, value: String)] {
        var hash = FNV1a()
        for seed in seeds {
            hash.add(seed.href)
            hash.add("\n")
        }
        return [
            ("seeds", "\(seeds.count) seeds, hash \(String(hash.value, radix: 16))"),
            ("scope", scope.rawValue),
            ("max_depth", maxDepth.map(String.init) ?? "unlimited"),
            ("allow", allow.map(\.text).joined(separator: "\n")),
            ("deny", deny.map(\.text).joined(separator: "\n")),
            ("follow", follow.text),
            ("sitemaps", sitemaps ? "on" : "off"),
        ]
    }
}

extension CrawlSettings {
    /// A crawl's rules as text, without its seeds: what the fleet stores with a crawl job
    /// (`scrape frontier add --crawl`), compiled by the one compile path
    /// (``init(compiling:fileSeeds:)``, `scrape crawl`'s flags and `crawl:` jobs' keys) as
    /// if given by the flags of the same names.
    public struct Rules: Sendable, Equatable {
        /// `--scope`: a ``CrawlScope`` raw value (default `host`).
        public var scope: String
        /// `--max-depth`; nil is unlimited.
        public var maxDepth: Int?
        /// `--max-pages`; nil is unlimited.
        public var maxPages: Int?
        /// `--allow`, each a POSIX extended regular expression.
        public var allow: [String]
        /// `--deny`.
        public var deny: [String]
        /// `--follow`: a CSS selector of the fields grammar.
        public var follow: String
        /// `--sitemaps`.
        public var sitemaps: Bool

        public init(
            scope: String = CrawlScope.host.rawValue, maxDepth: Int? = nil, maxPages: Int? = nil, allow: [String] = [], deny: [String] = [],
            follow: String = LinkRule.defaultSelector, sitemaps: Bool = false
        ) {
            self.scope = scope
            self.maxDepth = maxDepth
            self.maxPages = maxPages
            self.allow = allow
            self.deny = deny
            self.follow = follow
            self.sitemaps = sitemaps
        }

        /// The rules as `scrape crawl`'s flags write them, with `seeds` (each named
        /// `seed argument` in an error).
        public func written(seeds: [String] = []) -> ScrapeConfiguration.Crawl {
            var crawl = ScrapeConfiguration.Crawl()
            crawl.seeds = seeds.map { .init($0, source: "seed argument") }
            crawl.scope = .init(scope, source: "--scope")
            crawl.maxDepth = maxDepth
            crawl.maxPages = maxPages
            crawl.allow = allow.map { .init($0, source: "--allow") }
            crawl.deny = deny.map { .init($0, source: "--deny") }
            crawl.follow = .init(follow, source: "--follow")
            crawl.sitemaps = sitemaps
            return crawl
        }
    }

    /// The settings for `seeds` (already parsed) and `rules`, compiled by
    /// ``init(compiling:fileSeeds:)``.
    ///
    /// - Throws: ``ConfigurationError`` naming the flag: `--max-depth` below 0, `--max-pages`
    ///   below 1, and what ``init(compiling:fileSeeds:)`` refuses.
    public init(seeds: [CrawlURL], rules: Rules) throws(ConfigurationError) {
        if let maxDepth = rules.maxDepth, maxDepth < 0 { throw ConfigurationError(key: "--max-depth", message: "expected 0 or more, got \(maxDepth)") }
        if let maxPages = rules.maxPages, maxPages < 1 { throw ConfigurationError(key: "--max-pages", message: "expected 1 or more, got \(maxPages)") }
        let compiled = try CrawlSettings(compiling: rules.written())
        self.init(
            seeds: seeds, scope: compiled.scope, maxDepth: compiled.maxDepth, maxPages: compiled.maxPages, allow: compiled.allow,
            deny: compiled.deny, follow: compiled.follow, sitemaps: compiled.sitemaps)
    }

    /// These settings' rules as text (``Rules``), as the fleet stores them.
    public var rules: Rules {
        Rules(
            scope: scope.rawValue, maxDepth: maxDepth, maxPages: maxPages, allow: allow.map(\.text), deny: deny.map(\.text), follow: follow.text,
            sitemaps: sitemaps)
    }
}

/// FNV-1a, 64 bits: a hash that is the same in every process (Swift's `Hasher` is seeded
/// per process), for the seeds' fingerprint.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
    }
}

/// A crawl setting that cannot be used: a bad regular expression, a state file that
/// belongs to another crawl. The CLI exits 2 with it.
public struct CrawlSettingsError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
