import ScrapeBase
import ScrapeResilience

/// Reads the config file (YAML) into ``ScrapeConfiguration``.
///
/// `http:` holds the single-valued keys of ``ScrapeConfiguration/HTTP/Setting`` (parsed by
/// the same code as `scrape run`'s flags) and the `backoff` and `circuit_breaker` maps.
/// docs/config.md lists keys, forms and defaults; `ConfigReferenceTests` checks its
/// defaults against ``ScrapeConfiguration/HTTP/init()``.
///
/// `fields:` and `metadata:` (for `scrape run --config`) are read by
/// `ScrapeConfiguration+ExtractionYAML.swift`; `jobs:` is read by `ScrapeConfiguration+JobsYAML.swift` (its keys are listed there);
/// `daemon:` by `ScrapeConfiguration+Daemon.swift`. Any other key, and any bad value, is a
/// ``ConfigurationError`` naming the key path and the line.
extension ScrapeConfiguration {
    /// Parses YAML text.
    ///
    /// - Throws: ``ConfigurationError``.
    public init(yaml text: String) throws(ConfigurationError) {
        self.init()
        let root: YAMLNode?
        do {
            root = try YAMLComposer.document(of: text)
        } catch {
            throw ConfigurationError(key: "(file)", message: "not valid YAML: \(error)")
        }
        // An empty file is more often a half-saved edit than a wish for every default; a
        // reload must not take it as "no jobs".
        guard let root else {
            throw ConfigurationError(key: "(file)", message: "the file is empty; a config file has at least one of http:, jobs:, daemon: (write `jobs: []` for none)")
        }
        let top = try YAMLMap(root, path: "")
        try top.allowOnly(["http", "fields", "metadata", "login", "jobs", "daemon"])
        extraction = try Extraction(top)
        if let http = top["http"] {
            self.http = try HTTP(YAMLMap(http, path: "http"))
        }
        if let login = top["login"] {
            self.login = try Login(YAMLMap(login, path: "login"))
        }
        if let jobs = top["jobs"] {
            hasJobsSection = true
            let list = try YAMLList(jobs, path: "jobs")
            for index in list.items.indices {
                let job = try Job(list.map(index), http: self.http)
                if self.jobs.contains(where: { $0.name == job.name }) {
                    throw ConfigurationError(key: "jobs[\(index)].name", message: "duplicate job name \"\(job.name)\"", line: list.items[index].mark.line)
                }
                self.jobs.append(job)
            }
        }
        try JobLineage(jobs).check()
        if let daemon = top["daemon"] {
            self.daemon = try Daemon(YAMLMap(daemon, path: "daemon"))
            hasDaemonSection = true
        }
    }

    /// Reads and parses a file.
    ///
    /// - Throws: ``ConfigurationError``, ``ConfigurationError/unreadableFile(reason:)`` when
    ///   the file cannot be read; none names `path`, which the caller puts in front.
    public init(contentsOfFile path: String) throws(ConfigurationError) {
        guard let text = FileContents.read(path) else {
            throw .unreadableFile(reason: SystemCall.errorMessage())
        }
        try self.init(yaml: text)
    }
}

extension ScrapeConfiguration.HTTP {
    /// - Parameter base: the settings the map's keys go over (a job's `http:` goes over the top-level one).
    init(_ map: YAMLMap, over base: Self = .init()) throws(ConfigurationError) {
        self = base
        try map.allowOnly(Setting.allCases.map(\.key) + ["backoff", "circuit_breaker"] + Self.sessionKeys + ProxySettings.keys)
        try proxy.read(map)
        for setting in Setting.allCases {
            if let text = try map.string(setting.key) {
                try set(setting, from: text, source: map.path(setting.key), line: map.line(setting.key))
            }
        }
        if let node = map["backoff"] {
            let backoffMap = try YAMLMap(node, path: map.path("backoff"))
            try backoffMap.allowOnly(["initial", "max"])
            backoff = Backoff(
                initial: try backoffMap.duration("initial") ?? backoff.initial,
                maximum: try backoffMap.duration("max") ?? backoff.maximum)
        }
        if let node = map["circuit_breaker"] {
            let breakerMap = try YAMLMap(node, path: map.path("circuit_breaker"))
            try breakerMap.allowOnly(["failures", "cooldown", "give_up_after"])
            circuitBreaker.failureThreshold = try breakerMap.int("failures", minimum: 1) ?? circuitBreaker.failureThreshold
            circuitBreaker.cooldown = try breakerMap.duration("cooldown") ?? circuitBreaker.cooldown
            circuitBreaker.giveUpAfter = try breakerMap.duration("give_up_after") ?? circuitBreaker.giveUpAfter
        }
        try readSession(map)
    }
}
