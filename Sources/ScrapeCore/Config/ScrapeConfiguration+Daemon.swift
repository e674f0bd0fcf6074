extension ScrapeConfiguration {
    /// The `daemon:` section, read by `scrape daemon` (docs/ARCHITECTURE.md, "Daemon state directory").
    public struct Daemon: Sendable, Equatable {
        /// Where the control server listens (`/healthz`, `/metrics`, `/jobs`, `/scrape`, `/runs/{id}`).
        public var listen = ListenAddress(host: "127.0.0.1", port: 9464)
        /// `state.json`, `out/`, cursors and relative job outputs; nil means `$STATE_DIRECTORY`
        /// (set by systemd's `StateDirectory=`) or `/var/lib/scrape`.
        public var stateDirectory: String?
        /// The inbox folder; nil means `STATE_DIR/inbox`.
        public var inbox: String?
        /// A file holding the bearer token that mutating endpoints require; required when
        /// ``listen`` is not a loopback address.
        public var tokenFile: String?
        /// How long in-flight transfers may finish after SIGTERM. Default 20 s, below the
        /// unit's `TimeoutStopSec` (30 s) so the daemon always exits on its own.
        public var drainTimeout: Duration = .seconds(20)
        /// `max_concurrent_runs`: how many job runs go at once; the others wait in one queue
        /// ordered by priority (docs/daemon.md, "Priorities and overlap"). Default 4: runs share
        /// one engine, so more runs split the same `http.concurrency` more ways.
        public var maxConcurrentRuns = 4
        /// `per_host_concurrency`: requests in flight to one host from the whole daemon, every
        /// run together (each run's `http.per_host_concurrency` stays a cap within it); nil
        /// means the file's `http.per_host_concurrency`.
        public var perHostConcurrency: Int?
        /// `per_host_rate`: requests per second to one host from the whole daemon; nil means
        /// the file's `http.per_host_rate`.
        public var perHostRate: Rate?
        /// `daemon.frontier`: the daemon as a fleet member; nil: not one.
        public var frontier: Frontier?

        public init() {}
    }

    /// A `host:port` to listen on; `[v6]:port` for IPv6 literals. Port 0 picks a free port.
    public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Parses `127.0.0.1:9464`, `localhost:9464` or `[::1]:9464`.
        public init?(parsing text: String) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
                return nil
            }
            var host = String(text[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { return nil }
            self.init(host: host, port: port)
        }

        /// Whether only this machine can connect: `localhost`, `127.0.0.0/8` or `::1`.
        public var isLoopback: Bool {
            host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }
}

extension ScrapeConfiguration.Daemon {
    /// Keys of `daemon:`:
    ///
    /// | key | form | default |
    /// |---|---|---|
    /// | `listen` | `host:port` (`[::1]:port`) | `127.0.0.1:9464` |
    /// | `state_dir` | path | `$STATE_DIRECTORY` or `/var/lib/scrape` |
    /// | `inbox` | path | `STATE_DIR/inbox` |
    /// | `token_file` | path | none; required off loopback |
    /// | `drain_timeout` | duration | 20s |
    /// | `max_concurrent_runs` | integer >= 1 | 4 |
    /// | `per_host_concurrency` | integer >= 1 | `http.per_host_concurrency` |
    /// | `per_host_rate` | `N/s`, `N/m`, `N/h` | `http.per_host_rate` |
    /// | `frontier` | map (below) | none |
    init(_ map: YAMLMap) throws(ConfigurationError) {
        self.init()
        try map.allowOnly([
            "listen", "state_dir", "inbox", "token_file", "drain_timeout", "max_concurrent_runs", "per_host_concurrency", "per_host_rate", "frontier",
        ])
        if let node = map["frontier"] { frontier = try ScrapeConfiguration.Frontier(YAMLMap(node, path: map.path("frontier"))) }
        if let text = try map.string("listen") {
            guard let address = ScrapeConfiguration.ListenAddress(parsing: text) else {
                throw .expected("host:port, such as 127.0.0.1:9464", key: map.path("listen"), got: text, line: map.line("listen"))
            }
            listen = address
        }
        stateDirectory = try map.string("state_dir")
        inbox = try map.string("inbox")
        tokenFile = try map.string("token_file")
        drainTimeout = try map.duration("drain_timeout") ?? drainTimeout
        maxConcurrentRuns = try map.int("max_concurrent_runs", minimum: 1) ?? maxConcurrentRuns
        perHostConcurrency = try map.int("per_host_concurrency", minimum: 1)
        perHostRate = try map.rate("per_host_rate")
        if !listen.isLoopback, tokenFile == nil {
            throw ConfigurationError(
                key: map.path("token_file"),
                message: "required when daemon.listen (\(listen)) is not a loopback address: anyone who can reach it could start jobs",
                line: map.line("listen")
            )
        }
    }

    /// The settings as YAML, for `scrape check-config`.
    public var effectiveSettings: String {
        """
        daemon:
          listen: \(listen)
          state_dir: \(stateDirectory ?? "$STATE_DIRECTORY or /var/lib/scrape")
          inbox: \(inbox ?? "STATE_DIR/inbox")
          \(tokenFile.map { "token_file: \($0)" } ?? "# token_file: none (mutating endpoints open to loopback clients)")
          drain_timeout: \(drainTimeout.configDescription)
          max_concurrent_runs: \(maxConcurrentRuns)
          \(perHostConcurrency.map { "per_host_concurrency: \($0)" } ?? "# per_host_concurrency: http.per_host_concurrency's")
          \(perHostRate.map { "per_host_rate: \($0)" } ?? "# per_host_rate: http.per_host_rate's")
        """ + (frontier.map { "\n" + $0.effectiveSettings } ?? "")
    }
}

extension ScrapeConfiguration.Frontier {
    /// Keys of `daemon.frontier:` (the defaults are ``init()``'s; the single-valued keys are
    /// ``Setting``s, parsed by the code that parses `scrape frontier work`'s flags):
    ///
    /// | key | form | default |
    /// |---|---|---|
    /// | `database_url_env` | environment variable name | required |
    /// | `password_env` | environment variable name | none: the URL's, or `PGPASSWORD` |
    /// | `jobs` | list of job names | every job |
    /// | `concurrency` | integer >= 1 | 50 |
    /// | `lease` | duration >= 1s | 2m |
    /// | `unreachable_timeout` | duration, more than 0 | 5m |
    /// | `worker_id` | text, 1 to 200 bytes | HOSTNAME-PID |
    init(_ map: YAMLMap) throws(ConfigurationError) {
        try map.allowOnly(["database_url_env", "password_env", "jobs"] + Setting.allCases.map(\.key))
        let name = try map.requiredString("database_url_env", "the name of an environment variable holding the postgres:// URL")
        try Self.checkVariableName(name, key: "database_url_env", in: map)
        self.init(databaseURLEnvironment: name)
        passwordEnvironment = try map.string("password_env")
        if let password = passwordEnvironment { try Self.checkVariableName(password, key: "password_env", in: map) }
        jobs = try map.stringList("jobs")
        for setting in Setting.allCases {
            if let text = try map.string(setting.key) {
                try set(setting, from: text, source: map.path(setting.key), line: map.line(setting.key))
            }
        }
    }

    private static func checkVariableName(_ name: String, key: String, in map: YAMLMap) throws(ConfigurationError) {
        guard !name.isEmpty, name.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) else {
            throw .expected("an environment variable name (letters, digits, _)", key: map.path(key), got: name, line: map.line(key))
        }
    }

    /// The settings as YAML, for `scrape check-config`.
    var effectiveSettings: String {
        """
          frontier:
            database_url_env: \(databaseURLEnvironment)
            password_env: \(passwordEnvironment ?? "none # the URL's password, or PGPASSWORD")
            jobs: \(jobs.isEmpty ? "[] # every job" : "[" + jobs.joined(separator: ", ") + "]")
            concurrency: \(concurrency)
            lease: \(lease.configDescription)
            unreachable_timeout: \(unreachableTimeout.configDescription)
            worker_id: \(workerID ?? "HOSTNAME-PID")
        """
    }
}

extension ScrapeConfiguration {
    /// The rules only a service has, checked by `scrape daemon` at start and reload and by
    /// `scrape check-config` for a file with a `daemon:` section: no job reads stdin or
    /// writes stdout, and the token file (when set) holds a token of 16 characters or more.
    ///
    /// - Returns: the bearer token, when `daemon.token_file` is set.
    /// - Throws: ``ConfigurationError`` naming the key.
    public func validateForDaemon() throws(ConfigurationError) -> String? {
        try http.checkCookieJarForDaemon()
        for (index, job) in jobs.enumerated() {
            if job.output == "-" {
                throw ConfigurationError(
                    key: "jobs[\(index)].output", message: "\"-\" (stdout) cannot be used by the daemon; give a file (relative paths are under daemon.state_dir)")
            }
            if case .scrape(let urlsFile) = job.source, urlsFile == "-" {
                throw ConfigurationError(key: "jobs[\(index)].scrape.urls_file", message: "\"-\" (stdin) cannot be used by the daemon; give a file")
            }
        }
        guard let tokenFile = daemon.tokenFile else { return nil }
        let token = try Secret.file(tokenFile).resolve(key: "daemon.token_file")
        guard token.count >= 16 else {
            throw ConfigurationError(key: "daemon.token_file", message: "\(tokenFile) must hold a token of at least 16 characters (try: openssl rand -hex 32)")
        }
        return token
    }
}

extension ScrapeConfiguration {
    /// The jobs' daemon keys (`every`, `at_start`, `priority`, `overlap`), defaults included,
    /// as YAML for `scrape check-config`; nil when no job is meant for the daemon (a file
    /// without `daemon:` whose jobs have none of these keys is a `scrape api` file).
    public var daemonJobSettings: String? {
        let scheduled = jobs.contains { $0.every != nil || $0.atStart || $0.priority != 0 || $0.overlap != .skip }
        guard !jobs.isEmpty, hasDaemonSection || scheduled else { return nil }
        let lines = jobs.map { job -> String in
            if case .stream = job.source { return "  \(job.name): ws  # a stream, open while the daemon runs: no runs, no run slot" }
            let settings = "{every: \(job.every?.configDescription ?? "none"), at_start: \(job.atStart), priority: \(job.priority), overlap: \(job.overlap.rawValue)}"
            return "  \(job.name): \(settings)" + (job.every == nil ? "  # runs when asked: POST /jobs/\(job.name)/run" : "")
        }
        return "job_schedules:\n" + lines.joined(separator: "\n")
    }
}
