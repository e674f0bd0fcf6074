extension ScrapeConfiguration.HTTP {
    /// The single-valued `http:` keys, each of which a `scrape run` flag can also set.
    ///
    /// The YAML reader and the flags both go through ``set(_:from:source:line:)``, so a flag
    /// and its key accept the same text, apply the same bounds and say the same thing about
    /// a bad value: they cannot disagree.
    public enum Setting: String, CaseIterable, Sendable {
        case concurrency
        case perHostConcurrency = "per_host_concurrency"
        case rate
        case perHostRate = "per_host_rate"
        case timeout
        case connectTimeout = "connect_timeout"
        case retries
        case maxRetryAfter = "max_retry_after"
        case maxBody = "max_body"
        case maxRedirects = "max_redirects"
        case userAgent = "user_agent"
        case robotsTxt = "robots_txt"

        /// The key's name in the config file.
        public var key: String { rawValue }
        /// The flag's name: `--per-host-rate` for `per_host_rate`.
        public var flag: String { "--" + rawValue.replacingUnderscores() }
    }

    /// Sets `setting` from its text form.
    ///
    /// - Parameters:
    ///   - source: the key path (`http.timeout`) or the flag (`--timeout`), for the error.
    ///   - line: the config file line, when the text comes from one.
    /// - Throws: ``ConfigurationError`` naming `source`; a header value is never quoted back.
    public mutating func set(_ setting: Setting, from text: String, source: String, line: Int? = nil) throws(ConfigurationError) {
        func parse<T>(_ parser: (String) throws(ValueParser.Mismatch) -> T) throws(ConfigurationError) -> T {
            try ValueParser.parse(text, as: source, line: line, with: parser)
        }
        switch setting {
        case .concurrency: concurrency = try parse { t throws(ValueParser.Mismatch) in try ValueParser.integer(t, minimum: 1) }
        case .perHostConcurrency:
            (perHostConcurrency, adaptivePerHostConcurrency) = try parse { t throws(ValueParser.Mismatch) in
                try ValueParser.perHostConcurrency(t, autoCeiling: Self.adaptiveCeiling)
            }
        case .rate: rate = try parse(ValueParser.rate)
        case .perHostRate: perHostRate = try parse(ValueParser.rate)
        case .timeout: timeout = try parse { t throws(ValueParser.Mismatch) in try ValueParser.duration(t, positive: true) }
        case .connectTimeout: connectTimeout = try parse { t throws(ValueParser.Mismatch) in try ValueParser.duration(t, positive: true) }
        case .retries: retries = try parse { t throws(ValueParser.Mismatch) in try ValueParser.integer(t, minimum: 0) }
        case .maxRetryAfter: maxRetryAfter = try parse { t throws(ValueParser.Mismatch) in try ValueParser.duration(t) }
        case .maxBody: maxBody = try parse(ValueParser.byteCount)
        case .maxRedirects: maxRedirects = try parse { t throws(ValueParser.Mismatch) in try ValueParser.integer(t, minimum: 0) }
        case .robotsTxt:
            guard let policy = RobotsPolicy(rawValue: text) else { throw .expected("obey or ignore", key: source, got: text, line: line) }
            robotsTxt = policy
        case .userAgent:
            if let problem = HeaderCheck.problem(with: text) { throw ConfigurationError(key: source, message: problem, line: line) }
            userAgent = text
        }
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}
