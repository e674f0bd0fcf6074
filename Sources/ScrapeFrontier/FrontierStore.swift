public import Logging
import PostgresNIO
import ScrapeBase
import ScrapeHTTP
public import ScrapeCore
public import ScrapeResilience

/// The frontier's statements: each method is one round trip (a call of one of the
/// schema's functions, or one set-based statement), run through ``FrontierDatabase`` so a
/// lost connection pauses it rather than failing it.
public struct FrontierStore: Sendable {
    public let database: FrontierDatabase
    let logger: Logger

    public init(database: FrontierDatabase, logger: Logger = Logger(label: "scrape.frontier")) {
        self.database = database
        self.logger = logger
    }

    /// The same store on a connection of its own.
    public func sibling() -> FrontierStore {
        FrontierStore(database: database.sibling(), logger: logger)
    }

    // MARK: Schema

    /// The schema version recorded in the database; 0 when there is no frontier schema.
    public func schemaVersion() async throws(FrontierError) -> Int {
        let logger = self.logger
        return try await database.run { connection in
            for try await exists in try await connection.query(
                "SELECT to_regclass('scrape.schema_version') IS NOT NULL", logger: logger
            ).decode(Bool.self) where !exists {
                return 0
            }
            for try await version in try await connection.query(
                "SELECT coalesce(max(version), 0) FROM scrape.schema_version", logger: logger
            ).decode(Int.self) {
                return version
            }
            return 0
        }
    }

    /// Applies the migrations newer than the database's version (``Migrations``) in one
    /// transaction under an advisory lock; returns the versions before and after.
    public func migrate() async throws(FrontierError) -> (from: Int, to: Int) {
        try await migrate(upTo: Migrations.latestVersion)
    }

    /// ``migrate()`` stopping at `target`: the tests make "a database of an older scrape" with it.
    @discardableResult
    func migrate(upTo target: Int) async throws(FrontierError) -> (from: Int, to: Int) {
        let logger = self.logger
        return try await database.run { connection in
            try await connection.withTransaction(logger: logger) { connection in
                // One init at a time: the second waits, then finds nothing to do.
                try await connection.query("SELECT pg_advisory_xact_lock(7302194400571)", logger: logger)
                for statement in Migrations.bootstrap {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                var current = 0
                for try await version in try await connection.query("SELECT coalesce(max(version), 0) FROM scrape.schema_version", logger: logger)
                    .decode(Int.self)
                {
                    current = version
                }
                guard current <= Migrations.latestVersion else {
                    throw FrontierError.schemaNewer(found: current, known: Migrations.latestVersion)
                }
                for migration in Migrations.all where migration.version > current && migration.version <= target {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO scrape.schema_version (version, summary) VALUES (\(migration.version), \(migration.summary))", logger: logger)
                }
                return (from: current, to: max(current, target))
            }
        }
    }

    /// Throws unless the schema is this scrape's.
    public func requireCurrentSchema() async throws(FrontierError) {
        let version = try await schemaVersion()
        if version < Migrations.latestVersion { throw .schemaOutdated(found: version, needed: Migrations.latestVersion) }
        if version > Migrations.latestVersion { throw .schemaNewer(found: version, known: Migrations.latestVersion) }
    }

    // MARK: Jobs

    /// A job as stored, with its id.
    public struct StoredJob: Sendable, Equatable {
        public let id: Int64
        public let job: FrontierJob
    }

    /// The stored job named `name`, or nil.
    public func job(named name: String) async throws(FrontierError) -> StoredJob? {
        try await jobs().first { $0.job.name == name }
    }

    /// Every job, by name.
    public func jobs() async throws(FrontierError) -> [StoredJob] {
        let logger = self.logger
        return try await database.run { connection in
            try await Self.storedJobs(named: nil, on: connection, logger: logger)
        }
    }

    /// Creates job `name` with `changes` over the defaults of `http`, or checks `changes`
    /// against the stored job (settings not given keep theirs); with `update`, stores the
    /// changed settings instead. Returns the job as stored now and whether it was created.
    public func createJob(
        _ name: String, changes: FrontierJob.Changes, defaults http: ScrapeConfiguration.HTTP = .init(), update: Bool
    ) async throws(FrontierError) -> (job: StoredJob, created: Bool) {
        let logger = self.logger
        let settled = try await database.run { connection in
            try await connection.withTransaction(logger: logger) { connection in
                try await Self.settle(job: name, changes: changes, defaults: http, update: update, create: true, on: connection, logger: logger)
            }
        }
        guard let settled else { throw .unknownJob(name) }
        return settled
    }

    // MARK: URLs

    /// Enqueues `urls` for job `jobID` (one statement, ``insert(_:jobID:name:on:logger:)``);
    /// URLs already in the job are left as they are. Returns how many were new; wakes
    /// waiting workers. (`add` goes through ``add(from:toJob:changes:defaults:update:)``,
    /// one transaction with the job.)
    public func add(_ urls: [NewURL], toJob jobID: Int64, named name: String) async throws(FrontierError) -> Int {
        let logger = self.logger
        return try await database.run { connection in
            try await Self.insert(urls, jobID: jobID, name: name, on: connection, logger: logger).added
        }
    }

    // MARK: Claims and completions

    /// A URL leased to a worker.
    public struct Claim: Sendable, Equatable {
        public let id: Int64
        public let url: String
        public let host: String
        /// The input line's bytes when `url` (what is requested) is not exactly the line
        /// (not UTF-8): the record's `url` is written from them, as `scrape run` writes it.
        public let line: [UInt8]?
        /// Attempts made so far, this one included.
        public let attempt: Int
        /// The lease's token: its completion counts only while it is still this.
        public let token: Int64
        /// When the request may go out (the host's slot in the fleet's timeline), from now.
        public let delay: Duration
        /// The host's breaker stayed open past give_up_after: record circuit_open, no request.
        public let giveUp: Bool
        /// Where a crawl job's URL stands in its crawl; nil for a list job's.
        public var crawl: CrawlPosition? = nil
    }

    /// A crawl URL's place: what its record says (`depth`, `referrer`) and the seed whose
    /// scope its page's links are checked against.
    public struct CrawlPosition: Sendable, Equatable {
        /// Links from a seed (seeds are 0); exact when claimed (the depth barrier).
        public let depth: Int
        /// The page through which it got that depth; nil for a seed.
        public let referrer: String?
        /// The URL of the seed that reached it (its own for a seed).
        public let seedURL: String
    }

    /// What the claim statement is asked for.
    public struct ClaimRequest: Sendable {
        public var jobID: Int64
        public var worker: String
        public var limit: Int
        public var lease: Duration
        /// How far ahead a host's request slot may be for its URLs to be claimed now.
        public var horizon: Duration
        /// A host broken longer than this has its URLs given up (circuit_open).
        public var giveUpAfter: Duration
    }

    /// Leases up to `limit` due URLs of a job to `worker`, within the fleet's per-host limits.
    public func claim(_ request: ClaimRequest) async throws(FrontierError) -> [Claim] {
        let logger = self.logger
        return try await database.run { connection in
            let rows = try await connection.query(
                """
                SELECT o_id, o_url, o_host, o_attempts, o_token, o_delay_ms, o_give_up, o_line, o_depth, o_referrer, o_seed_url FROM scrape.claim(
                    \(request.jobID), \(request.worker), \(request.limit)::integer,
                    make_interval(secs => \(request.lease.inSeconds)), make_interval(secs => \(request.horizon.inSeconds)),
                    make_interval(secs => \(request.giveUpAfter.inSeconds)))
                """, logger: logger)
            var claims: [Claim] = []
            for try await (id, url, host, attempts, token, delay, giveUp, line, depth, referrer, seedURL)
                in rows.decode((Int64, String, String, Int, Int64, Double, Bool, ByteBuffer?, Int?, String?, String?).self)
            {
                var claim = Claim(
                    id: id, url: url, host: host, line: line.map { Array($0.readableBytesView) }, attempt: attempts, token: token, delay: .milliseconds(Int64(delay.rounded(.up))),
                    giveUp: giveUp)
                if let depth, let seedURL { claim.crawl = CrawlPosition(depth: depth, referrer: referrer, seedURL: seedURL) }
                claims.append(claim)
            }
            return claims
        }
    }

    /// A finished attempt: a record (the URL is done) or a retry after `retryDelay`.
    public struct Completion: Sendable {
        public let claim: Claim
        /// The record's JSON line (without the newline); nil for a retry.
        public let record: [UInt8]?
        public let failed: Bool
        public let retryDelay: Duration
        /// A crawl page's links, added to the frontier with its record (none for a retry).
        public let links: [CrawlLink]

        public init(claim: Claim, record: [UInt8]?, failed: Bool, retryDelay: Duration = .zero, links: [CrawlLink] = []) {
            self.claim = claim
            self.record = record
            self.failed = failed
            self.retryDelay = retryDelay
            self.links = links
        }
    }

    /// One link of a crawl page, sorted as `scrape crawl` sorts it (``LinkFilter``).
    public struct CrawlLink: Sendable, Equatable {
        /// What the link was sorted as: the rows' state it gets when new.
        public enum Kind: Int16, Sendable {
            case followable = 0
            case offsite = 10
            case denied = 12
            case notHTTP = 13
        }

        /// The crawl's key: the href without its fragment (or the value as written, for one
        /// that is not http).
        public let url: String
        /// The politeness key (`scheme://host:port`) for a URL that may be fetched; empty
        /// for one never fetched (denied, not http).
        public let host: String
        public let kind: Kind

        public init(url: String, host: String, kind: Kind) {
            self.url = url
            self.host = host
            self.kind = kind
        }
    }

    /// What a batch's attempts say about one host: its health (the shared circuit breaker)
    /// and the `Crawl-delay` its robots.txt asks of us (a fleet-wide request spacing).
    public struct HostReport: Sendable, Equatable {
        public let jobID: Int64
        public let host: String
        /// The host answered (so its consecutive failures start again from `failures`).
        public var reset: Bool
        /// Failures after the last answer.
        public var failures: Int
        /// The robots.txt `Crawl-delay` for our user agent; nil when none (or robots ignored).
        public var crawlDelay: Duration?
    }

    /// What the database took of a batch: the rest had lost their leases.
    public struct Accepted: Sendable, Equatable {
        /// Completions accepted (records and retries).
        public var completions: Int
        /// Records written.
        public var records: Int
    }

    /// Completes a batch in one transaction (records written, retries re-queued, breakers
    /// moved, crawl delays kept).
    public func finish(
        _ completions: [Completion], hosts: [HostReport], worker: String, breaker: ScrapeConfiguration.HTTP.BreakerSettings
    ) async throws(FrontierError) -> Accepted {
        let logger = self.logger
        let ids = completions.map(\.claim.id)
        let tokens = completions.map(\.claim.token)
        let records = completions.map { $0.record.map { String(decoding: $0, as: UTF8.self) } ?? "" }
        let delays = completions.map { Double($0.retryDelay.inMilliseconds) }
        let failed = completions.map(\.failed)
        let hostJobs = hosts.map(\.jobID)
        let hostNames = hosts.map(\.host)
        let hostResets = hosts.map(\.reset)
        let hostFailures = hosts.map(\.failures)
        let hostCrawlDelays = hosts.map { $0.crawlDelay?.inSeconds ?? 0 }  // 0: none
        if completions.contains(where: { $0.claim.crawl != nil }) {
            let linkPages = completions.flatMap { completion in completion.links.map { _ in completion.claim.id } }
            let linkURLs = completions.flatMap { $0.links.map(\.url) }
            let linkHosts = completions.flatMap { $0.links.map(\.host) }
            let linkKinds = completions.flatMap { $0.links.map(\.kind.rawValue) }
            return try await database.run { connection in
                let rows = try await connection.query(
                    """
                    SELECT scrape.crawl_finish(\(worker), \(ids)::bigint[], \(tokens)::bigint[], \(records)::text[],
                        \(delays)::double precision[], \(failed)::boolean[], \(hostJobs)::bigint[], \(hostNames)::text[],
                        \(hostResets)::boolean[], \(hostFailures)::integer[], \(hostCrawlDelays)::double precision[],
                        \(breaker.failureThreshold)::integer, make_interval(secs => \(breaker.cooldown.inSeconds)),
                        make_interval(secs => \(breaker.maximumCooldown.inSeconds)),
                        \(linkPages)::bigint[], \(linkURLs)::text[], \(linkHosts)::text[], \(linkKinds)::smallint[])
                    """, logger: logger)
                for try await counts in rows.decode([Int].self) where counts.count == 2 {
                    return Accepted(completions: counts[0], records: counts[1])
                }
                return Accepted(completions: 0, records: 0)
            }
        }
        return try await database.run { connection in
            let rows = try await connection.query(
                """
                SELECT scrape.finish(\(worker), \(ids)::bigint[], \(tokens)::bigint[], \(records)::text[],
                    \(delays)::double precision[], \(failed)::boolean[], \(hostJobs)::bigint[], \(hostNames)::text[],
                    \(hostResets)::boolean[], \(hostFailures)::integer[], \(hostCrawlDelays)::double precision[],
                    \(breaker.failureThreshold)::integer, make_interval(secs => \(breaker.cooldown.inSeconds)),
                    make_interval(secs => \(breaker.maximumCooldown.inSeconds)))
                """, logger: logger)
            for try await counts in rows.decode([Int].self) where counts.count == 2 {
                return Accepted(completions: counts[0], records: counts[1])
            }
            return Accepted(completions: 0, records: 0)
        }
    }

    /// Extends the leases still held with these tokens; returns how many were.
    public func renew(_ claims: [Claim], lease: Duration, worker: String) async throws(FrontierError) -> Int {
        let logger = self.logger
        let ids = claims.map(\.id)
        let tokens = claims.map(\.token)
        return try await database.run { connection in
            let rows = try await connection.query(
                """
                WITH renewed AS (
                    UPDATE scrape.queue q SET lease_expires = clock_timestamp() + make_interval(secs => \(lease.inSeconds))
                    FROM unnest(\(ids)::bigint[], \(tokens)::bigint[]) AS t(id, token)
                    WHERE q.url_id = t.id AND q.lease_token = t.token RETURNING 1),
                seen AS (UPDATE scrape.workers SET seen_at = clock_timestamp() WHERE id = \(worker) RETURNING 1)
                SELECT (SELECT count(*) FROM renewed), (SELECT count(*) FROM seen)
                """, logger: logger)
            for try await (renewed, _) in rows.decode((Int, Int).self) { return renewed }
            return 0
        }
    }

    /// Puts a job's expired leases back in the queue; returns how many.
    public func reclaimExpired(jobID: Int64) async throws(FrontierError) -> Int {
        let logger = self.logger
        return try await database.run { connection in
            for try await count in try await connection.query("SELECT scrape.reclaim(\(jobID))", logger: logger).decode(Int.self) {
                return count
            }
            return 0
        }
    }

    /// Records the worker (for `status`'s live workers).
    public func register(worker: String) async throws(FrontierError) {
        let logger = self.logger
        try await database.run { connection in
            try await connection.query(
                """
                INSERT INTO scrape.workers (id) VALUES (\(worker))
                ON CONFLICT (id) DO UPDATE SET started_at = now(), seen_at = now(), exited_at = NULL
                """, logger: logger)
        }
    }

    /// Marks the worker exited, so `status` shows it gone at once rather than live until its
    /// heartbeat lapses. Tried once: a worker leaving a database that is gone does not wait
    /// for it (its heartbeat lapses instead).
    public func markExited(worker: String) async throws(FrontierError) {
        let logger = self.logger
        try await database.run(repeatable: false) { connection in
            try await connection.query(
                "UPDATE scrape.workers SET exited_at = clock_timestamp(), seen_at = clock_timestamp() WHERE id = \(worker)", logger: logger)
        }
    }

    /// Whether every URL of these jobs has its record (nothing queued, waiting or leased).
    public func isFinished(jobIDs: [Int64]) async throws(FrontierError) -> Bool {
        let logger = self.logger
        return try await database.run { connection in
            let rows = try await connection.query(
                "SELECT count(*) FROM scrape.jobs WHERE id = ANY(\(jobIDs)::bigint[]) AND done < urls", logger: logger)
            for try await unfinished in rows.decode(Int.self) { return unfinished == 0 }
            return false
        }
    }
}
