extension ScrapeConfiguration {
    /// What a crawl follows, as written: a `crawl:` job's keys, or `scrape crawl`'s flags.
    ///
    /// Only the file's and the flags' model: the seeds, the scope, the `allow`/`deny`
    /// regular expressions and the `follow` selector stay text here, and ScrapeCrawl
    /// compiles them (`CrawlSettings(compiling:seedsFile:)`), the one compile path for both
    /// (ScrapeCore cannot depend on ScrapeCrawl, which holds the URL parser's crawl form and
    /// the regular expressions). Each value keeps where it was written, so a compile error
    /// names the key path and line (`line 7: jobs[0].crawl.allow[1]: ...`) or the flag.
    public struct Crawl: Sendable, Equatable {
        /// One value and where it was written.
        public struct Written: Sendable, Equatable {
            public var text: String
            /// The key path (`jobs[0].crawl.seeds[2]`) or the flag (`--allow`), for errors.
            public var source: String
            /// The config file's line, when it comes from one.
            public var line: Int?

            public init(_ text: String, source: String, line: Int? = nil) {
                self.text = text
                self.source = source
                self.line = line
            }
        }

        /// `seeds`: seed URLs (absolute http or https).
        public var seeds: [Written] = []
        /// `seeds_file`: one seed per line (a daemon job's relative path is relative to
        /// the config file's folder, as `urls_file` is). Read when a crawl starts, so an edit
        /// takes effect at the next run.
        public var seedsFile: Written?
        /// `scope`: `host`, `origin`, `domain`, `prefix` or `any`; nil is `host`.
        public var scope: Written?
        /// `max_depth`: links followed from a seed at most; nil is unlimited.
        public var maxDepth: Int?
        /// `max_pages`: records written at most; nil is unlimited.
        public var maxPages: Int?
        /// `allow`, `deny`: POSIX extended regular expressions searched in each link's URL.
        public var allow: [Written] = []
        public var deny: [Written] = []
        /// `follow`: the CSS selector of the elements whose links are followed; nil is
        /// `a[href], area[href]`.
        public var follow: Written?
        /// `sitemaps`: also start from the seeds' origins' sitemaps. Default false.
        public var sitemaps = false
        /// `resume` (daemon jobs): a run continues the last crawl when it did not finish,
        /// instead of starting afresh. Default false: each run is a fresh crawl.
        public var resume = false

        public init() {}
    }
}
