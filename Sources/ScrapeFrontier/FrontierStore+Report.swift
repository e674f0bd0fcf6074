import PostgresNIO
import ScrapeBase
import ScrapeCore
public import ScrapeCrawl

extension FrontierStore {
    /// One job's counts, from the counters the statements keep and the small indexes (no
    /// scan of the URL table, whatever its size).
    public struct JobStatus: Sendable, Equatable {
        public let job: FrontierJob
        public let urls: Int
        public let done: Int
        public let failed: Int
        public let leased: Int
        /// Queued, due now or waiting for a retry's backoff.
        public var queued: Int { urls - done - leased }
        /// Records written in the last minute.
        public let lastMinute: Int
        /// Hosts with queued URLs that cannot be claimed now (rate slot ahead, fleet-wide
        /// concurrency reached, or breaker open).
        public let hostsWaiting: Int
        /// Hosts whose shared breaker is open.
        public let hostsBroken: Int
        public let leaseExpiries: Int
        /// A crawl job's links: distinct URLs found as links, by outcome (`scrape crawl`'s
        /// summary line); nil for a list job.
        public var links: LinkCounts? = nil
        /// A crawl job's URLs not yet recorded, by depth (the barrier's counts).
        public var unrecordedByDepth: [Int: Int] = [:]
    }

    /// A worker's heartbeat.
    public struct WorkerStatus: Sendable, Equatable {
        public let id: String
        /// Since its last heartbeat, or since it exited.
        public let secondsSinceSeen: Double
        public let completed: Int
        /// It exited cleanly (``FrontierStore/markExited(worker:)``); one killed just stops
        /// its heartbeat.
        public let exited: Bool

        public init(id: String, secondsSinceSeen: Double, completed: Int, exited: Bool = false) {
            self.id = id
            self.secondsSinceSeen = secondsSinceSeen
            self.completed = completed
            self.exited = exited
        }

        /// How long a worker is live without a heartbeat: a working worker renews its
        /// leases (its heartbeat) every third of its lease, 40 s by default.
        public static let heartbeatLapse: Double = 120

        /// Working: not exited, and seen within ``heartbeatLapse``.
        public var isLive: Bool { !exited && secondsSinceSeen < Self.heartbeatLapse }
    }

    /// Status of one job (or all when `name` is nil), and the workers seen lately.
    public func status(job name: String?) async throws(FrontierError) -> (jobs: [JobStatus], workers: [WorkerStatus]) {
        let stored = try await jobs().filter { name == nil || $0.job.name == name }
        if let name, stored.isEmpty { throw .unknownJob(name) }
        let logger = self.logger
        var list: [JobStatus] = []
        for job in stored {
            let status = try await database.run { connection in
                let rows = try await connection.query(
                    """
                    SELECT j.urls, j.done, j.failed, j.lease_expiries,
                        (SELECT count(*) FROM scrape.queue q WHERE q.job_id = j.id AND q.lease_token IS NOT NULL),
                        (SELECT count(*) FROM scrape.records r WHERE r.job_id = j.id AND r.completed_at > now() - interval '1 minute'),
                        (SELECT count(*) FROM scrape.hosts h WHERE h.job_id = j.id AND h.queued > 0
                            AND (h.next_at > now() OR h.in_flight >= j.per_host_concurrency OR h.open_until > now())),
                        (SELECT count(*) FROM scrape.hosts h WHERE h.job_id = j.id AND h.open_until > now())
                    FROM scrape.jobs j WHERE j.id = \(job.id)
                    """, logger: logger)
                for try await (urls, done, failed, expiries, leased, lastMinute, waiting, broken)
                    in rows.decode((Int, Int, Int, Int, Int, Int, Int, Int).self)
                {
                    return JobStatus(
                        job: job.job, urls: urls, done: done, failed: failed, leased: leased, lastMinute: lastMinute,
                        hostsWaiting: waiting, hostsBroken: broken, leaseExpiries: expiries)
                }
                throw FrontierError.unknownJob(job.job.name)
            }
            if job.job.crawl != nil {
                list.append(try await crawlStatus(status, jobID: job.id))
            } else {
                list.append(status)
            }
        }
        let workers = try await database.run { connection in
            var workers: [WorkerStatus] = []
            let rows = try await connection.query(
                """
                SELECT id, extract(epoch FROM (now() - seen_at))::double precision, completed, exited_at IS NOT NULL FROM scrape.workers
                WHERE seen_at > now() - interval '10 minutes' ORDER BY id
                """, logger: logger)
            for try await (id, seconds, completed, exited) in rows.decode((String, Double, Int, Bool).self) {
                workers.append(WorkerStatus(id: id, secondsSinceSeen: seconds, completed: completed, exited: exited))
            }
            return workers
        }
        return (list, workers)
    }

    /// `status` with a crawl job's link counts and unrecorded URLs by depth (counters,
    /// not the URL table).
    private func crawlStatus(_ status: JobStatus, jobID: Int64) async throws(FrontierError) -> JobStatus {
        let logger = self.logger
        return try await database.run { connection in
            var status = status
            let rows = try await connection.query(
                """
                SELECT links_found, links_followed, links_offsite, links_depth, links_denied, links_duplicate, links_not_http, links_max_pages
                FROM scrape.crawls WHERE job_id = \(jobID)
                """, logger: logger)
            for try await (found, followed, offsite, depth, denied, duplicate, notHTTP, maxPages)
                in rows.decode((Int, Int, Int, Int, Int, Int, Int, Int).self)
            {
                var links = LinkCounts()
                links.found = found
                links.followed = followed
                links.offsite = offsite
                links.depth = depth
                links.denied = denied
                links.duplicate = duplicate
                links.notHTTP = notHTTP
                links.maxPages = maxPages
                status.links = links
            }
            let depths = try await connection.query(
                "SELECT depth, unrecorded FROM scrape.crawl_depths WHERE job_id = \(jobID) AND unrecorded > 0 ORDER BY depth", logger: logger)
            for try await (depth, count) in depths.decode((Int, Int).self) { status.unrecordedByDepth[depth] = count }
            return status
        }
    }

    /// Streams job `jobID`'s records in completion order (those completed at or after
    /// `since`, when given), each as its JSON line with `"worker"` added.
    public func export(
        jobID: Int64, since: ISO8601Time?, line: @Sendable (_ record: String, _ worker: String) throws -> Void
    ) async throws(FrontierError) -> Int {
        let logger = self.logger
        // Not repeated after a lost connection: lines already written would be written twice.
        return try await database.run(repeatable: false) { connection in
            let rows = try await connection.query(
                """
                SELECT record, worker FROM scrape.records
                WHERE job_id = \(jobID) AND (\(since?.text)::timestamptz IS NULL OR completed_at >= \(since?.text)::timestamptz)
                ORDER BY completed_at, url_id
                """, logger: logger)
            var count = 0
            for try await (record, worker) in rows.decode((String, String).self) {
                try line(record, worker)
                count += 1
            }
            return count
        }
    }

    /// `record` (a JSON object on one line) with `"worker":"ID"` as its last field; `null`
    /// for a record `add` wrote (a line never requested: no worker had it).
    public static func exportLine(record: String, worker: String, into output: inout [UInt8]) {
        var bytes = Array(record.utf8)
        if bytes.last == UInt8(ascii: "}") { bytes.removeLast() }
        output.append(contentsOf: bytes)
        output.append(contentsOf: #","worker":"#.utf8)
        if worker.isEmpty { output.append(contentsOf: "null".utf8) } else { JSONLineEncoder.appendString(worker, to: &output) }
        output.append(contentsOf: "}\n".utf8)
    }
}
