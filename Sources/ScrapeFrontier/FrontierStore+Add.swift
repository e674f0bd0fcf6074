import Logging
import PostgresNIO
public import ScrapeCore
import ScrapeCrawl
import ScrapeHTML
import ScrapeHTTP

/// `scrape frontier add`: a job and its URLs, in one transaction.
///
/// 1. The schema is checked first, on its own, so that an unreachable server is waited for
///    (``FrontierDatabase/run(repeatable:_:)``) before anything is read or written.
/// 2. The first lines are read; an empty list creates no job (an existing one still has
///    its settings checked, or changed with `update`).
/// 3. In one transaction: the job is created or checked, then the lines go in chunks
///    (``insert(_:jobID:name:on:)``): URLs queued, lines that are never requested written
///    as done URLs with `scrape run`'s record for them. A failure anywhere (a line the
///    server refuses, the input, the connection) rolls it all back: no job without its
///    URLs, no half list. It is not repeated after a lost connection (the input has been
///    read); running `add` again is safe, since URLs already in the job are skipped.
extension FrontierStore {
    /// What an `add` did.
    public struct AddReport: Sendable, Equatable {
        /// Whether this add created the job (false also when the list was empty and no job was made).
        public var created = false
        /// Whether the job exists now.
        public var jobExists = false
        /// Lines with a URL read.
        public var lines = 0
        /// URLs new to the job (queued or recorded at once).
        public var added = 0
        /// Of ``added``, lines recorded at once (never requested).
        public var recorded = 0
        /// The first ``maxProblems`` lines recorded at once, with their line numbers.
        public var problems: [NewURL.Problem] = []

        public static let maxProblems = 20
    }

    /// Adds `source`'s lines to job `name` (created with `changes` over `defaults` when it
    /// does not exist and the list is not empty), as described at the top of this file.
    ///
    /// - Throws: ``FrontierError/input(_:)`` when the list cannot be read,
    ///   ``FrontierError/settingsDiffer(job:differences:)``, or the database's errors.
    public func add(
        from source: URLSource, toJob name: String, changes: FrontierJob.Changes, defaults: ScrapeConfiguration.HTTP = .init(),
        update: Bool
    ) async throws(FrontierError) -> AddReport {
        try await requireCurrentSchema()
        let first = try await Self.read(source)
        let logger = self.logger
        return try await database.run(repeatable: false) { connection in
            try await connection.withTransaction(logger: logger) { connection in
                var report = AddReport()
                guard
                    let (job, created) = try await Self.settle(
                        job: name, changes: changes, defaults: defaults, update: update, create: first != nil, on: connection, logger: logger)
                else { return report }
                report.created = created
                report.jobExists = true
                // Stored fields were checked by the add that stored them; one that no longer
                // reads only loses the null keys of the lines recorded here.
                let extraction = (try? job.job.extraction()) ?? ScrapeConfiguration.Extraction()
                var chunk: [NewURL] = []
                var chunkBytes = 0
                func send() async throws {
                    guard !chunk.isEmpty else { return }
                    let inserted = try await Self.insert(chunk, jobID: job.id, name: name, on: connection, logger: logger)
                    report.added += inserted.added
                    report.recorded += inserted.recorded
                    chunk.removeAll(keepingCapacity: true)
                    chunkBytes = 0
                }
                var batch = first
                while let lines = batch {
                    for line in lines {
                        let url = NewURL(line, maxURLLength: defaults.clientConfiguration.limits.maxURLLength, keyedFor: extraction)
                        report.lines += 1
                        if let problem = url.problem, report.problems.count < AddReport.maxProblems { report.problems.append(problem) }
                        chunkBytes += url.url.utf8.count + (url.record?.count ?? 0)
                        chunk.append(url)
                    }
                    // Bounded in lines and bytes: a statement's arrays are held whole by both sides.
                    if chunk.count >= 5000 || chunkBytes >= 8 << 20 { try await send() }
                    batch = try await Self.read(source)
                }
                try await send()
                return report
            }
        }
    }

    /// `add --crawl`: creates (or checks) crawl job `name` and adds `seeds` (already read
    /// and checked as `scrape crawl` checks its seeds), in one transaction.
    ///
    /// - Throws: ``FrontierError/settingsDiffer(job:differences:)`` (another crawl's rules,
    ///   or a list job of that name), or the database's errors.
    public func addSeeds(
        _ seeds: [NewURL], toJob name: String, changes: FrontierJob.Changes, defaults: ScrapeConfiguration.HTTP = .init(), update: Bool
    ) async throws(FrontierError) -> AddReport {
        try await requireCurrentSchema()
        let logger = self.logger
        return try await database.run(repeatable: false) { connection in
            try await connection.withTransaction(logger: logger) { connection in
                var report = AddReport()
                guard
                    let (job, created) = try await Self.settle(
                        job: name, changes: changes, defaults: defaults, update: update, create: !seeds.isEmpty, on: connection, logger: logger)
                else { return report }
                report.created = created
                report.jobExists = true
                report.lines = seeds.count
                for start in stride(from: 0, to: seeds.count, by: 5000) {
                    let inserted = try await Self.insert(
                        Array(seeds[start..<min(start + 5000, seeds.count)]), jobID: job.id, name: name, on: connection, logger: logger)
                    report.added += inserted.added
                    report.recorded += inserted.recorded
                }
                return report
            }
        }
    }

    /// The next lines of `source`, its failure as ``FrontierError/input(_:)``.
    static func read(_ source: URLSource) async throws(FrontierError) -> [URLSource.Line]? {
        do {
            return try await source.nextBatch(maxLines: 1024)
        } catch {
            throw .input("\(error)")
        }
    }

    /// Job `name` as stored, created with `changes` over `defaults` when missing (and
    /// `create`), or checked against `changes` (settings not given keep theirs) and, with
    /// `update`, changed to them. nil when it is missing and not to be created.
    static func settle(
        job name: String, changes: FrontierJob.Changes, defaults: ScrapeConfiguration.HTTP, update: Bool, create: Bool,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> (job: StoredJob, created: Bool)? {
        var created = false
        if create {
            let fresh = FrontierJob(name: name, http: defaults).applying(changes)
            let rate = fresh.perHostRate?.perSecond
            let rows = try await connection.query(
                """
                INSERT INTO scrape.jobs (name, per_host_rate, per_host_concurrency, retries, obey_robots, fields, metadata)
                VALUES (\(name), \(rate), \(fresh.perHostConcurrency), \(fresh.retries), \(fresh.obeyRobots), \(fresh.fields)::text[], \(fresh.metadata))
                ON CONFLICT (name) DO NOTHING RETURNING id
                """, logger: logger)
            for try await id in rows.decode(Int64.self) {
                created = true
                if let crawl = fresh.crawl { try await storeCrawl(crawl, jobID: id, insert: true, on: connection, logger: logger) }
            }
        }
        guard let stored = try await job(named: name, on: connection, logger: logger) else {
            if create { throw FrontierError.unknownJob(name) }
            return nil
        }
        if created { return (stored, true) }
        let wanted = stored.job.applying(changes)
        let differences = stored.job.differences(from: wanted)
        guard !differences.isEmpty else { return (stored, false) }
        guard update, (stored.job.crawl == nil) == (wanted.crawl == nil) else {
            // A list job does not become a crawl job (or back): its URLs have no depths.
            throw FrontierError.settingsDiffer(job: name, differences: differences)
        }
        if let crawl = wanted.crawl, crawl != stored.job.crawl {
            try await storeCrawl(crawl, jobID: stored.id, insert: false, on: connection, logger: logger)
        }
        let newRate = wanted.perHostRate?.perSecond
        try await connection.query(
            """
            UPDATE scrape.jobs SET per_host_rate = \(newRate), per_host_concurrency = \(wanted.perHostConcurrency),
                retries = \(wanted.retries), obey_robots = \(wanted.obeyRobots), fields = \(wanted.fields)::text[], metadata = \(wanted.metadata)
            WHERE id = \(stored.id)
            """, logger: logger)
        return (StoredJob(id: stored.id, job: wanted), false)
    }

    /// Job `name` as stored, or nil.
    static func job(named name: String, on connection: PostgresConnection, logger: Logger) async throws -> StoredJob? {
        try await storedJobs(named: name, on: connection, logger: logger).first
    }

    /// The jobs as stored (with their crawl rules), by name; only `name` when given.
    static func storedJobs(named name: String?, on connection: PostgresConnection, logger: Logger) async throws -> [StoredJob] {
        let rows = try await connection.query(
            """
            SELECT j.id, j.name, j.per_host_rate, j.per_host_concurrency, j.retries, j.obey_robots, j.fields, j.metadata,
                c.job_id IS NOT NULL, c.scope, c.max_depth, c.max_pages, c.allow, c.deny, c.follow
            FROM scrape.jobs j LEFT JOIN scrape.crawls c ON c.job_id = j.id
            WHERE \(name)::text IS NULL OR j.name = \(name)::text ORDER BY j.name
            """, logger: logger)
        var list: [StoredJob] = []
        for try await (id, name, rate, concurrency, retries, robots, fields, metadata, isCrawl, scope, maxDepth, maxPages, allow, deny, follow)
            in rows.decode((Int64, String, Double?, Int, Int, Bool, [String], Bool, Bool, String?, Int?, Int?, [String]?, [String]?, String?).self)
        {
            let crawl = isCrawl
                ? CrawlSettings.Rules(
                    scope: scope ?? "host", maxDepth: maxDepth, maxPages: maxPages, allow: allow ?? [], deny: deny ?? [],
                    follow: follow ?? LinkRule.defaultSelector) : nil
            let job = FrontierJob(
                name: name, perHostRate: rate.map { Rate(perSecond: $0) }, perHostConcurrency: concurrency, retries: retries, obeyRobots: robots,
                fields: fields, metadata: metadata, crawl: crawl)
            list.append(StoredJob(id: id, job: job))
        }
        return list
    }

    /// Stores a crawl job's rules (a new row, or the row changed by `--update`).
    static func storeCrawl(
        _ crawl: CrawlSettings.Rules, jobID: Int64, insert: Bool, on connection: PostgresConnection, logger: Logger
    ) async throws {
        if insert {
            try await connection.query(
                """
                INSERT INTO scrape.crawls (job_id, scope, max_depth, max_pages, allow, deny, follow)
                VALUES (\(jobID), \(crawl.scope), \(crawl.maxDepth), \(crawl.maxPages), \(crawl.allow)::text[], \(crawl.deny)::text[], \(crawl.follow))
                """, logger: logger)
        } else {
            try await connection.query(
                """
                UPDATE scrape.crawls SET scope = \(crawl.scope), max_depth = \(crawl.maxDepth), max_pages = \(crawl.maxPages),
                    allow = \(crawl.allow)::text[], deny = \(crawl.deny)::text[], follow = \(crawl.follow)
                WHERE job_id = \(jobID)
                """, logger: logger)
        }
    }

    /// What one chunk added: URLs new to the job, and of them the lines recorded at once.
    struct Inserted {
        var added = 0
        var recorded = 0
    }

    /// Enqueues `urls` for job `jobID` in one statement: URLs already in the job (the same
    /// line) are left as they are; lines that are never requested are written done, with
    /// their records, and counted done and failed. Wakes waiting workers.
    static func insert(_ urls: [NewURL], jobID: Int64, name: String, on connection: PostgresConnection, logger: Logger) async throws -> Inserted {
        let texts = urls.map(\.url)
        let hosts = urls.map(\.host)
        let lines = urls.map { $0.line.map(Self.hex) ?? "" }  // "": none (text arrays: no NULL elements from here)
        let records = urls.map { $0.record.map { String(decoding: $0, as: UTF8.self) } ?? "" }
        let rows = try await connection.query(
            """
            WITH input AS (
                SELECT DISTINCT ON (t.url, t.line) t.url, t.host, decode(nullif(t.line, ''), 'hex') AS line, nullif(t.record, '') AS record
                FROM unnest(\(texts)::text[], \(hosts)::text[], \(lines)::text[], \(records)::text[]) AS t(url, host, line, record)),
            crawl AS (SELECT EXISTS (SELECT 1 FROM scrape.crawls WHERE job_id = \(jobID)) AS is_crawl),
            inserted AS (
                -- a crawl job's URLs are its seeds: depth 0
                INSERT INTO scrape.urls (job_id, url, host, line, state, depth)
                SELECT \(jobID), url, host, line, CASE WHEN record IS NULL THEN 0 ELSE 2 END,
                    CASE WHEN record IS NULL AND (SELECT is_crawl FROM crawl) THEN 0 END
                FROM input ORDER BY host, url
                ON CONFLICT DO NOTHING RETURNING id, url, line, host, state, depth),
            queued AS (
                -- a URL to request waits in the queue (schema version 6) until its record
                INSERT INTO scrape.queue (url_id, job_id, host, depth)
                SELECT id, \(jobID), host, depth FROM inserted WHERE state = 0 ORDER BY id
                RETURNING 1),
            depths AS (
                INSERT INTO scrape.crawl_depths (job_id, depth, unrecorded)
                SELECT \(jobID), 0, count(*) FROM inserted WHERE state = 0 AND depth = 0 HAVING count(*) > 0
                ON CONFLICT (job_id, depth) DO UPDATE SET unrecorded = scrape.crawl_depths.unrecorded + excluded.unrecorded
                RETURNING 1),
            recorded AS (
                INSERT INTO scrape.records (url_id, job_id, worker, record)
                SELECT i.id, \(jobID), '', n.record
                FROM inserted i JOIN input n ON n.url = i.url AND n.line IS NOT DISTINCT FROM i.line
                WHERE i.state = 2 RETURNING 1),
            per_host AS (SELECT host, count(*) AS n FROM inserted WHERE state = 0 GROUP BY host ORDER BY host),
            hosts AS (
                INSERT INTO scrape.hosts (job_id, host, queued) SELECT \(jobID), host, n FROM per_host
                ON CONFLICT (job_id, host) DO UPDATE SET queued = scrape.hosts.queued + excluded.queued RETURNING 1),
            counted AS (
                UPDATE scrape.jobs SET urls = urls + (SELECT count(*) FROM inserted),
                    done = done + (SELECT count(*) FROM recorded), failed = failed + (SELECT count(*) FROM recorded)
                WHERE id = \(jobID) RETURNING 1),
            notified AS (SELECT pg_notify('scrape_frontier', \(name)) WHERE EXISTS (SELECT 1 FROM inserted))
            SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM recorded), (SELECT count(*) FROM hosts),
                (SELECT count(*) FROM counted), (SELECT count(*) FROM notified), (SELECT count(*) FROM depths),
                (SELECT count(*) FROM queued)
            """, logger: logger)
        for try await (added, recorded, _, _, _, _, _) in rows.decode((Int, Int, Int, Int, Int, Int, Int).self) {
            return Inserted(added: added, recorded: recorded)
        }
        return Inserted()
    }

    /// `bytes` in hexadecimal, as PostgreSQL's `decode(text, 'hex')` reads it.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]] }
        return String(decoding: out, as: UTF8.self)
    }
}
